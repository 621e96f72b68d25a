# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Other kernels in the lab, for lab.sh (sourced after common.sh):
#   LAB_GUEST_KERNEL=SUITE   guests boot SUITE's kernel (guest-kernel.sh)
#   LAB_DOM0_KERNEL=SUITE    dom0 boots SUITE's kernel (build-dom0-kernel.sh);
#                            guests keep the default image's kernel unless
#                            LAB_GUEST_KERNEL says otherwise
# SUITE is one of scripts/kernels.sh's (`make kernels`): its chroot in
# XSPLIT_KERNELS_CACHE supplies the kernel release (its headers'), the
# package, and the headers and compiler xsplit's modules are built with.

XSPLIT_KERNELS_CACHE=${XSPLIT_KERNELS_CACHE:-/var/cache/xsplit-kernels}

# kernels_chroot SUITE: print the suite's chroot (kernels.sh keeps one per
# suite behind a symlink named after it).
kernels_chroot() {
	local d
	d=$(readlink -f "$XSPLIT_KERNELS_CACHE/$1" 2>/dev/null) || true
	if [ -z "$d" ] || [ ! -d "$d/usr/src" ]; then
		die "no kernels chroot for '$1' in $XSPLIT_KERNELS_CACHE: run 'sudo scripts/kernels.sh $1'"
	fi
	echo "$d"
}

# chroot_kver CHROOT: the release of the newest amd64 headers in it.
chroot_kver() {
	local d
	for d in "$1"/usr/src/linux-headers-*-amd64; do
		[ -d "$d" ] && echo "${d##*/linux-headers-}"
	done | sort -V | tail -n 1
}

# chroot_kversion CHROOT KVER: the package version of those headers.
chroot_kversion() {
	# shellcheck disable=SC2016  # dpkg-query's format, not ours
	chroot "$1" dpkg-query -W -f '${Version}' "linux-headers-$2"
}

# with_kernels_lock CMD...: kernels.sh replaces a suite's chroot when the
# suite moves on; hold its lock while we use one.
with_kernels_lock() {
	(
		exec 8>"$XSPLIT_KERNELS_CACHE/.lock"
		flock 8
		"$@"
	)
}

# chroot_make CHROOT SRC KDIR: build the modules of SRC (a path inside
# CHROOT) against KDIR with CHROOT's compiler, as lab.sh does on the host.
chroot_make() {
	local rc=0
	# objtool reads /proc/self/limits
	mount -t proc proc "$1/proc"
	# shellcheck disable=SC2016  # expanded inside the chroot
	nice -n 19 chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
		sh -c 'make -C "$1" -j"$(nproc)" KDIR="$2" $3' sh "$2" "$3" "$LAB_MAKE_FLAGS" \
		</dev/null || rc=$?
	umount "$1/proc"
	return "$rc"
}

# cached_build DIR MARKER BUILDER ARGS...: DIR, built by BUILDER ARGS... DIR
# unless DIR/MARKER exists; one builder at a time per cache folder (the
# image cache's lock for dom0 images, as lab.sh's images()).
cached_build() {
	local dir=$1 marker=$2
	shift 2
	if [ -f "$dir/$marker" ]; then
		log "images: cached $dir"
		return 0
	fi
	mkdir -p "$LAB_CACHE_ROOT"
	(
		exec 9>"$(dirname "$dir")/.lock"
		flock 9
		[ -f "$dir/$marker" ] && exit 0
		rm -rf --one-file-system "$dir"
		log "images: building $dir"
		nice -n 19 "$@" "$dir" >&2 || true
		[ -f "$dir/$marker" ] || { rm -rf --one-file-system "$dir"; exit 1; }
	) || die "building $dir failed"
}

# dom0_kernel_image SUITE: print the folder of the dom0 image booting
# SUITE's kernel, building it first if needed.  Its key: the default
# image's, the kernel package, and the variant's builder.
dom0_kernel_image() {
	local chroot kver ver key dir
	chroot=$(kernels_chroot "$1")
	kver=$(chroot_kver "$chroot")
	ver=$(chroot_kversion "$chroot" "$kver")
	key=$({ lab_cache_key; echo "$1 $kver $ver"; cat "$LAB_DIR/host/build-dom0-kernel.sh"; } |
		sha256sum | cut -c1-16)
	dir=$LAB_CACHE_ROOT/dom0-$1-$key
	# (the chroot is only read for the version: no kernels.sh lock for
	# the long build)
	cached_build "$dir" dom0-kernel \
		"$LAB_DIR/host/build-dom0-kernel.sh" "$1" "$chroot" >&2
	echo "$dir"
}

# guest_kernel_pack SUITE: print the folder of SUITE's guest kernel pack,
# building it first if needed (host/guest-kernel.sh).
guest_kernel_pack() {
	local chroot kver ver key dir
	chroot=$(kernels_chroot "$1")
	kver=$(chroot_kver "$chroot")
	ver=$(chroot_kversion "$chroot" "$kver")
	key=$({ echo "$1 $kver $ver"; cat "$LAB_DIR/host/guest-kernel.sh"; } |
		sha256sum | cut -c1-16)
	dir=$LAB_CACHE_ROOT/guestkern/$1-$kver-$key
	mkdir -p "$LAB_CACHE_ROOT/guestkern"
	with_kernels_lock cached_build "$dir" vmlinuz \
		"$LAB_DIR/host/guest-kernel.sh" "$chroot" >&2
	echo "$dir"
}

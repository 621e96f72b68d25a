#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build every xsplit module, W=1, against the kernel headers and compiler of
# several Debian suites, each in its own debootstrap chroot, and fail on any
# error or warning; then install the xsplit-dkms package in each chroot
# with apt (DKMS builds the modules for that kernel), check it, remove it
# and check that nothing is left.  Prints a table: suite, kernel, gcc,
# result, warnings, errors, deb (the package check).
#
#   scripts/kernels.sh [SUITE...]     default: $XSPLIT_KERNEL_SUITES
#
# The chroots live outside the repository, in $XSPLIT_KERNELS_CACHE, one
# directory per suite and key; the key is the version of the suite's
# linux-headers-amd64 and gcc packages, looked up with an `apt-get update`
# inside the chroot we already have, so a second run only rebuilds xsplit
# and a suite that moved on gets a fresh chroot.  XSPLIT_KERNELS_OFFLINE=1
# skips that look-up and uses whatever chroot is cached.
#
# Needs root, debootstrap and network access to the Debian mirror the host's
# apt sources name (or $XSPLIT_MIRROR).  Heavy steps run under nice/ionice so
# they do not starve a lab running on the same machine.
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XSPLIT_KERNELS_CACHE:-/var/cache/xsplit-kernels}
suites=${*:-${XSPLIT_KERNEL_SUITES:-bullseye bookworm bookworm-backports trixie sid}}
offline=${XSPLIT_KERNELS_OFFLINE:-0}
jobs=${XSPLIT_KERNELS_JOBS:-1}
# the packages a chroot needs to build modules (perl: W=1 runs kernel-doc);
# this list and the versions of $keypkgs are a chroot's key
pkgs=linux-headers-amd64,gcc,make,libc6-dev,bc,kmod,perl
keypkgs="linux-headers-amd64 gcc"
low="nice -n 19 ionice -c3"

die() { echo "kernels: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing: run scripts/deps.sh"

# The first URI of the host's Debian sources, else the public mirror.
host_mirror() {
	sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1
}
mirror=${XSPLIT_MIRROR:-$(host_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}

# A suite's base distribution for debootstrap; backports ride on it.
base_of() {
	case "$1" in
	*-backports) echo "${1%-backports}" ;;
	*) echo "$1" ;;
	esac
}

inchroot() {
	dir=$1
	shift
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@" </dev/null
}

# The key of the packages apt would install now ($2 = candidate) or has
# installed ($2 = installed): "<headers version>-<hash of all key versions>".
chroot_key() {
	vers=
	for p in $keypkgs; do
		v=$(inchroot "$1" apt-cache policy "$p" |
			sed -n "s/^  ${2}: //Ip" | head -n 1)
		[ -n "$v" ] && [ "$v" != "(none)" ] || return 1
		vers="$vers $p=$v"
	done
	hv=$(echo "$vers" | sed 's/^ linux-headers-amd64=\([^ ]*\).*/\1/')
	echo "$hv-$(echo "$pkgs$vers" | sha256sum | cut -c1-8)" | tr -c 'A-Za-z0-9.+\n-' _
}

# Make a new chroot for suite $1 and print its directory.
make_chroot() {
	suite=$1
	base=$(base_of "$suite")
	tmp="$cache/.new-$suite-$$"
	rm -rf "$tmp"
	if [ "$base" = "$suite" ]; then
		$low debootstrap --variant=minbase --include=$pkgs \
			"$base" "$tmp" "$mirror" >&2 ||
			die "$suite: debootstrap failed (log: $tmp/debootstrap/debootstrap.log)"
	else
		# backports: the base system first, then the headers from
		# backports (gcc comes with them if the kernel needs another)
		$low debootstrap --variant=minbase \
			--include="$(echo $pkgs | sed 's/linux-headers-amd64,//')" \
			"$base" "$tmp" "$mirror" >&2 ||
			die "$suite: debootstrap failed (log: $tmp/debootstrap/debootstrap.log)"
		echo "deb $mirror $suite main" >"$tmp/etc/apt/sources.list.d/$suite.list"
		printf 'Package: *\nPin: release n=%s\nPin-Priority: 990\n' "$suite" \
			>"$tmp/etc/apt/preferences.d/$suite"
		inchroot "$tmp" apt-get -q -o Acquire::Check-Valid-Until=false \
			update >&2
		$low chroot "$tmp" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
			apt-get -q -y --no-install-recommends install \
			linux-headers-amd64 </dev/null >&2
	fi
	inchroot "$tmp" apt-get clean
	key=$(chroot_key "$tmp" installed) || die "$suite: no $keypkgs in the new chroot"
	rm -rf "${cache:?}/$suite-$key"
	mv "$tmp" "$cache/$suite-$key"
	echo "$cache/$suite-$key"
}

# The chroot to build suite $1 in: the cached one while its key packages
# are current, else a new one (the old one is removed once replaced).
get_chroot() {
	suite=$1
	cur=
	[ -L "$cache/$suite" ] && cur=$(readlink -f "$cache/$suite")
	if [ -n "$cur" ] && [ -d "$cur" ]; then
		[ "$offline" = 1 ] && { echo "$cur"; return; }
		# a snapshot mirror serves sid with an expired Release file
		if ! inchroot "$cur" apt-get -q -o Acquire::Check-Valid-Until=false \
			update >/dev/null 2>&1 ||
			! want=$(chroot_key "$cur" candidate); then
			echo "kernels: $suite: cannot look for updates; using $cur" >&2
			echo "$cur"
			return
		fi
		if [ "$cur" = "$cache/$suite-$want" ]; then
			echo "$cur"
			return
		fi
		echo "kernels: $suite moved on to $want: new chroot" >&2
	fi
	new=$(make_chroot "$suite")
	ln -sfn "$(basename "$new")" "$cache/$suite"
	if [ -n "$cur" ] && [ "$cur" != "$new" ]; then
		# never recurse into a /proc a killed run left mounted
		! mountpoint -q "$cur/proc" || umount "$cur/proc"
		rm -rf "$cur"
	fi
	echo "$new"
}

# The newest kernel build tree in chroot $1, relative to its root.
kdir_of() {
	(cd "$1" && for d in usr/src/linux-headers-*-amd64; do
		[ -d "$d" ] && echo "$d"
	done | sort -V | tail -n 1)
}

# Build xsplit in chroot $1; the log goes to $2.
build_in() {
	dir=$1
	log=$2
	kdir=$(kdir_of "$dir")
	[ -n "$kdir" ] || { echo "no headers in $dir" >"$log"; return 1; }
	rm -rf "$dir/build/xsplit"
	mkdir -p "$dir/build/xsplit"
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		(cd "$top" && xargs -0 tar cf - --no-recursion) |
		tar xf - -C "$dir/build/xsplit"
	# objtool reads /proc/self/limits
	mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
	mounted="$dir/proc"
	rc=0
	# shellcheck disable=SC2016 # expanded inside the chroot
	$low chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C sh -c 'cd /build/xsplit && make -j"$1" KDIR="/$2" W=1 modules' \
		sh "$jobs" "$kdir" </dev/null >"$log" 2>&1 || rc=$?
	umount "$dir/proc"
	mounted=
	return $rc
}

# Install the xsplit-dkms package $3 in chroot $1 as a user would (apt,
# which also brings dkms), check that DKMS built and installed every module
# for the chroot's kernel $4 and that the modprobe file sends the kernel's
# driver names to xsplit's, then remove the package and check that nothing
# is left.  The log goes to $2.
deb_in() {
	ddir=$1
	dkver=$4
	mods="xsplit_core xsplit_blkback xsplit_blkfront xsplit_netback xsplit_netfront"
	cp "$3" "$ddir/build/xsplit-dkms.deb"
	mount -t proc proc "$ddir/proc"
	mounted="$ddir/proc"
	drc=0
	{
		# a run killed half-way may have left it installed
		inchroot "$ddir" dpkg --purge xsplit-dkms
		$low chroot "$ddir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -q -y \
			--no-install-recommends install /build/xsplit-dkms.deb </dev/null ||
			{ echo "deb-check: apt install failed"; drc=1; }
		inchroot "$ddir" dkms status -m xsplit
		for m in $mods; do
			# (by path: sid's depmod indexes /usr/lib/modules)
			ko=$(cd "$ddir" && ls "lib/modules/$dkver/updates/dkms/$m.ko"* 2>/dev/null)
			inchroot "$ddir" modinfo -F vermagic "/$ko" | grep -q "^$dkver " ||
				{ echo "deb-check: $m not installed for $dkver"; drc=1; }
		done
		for m in xen_blkback xen_netback xen_blkfront xen_netfront; do
			inchroot "$ddir" modprobe -n -v -S "$dkver" "$m" |
				grep -q "modprobe xsplit_${m#xen_}" ||
				{ echo "deb-check: modprobe $m does not load xsplit's"; drc=1; }
		done
		inchroot "$ddir" apt-get -q -y remove xsplit-dkms ||
			{ echo "deb-check: apt remove failed"; drc=1; }
		left=$(cd "$ddir" && { ls -d usr/src/xsplit-* var/lib/dkms/xsplit \
			usr/lib/modprobe.d/xsplit.conf usr/sbin/xsplit-stat usr/sbin/xsplit-upgrade \
			lib/modules/*/updates/dkms/xsplit_* 2>/dev/null || true; })
		[ -z "$left" ] || { echo "deb-check: left after remove: $left"; drc=1; }
	} >"$2" 2>&1
	rm -f "$ddir/build/xsplit-dkms.deb"
	umount "$ddir/proc"
	mounted=
	return $drc
}

mounted=
trap '[ -z "$mounted" ] || umount "$mounted"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# what an interrupted run was bootstrapping (we hold the lock: no one is)
rm -rf "$cache"/.new-*

stamp=$(date -u +%Y%m%d-%H%M%S)
out="$top/results/kernels-$stamp"
mkdir -p "$out"
table="$out/table.txt"
row() {
	printf '%-20s %-24s %-8s %-6s %-8s %-6s %s\n' "$@" >>"$table"
}
row suite kernel gcc result warnings errors deb
# the package users install; XSPLIT_KERNELS_DEB=0 skips the DKMS check
deb=
[ "${XSPLIT_KERNELS_DEB:-1}" = 0 ] || deb=$("$top/scripts/mkdeb.sh" "$out")
fail=0
for suite in $suites; do
	start=$(date +%s)
	log="$out/$suite.log"
	if ! dir=$(get_chroot "$suite"); then
		row "$suite" - - NOENV - - -
		fail=1
		continue
	fi
	rc=0
	build_in "$dir" "$log" || rc=$?
	kdir=$(kdir_of "$dir")
	kver=${kdir#usr/src/linux-headers-}
	gccv=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)\([0-9][0-9]\)\([0-9][0-9]\)$/\1.\2.\3/p' \
		"$dir/$kdir/include/config/auto.conf" | sed 's/\.0\([0-9]\)/.\1/g')
	warns=$(grep 'warning:' "$log" | grep -vc 'Skipping BTF' || true)
	errs=$(grep -c 'error:' "$log" || true)
	result=ok
	if [ "$rc" != 0 ] || [ "$errs" != 0 ] || [ "$warns" != 0 ]; then
		result=FAIL
		fail=1
	fi
	debres=-
	if [ -n "$deb" ]; then
		debres=ok
		deb_in "$dir" "$out/$suite-deb.log" "$deb" "$kver" || {
			debres=FAIL
			fail=1
		}
	fi
	row "$suite" "$kver" "${gccv:-?}" "$result" "$warns" "$errs" "$debres"
	echo "kernels: $suite $result in $(($(date +%s) - start)) s, log $log" >&2
done
cat "$table"
[ "$fail" = 0 ] || { echo "kernels: FAIL (logs in $out)" >&2; exit 1; }
echo "kernels: every suite builds, W=1, no warnings; the package installs and removes ($out)"

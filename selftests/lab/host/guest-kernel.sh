#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a "guest kernel pack" for the lab: another Debian suite's kernel for
# the PV guests, with the in-tree modules the guests' /init and jobs load.
#   OUTDIR/vmlinuz       the suite's kernel (Debian's signed build, as is)
#   OUTDIR/kver          its release (uname -r)
#   OUTDIR/version       the linux-image package version
#   OUTDIR/tree/lib/modules/KVER/{intree,fs}/   *.ko (uncompressed) + order
# guest/init moves tree/lib/modules/KVER/* over /lib/modules/ when it runs
# under that kernel, so the base initramfs (built for dom0's kernel) keeps
# working unchanged.
#
# The kernel comes from the suite's chroot of scripts/kernels.sh (`make
# kernels`), CHROOT, whose headers xsplit's modules are then built against:
# the pack is the linux-image package of exactly the headers' release,
# fetched with `apt-get download` in that chroot (nothing is installed).
#
# Usage: guest-kernel.sh CHROOT OUTDIR   (OUTDIR must not exist yet)
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

CHROOT=$1
OUT=$2
WORK=$OUT.tmp
DL=""	# the download folder inside CHROOT

cleanup() {
	rm -rf --one-file-system "$WORK"
	[ -z "$DL" ] || rm -rf --one-file-system "${CHROOT:?}/$DL"
}
trap cleanup EXIT

# kver_of CHROOT: the release of the newest amd64 headers in a chroot.
kver_of() {
	local d
	for d in "$1"/usr/src/linux-headers-*-amd64; do
		[ -d "$d" ] && basename "$d"
	done | sed 's/^linux-headers-//' | sort -V | tail -n 1
}

# in_chroot CMD...: run CMD in CHROOT with a clean environment.
in_chroot() {
	chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@" </dev/null
}

# download PACKAGE=VERSION: fetch one package into the chroot's $DL.
download() {
	log "apt-get download $1"
	in_chroot sh -c 'cd "$1" && apt-get -q download "$2"' sh "/$DL" "$1" \
		>>"$WORK/download.log" 2>&1 ||
		{ cat "$WORK/download.log"; die "cannot download $1"; }
}

# fetch_image KVER VERSION: unpack linux-image-KVER into $WORK/image.
# Newer suites split it: linux-image-KVER then only depends on
# linux-binary-KVER (the kernel) and linux-modules-KVER, of one version.
fetch_image() {
	local deb dep
	DL=tmp/lab-guest-kernel.$$
	mkdir -p "$CHROOT/$DL"
	download "linux-image-$1=$2"
	for dep in $(dpkg-deb -f "$CHROOT/$DL"/linux-image-*.deb Depends | tr ',|' '\n\n' |
		awk -v b="linux-binary-$1" -v m="linux-modules-$1" '$1 == b || $1 == m { print $1 }'); do
		download "$dep=$2"
	done
	for deb in "$CHROOT/$DL"/*.deb; do
		dpkg-deb -x "$deb" "$WORK/image"
	done
}

# moddir: the modules of the unpacked image (merged /usr or not).
moddir() {
	local d
	for d in "$WORK/image/usr/lib/modules/$KVER" "$WORK/image/lib/modules/$KVER"; do
		[ -d "$d/kernel" ] && { echo "$d"; return; }
	done
	die "no modules in linux-image-$KVER"
}

# decompress SRC DST: Debian ships modules as .ko, .ko.xz or .ko.zst; the
# guests' busybox insmod gets them plain (the signature stays appended).
decompress() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -q -dc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# add_module DIR NAME: copy module NAME and (first) what it depends on into
# the pack's DIR (intree or fs), in insmod order.  A module built into the
# kernel, or gone from it, needs nothing.
add_module() {
	local dir=$OUT_TREE/$1 name=$2 src ko dep
	src=$(find "$MODDIR/kernel" -name "$(echo "$name" | sed 's/[-_]/[-_]/g').ko*" | head -n 1)
	if [ -z "$src" ]; then
		grep -q "/$(echo "$name" | sed 's/[-_]/[-_]/g')\.ko$" "$MODDIR/modules.builtin" 2>/dev/null ||
			log "no module $name in $KVER (neither a module nor built in)"
		return 0
	fi
	ko=$(basename "$src")
	ko=${ko%%.ko*}.ko
	[ -e "$dir/$ko" ] && return 0
	mkdir -p "$dir"
	decompress "$src" "$WORK/$ko"
	for dep in $(modinfo -F depends "$WORK/$ko" | tr , ' '); do
		add_module "$1" "$dep"
	done
	mv "$WORK/$ko" "$dir/$ko"
	echo "$ko" >>"$dir/order"
}

main() {
	local version
	[ "$(id -u)" = 0 ] || die "needs root (chroot)"
	KVER=$(kver_of "$CHROOT")
	[ -n "$KVER" ] || die "no kernel headers in $CHROOT (run: make kernels)"
	version=$(in_chroot dpkg-query -W -f '${Version}' "linux-headers-$KVER")
	mkdir -p "$WORK"
	fetch_image "$KVER" "$version"
	MODDIR=$(moddir)
	OUT_TREE=$WORK/tree/lib/modules/$KVER
	# /boot, or (from Debian 14) beside the modules
	cp "$WORK/image/boot/vmlinuz-$KVER" "$WORK/vmlinuz" 2>/dev/null ||
		cp "$MODDIR/vmlinuz" "$WORK/vmlinuz"
	echo "$KVER" >"$WORK/kver"
	echo "$version" >"$WORK/version"
	# What guest/init and the jobs load: the same list as the base
	# initramfs (host/build-images.sh).
	add_module intree xen-blkfront
	add_module intree xen-netfront
	add_module fs crc32c_generic
	add_module fs ext4
	rm -rf --one-file-system "$WORK/image"
	log "guest kernel $KVER ($version): $(cd "$OUT_TREE" && echo */*.ko)"
	mv "$WORK" "$OUT"
}

main

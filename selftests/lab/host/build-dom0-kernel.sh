#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the lab images of host/build-images.sh with another kernel for dom0:
# the same bookworm rootfs, Xen and packages, but the kernel package of
# exactly the release whose headers the chroot CHROOT of scripts/kernels.sh
# (`make kernels`) holds for SUITE, e.g. bookworm-backports' 6.12.  xsplit's
# dom0 modules are then built in that chroot.  OUTDIR gets the same files as
# build-images.sh's (the guest base initramfs too, for that kernel) and
# `dom0-kernel` ("SUITE KVER VERSION").
#
# build-images.sh is used as is, with two of its inputs changed: apt also
# sees SUITE, and the package list names linux-image-KVER (and
# linux-headers-KVER) instead of linux-image-amd64 (linux-headers-amd64).  Its text is untouched, so the default image's cache
# key (host/common.sh lab_cache_key) does not move.
#
# Usage: build-dom0-kernel.sh SUITE CHROOT OUTDIR   (OUTDIR must not exist)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=$1
CHROOT=$2
OUTDIR=$3
set -- "$OUTDIR"

# Everything of build-images.sh but its last line, "main "$@"", so that its
# functions can run here with the inputs below (it sources common.sh and
# takes OUTDIR from $1, as when run).
[ "$(tail -n 1 "$HERE/build-images.sh")" = 'main "$@"' ] ||
	{ echo "build-images.sh does not end in main: update $0" >&2; exit 1; }
# shellcheck source=build-images.sh
. <(sed '$d' "$HERE/build-images.sh")

KVER=$(cd "$CHROOT/usr/src" && for d in linux-headers-*-amd64; do
	[ -d "$d" ] && echo "${d#linux-headers-}"; done | sort -V | tail -n 1)
[ -n "$KVER" ] || die "no kernel headers in $CHROOT (run: make kernels)"
VERSION=$(chroot "$CHROOT" dpkg-query -W -f '${Version}' "linux-headers-$KVER")

# The image's apt sources plus SUITE on the same mirror.  Its packages keep
# apt's default low priority (backports: 100): only the kernel, named by
# its exact release below, comes from it.
eval "base_$(declare -f lab_apt_sources)"
lab_apt_sources() {
	local mirror
	base_lab_apt_sources
	mirror=$(base_lab_apt_sources | awk '$3 !~ /-/ { print $2; exit }')
	echo "deb $mirror $SUITE main"
}
# (and its headers, if the image has the default kernel's: a dom0 that
# builds modules itself, e.g. DKMS, gets them for the kernel it runs)
LAB_PACKAGES=$(echo "$LAB_PACKAGES" | sed -e "s/\\blinux-image-amd64\\b/linux-image-$KVER=$VERSION/" \
	-e "s/\\blinux-headers-amd64\\b/linux-headers-$KVER=$VERSION/")
log "dom0 kernel: linux-image-$KVER=$VERSION from $SUITE"
main
[ "$(cat "$OUTDIR/kver")" = "$KVER" ] || die "the image boots $(cat "$OUTDIR/kver"), not $KVER"
# the mark of a complete build (lab.sh)
echo "$SUITE $KVER $VERSION" >"$OUTDIR/dom0-kernel"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install everything xsplit's build and tests need on Debian 12.
# linux-headers-amd64 is Debian's 6.1 kernel, the one the lab runs.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
	build-essential make gcc libc6-dev bc kmod \
	linux-headers-amd64 dkms sparse \
	libcmocka-dev lcov clang llvm \
	git ca-certificates linux-source-6.1 xz-utils codespell \
	qemu-system-x86 qemu-utils debootstrap busybox-static cpio zstd \
	e2fsprogs fakeroot gnuplot-nox python3

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build directory to build against (or, with --version, its
# kernel release).  The running kernel's tree wins; otherwise the newest
# installed Debian linux-headers-*-amd64, so a build box that does not run
# the lab kernel still builds for it.
set -eu
running=/lib/modules/$(uname -r)/build
if [ -d "$running" ]; then
	kdir=$running
else
	kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "${kdir:-}" ] || exit 0
if [ "${1:-}" = --version ]; then
	if [ "$kdir" = "$running" ]; then
		uname -r
	else
		basename "$kdir" | sed 's/^linux-headers-//'
	fi
else
	echo "$kdir"
fi

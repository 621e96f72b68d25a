#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Add, build and install xsplit through DKMS for one kernel version.
#   scripts/dkms-install.sh <version> <kernel release>
#   XSPLIT_DKMS_STEPS="add build" to stop before installing (CI, build boxes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$1
kver=$2
steps=${XSPLIT_DKMS_STEPS:-add build install}
src=/usr/src/xsplit-$ver

grep -q "^PACKAGE_VERSION=\"$ver\"$" "$top/dkms.conf" || {
	echo "dkms.conf PACKAGE_VERSION does not match VERSION ($ver)" >&2
	exit 1
}

# A previous copy of the same version would shadow this tree.
if dkms status -m xsplit -v "$ver" | grep -q .; then
	dkms remove -m xsplit -v "$ver" --all
fi
rm -rf "$src"
mkdir -p "$src"
# Only what git tracks: no build products, caches or lab results.
(cd "$top" && git ls-files -z | xargs -0 tar -cf - ) | tar -xf - -C "$src"

for step in $steps; do
	case $step in
	add)	dkms add -m xsplit -v "$ver" ;;
	*)	dkms "$step" -m xsplit -v "$ver" -k "$kver" ;;
	esac
done
# With the modules, the tools that read their statistics and replace them
# live (as the package).
case " $steps " in
*" install "*)
	install -m 755 "$top/tools/xsplit-stat" /usr/sbin/xsplit-stat
	install -m 755 "$top/tools/xsplit-upgrade" /usr/sbin/xsplit-upgrade
	;;
esac
dkms status -m xsplit -v "$ver"

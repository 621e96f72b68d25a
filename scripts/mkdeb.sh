#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the xsplit-dkms Debian package from the files git tracks:
#   scripts/mkdeb.sh [OUTDIR]      (default: the top of the tree)
# prints the path of the .deb.  Only dpkg-deb is needed (no debhelper):
# the package is a DKMS source tree, the maintainer scripts in pkg/deb/
# the modprobe file that makes xsplit's drivers load in place of the
# kernel's, and tools/xsplit-stat and tools/xsplit-upgrade in /usr/sbin.  The test-only parts of the tree (selftests/, CI) are left out.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top}
ver=$(cat "$top/VERSION")
pkg=$top/pkg/deb

die() { echo "mkdeb: $*" >&2; exit 1; }

command -v dpkg-deb >/dev/null || die "dpkg-deb missing"
grep -q "^PACKAGE_VERSION=\"$ver\"$" "$top/dkms.conf" ||
	die "dkms.conf PACKAGE_VERSION differs from VERSION ($ver)"

stage=$(mktemp -d)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT
src=$stage/usr/src/xsplit-$ver
doc=$stage/usr/share/doc/xsplit-dkms
mkdir -p "$src" "$doc" "$stage/DEBIAN" "$stage/usr/lib/modprobe.d"

# The product sources: what DKMS needs to build the five modules.  In a
# git checkout, the files git tracks; in an unpacked copy of the sources
# (the lab's, which holds no build products), every file.
ingit=0
[ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" != "$top" ] || ingit=1
mtime=${SOURCE_DATE_EPOCH:-0}
[ $ingit = 0 ] || mtime=$(git -C "$top" log -1 --format=%ct 2>/dev/null || echo 0)
if [ $ingit = 1 ]; then
	git -C "$top" ls-files -z -- . ':!selftests' ':!.ci' ':!pkg'
else
	(cd "$top" && find . -type f -not -path './selftests/*' -not -path './.ci/*' \
		-not -path './pkg/*' -print0)
fi | (cd "$top" && xargs -0 tar cf - --no-recursion) | tar xf - -C "$src"

install -m 644 "$pkg/xsplit.modprobe" "$stage/usr/lib/modprobe.d/xsplit.conf"
# The statistics tool of the backends (python3, standard library only).
install -D -m 755 "$top/tools/xsplit-stat" "$stage/usr/sbin/xsplit-stat"
# The live upgrade of the backend modules (python3, standard library).
install -m 755 "$top/tools/xsplit-upgrade" "$stage/usr/sbin/xsplit-upgrade"
install -m 644 "$pkg/README.Debian" "$pkg/copyright" "$doc/"
for f in postinst prerm; do
	sed "s/@VERSION@/$ver/g" "$pkg/$f.in" >"$stage/DEBIAN/$f"
	chmod 755 "$stage/DEBIAN/$f"
done
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$ver/g" -e "s/@SIZE@/$size/" "$pkg/control.in" \
	>"$stage/DEBIAN/control"

# Reproducible: every file owned by root, mtimes from the last commit.
find "$stage" -exec touch -h -d "@$mtime" {} +
mkdir -p "$out"
deb=$out/xsplit-dkms_${ver}_all.deb
SOURCE_DATE_EPOCH=$mtime dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"

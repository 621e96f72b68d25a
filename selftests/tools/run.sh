#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests of tools/xsplit-stat and tools/xsplit-upgrade (make check),
# xsplit-stat's with promtool beside the
# built-in Prometheus format checker when it can be had: on PATH, else
# the promtool of Debian's prometheus package, unpacked into a cache and
# never installed (installing the package would start a server).
# XSPLIT_PROMTOOL=0 skips promtool.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

cache_dir() {
	if [ "$(id -u)" = 0 ]; then
		echo /var/cache/xsplit-promtool
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/xsplit-promtool"
	fi
}

# find_promtool: prints its path, or nothing.
find_promtool() {
	local ver dir tmp
	command -v promtool && return 0
	ver=$(apt-cache policy prometheus 2>/dev/null |
		awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 0
	dir=$(cache_dir)/$ver
	if [ ! -x "$dir/promtool" ]; then
		mkdir -p "$dir"
		tmp=$(mktemp -d)
		if (cd "$tmp" && apt-get download -q "prometheus=$ver" >/dev/null 2>&1) &&
			dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb |
			tar -xOf - ./usr/bin/promtool >"$dir/promtool.tmp"; then
			chmod 755 "$dir/promtool.tmp"
			mv "$dir/promtool.tmp" "$dir/promtool"
		fi
		rm -rf "$tmp" "$dir/promtool.tmp"
	fi
	[ ! -x "$dir/promtool" ] || echo "$dir/promtool"
}

if [ "${XSPLIT_PROMTOOL:-1}" = 1 ] && [ -z "${PROMTOOL:-}" ]; then
	PROMTOOL=$(find_promtool)
	export PROMTOOL
fi
echo "xsplit-stat tests: promtool ${PROMTOOL:-not available (built-in checker only)}"
rc=0
python3 "$here/test_xsplit_stat.py" || rc=1
python3 "$here/test_xsplit_upgrade.py" || rc=1
exit "$rc"

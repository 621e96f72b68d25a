#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build every module with W=1 and fail on any compiler or modpost warning:
# a warning-free W=1 build is part of the test suite, not a wish.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
rc=$(mktemp)
trap 'rm -f "$log" "$rc"' EXIT
# make's own status decides (sh has no pipefail: it goes through a file);
# the output is still shown as it comes.
{
	st=0
	make -C "$top" W=1 modules 2>&1 || st=$?
	echo "$st" >"$rc"
} | tee "$log"
if [ "$(cat "$rc")" != 0 ]; then
	echo "build: make failed (exit status $(cat "$rc"))" >&2
	exit 1
fi
# A clean exit status is not enough: W=1 warnings fail the check too.
if grep -E '(warning|error):' "$log" | grep -v 'Skipping BTF' >/dev/null; then
	echo "build: W=1 warnings or errors (above)" >&2
	exit 1
fi
echo "build: $(find "$top" -name '*.ko' -not -path "$top/results/*" | wc -l) modules, W=1, no warnings"

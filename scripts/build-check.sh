#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build every module with W=1 and fail on any compiler or modpost warning:
# a warning-free W=1 build is part of the test suite, not a wish.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
make -C "$top" W=1 modules 2>&1 | tee "$log"
# tee hides make's status; a failed build leaves no fresh .ko to count on.
if grep -E '(warning|error):' "$log" | grep -v 'Skipping BTF' >/dev/null; then
	echo "build: W=1 warnings or errors (above)" >&2
	exit 1
fi
grep -q 'Error [0-9]' "$log" && exit 1
echo "build: $(find "$top" -name '*.ko' -not -path "$top/results/*" | wc -l) modules, W=1, no warnings"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Summarise gcov line/function coverage of the protocol code the unit tests
# exercise: ring/ (header-only, so counted where it is inlined) and xenbus/.
set -eu
# Debian's lcov 1.16 warns about redefined geninfo subroutines on every
# run; that noise says nothing about our code.
lcov --quiet --capture --directory . --output-file coverage.info \
	--rc lcov_branch_coverage=1 2>&1 | grep -v 'redefined at' || true
lcov --quiet --extract coverage.info '*/ring/*' '*/xenbus/*' '*/grant/*' \
	'*/evtchn/*' '*/blkback/*' '*/blkfront/*' '*/netback/*' '*/netfront/*' \
	--output-file coverage.info --rc lcov_branch_coverage=1 >/dev/null
for area in ring xenbus grant evtchn blkback blkfront netback netfront; do
	if lcov --quiet --extract coverage.info "*/$area/*" \
		--output-file "cov-$area.info" >/dev/null 2>&1 &&
	   [ -s "cov-$area.info" ]; then
		printf '%-9s ' "$area/"
		lcov --summary "cov-$area.info" 2>&1 | grep -E 'lines|functions' |
			tr -s ' ' | tr '\n' ' '
		echo
	fi
	rm -f "cov-$area.info"
done
lcov --summary coverage.info 2>&1 | grep -E 'lines|functions'

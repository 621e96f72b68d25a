#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every unit-test binary, let cmocka print its own report, and end with
# one total line.  Exit status is non-zero if any test failed.
set -u
pass=0
fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	[ $rc -eq 0 ] || [ -n "$f" ] || fail=$((fail + 1))
done
echo "unit tests: $pass passed, $fail failed ($# suites)"
[ $fail -eq 0 ]

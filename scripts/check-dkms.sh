#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every module the build produced must be listed in dkms.conf, and
# dkms.conf's version must be the tree's VERSION: otherwise a DKMS install
# silently leaves a module out or installs under the wrong name.
# Test-only modules (selftests/, e.g. the lab's hostile peers) are never
# installed: dkms.conf must not list them, and its build leaves them out.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
status=0
for ko in $(find . -name '*.ko' -not -path './results/*' -not -path './selftests/*' | sort); do
	name=$(basename "$ko" .ko)
	grep -q "^BUILT_MODULE_NAME\[[0-9]*\]=\"$name\"$" dkms.conf || {
		echo "dkms.conf does not list $name" >&2
		status=1
	}
done
grep -q "^PACKAGE_VERSION=\"$(cat VERSION)\"$" dkms.conf || {
	echo "dkms.conf PACKAGE_VERSION differs from VERSION" >&2
	status=1
}
if grep -q '^BUILT_MODULE_NAME\[[0-9]*\]="xsplit_hostile_' dkms.conf; then
	echo "dkms.conf lists a test-only module" >&2
	status=1
fi
[ $status -ne 0 ] || echo "dkms.conf: lists every built module"
exit $status

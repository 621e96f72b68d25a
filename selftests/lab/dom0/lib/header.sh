# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A scenario's "# lab: KEY=VALUE ..." lines (modes, timeout, skips...),
# read the same way by the host (lab.sh: how many tests, the global
# deadline) and by dom0's runner (each test's timeout, its modes and
# allowed skips).  lab.sh packs dom0/ on the input disk, so the runner
# finds this file at $LAB/dom0/lib/header.sh.

# header FILE KEY DEFAULT: the value of KEY in scenario FILE, else
# DEFAULT.  In a full run (LAB_X_FULL=1), KEY_full wins where it is given.
header() {
	local v=""
	[ "${LAB_X_FULL:-0}" = 1 ] && v=$(header_value "$1" "$2_full")
	[ -n "$v" ] || v=$(header_value "$1" "$2")
	echo "${v:-$3}"
}

# header_value FILE KEY: the first value of KEY on a "# lab:" line, or
# nothing.
header_value() {
	sed -n "/^# lab:/s/.*[: ]$2=\\([^ ]*\\).*/\\1/p" "$1" 2>/dev/null | head -n1
}

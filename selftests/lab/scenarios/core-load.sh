#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit_core.ko loads and unloads cleanly, in dom0 and in a PV guest.
# lab: timeout=420
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

core=$LAB/modules/xsplit_core.ko
[ -f "$core" ] || fail "xsplit_core.ko was not built"

step "dom0: insmod/rmmod xsplit_core"
# Earlier scenarios may have left xsplit's backends (and so the core) in.
unload xsplit_blkback xsplit_netback xsplit_core || fail "xsplit modules stay"
insmod "$core" || fail "insmod in dom0"
grep -q '^xsplit_core ' /proc/modules || fail "not in /proc/modules"
rmmod xsplit_core || fail "rmmod in dom0"
dmesg | grep xsplit | tail -n 5

guest_run coreguest "$(guest_job core-load)" || fail "load/unload in the guest"
check_leaks

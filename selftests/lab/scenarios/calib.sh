#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The unit costs of Xen I/O on this machine (issue #15): figures, never
# asserted.  A guest loads the test-only xsplit_calib module with
# role=offer (it grants 256 pages to dom0 and opens an event channel that
# echoes every event back); dom0 then loads it with role=measure and
# times, through xsplit's core, grant copies of 1 and 256 pages in one
# hypercall, grant map + unmap of 1 and of 16 pages (and of one page into
# a page held across the loop, without the core's per-map page
# allocation), an event send and a full event round trip.  Both domains
# also time memcpy, copy_page and clear_page of 4 KiB and 1 MiB.  The
# table (calib.txt, calib.csv) gives ns per op in each domain; what a
# lever saves per I/O is read from it (selftests/lab/README.md).
# Pass: every op was timed and nothing warned.  LAB_X_CALIB_REPS sets the
# repetitions of the 4 KiB ops (default 200).
# lab: timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

REPS=${LAB_X_CALIB_REPS:-200}
MOD=$LAB/modules/xsplit_calib.ko
# what each domain must have timed
OPS_CPU="memcpy_4k copy_page_4k clear_page_4k memcpy_1m clear_page_1m"
OPS_XEN="gntcopy_1x4k gntcopy_256x4k map_unmap_1_core map_unmap_16_core
	map_unmap_1_bare evtchn_send evtchn_round_trip"

[ -f "$MOD" ] || fail "xsplit_calib.ko was not built"
loaded xsplit_core || insmod "$LAB/modules/xsplit_core.ko" ||
	fail "insmod xsplit_core in dom0"

cat >"$LAB_OUT/job-calib.sh" <<JOB
[ -d /sys/module/xsplit_core ] || insmod /lab/modules/xsplit_core.ko || exit 1
insmod /lab/modules/xsplit_calib.ko role=offer reps=$REPS || exit 1
dmesg | grep 'CALIB '
echo CALIB-READY
sleep 3600
JOB
LAB_FE=none guest_start calib "$LAB_OUT/job-calib.sh"
console_mark calib CALIB-READY 300
domid=$(xl domid calib) || fail "the calib guest is gone"

step "dom0: measuring against dom$domid, $REPS repetitions"
insmod "$MOD" role=measure domid="$domid" reps="$REPS" ||
	{ dmesg | grep xsplit_calib | tail -n 20; fail "insmod role=measure"; }
dmesg | grep 'CALIB dom0 ' >"$LAB_OUT/dom0.calib"
rmmod xsplit_calib || fail "rmmod xsplit_calib in dom0"
timeout 60 xl destroy calib || fail "xl destroy calib"
guest_collect calib
grep -a 'CALIB guest ' "$LAB_OUT/calib/console.log" | tr -d '\r' \
	>"$LAB_OUT/guest.calib"

# ns FILE OP: the op's ns per op in that domain's figures (empty if absent)
ns() { sed -n "s/.*CALIB [a-z0-9]* $2 n=[0-9]* ns=\\([0-9]*\\).*/\\1/p" "$1" | tail -n 1; }

missing=""
{
	echo "op,dom0_ns,guest_ns"
	for op in $OPS_CPU $OPS_XEN; do
		echo "$op,$(ns "$LAB_OUT/dom0.calib" "$op"),$(ns "$LAB_OUT/guest.calib" "$op")"
	done
} >"$LAB_OUT/calib.csv"
for op in $OPS_CPU; do
	[ -n "$(ns "$LAB_OUT/guest.calib" "$op")" ] || missing="$missing guest:$op"
done
for op in $OPS_CPU $OPS_XEN; do
	v=$(ns "$LAB_OUT/dom0.calib" "$op")
	[ -n "$v" ] || missing="$missing dom0:$op"
	kv "$op" "${v:-none}"
done
awk -F, '{ printf "%-20s %12s %12s\n", $1, $2, $3 }' "$LAB_OUT/calib.csv" |
	tee "$LAB_OUT/calib.txt"
[ -z "$missing" ] || fail "not timed:$missing"
check_leaks

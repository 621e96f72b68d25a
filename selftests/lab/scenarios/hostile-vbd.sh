#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile vbd frontend against dom0's blkback (issue #14).  The guest
# runs no block frontend of ours or the kernel's (lab.fe=none) but the
# test-only xsplit_hostile_vbd module, which N times connects, sets its
# ring's req_prod far beyond the ring, notifies, goes Closed and back to
# Initialising (selftests/hostile/hostile_vbd.c).  Run once per backend
# (modes=be): the kernel's xen-blkback is the control.
#
# dom0 measures with no guest before, and after the guest is destroyed:
# MemAvailable, Slab, SUnreclaim, the backend's threads, the event channels
# bound in dom0, xsplit's live counters.  Pass: all back to the baseline
# (MemAvailable and SUnreclaim within 16 MiB, no thread, channel or grant
# left), the domain gone from `xl list` within 60 s (not left dying), a
# well-behaved guest then uses the same disk (dom0 can claim it, fio
# verify through the in-tree frontend), the backend module unloads, and no
# WARNING/BUG/Oops in dom0's dmesg.  A table of it all per backend.
# Cycles: LAB_X_HV_CYCLES, else 20 (quick) or 100 (LAB_X_FULL=1).  Under
# TCG a cycle takes about 2.5 s; a mode ~5 min quick, ~9 min full.
# lab: modes=be timeout=720 timeout_full=1200
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# shellcheck source=../dom0/hostile.sh
. "$LAB/dom0/hostile.sh"

N=${LAB_X_HV_CYCLES:-20}
[ "${LAB_X_FULL:-0}" = 1 ] && N=${LAB_X_HV_CYCLES:-100}
RESERVE_S=330		# after the hostile guest: destroy, settle, ok guest

hostile_setup vbd
disk=$(nullb hostiledisk 64 1) || fail "$disk"

# ok_guest: a well-behaved guest (in-tree frontend) on the same disk.
ok_guest() {
	LAB_FE=intree guest_run okguest "$(guest_job hostile-vbd-ok)" \
		"disk = ['phy:$disk,xvdb,w']"
}

BEFORE=$LAB_OUT/before AFTER=$LAB_OUT/after
measure "$BEFORE"
step "hostile guest: $N connect-corrupt-close cycles against $LAB_BE blkback"
t0=$(now_ms)
hostile_vbd_run "$disk" "N=$N"
kv hostile_ms $(( $(now_ms) - t0 ))
settle "$BEFORE"
measure "$AFTER"

g_ok=$(hostile_field ok)
row "guest: cycles ok, of $N" - "${g_ok:-none}" "$(check [ "${g_ok:-}" = "$N" ])"
row "guest: backend went Closing" - "$(hostile_field closing)" -
row "guest: backend stayed Connected" - "$(hostile_field connected)" -
s=$(hostile_field still_mapped)
row "guest: rings mapped after Closed" - "${s:-none}" "$(check [ "${s:-}" = 0 ])"
job_errors_row
leak_rows
final_rows "$disk"
step "a well-behaved guest on the same disk"
if ok_guest; then
	row "new guest: fio verify on the disk" - passed ok
else
	row "new guest: fio verify on the disk" - failed FAIL
fi
unload_rows
# What the backend said about the hostile rings, in short.
echo "dom0 dmesg: $(grep -c 'producer index\|bogus ring' "$LAB_OUT/dmesg.txt") corrupt-ring lines, first:"
grep -m 3 'producer index\|bogus ring' "$LAB_OUT/dmesg.txt"
table "hostile-vbd against $LAB_BE blkback: $N cycles (guest: ${SUMMARY#*done })"
echo "$LAB_BE blkback: $N hostile cycles, nothing left behind"

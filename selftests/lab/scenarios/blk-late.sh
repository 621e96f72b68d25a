#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A detach under load as Linux's blkfront plays it, against dom0's
# blkback.  The guest runs no block frontend but the test-only
# xsplit_hostile_vbd module's "late" scenario (selftests/hostile/
# hv_late.c): N rounds of connect, publish 8 reads, go Closed with them
# in flight, and at their first answer publish 8 more.  Linux's blkfront
# does the same (the interrupt that takes answers starts the queues it
# stopped when it began closing), and has no request timeout: a request
# the backend never answers holds its disk for good, the rare detach
# hang of lifecycle-attach.  The disk is a null_blk that completes each
# request LATE_MS after it came, so the first batch is still in flight
# when the backend sees Closed.
#
# Pass, for xsplit's backend: every request of both batches answered,
# none unknown, every round made.  For both: nothing left after the guest
# goes (as hostile-vbd), the module unloads, no WARNING/BUG/Oops.  The
# kernel's backend is the control, its answers recorded ("rec"): 6.1's
# goes Closed at once with the first batch in flight (its answers come
# after its Closed, when a frontend may have let the ring go; the guest
# counts only what came before) and never takes the late one
# (results/20261207-191730: 0 and 0 of 40).
# Rounds: LAB_X_LATE_CYCLES, else 5 (quick) or 50 (LAB_X_FULL=1).
# lab: modes=be timeout=420 timeout_full=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/hostile.sh
. "$LAB/dom0/hostile.sh"

N=${LAB_X_LATE_CYCLES:-5}
[ "${LAB_X_FULL:-0}" = 1 ] && N=${LAB_X_LATE_CYCLES:-50}
LATE_MS=300		# the disk's time per request: in flight at Closed
NULLB_TIMER=2		# null_blk's irqmode: complete from an hrtimer
RESERVE_S=150		# after the guest: destroy, settle, unload

hostile_setup vbd
disk=$(nullb latedisk 64 1 "irqmode=$NULLB_TIMER" \
	"completion_nsec=$((LATE_MS * 1000000))") || fail "$disk"

# all_answered SENT ANSWERED: something was sent, and all of it answered.
all_answered() { [ -n "$1" ] && [ "$1" -gt 0 ] && [ "$2" = "$1" ]; }

BEFORE=$LAB_OUT/before AFTER=$LAB_OUT/after
measure "$BEFORE"
step "hostile guest: $N closes under load against $LAB_BE blkback"
hostile_vbd_run "$disk" "N=$N" "SCENARIO=late"
settle "$BEFORE"
measure "$AFTER"

s=$(hostile_field sent)
a=$(hostile_field answered)
row "in flight at Closed: answered, of ${s:-none}" - "${a:-none}" \
	"$(judge all_answered "$s" "$a")"
s=$(hostile_field late_sent)
a=$(hostile_field late_answered)
row "sent after Closed: answered, of ${s:-none}" - "${a:-none}" \
	"$(judge all_answered "$s" "$a")"
for k in lost unknown failed; do
	s=$(hostile_field "$k")
	row "guest: $k" - "${s:-none}" "$(judge [ "${s:-}" = 0 ])"
done
job_errors_row
leak_rows
final_rows "$disk"
unload_rows
echo "dom0 dmesg: $(grep -c 'the closing frontend sent' "$LAB_OUT/dmesg.txt") lines of late requests answered"
table "blk-late against $LAB_BE blkback: $N rounds (guest: ${SUMMARY#*done })"
echo "$LAB_BE blkback: $N closes under load, every request answered"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection (fault/, compiled into the lab's modules): one guest with
# xsplit's frontends on xsplit's backends runs fio and iperf3 while dom0
# arms one fault point at a time, then disarms it and checks recovery.
#
#   point       load during the fault          expected during
#   grant_map   1M writes (indirect pages)     I/O errors, no hang
#   bio         4k random writes               I/O errors, no hang
#   delay       4k writes + verify             no error, only slower
#   grant_copy  iperf3 both ways               traffic goes on (TCP)
#   alloc       iperf3 guest -> dom0           traffic goes on (TCP)
#   event       4k writes + verify, iperf3     no error, only slower
#               both ways, at once
#   unmap       1M writes + verify             no error; each failed
#               (indirect pages)               unmap keeps its page
#   event_fe    as event                       no error, only slower
#
# blkback's persistent-grant cache is kept small (PGRANTS, set before the
# guest connects): a 1M request's data pages then come partly through the
# cache and partly through a map for that request alone, so grant_map and
# unmap fail both paths, the second with batches of which a part mapped.
# The grant-copy data path (data_copy) is turned off and persistent
# grants offered (feature_persistent) for the test: these faults are
# the map path's, which a dom0 set up like Linux's blkback runs.  The unmap phase also runs with
# xsplit_blkback.indirect_copy=N, so that
# indirect pages go through map and unmap too (by default they are
# grant-copied).
#
# event drops dom0's notifications to the guest (at most EVENT_TIMES):
# the frontends must find the responses themselves, blkfront when a
# request times out (the guest sets the disk's io_timeout to IO_TIMEOUT_MS),
# netfront by its once-a-second ring watchdog.  event_fe is the same fault
# armed in the guest (its own xsplit_core, built with the same fault
# points): the guest's notifications to dom0 are lost, and the frontends'
# same recovery must tell the backends again (blkfront's timeout notifies
# the backend; netfront's watchdog does for transmits nobody answered,
# and a backend waiting for receive buffers looks again at its next
# packet).  unmap makes Xen's answer
# to an unmap op look like a failure (after the real unmap, so the
# guest's grant is free): blkback must keep the page (grants_leaked grows
# by exactly the hits) and say so in a rate-limited log line; those
# lines and that growth are then the test's own, not a leak.
#
# After each fault: fio write + verify on a fresh region with 0 errors and
# iperf3 at no less than 1/RECOVERY_DIV of what it did before any fault
# (in one of two 3-s runs, the second only if the first fell short)
# (a ring left to a slow fallback, such as a watchdog's poll, moves data
# too, far slower: iperf3 dropped from ~600 to 4.5 Mbit/s in such a
# case); where no error is expected (NO_ERROR), the load itself must
# succeed too.  At the end: every fault point really fired
# (its hits), no leak in dom0 (check_leaks), and the backends unload.
# The guest and dom0 step through the phases by console markers: the
# guest prints "PHASE <point> on" and waits for dom0 to arm, dom0 answers
# by arming and the guest's load then runs for a fixed time.
# lab: timeout=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
set -o pipefail

LAB_FE=xsplit
LAB_BE=xsplit
FAULT_DIR=/sys/kernel/debug/xsplit_fault
POINTS=${LAB_X_FAULT_POINTS:-grant_map bio delay grant_copy alloc event unmap event_fe}
NO_ERROR="event unmap event_fe"	# loads that must succeed under their fault
GUEST_POINTS="event_fe"	# armed in the guest: PHASE_event_fe arms event there
FAULT_SECONDS=12	# the guest's load under each fault
FAULT_PERCENT=5		# chance per pass through an armed point
DELAY_PERCENT=20
EVENT_PERCENT=2
EVENT_TIMES=20		# each lost event costs the guest up to a timeout
UNMAP_PERCENT=20
UNMAP_TIMES=200		# each keeps a page of dom0's for good
IO_TIMEOUT_MS=2000	# the guest's disk: blk-mq's timeout, then a poll
RECOVERY_DIV=4		# iperf3 after a fault: at least a quarter of before
			# (TCG's run-to-run noise is +-20%)
# The guest's second iperf3 of a pair (the reverse run of a phase, the
# second recovery try) goes to a server of its own: iperf3's server
# refuses a test while it finishes the one before, by closing on the
# new client's cookie unread (a reset: "unable to receive control
# message"), and under a lost-event fault the first test's last control
# messages may reach it after the second test's connection.
RPORT=5202
LEAKED=xsplit_core.grants_leaked
PGRANTS=32		# blkback's cache, of the 256 pages of a 1M request
PGRANTS_PARAM=/sys/module/xsplit_blkback/parameters/max_persistent_grants
# what the unmap fault makes blkback print, once per kept page (0/0:
# Xen's own status said done, a real failure never looks like that)
UNMAP_LINE='grant [0-9]+: unmap failed \(0/0\), page leaked$'
require_mode blk net
use_backends
linux_bridge
[ -d "$FAULT_DIR" ] || fail "no $FAULT_DIR: modules built without FAULT_INJECTION=1"
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
iperf3 -s -p "$RPORT" -D -I "$LAB_OUT/iperf3-r.pid" \
	--logfile "$LAB_OUT/iperf3-server-$RPORT.log" || fail "iperf3 server on $RPORT"
pgrants0=$(cat "$PGRANTS_PARAM") || fail "no $PGRANTS_PARAM"
echo "$PGRANTS" >"$PGRANTS_PARAM" || fail "max_persistent_grants=$PGRANTS"
copy_undo=$(set_params xsplit_blkback.data_copy=0,xsplit_blkback.feature_persistent=1) || exit 1
# The test unloads the backends at its end: restore only a loaded one.
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" "$(cat "$LAB_OUT/iperf3-r.pid")" 2>/dev/null
	if loaded xsplit_blkback; then
		set_params "$copy_undo" >/dev/null
		echo "$pgrants0" >"$PGRANTS_PARAM"
	fi' EXIT

# arm POINT PERCENT [TIMES] / disarm POINT
arm() {
	echo "${3:--1}" >"$FAULT_DIR/$1/times"
	echo "$2" >"$FAULT_DIR/$1/probability"
}
disarm() { echo 0 >"$FAULT_DIR/$1/probability"; }
hits() { cat "$FAULT_DIR/$1/hits"; }

dev=$(nullb fault 512 1) || fail "$dev"

job=$(guest_job fault-matrix "POINTS=$POINTS" "NO_ERROR=$NO_ERROR" \
	"GUEST_POINTS=$GUEST_POINTS" "EVENT_PERCENT=$EVENT_PERCENT" \
	"EVENT_TIMES=$EVENT_TIMES" "FAULT_SECONDS=$FAULT_SECONDS" \
	"IO_TIMEOUT_MS=$IO_TIMEOUT_MS" "RECOVERY_DIV=$RECOVERY_DIV" "RPORT=$RPORT")
guest_start faultguest "$job" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']"
# unmap_check HITS LEAKED0: every failed unmap kept its page (the leak
# counter grew by exactly HITS: none freed, none lost without a count),
# and said so in at least one, rate-limited, line; both are then
# accounted for, not leaks.
unmap_check() {
	local n lines
	n=$(( $(leak_counters | awk -v k="$LEAKED" '$1 == k { print $2 }') - $2 ))
	lines=$(dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" | grep -cE "$UNMAP_LINE")
	kv fault.unmap.kept "$n"
	kv fault.unmap.log_lines "$lines"
	step "unmap: $1 failed, $n pages kept, $lines log lines"
	[ "$n" = "$1" ] || fail "unmap: $1 failed unmaps but $n pages kept"
	if [ "$lines" -lt 1 ] || [ "$lines" -gt "$1" ]; then
		fail "unmap: $lines log lines for $1 failed unmaps"
	fi
	kernel_expect "$UNMAP_LINE"
	leak_expect "$LEAKED" "$n"
}

# indirect_copy Y|N: xsplit_blkback reads indirect pages by copy or by map.
indirect_copy() {
	echo "$1" >/sys/module/xsplit_blkback/parameters/indirect_copy ||
		fail "xsplit_blkback: indirect_copy=$1"
}

# guest_hits POINT: what the guest said its own point did.
guest_hits() {
	grep -a "GUEST-FAULT $1 hits=" "$CONSOLE_DIR/guest-faultguest.log" |
		tail -n1 | tr -d '\r' | sed 's/.*hits=//'
}

for p in $POINTS; do
	console_mark faultguest "PHASE $p on" 240
	case " $GUEST_POINTS " in
	*" $p "*)
		console_mark faultguest "PHASE $p off" 300
		h=$(guest_hits "$p")
		kv "fault.$p.hits" "${h:-none}"
		step "fault $p (the guest's) fired ${h:-no} times"
		[ "${h:-0}" -gt 0 ] || fail "fault point $p never fired"
		continue ;;
	esac
	pct=$FAULT_PERCENT times=-1
	case $p in
	delay) pct=$DELAY_PERCENT ;;
	event) pct=$EVENT_PERCENT times=$EVENT_TIMES ;;
	unmap) pct=$UNMAP_PERCENT times=$UNMAP_TIMES ;;
	esac
	h0=$(hits "$p")
	l0=$(leak_counters | awk -v k="$LEAKED" '$1 == k { print $2 }')
	[ "$p" = unmap ] && indirect_copy N
	arm "$p" "$pct" "$times"
	step "fault $p armed ($pct%, times $times)"
	console_mark faultguest "PHASE $p off" 300
	disarm "$p"
	[ "$p" = unmap ] && indirect_copy Y
	h=$(( $(hits "$p") - h0 ))
	kv "fault.$p.hits" "$h"
	step "fault $p disarmed after $h hits"
	[ "$h" -gt 0 ] || fail "fault point $p never fired"
	[ "$p" = unmap ] && unmap_check "$h" "${l0:-0}"
done
rc=0
guest_wait faultguest || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/faultguest/console.log"
[ "$rc" = 0 ] || fail "the guest did not recover from every fault"

check_leaks
leak_unload || fail "backends do not unload after the faults"

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
#
# After each fault: fio write + verify on a fresh region with 0 errors and
# iperf3 moving data.  At the end: every fault point really fired (its
# hits), no leak in dom0 (check_leaks), and the backends unload.
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
POINTS="grant_map bio delay grant_copy alloc"
FAULT_SECONDS=12	# the guest's load under each fault
FAULT_PERCENT=5		# chance per pass through an armed point
DELAY_PERCENT=20
require_mode blk net
use_backends
linux_bridge
[ -d "$FAULT_DIR" ] || fail "no $FAULT_DIR: modules built without FAULT_INJECTION=1"
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" 2>/dev/null' EXIT

# arm POINT PERCENT / disarm POINT
arm() {
	echo -1 >"$FAULT_DIR/$1/times"
	echo "$2" >"$FAULT_DIR/$1/probability"
}
disarm() { echo 0 >"$FAULT_DIR/$1/probability"; }
hits() { cat "$FAULT_DIR/$1/hits"; }

dev=$(nullb fault 512 1) || fail "$dev"
cat >"$LAB_OUT/job.sh" <<JOB
POINTS="$POINTS"
FAULT_SECONDS=$FAULT_SECONDS
JOB
cat >>"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.2/24 || exit 1
wait_ping 10.0.0.1 60 || exit 1
base="--filename=/dev/xvdb --direct=1 --ioengine=libaio"
# The load under a fault: errors are allowed (counted), a hang is not.
load() {
	case $1 in
	grant_map) fio --name=f $base --rw=write --bs=1M --iodepth=4 --size=64M \
		--time_based --runtime=$FAULT_SECONDS --continue_on_error=all ;;
	bio) fio --name=f $base --rw=randwrite --bs=4k --iodepth=16 --size=64M \
		--time_based --runtime=$FAULT_SECONDS --continue_on_error=all ;;
	delay) fio --name=f $base --rw=randwrite --bs=4k --iodepth=16 --size=16M \
		--offset=128M --verify=crc32c --verify_fatal=1 ;;
	grant_copy) iperf3 -c 10.0.0.1 -t $((FAULT_SECONDS / 2)) &&
		iperf3 -c 10.0.0.1 -R -t $((FAULT_SECONDS / 2)) ;;
	alloc) iperf3 -c 10.0.0.1 -t $FAULT_SECONDS ;;
	esac
}
# Recovery: a fresh region written and verified, and the network moving.
recover() {
	fio --name=v $base --rw=randwrite --bsrange=4k-1M --iodepth=8 \
		--size=16M --offset=$(( 256 + $2 * 16 ))M \
		--verify=crc32c --verify_fatal=1 >/tmp/v.out 2>&1 ||
		{ cat /tmp/v.out; echo "RECOVERY-FAIL $1 fio verify"; return 1; }
	iperf_fig "after-$1" -c 10.0.0.1 -t 3 ||
		{ echo "RECOVERY-FAIL $1 iperf3"; return 1; }
	echo "RECOVERED $1"
}
rc=0
i=0
for p in $POINTS; do
	echo "PHASE $p on"
	sleep 6		# dom0 arms the point
	load "$p" >/tmp/load.out 2>&1
	echo "LOAD $p rc=$? errors=$(grep -c 'error' /tmp/load.out)"
	grep -E 'err=|Mbits/sec.*receiver' /tmp/load.out | head -n 4
	echo "PHASE $p off"
	sleep 6		# dom0 disarms it
	recover "$p" "$i" || rc=1
	i=$((i + 1))
done
exit $rc
JOB

guest_start faultguest "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']"
for p in $POINTS; do
	console_mark faultguest "PHASE $p on" 240
	pct=$FAULT_PERCENT
	[ "$p" = delay ] && pct=$DELAY_PERCENT
	h0=$(hits "$p")
	arm "$p" "$pct"
	step "fault $p armed ($pct%)"
	console_mark faultguest "PHASE $p off" 240
	disarm "$p"
	kv "fault.$p.hits" "$(( $(hits "$p") - h0 ))"
	step "fault $p disarmed after $(( $(hits "$p") - h0 )) hits"
	[ "$(( $(hits "$p") - h0 ))" -gt 0 ] || fail "fault point $p never fired"
done
rc=0
guest_wait faultguest || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/faultguest/console.log"
[ "$rc" = 0 ] || fail "the guest did not recover from every fault"

check_leaks
leak_unload || fail "backends do not unload after the faults"

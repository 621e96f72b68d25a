# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# fault-matrix's guest: for each fault point of POINTS, a load (fio or
# iperf3) while dom0 (or, for GUEST_POINTS, the guest) arms it, then the
# recovery checks once it is disarmed ("PHASE <point> on|off" lines pace
# dom0).  Settings: POINTS, NO_ERROR (points whose load must succeed),
# GUEST_POINTS, EVENT_PERCENT, EVENT_TIMES, FAULT_SECONDS, IO_TIMEOUT_MS,
# RECOVERY_DIV, RPORT (the second iperf3 server): see the scenario.
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.2/24 || exit 1
wait_ping 10.0.0.1 60 || exit 1
echo "$IO_TIMEOUT_MS" >/sys/block/xvdb/queue/io_timeout || exit 1
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
		iperf3 -c 10.0.0.1 -p "$RPORT" -R -t $((FAULT_SECONDS / 2)) ;;
	alloc) iperf3 -c 10.0.0.1 -t $FAULT_SECONDS ;;
	event|event_fe) r=0
		fio --name=f $base --rw=randwrite --bs=4k --iodepth=16 --size=16M \
			--offset=160M --verify=crc32c --verify_fatal=1 >/tmp/fio.out 2>&1 &
		f=$!
		iperf3 -c 10.0.0.1 -t $((FAULT_SECONDS / 2)) &&
			iperf3 -c 10.0.0.1 -p "$RPORT" -R -t $((FAULT_SECONDS / 2)) || r=1
		wait $f || r=1
		cat /tmp/fio.out
		return ${r:-0} ;;
	unmap) fio --name=f $base --rw=write --bs=1M --iodepth=4 --size=64M \
		--offset=192M --verify=crc32c --verify_fatal=1 ;;
	esac
}
# Recovery: a fresh region written and verified, and the network moving.
recover() {
	fio --name=v $base --rw=randwrite --bsrange=4k-1M --iodepth=8 \
		--size=16M --offset=$(( 256 + $2 * 16 ))M \
		--verify=crc32c --verify_fatal=1 >/tmp/v.out 2>&1 ||
		{ cat /tmp/v.out; echo "RECOVERY-FAIL $1 fio verify"; return 1; }
	# A second run only if the first is slow: a busy host can make one
	# 3-s run slow, a ring left to a slow fallback makes both slow.
	port=5201
	for try in 1 2; do
		fig=$(iperf_fig "after-$1" -c 10.0.0.1 -p "$port" -t 3) ||
			{ echo "$fig"; echo "RECOVERY-FAIL $1 iperf3"; return 1; }
		echo "$fig"
		awk -v r="${fig##*mbit_s=}" -v b="$BASE" -v d="$RECOVERY_DIV" \
			'BEGIN { exit !(r * d >= b) }' && break
		[ "$try" = 2 ] &&
			{ echo "RECOVERY-FAIL $1 iperf3 at ${fig##*mbit_s=} Mbit/s, $BASE before the faults"; return 1; }
		port=$RPORT
	done
	echo "RECOVERED $1"
}
# what the network does before any fault, for recover()
fig=$(iperf_fig before -c 10.0.0.1 -t 3) || { echo "$fig"; exit 1; }
echo "$fig"
BASE=${fig##*mbit_s=}
# The guest's own fault points (GUEST_POINTS), armed here for a phase.
GFAULT=/sys/kernel/debug/xsplit_fault/event
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
garm() {
	echo "$EVENT_TIMES" >"$GFAULT/times" &&
		echo "$EVENT_PERCENT" >"$GFAULT/probability" ||
		{ echo "RECOVERY-FAIL $1 cannot arm $GFAULT"; return 1; }
	h0=$(cat "$GFAULT/hits")
}
gdisarm() {
	echo 0 >"$GFAULT/probability"
	echo "GUEST-FAULT $1 hits=$(( $(cat "$GFAULT/hits") - h0 ))"
}
rc=0
i=0
for p in $POINTS; do
	echo "PHASE $p on"
	sleep 6		# dom0 arms the point
	guest=0
	case " $GUEST_POINTS " in *" $p "*) guest=1 ;; esac
	[ "$guest" = 0 ] || garm "$p" || rc=1
	load "$p" >/tmp/load.out 2>&1
	lrc=$?
	[ "$guest" = 0 ] || gdisarm "$p"
	echo "LOAD $p rc=$lrc errors=$(grep -c 'error' /tmp/load.out)"
	# iperf3's own error text too: a load that failed must say why
	grep -E 'err=|Mbits/sec.*receiver|iperf3: ' /tmp/load.out | head -n 6
	case " $NO_ERROR " in
	*" $p "*) [ "$lrc" = 0 ] || { echo "RECOVERY-FAIL $p load failed"; rc=1; } ;;
	esac
	echo "PHASE $p off"
	sleep 6		# dom0 disarms it
	recover "$p" "$i" || rc=1
	i=$((i + 1))
done
# the frontends' word on events that never came
dmesg | grep -E 'without (its|an) event|backend notified again' |
	sed 's/^/RECOVERY-LOG /' | tail -n 8
echo "RECOVERY-LOG lines: $(dmesg | grep -cE 'without (its|an) event|backend notified again')"
exit $rc

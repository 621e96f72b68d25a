# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lifecycle-attach's guest: N rounds of "wait for xvdc, fio until it
# goes, wait for eth1, traffic until it goes", each wait bounded; dom0
# drives the timing.  Then, once dom0 attaches xvdc a last time, I/O on
# xvdb.  FE (intree|xsplit), the guest's frontend, names the rule fio's
# end at a detach is held to.
# gone PATH LIMIT: a dom0-driven detach: the device must go within LIMIT
# seconds.
gone() { wait_for "$2" "$1 gone" absent "$1"; }
absent() { [ ! -e "$1" ]; }

# How fio may end at a detach (the scenario's header says why the rules
# differ).  With either, data that does not verify while xvdc still has
# its size is a failure.
case $FE in
xsplit) rule="xsplit's frontend: an I/O error (EIO, ENXIO, ENODEV), never data that does not verify" ;;
intree) rule="the kernel's frontend: an I/O error (EIO, ENXIO, ENODEV); ENOSPC or data that does not verify only once xvdc reads 0 sectors or is gone" ;;
*) echo "FE=$FE: not a frontend"; exit 1 ;;
esac
# sectors: xvdc's size now, or "gone".
sectors() { cat /sys/block/xvdc/size 2>/dev/null || echo gone; }
# fio_err: the errno fio's job ended with (its first "err=N"), or none.
fio_err() {
	e=$(sed -n '/err= *[0-9]/{s/.*err= *\([0-9][0-9]*\).*/\1/p;q;}' /tmp/fio.log)
	echo "${e:-none}"
}
# fio_end RC ERR: how fio ended, from timeout's RC and fio's ERR: none (no
# error), hang, verify (fio's EILSEQ, "verify: bad ..."), io (EIO, ENXIO,
# ENODEV), enospc or other.
fio_end() {
	if [ "$1" = 0 ]; then
		echo none
	elif [ "$1" -ge 124 ]; then
		echo hang
	elif grep -Eq 'verify: |verify failed|err= *84[/ ]' /tmp/fio.log; then
		echo verify
	else
		case $2 in
		5 | 6 | 19) echo io ;;
		28) echo enospc ;;
		*) echo other ;;
		esac
	fi
}
# detach_end END SECTORS: fio's END, with xvdc at SECTORS then, is what
# the rule lets a detach do.
detach_end() {
	case $FE:$1:$2 in
	*:io:*) ;;
	intree:enospc:0 | intree:enospc:gone) ;;
	intree:verify:0 | intree:verify:gone) ;;
	*) return 1 ;;
	esac
}
# stuck_report C PID: if fio (PID) still runs STUCK_S after it started,
# what holds it, while dom0 still waits for xvdc to go: the requests the
# block layer has in flight, the frontend's XenBus state, the tasks
# blocked and the kernel's last lines (this console shows no others).
stuck_report() {
	sleep "$STUCK_S"
	[ -d "/proc/$2" ] || return 0
	echo "LC-XVDC-STUCK $1: fio still runs $STUCK_S s after it started"
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	for f in /sys/block/xvdc/size /sys/block/xvdc/inflight \
		/sys/bus/xen/devices/vbd-*/state /sys/kernel/debug/block/xvdc/hctx*/busy \
		/sys/kernel/debug/block/xvdc/hctx*/state; do
		echo "$f: $(head -c 400 "$f" 2>/dev/null | tr '\n' ' ')"
	done
	echo w >/proc/sysrq-trigger
	dmesg | tail -n 80
}
# Only the second vif answers for its address.
echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore
net_up eth0 10.0.0.2/24 || exit 1
wait_dev /dev/xvdb 60 || exit 1
echo "LC-READY"
c=1
while [ "$c" -le "$N" ]; do
	wait_dev /dev/xvdc 180 || exit 1
	echo "LC-XVDC-UP $c"
	# write then verify, over and over, until the disk goes away; the
	# timeout only catches a hang
	timeout 240 fio --name=hot$c --filename=/dev/xvdc --direct=1 \
		--ioengine=libaio --iodepth="$IODEPTH" --rw=randwrite --bs=4k \
		--size=32M --verify=crc32c --loops=1000 >/tmp/fio.log 2>&1 &
	fpid=$!
	sleep 1
	echo "LC-XVDC-FIO $c"
	stuck_report "$c" "$fpid" &
	spid=$!
	wait "$fpid"
	frc=$?
	kill "$spid" 2>/dev/null
	# at once: the disk goes on going away
	size=$(sectors)
	grep -E 'err=|error|verify' /tmp/fio.log | head -n 6
	ferr=$(fio_err)
	end=$(fio_end "$frc" "$ferr")
	echo "LC-XVDC-FIO-END $c rc=$frc err=$ferr end=$end sectors=$size"
	detach_end "$end" "$size" || {
		cat /tmp/fio.log
		[ "$end" != verify ] ||
			echo "fio: data read back from xvdc did not verify"
		echo "fio's end ($end, err=$ferr, xvdc at $size sectors) is not a detach by the rule of $rule"
		exit 1
	}
	echo "fio's end ($end) is a detach by the rule of $rule"
	gone /dev/xvdc 60 || exit 1
	echo "LC-XVDC-GONE $c"

	wait_dev /sys/class/net/eth1 180 || exit 1
	net_up eth1 10.0.2.2/24 || exit 1
	# the first answer takes seconds on a new vif, with any backend and
	# the carrier already up: it is awaited, not assumed
	t=$(cut -d. -f1 /proc/uptime)
	echo "LC-ETH1-UP $c carrier=$(cat /sys/class/net/eth1/carrier)"
	wait_ping 10.0.2.1 "$ETH1_ANSWER_S" || exit 1
	echo "LC-ETH1-PING $c answered after $(($(cut -d. -f1 /proc/uptime) - t)) s"
	ping -q -i 0.2 10.0.2.1 >/tmp/ping.log 2>&1 &
	ppid=$!
	# --forceflush: iperf3 is killed at the detach, its interval lines
	# must be in the file by then
	timeout 200 iperf3 --forceflush -c 10.0.2.1 -p $((5300 + c)) -t 180 \
		>/tmp/iperf.log 2>&1 &
	ipid=$!
	sleep 2
	echo "LC-ETH1-TRAFFIC $c"
	gone /sys/class/net/eth1 180 || exit 1
	kill "$ppid" "$ipid" 2>/dev/null
	wait "$ppid" "$ipid"
	tail -n 2 /tmp/ping.log
	# iperf3's result: intervals that moved data over eth1 before it went
	moved=$(awk '/bits\/sec/ { for (i = 1; i < NF; i++) if ($i == "sec") {
			if ($(i + 1) + 0 > 0) n++
			break
		} } END { print n + 0 }' /tmp/iperf.log)
	grep -E 'sec .*bits/sec' /tmp/iperf.log | tail -n 2
	echo "LC-ETH1-IPERF $c intervals_with_data=$moved"
	[ "$moved" -gt 0 ] || {
		cat /tmp/iperf.log
		echo "iperf3 moved no data over eth1 before the detach"
		exit 1
	}
	echo "LC-ETH1-GONE $c"
	c=$((c + 1))
done
# dom0 snapshots its memory with this guest idle, then attaches xvdc
# once more: the go-ahead for the last I/O (and a disk left attached
# when the guest powers off).
wait_dev /dev/xvdc 180 || exit 1
echo "after $N cycles: I/O on xvdb"
fio --name=xvdb --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--iodepth=16 --rw=randwrite --bs=4k --size=16M --verify=crc32c || exit 1
echo "LC-XVDB-OK"
ping -c 2 -W 5 10.0.0.1 || exit 1

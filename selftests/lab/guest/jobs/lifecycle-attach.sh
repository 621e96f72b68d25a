# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lifecycle-attach's guest: N rounds of "wait for xvdc, fio until it
# goes, wait for eth1, traffic until it goes", each wait bounded; dom0
# drives the timing.  Then, once dom0 attaches xvdc a last time, I/O on
# xvdb.
# gone PATH LIMIT: a dom0-driven detach: the device must go within LIMIT
# seconds.
gone() { wait_for "$2" "$1 gone" absent "$1"; }
absent() { [ ! -e "$1" ]; }
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
		--ioengine=libaio --iodepth=16 --rw=randwrite --bs=4k \
		--size=32M --verify=crc32c --loops=1000 >/tmp/fio.log 2>&1 &
	fpid=$!
	sleep 1
	echo "LC-XVDC-FIO $c"
	wait "$fpid"
	frc=$?
	grep -E 'err=|error|verify' /tmp/fio.log | head -n 6
	echo "LC-XVDC-FIO-END $c rc=$frc"
	[ "$frc" != 0 ] || { echo "fio ended without an error: detach not seen"; exit 1; }
	[ "$frc" -lt 124 ] || { echo "fio hung (rc=$frc)"; exit 1; }
	# The detach shows as an I/O error (EIO, ENXIO, ENODEV); data that
	# does not verify (fio's EILSEQ, "verify: bad ...") or any other
	# failure is a failure, not the detach.
	if grep -Eq 'verify: |verify failed|err= *84[/ ]|Invalid or incomplete multibyte' /tmp/fio.log; then
		cat /tmp/fio.log
		echo "fio: data read back from xvdc did not verify"
		exit 1
	fi
	grep -Eq 'err= *(5|6|19)[/ ]|Input/output error|No such device' /tmp/fio.log || {
		cat /tmp/fio.log
		echo "fio failed (rc=$frc), but not with the I/O error of a detach"
		exit 1
	}
	gone /dev/xvdc 60 || exit 1
	echo "LC-XVDC-GONE $c"

	wait_dev /sys/class/net/eth1 180 || exit 1
	net_up eth1 10.0.2.2/24 || exit 1
	echo "LC-ETH1-UP $c"
	ping -c 2 -W 5 10.0.2.1 || echo "ping over eth1 failed"
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

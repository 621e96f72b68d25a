# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# A guest job for the "disruption under load" scenarios (saverestore,
# dd-restart): dom0 writes the settings below in front of this file and
# then disrupts the guest's backends while it runs.
#   GIP        the guest's address/prefix on the dom0 bridge (10.0.0.1)
#   DISK       the disk to write and verify
#   FIO_MB     how much of it fio writes, then verifies
#   FIO_DEPTH  fio's iodepth
#   SPORT      the iperf3 port of the long paced stream
#   STREAM_MB  how much that stream sends
#   APORT      the iperf3 port of the run after the disruption
#   GATE       optional: an address to wait for (ping) before the load
#              starts, so that dom0 can start several guests first
#   FIO_RATE   optional: fio's IOPS cap (--rate_iops), so that a driver
#              domain serving several guests keeps time for its hotplug
#              scripts (libxl kills them after 40 s)
# Markers on the console: LAB-SR-FIO-START once both loads run,
# LAB-SR-FIO-DONE rc= err= when fio is through, LAB-SR-STREAM rc= for the
# stream (0: it survived, stuck: killed after 180 s).

# carrier SECONDS: until eth0 has its link.
carrier() { wait_for "$1" "eth0 carrier" has_carrier eth0; }
# Generous: a loaded driver domain runs the hotplug scripts slowly.
net_up eth0 "$GIP" && carrier 180 || exit 1
wait_dev "$DISK" 180 || exit 1
if [ -n "${GATE:-}" ]; then
	wait_ping "$GATE" 600 || exit 1
fi
# Paced, so fio keeps most of the one vCPU; a byte count, not a time,
# because the guest's clock runs on while it is saved.
iperf3 -c 10.0.0.1 -p "$SPORT" -b 10M -n "${STREAM_MB}M" -i 10 \
	--connect-timeout 10000 >/tmp/stream.log 2>&1 &
spid=$!
echo "LAB-SR-FIO-START"
fio --name=underload --filename="$DISK" --direct=1 --ioengine=libaio \
	--rw=randwrite --bssplit=4k/90:128k/10 --iodepth="$FIO_DEPTH" \
	${FIO_RATE:+--rate_iops="$FIO_RATE"} \
	--size="${FIO_MB}M" --verify=crc32c --verify_fatal=1 --output=/tmp/fio.log
frc=$?
err=$(sed -n 's/.*err= *\([0-9]*\).*/\1/p' /tmp/fio.log | head -n1)
echo "LAB-SR-FIO-DONE rc=$frc err=${err:-none}"
grep -E 'err=|write:|read:|verify|bad' /tmp/fio.log | head -n 12
# The original stream: give it time to finish what it still has to send.
n=0
while kill -0 "$spid" 2>/dev/null && [ "$n" -lt 180 ]; do
	n=$((n + 1))
	sleep 1
done
if kill -0 "$spid" 2>/dev/null; then
	kill "$spid"
	echo "LAB-SR-STREAM rc=stuck"
else
	wait "$spid"
	echo "LAB-SR-STREAM rc=$?"
fi
tail -n 6 /tmp/stream.log
# The network after the disruption: carrier, ping, and a new stream.
carrier 30 || exit 1
ping -c 3 -W 5 10.0.0.1 || exit 1
iperf_fig after-disruption -c 10.0.0.1 -p "$APORT" -t 4 || exit 1
dmesg | grep -iE 'xsplit|blkfront|netfront|vbd|vif|WARNING|BUG' | tail -n 30
[ "$frc" = 0 ] && [ "${err:-1}" = 0 ]

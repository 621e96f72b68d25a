# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lifecycle-destroy's guest, cycle CYCLE: iperf3 to dom0 (NET.1, port
# PORT) and fio on xvdb, both for far longer than dom0 lets it live:
# dom0 destroys it under that load.  A load that ends first fails it.
net_up eth0 "$NET.2/24" || exit 1
wait_dev /dev/xvdb 60 || exit 1
iperf3 -c "$NET.1" -p "$PORT" -t 300 >/tmp/iperf.log 2>&1 &
fio --name=destroy --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--iodepth=32 --rw=randwrite --bs=4k --size=200M \
	--time_based --runtime=300 >/tmp/fio.log 2>&1 &
sleep 2
echo "LC-LOAD $CYCLE"
wait
echo "the load ended before xl destroy"
exit 1

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree netfront against xsplit netback: one vif on a Linux bridge,
# one on Open vSwitch (script=vif-openvswitch).  ping and iperf3 in both
# directions on each; dom0 prints the vifs' ethtool statistics and
# offloads and the driver's log.
# lab: modes=1 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# This scenario is about one pair, whatever the runner's mode.
LAB_FE=intree
LAB_BE=xsplit
require_mode net
use_backends
bridges
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT

cat >"$LAB_OUT/job.sh" <<'JOB'
net_up eth0 10.0.0.2/24 && net_up eth1 10.0.1.2/24 || exit 1
set -e
ping -c 3 -W 5 10.0.0.1
ping -c 3 -W 5 10.0.1.1
iperf_fig bridge-tx -c 10.0.0.1 -t 4
iperf_fig bridge-rx -c 10.0.0.1 -t 4 -R
iperf_fig ovs-tx -c 10.0.1.1 -t 4
iperf_fig ovs-rx -c 10.0.1.1 -t 4 -R
set +e
for i in eth0 eth1; do
	echo "$i rx=$(cat /sys/class/net/$i/statistics/rx_packets) tx=$(cat /sys/class/net/$i/statistics/tx_packets) rx_errors=$(cat /sys/class/net/$i/statistics/rx_errors)"
done
JOB

guest_start nbguest "$LAB_OUT/job.sh" \
	"vif = ['bridge=xenbr0', 'bridge=ovsbr0,script=vif-openvswitch']"
(
	# While the guest runs: the vifs as dom0 sees them.
	sleep 60
	for v in /sys/class/net/vif*; do
		v=${v##*/}
		echo "== $v: $(cat /sys/class/net/$v/operstate)" \
			"master=$(basename "$(readlink /sys/class/net/$v/master)" 2>/dev/null)"
		ethtool -S "$v" 2>&1 | head -n 20
		ethtool -k "$v" 2>&1 | grep -E 'scatter-gather:|tcp-segmentation-offload:|tx-checksum-ip'
	done
) &
rc=0
guest_wait nbguest 500 || rc=$?
wait
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/nbguest/console.log"
dmesg | grep -i 'xsplit\|vif' | tail -n 30
[ "$rc" = 0 ] || fail "ping/iperf3 through xsplit netback"
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit netfront against the in-tree netback: one vif on a Linux bridge,
# one on Open vSwitch.  ping (IPv4 and IPv6) and iperf3 in both
# directions on each, then jumbo frames (MTU 9000) on the Linux bridge.
# The guest's counters and the driver's log are printed.
# lab: modes=1 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# This scenario is about one pair, whatever the runner's mode.
LAB_FE=xsplit
LAB_BE=intree
require_mode net
use_backends
bridges
ip -6 addr show dev xenbr0 | grep -q fd00::1 ||
	ip -6 addr add fd00::1/64 dev xenbr0 nodad
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"; ip link set xenbr0 mtu 1500' EXIT

cat >"$LAB_OUT/job.sh" <<'JOB'
net_up eth0 10.0.0.2/24 && net_up eth1 10.0.1.2/24 || exit 1
# busybox ip has no "nodad": turn DAD off first, so the address is usable
# at once instead of tentative.
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
ip -6 addr add fd00::2/64 dev eth0 || exit 1
# The netdevs exist from probe on; the carrier comes with the connection.
for i in eth0 eth1; do
	n=0
	until [ "$(cat /sys/class/net/$i/carrier 2>/dev/null)" = 1 ]; do
		n=$((n + 1))
		[ "$n" -le 30 ] || { echo "$i: no carrier after 30s"; exit 1; }
		sleep 1
	done
done
dmesg | grep -i xsplit | tail -n 20
set -e
ping -c 3 -W 5 10.0.0.1
ping -c 3 -W 5 10.0.1.1
ping -6 -c 3 -W 5 fd00::1 || ping6 -c 3 -W 5 fd00::1
iperf_fig bridge-tx -c 10.0.0.1 -t 4
iperf_fig bridge-rx -c 10.0.0.1 -t 4 -R
iperf_fig ovs-tx -c 10.0.1.1 -t 4
iperf_fig ovs-rx -c 10.0.1.1 -t 4 -R
iperf_fig bridge6-tx -c fd00::1 -t 4
# dom0 raises its side to 9000 once it sees this file's marker line.
echo "LAB-NF-JUMBO"
ip link set eth0 mtu 9000
sleep 8
ping -c 3 -W 5 -s 8000 10.0.0.1
iperf_fig jumbo-tx -c 10.0.0.1 -t 4
iperf_fig jumbo-rx -c 10.0.0.1 -t 4 -R
set +e
for i in eth0 eth1; do
	echo "$i mtu=$(cat /sys/class/net/$i/mtu) rx=$(cat /sys/class/net/$i/statistics/rx_packets) tx=$(cat /sys/class/net/$i/statistics/tx_packets) rx_dropped=$(cat /sys/class/net/$i/statistics/rx_dropped) tx_errors=$(cat /sys/class/net/$i/statistics/tx_errors)"
done
dmesg | grep -i 'xsplit\|netfront\|WARNING\|BUG' | tail -n 20
JOB

# On a loaded TCG host the vif hotplug scripts can outlast libxl's fixed
# 40 s limit, and xl create then fails before the guest runs at all: that
# says nothing about netfront, so one more try, logged.  guest_start runs
# in a subshell because its fail exits.
start_nfguest() {
	local try
	for try in 1 2; do
		(guest_start nfguest "$LAB_OUT/job.sh" \
			"vif = ['bridge=xenbr0', 'bridge=ovsbr0,script=vif-openvswitch']") &&
			return 0
		grep -q 'because of timeout' "$LAB_OUT/nfguest/xl-create.log" ||
			fail "xl create nfguest"
		step "xl create nfguest: hotplug script timeout (try $try)"
		guest_collect nfguest
	done
	fail "xl create nfguest: hotplug scripts time out"
}

start_nfguest
# Jumbo: the guest's vif on xenbr0 and the bridge itself go to 9000 when
# the job asks; the wait below still bounds the whole guest.
(
	log=$CONSOLE_DIR/guest-nfguest.log
	for _ in $(seq 1 300); do
		grep -q LAB-NF-JUMBO "$log" 2>/dev/null && break
		# a guest that ended early never asks: do not hold the test
		xl domid nfguest >/dev/null 2>&1 || exit 0
		sleep 1
	done
	for v in /sys/class/net/xenbr0/brif/vif*; do
		[ -e "$v" ] && ip link set "${v##*/}" mtu 9000
	done
	ip link set xenbr0 mtu 9000
	echo "dom0: xenbr0 mtu $(cat /sys/class/net/xenbr0/mtu)"
) &
rc=0
guest_wait nfguest 500 || rc=$?
wait
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/nfguest/console.log"
[ "$rc" = 0 ] || fail "netfront ping/iperf3 in the guest"
check_leaks

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# net-iperf's guest, three vifs (eth0 xenbr0, eth1 ovsbr0, eth2 xenbrj at
# MTU 9000): ping v4/v6, TCP and UDP both ways, payloads fetched from dom0
# and served to it.  Settings: T (seconds a transfer), UDP_RATE.
CARRIER_S=30	# a vif's link, from probe on
VERDICT_S=300	# dom0 fetching and checking the guest's payload
# udp_fig NAME IPERF3-ARGS...: a UDP transfer; prints the receiver's rate
# and its loss (lost/total datagrams, %); fails unless datagrams arrived.
udp_fig() {
	fig_name=$1
	shift
	iperf3 -f m -u "$@" >/tmp/udp.$$ 2>&1 || { cat /tmp/udp.$$; return 1; }
	awk -v n="$fig_name" '/receiver/ {
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) == "Mbits/sec") r = $i
			if ($i ~ /^[0-9]+\/[0-9]+$/) lt = $i
			if ($i ~ /^\(.*%\)$/) p = $i
		}
	} END {
		split(lt, a, "/")
		gsub(/[()%]/, "", p)
		printf "LAB-FIG %s mbit_s=%s lost=%s total=%s loss_pct=%s\n", n, r, a[1], a[2], p
		exit !(a[2] > 0 && a[2] - a[1] > 0 && r > 0)
	}' /tmp/udp.$$ || { cat /tmp/udp.$$; return 1; }
}

net_up eth0 10.0.0.2/24 && net_up eth1 10.0.1.2/24 && net_up eth2 10.0.2.2/24 ||
	exit 1
# busybox ip has no "nodad": turn DAD off first, so the addresses are
# usable at once instead of tentative.
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
echo 0 >/proc/sys/net/ipv6/conf/eth1/accept_dad
ip -6 addr add fd00::2/64 dev eth0 && ip -6 addr add fd00:1::2/64 dev eth1 ||
	exit 1
# The netdevs exist from probe on; the carrier comes with the connection.
for i in eth0 eth1 eth2; do
	wait_for "$CARRIER_S" "$i carrier" has_carrier $i || exit 1
done
ip link set eth2 mtu 9000 || { echo "eth2: mtu 9000 refused"; exit 1; }
# The receive-buffer attributes Linux's netfront has (the in-tree
# frontend is the control for the names)
for a in rxbuf_min rxbuf_max rxbuf_cur; do
	v=$(cat /sys/class/net/eth0/$a) || { echo "eth0: no $a"; exit 1; }
	echo "eth0 $a=$v"
done
echo "LAB-NET-READY"
set -e
ping -c 3 -W 5 10.0.0.1
ping -c 3 -W 5 10.0.1.1
ping -c 3 -W 5 10.0.2.1
ping -6 -c 3 -W 5 fd00::1 || ping6 -c 3 -W 5 fd00::1
ping -6 -c 3 -W 5 fd00:1::1 || ping6 -c 3 -W 5 fd00:1::1
for p in bridge:10.0.0.1 ovs:10.0.1.1; do
	n=${p%%:*}
	a=${p#*:}
	iperf_fig $n-tcp1-tx -c $a -t $T
	iperf_fig $n-tcp1-rx -c $a -t $T -R
	iperf_fig $n-tcp4-tx -c $a -t $T -P 4
	iperf_fig $n-tcp4-rx -c $a -t $T -P 4 -R
	udp_fig $n-udp-tx -c $a -t $T -b $UDP_RATE
	udp_fig $n-udp-rx -c $a -t $T -b $UDP_RATE -R
done
iperf_fig bridge6-tcp1-tx -c fd00::1 -t $T
iperf_fig bridge6-tcp1-rx -c fd00::1 -t $T -R
iperf_fig ovs6-tcp1-tx -c fd00:1::1 -t $T
# MTU 9000: a full-size frame each way, then the transfers.
ping -c 3 -W 5 -s 8972 10.0.2.1
iperf_fig jumbo-tcp1-tx -c 10.0.2.1 -t $T
iperf_fig jumbo-tcp1-rx -c 10.0.2.1 -t $T -R
iperf_fig jumbo-tcp4-tx -c 10.0.2.1 -t $T -P 4
iperf_fig jumbo-tcp4-rx -c 10.0.2.1 -t $T -P 4 -R
udp_fig jumbo-udp-tx -c 10.0.2.1 -t $T -b $UDP_RATE
udp_fig jumbo-udp-rx -c 10.0.2.1 -t $T -b $UDP_RATE -R
# Payload, dom0 -> guest on each vif, then guest -> dom0: dom0 fetches
# ours once we say so and leaves its verdict on its server.
payload_check 10.0.0.1 rx-bridge
payload_check 10.0.1.1 rx-ovs
payload_check 10.0.2.1 rx-jumbo
payload_make /tmp/payload
srv=$(payload_serve /tmp/payload)
echo "LAB-PAYLOAD-READY"
wait_for "$VERDICT_S" "dom0's payload verdict" \
	busybox wget -q -O /tmp/verdict http://10.0.0.1:$PAYLOAD_PORT/tx-verdict ||
	exit 1
kill "$srv"
echo "dom0 checked the guest's payload: $(cat /tmp/verdict)"
set +e
for i in eth0 eth1 eth2; do
	s=/sys/class/net/$i/statistics
	echo "$i mtu=$(cat /sys/class/net/$i/mtu) rx=$(cat $s/rx_packets) tx=$(cat $s/tx_packets) rx_dropped=$(cat $s/rx_dropped) rx_errors=$(cat $s/rx_errors) tx_errors=$(cat $s/tx_errors)"
done
# xsplit's netfront with rx_page_pool: pages taken from each vif's pools,
# and how many of them the pools had to take from the page allocator
for i in eth0 eth1 eth2; do
	/lab/bin/xdp-pass stats $i 2>/dev/null |
		sed -n -E "s/^(rx_pool_pages|rx_pool_fresh|rx_pages_zeroed) /$i \1=/p" |
		tr '\n' ' '
	echo
done
# (the runner checks the whole console for kernel warnings)
dmesg | grep -i 'xsplit\|netfront' | tail -n 20
# every check above ran under set -e: reaching here is a pass
exit 0

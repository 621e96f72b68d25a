#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The network pair's interop matrix, one guest with three vifs:
#   eth0  Linux bridge xenbr0 (vif-bridge), MTU 1500, 10.0.0.0/24 + fd00::/64
#   eth1  Open vSwitch ovsbr0 (vif-openvswitch), MTU 1500, 10.0.1.0/24 +
#         fd00:1::/64
#   eth2  Linux bridge xenbrj at MTU 9000 (xl's mtu=9000 vif key), 10.0.2.0/24
# On each: ping IPv4 and IPv6, iperf3 TCP guest->dom0 and dom0->guest with 1
# and 4 streams, iperf3 UDP both ways with its loss figures; on eth2 the
# same at MTU 9000, and dom0's `ping -M do -s 8972` (no fragmentation
# allowed) must pass.  dom0 prints the vifs' ethtool -S/-k while the guest
# runs (what the old netback-iperf scenario added).  Payload integrity, on
# each vif, offloads on: dom0 serves files of random data (sizes across
# page, MSS, jumbo and GSO boundaries, up to 64 MiB) that the guest fetches
# and checks by digest, then the guest serves its own that dom0 checks.
# Passes if every ping answers, every transfer moved data and every
# payload arrived intact; rates and losses are printed.
# LAB_X_FULL=1 runs each transfer 10 s instead of 3 s.
# lab: modes=4 timeout=600 timeout_full=1200
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

T=3
UDP_RATE=50M
if [ "${LAB_X_FULL:-0}" = 1 ]; then
	T=10
	UDP_RATE=100M
fi

require_mode net
use_backends
bridges
command -v ethtool >/dev/null || fail "no ethtool in dom0 (image too old)"
ping -V >/dev/null 2>&1 || fail "no iputils ping in dom0 (image too old)"

# The jumbo bridge: its MTU is set before any port joins, so vif-bridge's
# set_mtu and the mtu=9000 key agree with it.
ip link show xenbrj >/dev/null 2>&1 || {
	ip link add xenbrj type bridge || fail "create xenbrj"
	ip addr add 10.0.2.1/24 dev xenbrj
}
ip link set xenbrj mtu 9000 || fail "xenbrj mtu 9000"
ip link set xenbrj up
ip -6 addr show dev xenbr0 | grep -q fd00::1 ||
	ip -6 addr add fd00::1/64 dev xenbr0 nodad
ip -6 addr show dev ovsbr0 | grep -q fd00:1::1 ||
	ip -6 addr add fd00:1::1/64 dev ovsbr0 nodad
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
payload=/run/lab-payload
rm -rf "$payload"
payload_make "$payload" || fail "payload files"
httpd_pid=$(payload_serve "$payload")
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" "$httpd_pid"; ip link del xenbrj; rm -rf "$payload"' EXIT

cat >"$LAB_OUT/job.sh" <<JOB
T=$T
UDP_RATE=$UDP_RATE
JOB
cat >>"$LAB_OUT/job.sh" <<'JOB'
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
# (the runner checks the whole console for kernel warnings)
dmesg | grep -i 'xsplit\|netfront' | tail -n 20
# every check above ran under set -e: reaching here is a pass
exit 0
JOB

NB_DEBUGFS=/sys/kernel/debug/xsplit_netback
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
guest_start netguest "$LAB_OUT/job.sh" \
	"vif = ['bridge=xenbr0', 'bridge=ovsbr0,script=vif-openvswitch', 'bridge=xenbrj,mtu=9000']"
domid=$(xl domid netguest) || fail "netguest vanished"
jvif=vif$domid.2
# The toolstack's mtu=9000 went through the hotplug script to the vif.
jmtu=$(cat "/sys/class/net/$jvif/mtu" 2>/dev/null)
echo "dom0: $jvif mtu ${jmtu:-?} (xenstore mtu=$(xenstore-read \
	"/local/domain/0/backend/vif/$domid/2/mtu" 2>/dev/null)), xenbrj mtu $(cat /sys/class/net/xenbrj/mtu)"

# While the guest runs (its links are up): no-fragmentation jumbo ping
# from dom0, and the vifs as dom0 sees them.
(
	console_wait netguest LAB-NET-READY 240 || exit 0
	if ping -M "do" -s 8972 -c 3 -W 5 10.0.2.2; then
		echo ok >"$LAB_OUT/jumbo-ping"
	fi
	for v in /sys/class/net/vif"$domid".*; do
		v=${v##*/}
		echo "== $v: $(cat "/sys/class/net/$v/operstate") mtu=$(cat "/sys/class/net/$v/mtu")" \
			"master=$(basename "$(readlink "/sys/class/net/$v/master")" 2>/dev/null)"
		ethtool -S "$v" 2>&1 | head -n 24
		ethtool -k "$v" 2>&1 |
			grep -E 'scatter-gather:|tcp-segmentation-offload:|tx-checksum-ip'
		# xsplit's netback: the vif's rings in debugfs, as Linux's
		# netback shows them in xen-netback/<vif>/io_ring_q<N>
		[ "$LAB_BE" = xsplit ] || continue
		tee -a "$LAB_OUT/io_ring" <"$NB_DEBUGFS/$v/io_ring_q0"
	done
) &
# The guest's payload, once it serves it: each vif, digests checked here.
(
	console_wait netguest LAB-PAYLOAD-READY 480 || exit 0
	v=intact
	for a in 10.0.0.2:tx-bridge 10.0.1.2:tx-ovs 10.0.2.2:tx-jumbo; do
		payload_check "${a%%:*}" "${a#*:}" >>"$LAB_OUT/payload-tx.log" 2>&1 ||
			v=corrupt
	done
	echo "$v" >"$LAB_OUT/payload-tx"
	echo "$v" >"$payload/tx-verdict"
) &
rc=0
guest_wait netguest || rc=$?
wait
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/netguest/console.log"
dmesg | grep -i 'xsplit\|vif' | tail -n 20
[ "$rc" = 0 ] || fail "ping/iperf3 in the guest"
[ "$jmtu" = 9000 ] || fail "$jvif: mtu ${jmtu:-?}, xl asked 9000"
[ -f "$LAB_OUT/jumbo-ping" ] || fail "dom0: ping -M do -s 8972 to the guest failed"
cat "$LAB_OUT/payload-tx.log"
[ "$(cat "$LAB_OUT/payload-tx" 2>/dev/null)" = intact ] ||
	fail "the guest's payload did not reach dom0 intact"
if [ "$LAB_BE" = xsplit ]; then
	n=$(grep -c '^tx: size [0-9]*, req_prod' "$LAB_OUT/io_ring" 2>/dev/null)
	[ "${n:-0}" = 3 ] || fail "debugfs: io_ring_q0 of ${n:-0} of the 3 vifs"
fi
grep -h 'LAB-FIG' "$LAB_OUT/netguest/console.log" | tr -d '\r' |
	sed "s/^LAB-FIG /LAB-FIG $LAB_FE-fe-$LAB_BE-be-/" >>"$LAB_OUT/figures"
check_leaks
# xsplit's netback: the vifs' debugfs folders went with their connections
if [ "$LAB_BE" = xsplit ]; then
	n=$(find "$NB_DEBUGFS" -mindepth 1 -type d | wc -l)
	[ "$n" = 0 ] || fail "debugfs: $n vif folders left after the guest"
fi

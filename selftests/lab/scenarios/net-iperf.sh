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

NB_DEBUGFS=/sys/kernel/debug/xsplit_netback
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
guest_start netguest "$(guest_job net-iperf "T=$T" "UDP_RATE=$UDP_RATE")" \
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

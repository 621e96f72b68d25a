#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A frontend's trust in its backend, and its MAC address changed by hand.
# Guest "trustguest", two vifs on two Linux bridges:
#   eth0  xenbr0 10.0.0.0/24, the toolstack's "trusted" key 1 (default)
#   eth1  xenbrt 10.0.3.0/24, the vif flag "untrusted": libxl writes
#         trusted = 0 in the frontend's directory before the guest runs
# dom0 checks both keys.  In the guest: eth0's MAC changed with `ip link
# set eth0 address` (device down, as Linux's netfront wants it), then
# ping; dom0 then says what it sees (its bridge's forwarding table has the
# new address on the vif, XenStore's mac still the old one).  Then iperf3
# TCP guest->dom0 and dom0->guest on eth0 and eth1, interleaved, 3
# repetitions (LAB-FIG trust-<vif>-<dir>-r<N>; medians in LAB-FIG
# trust-median-...).  With xsplit's netfront, from ethtool -S around the
# first guest->dom0 transfer of each: tx bytes copied per packet (eth0:
# about the headers; eth1: every byte, bounce = 1, zeroed rx pages).
# Guest "paramguest": one vif, key 1, but the module parameter
# trusted=0 on its command line (guest/init passes MODULE.param=value to
# insmod): bounce again, every byte copied, iperf3 passes.
# The kernel's netfront honours the same key and parameter; with it the
# counters are not checked (it has none), the transfers and the MAC
# change are, and its "bouncing" line is looked for.
# lab: modes=4 timeout=720
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

T=5
NEWMAC=02:16:3e:5a:17:01

require_mode net
use_backends
linux_bridge
ip link show xenbrt >/dev/null 2>&1 || {
	ip link add xenbrt type bridge || fail "create xenbrt"
	ip addr add 10.0.3.1/24 dev xenbrt
}
ip link set xenbrt up
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"; ip link del xenbrt' EXIT

cat >"$LAB_OUT/job-common.sh" <<JOB
T=$T
NEWMAC=$NEWMAC
FE=$LAB_FE
JOB
cat >>"$LAB_OUT/job-common.sh" <<'JOB'
# stat IF NAME: one of xsplit netfront's ethtool -S values (device-wide).
stat() { /lab/bin/xdp-pass stats "$1" | awk -v k="$2" '$1 == k { print $2 }'; }

# carrier IF: wait for the link (the carrier comes with the connection).
CARRIER_S=30
carrier() { wait_for "$CARRIER_S" "$1 carrier" has_carrier "$1"; }

# copy_fig IF NAME IPERF3-ARGS...: a guest->dom0 transfer and what
# xsplit's netfront copied for it: LAB-FIG NAME-copy with the bytes
# copied and granted per packet; sets COPIED, GRANTED, TXB, PKTS.
copy_fig() {
	cf_if=$1
	cf_name=$2
	shift 2
	c0=$(stat "$cf_if" tx_bytes_copied) g0=$(stat "$cf_if" tx_bytes_granted)
	b0=$(cat "/sys/class/net/$cf_if/statistics/tx_bytes")
	p0=$(cat "/sys/class/net/$cf_if/statistics/tx_packets")
	iperf_fig "$cf_name" "$@" || return 1
	COPIED=$(( $(stat "$cf_if" tx_bytes_copied) - c0 ))
	GRANTED=$(( $(stat "$cf_if" tx_bytes_granted) - g0 ))
	TXB=$(( $(cat "/sys/class/net/$cf_if/statistics/tx_bytes") - b0 ))
	PKTS=$(( $(cat "/sys/class/net/$cf_if/statistics/tx_packets") - p0 ))
	[ "$PKTS" -gt 0 ] || { echo "$cf_if: no packets sent"; return 1; }
	echo "LAB-FIG $cf_name-copy tx_packets=$PKTS tx_bytes=$TXB" \
		"copied=$COPIED granted=$GRANTED" \
		"copied_per_pkt=$((COPIED / PKTS)) granted_per_pkt=$((GRANTED / PKTS))"
}

# all_copied: copy_fig's transfer was copied whole, nothing granted.  The
# counters are read one after the other, so a packet of another sender
# (IPv6 neighbour discovery, say) may count in one and not the other:
# within 1%.
all_copied() {
	[ "$GRANTED" = 0 ] && [ $((COPIED * 100 / TXB)) -ge 99 ] &&
		[ $((COPIED * 100 / TXB)) -le 101 ]
}
JOB

# Guest 1: the key, the MAC, the comparison.
cp "$LAB_OUT/job-common.sh" "$LAB_OUT/job-trust.sh"
cat >>"$LAB_OUT/job-trust.sh" <<'JOB'
net_up eth0 10.0.0.2/24 && net_up eth1 10.0.3.2/24 || exit 1
carrier eth0 && carrier eth1 || exit 1
set -e
ping -c 2 -W 5 10.0.0.1
ping -c 2 -W 5 10.0.3.1
# The MAC: refused while up (as Linux's netfront), taken while down.
old=$(cat /sys/class/net/eth0/address)
if ip link set eth0 address $NEWMAC 2>/tmp/mac-up; then
	echo "LAB-MAC eth0 took a new address while up"
else
	echo "LAB-MAC while up: $(cat /tmp/mac-up)"
fi
# a gratuitous ARP when it comes up: dom0's neighbour entry follows
echo 1 >/proc/sys/net/ipv4/conf/eth0/arp_notify
ip link set eth0 down
ip link set eth0 address $NEWMAC
ip link set eth0 up
carrier eth0
[ "$(cat /sys/class/net/eth0/address)" = $NEWMAC ]
wait_ping 10.0.0.1 60
echo "LAB-MAC eth0 $old -> $NEWMAC, dom0 answers"
# dom0 looks at its side now; it answers on its server
DOM0_WORD_S=60
# dom0_word: dom0's word on the MAC, fetched; while it is not there, a
# ping keeps dom0's neighbour entry fresh.
dom0_word() {
	busybox wget -q -O /tmp/seen http://10.0.0.1:$PAYLOAD_PORT/mac-seen &&
		return 0
	ping -c 1 -W 1 10.0.0.1 >/dev/null || true
	return 1
}
wait_for "$DOM0_WORD_S" "dom0's word on the MAC" dom0_word ||
	{ echo "no word from dom0 on the MAC"; exit 1; }
echo "LAB-MAC dom0: $(cat /tmp/seen)"
if [ "$FE" = xsplit ]; then
	[ "$(stat eth0 bounce)" = 0 ] || { echo "eth0 (trusted=1) bounces"; exit 1; }
	[ "$(stat eth1 bounce)" = 1 ] || { echo "eth1 (trusted=0) does not bounce"; exit 1; }
	[ "$(stat eth0 rx_pages_zeroed)" = 0 ] ||
		{ echo "eth0: rx pages zeroed for a trusted backend"; exit 1; }
	[ "$(stat eth1 rx_pages_zeroed)" -gt 0 ] ||
		{ echo "eth1: no rx page zeroed for an untrusted backend"; exit 1; }
	# trusted: only the headers copied, the rest granted in place
	copy_fig eth0 trust-eth0-tx-r1 -c 10.0.0.1 -t $T
	[ "$GRANTED" -gt 0 ] && [ $((COPIED / PKTS)) -lt 300 ] ||
		{ echo "eth0: $COPIED bytes copied for $PKTS packets, $GRANTED granted"; exit 1; }
	# untrusted: every byte copied, nothing granted
	copy_fig eth1 trust-eth1-tx-r1 -c 10.0.3.1 -t $T
	all_copied ||
		{ echo "eth1: $COPIED of $TXB bytes copied, $GRANTED granted"; exit 1; }
else
	iperf_fig trust-eth0-tx-r1 -c 10.0.0.1 -t $T
	iperf_fig trust-eth1-tx-r1 -c 10.0.3.1 -t $T
fi
iperf_fig trust-eth0-rx-r1 -c 10.0.0.1 -t $T -R
iperf_fig trust-eth1-rx-r1 -c 10.0.3.1 -t $T -R
for r in 2 3; do
	iperf_fig trust-eth0-tx-r$r -c 10.0.0.1 -t $T
	iperf_fig trust-eth1-tx-r$r -c 10.0.3.1 -t $T
	iperf_fig trust-eth0-rx-r$r -c 10.0.0.1 -t $T -R
	iperf_fig trust-eth1-rx-r$r -c 10.0.3.1 -t $T -R
done
set +e
[ "$FE" != xsplit ] || for i in eth0 eth1; do
	/lab/bin/xdp-pass stats $i | grep -E '^(bounce|tx_bytes|rx_pages)'
done
dmesg | grep -i 'xsplit\|netfront\|bouncing' | tail -n 20
exit 0
JOB

# Guest 2: the module parameter.
cp "$LAB_OUT/job-common.sh" "$LAB_OUT/job-param.sh"
cat >>"$LAB_OUT/job-param.sh" <<'JOB'
net_up eth0 10.0.0.2/24 && carrier eth0 || exit 1
set -e
wait_ping 10.0.0.1 20
if [ "$FE" = xsplit ]; then
	[ "$(cat /sys/module/xsplit_netfront/parameters/trusted)" = N ]
	[ "$(stat eth0 bounce)" = 1 ] || { echo "eth0 (trusted=N) does not bounce"; exit 1; }
	copy_fig eth0 param-eth0-tx -c 10.0.0.1 -t 3
	all_copied ||
		{ echo "eth0: $COPIED of $TXB bytes copied, $GRANTED granted"; exit 1; }
else
	[ "$(cat /sys/module/xen_netfront/parameters/trusted)" = N ]
	iperf_fig param-eth0-tx -c 10.0.0.1 -t 3
fi
iperf_fig param-eth0-rx -c 10.0.0.1 -t 3 -R
set +e
dmesg | grep -i 'xsplit\|netfront\|bouncing' | tail -n 10
exit 0
JOB

# fdb_entry DOMID: xenbr0's forwarding entry for NEWMAC on the guest's
# vif, printed; false if there is none.
fdb_entry() { bridge fdb show br xenbr0 | grep -i "^$NEWMAC dev vif$1.0 "; }
FDB_S=10	# the bridge learning the new MAC

# What dom0 sees of the guest's new MAC, served to the guest (its wget
# waits for the file): the bridge's forwarding entry, XenStore's mac.
mac_seen() {
	local domid=$1 dir=$2 fdb xs
	console_wait trustguest 'LAB-MAC eth0 .* dom0 answers' 300 || return 0
	wait_for "$FDB_S" "the bridge's entry for $NEWMAC" fdb_entry "$domid" >/dev/null ||
		true	# "none" below
	fdb=$(fdb_entry "$domid")
	xs=$(xenstore-read "/local/domain/0/backend/vif/$domid/0/mac")
	echo "fdb: ${fdb:-none}; xenstore backend mac: $xs" | tee "$LAB_OUT/mac-seen"
	cp "$LAB_OUT/mac-seen" "$dir/mac-seen"
}

payload=/run/lab-trust
rm -rf "$payload"
mkdir -p "$payload"
httpd_pid=$(payload_serve "$payload")
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" "$httpd_pid"; ip link del xenbrt; rm -rf "$payload"' EXIT

guest_start trustguest "$LAB_OUT/job-trust.sh" \
	"vif = ['bridge=xenbr0', 'bridge=xenbrt,untrusted']"
domid=$(xl domid trustguest) || fail "trustguest vanished"
k0=$(xenstore-read "/local/domain/$domid/device/vif/0/trusted" 2>&1)
k1=$(xenstore-read "/local/domain/$domid/device/vif/1/trusted" 2>&1)
mac0=$(xenstore-read "/local/domain/$domid/device/vif/0/mac" 2>&1)
echo "dom0: trusted keys vif/0=$k0 vif/1=$k1 (the untrusted flag), vif/0 mac=$mac0"
mac_seen "$domid" "$payload" &
rc=0
guest_wait trustguest || rc=$?
wait
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/trustguest/console.log"
[ "$rc" = 0 ] || fail "trustguest: MAC change, counters or iperf3"
if [ "$k0" != 1 ] || [ "$k1" != 0 ]; then
	fail "libxl wrote trusted keys $k0/$k1, not 1/0"
fi
grep -q "dev vif$domid.0" "$LAB_OUT/mac-seen" 2>/dev/null ||
	fail "dom0's bridge never learnt $NEWMAC on vif$domid.0"
if [ "$LAB_FE" = intree ]; then
	grep -q 'bouncing transmitted data' "$LAB_OUT/trustguest/console.log" ||
		echo "note: the kernel's netfront did not log its bouncing (loglevel)"
fi

GUEST_CMDLINE="$([ "$LAB_FE" = xsplit ] && echo xsplit_netfront || echo xen_netfront).trusted=0" \
	guest_run paramguest "$LAB_OUT/job-param.sh" "vif = ['bridge=xenbr0']" ||
	fail "paramguest: trusted=0 parameter"

grep -h 'LAB-FIG' "$LAB_OUT"/*/console.log | tr -d '\r' |
	sed "s/^LAB-FIG /LAB-FIG $LAB_FE-fe-$LAB_BE-be-/" >>"$LAB_OUT/figures"
# medians of the 3 repetitions, per vif and direction
for v in eth0-tx eth1-tx eth0-rx eth1-rx; do
	m=$(grep -h "LAB-FIG trust-$v-r[0-9] " "$LAB_OUT/trustguest/console.log" |
		sed 's/.*mbit_s=\([0-9.]*\).*/\1/' | sort -n | awk '{ a[NR] = $1 }
		END { if (NR) print a[int((NR + 1) / 2)] }')
	echo "LAB-FIG $LAB_FE-fe-$LAB_BE-be-trust-median-$v mbit_s=${m:-?}" |
		tee -a "$LAB_OUT/figures"
done
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two guests on one bridge talk to each other, first on Open vSwitch
# (script=vif-openvswitch), then on a Linux bridge (vif-bridge).  Guest a
# runs `iperf3 -s`; guest b pings it and runs iperf3 to it in both
# directions (guest b -> a and a -> b).  While both run, the bridge lists
# both vifs (`ovs-vsctl show`, /sys/class/net/xenbr0/brif); after
# `xl destroy` of the guests their ports are gone.  Payload integrity
# guest to guest: each guest serves files of random data (guest/lib.sh,
# payload_*) and fetches the other's, checking every digest.  Figures
# printed.
# lab: modes=4 timeout=600 timeout_full=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

T=3
[ "${LAB_X_FULL:-0}" = 1 ] && T=10

require_mode net
use_backends
bridges

# ports KIND: the vifs on the bridge of KIND (ovs|linux), one a line.
ports() {
	if [ "$1" = ovs ]; then
		ovs-vsctl list-ports ovsbr0
	else
		ls /sys/class/net/xenbr0/brif
	fi | grep '^vif' | sort
}

# ports_gone KIND VIF1 VIF2: neither vif is a port of KIND's bridge.
# shellcheck disable=SC2143  # grep -q would end the pipe early: pipefail
ports_gone() { [ -z "$(ports "$1" | grep -x -e "$2" -e "$3")" ]; }
PORTS_GONE_S=30	# the hotplug scripts' offline step, after xl destroy

# pair KIND BRIDGE-CFG NET: guests KIND-a (.11) and KIND-b (.12) on NET.
pair() {
	local kind=$1 cfg=$2 net=$3 a=ng-$1-a b=ng-$1-b da db va vb v p rc
	step "$kind: two guests on one bridge"
	cat >"$LAB_OUT/job-$a.sh" <<JOB
net_up eth0 $net.11/24 || exit 1
iperf3 -s -D || exit 1
payload_make /tmp/payload && payload_serve /tmp/payload >/dev/null || exit 1
wait_ping $net.12 120 || exit 1
echo "LAB-NG-PING-OK"
# b's files, once b serves them
wait_for 240 "b's payload served" \
	busybox wget -q -O /dev/null http://$net.12:\$PAYLOAD_PORT/SHA256SUMS ||
	true	# payload_check says what is missing
if payload_check $net.12 $kind-b-to-a; then
	echo "LAB-NG-PAYLOAD ok"
else
	echo "LAB-NG-PAYLOAD bad"
fi
# serves until dom0 destroys it
sleep 100000
JOB
	cat >"$LAB_OUT/job-$b.sh" <<JOB
net_up eth0 $net.12/24 || exit 1
payload_make /tmp/payload && payload_serve /tmp/payload >/dev/null || exit 1
wait_ping $net.11 120 || exit 1
rc=0
ping -c 3 -W 5 $net.11 || rc=1
# a's iperf3 server may still be starting
n=0
until iperf_fig $kind-b-to-a -c $net.11 -t $T; do
	n=\$((n + 1))
	[ "\$n" -le 10 ] || { rc=1; break; }
	sleep 3
done
iperf_fig $kind-a-to-b -c $net.11 -t $T -R || rc=1
iperf_fig $kind-b-to-a-P4 -c $net.11 -t $T -P 4 || rc=1
payload_check $net.11 $kind-a-to-b || rc=1
echo "LAB-NG-DONE rc=\$rc"
sleep 100000
JOB
	guest_start "$a" "$LAB_OUT/job-$a.sh" "$cfg"
	guest_start "$b" "$LAB_OUT/job-$b.sh" "$cfg"
	da=$(xl domid "$a") || fail "$kind: $a vanished"
	db=$(xl domid "$b") || fail "$kind: $b vanished"
	va=vif$da.0
	vb=vif$db.0
	if [ "$kind" = ovs ]; then
		ovs-vsctl show
	else
		bridge link show
	fi
	p=$(ports "$kind" | tr '\n' ' ')
	echo "$kind ports while both run: $p"
	for v in "$va" "$vb"; do
		case " $p " in
		*" $v "*) ;;
		*) fail "$kind: $v not on the bridge" ;;
		esac
	done

	console_mark "$a" LAB-NG-PING-OK 240
	console_mark "$b" 'LAB-NG-DONE rc=' 300
	console_mark "$a" 'LAB-NG-PAYLOAD' 300
	rc=$(sed -n 's/.*LAB-NG-DONE rc=\([0-9]*\).*/\1/p' "$CONSOLE_DIR/guest-$b.log" | tail -n 1)
	grep -q 'LAB-NG-PAYLOAD ok' "$CONSOLE_DIR/guest-$a.log" || rc=1
	timeout 30 xl destroy "$a"
	timeout 30 xl destroy "$b"
	guest_collect "$a"
	guest_collect "$b"
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$b/console.log"
	grep -a -E 'LAB-FIG payload|^payload' "$LAB_OUT/$a/console.log"
	grep -h 'LAB-FIG' "$LAB_OUT/$b/console.log" "$LAB_OUT/$a/console.log" | tr -d '\r' |
		sed "s/^LAB-FIG /LAB-FIG $LAB_FE-fe-$LAB_BE-be-/" >>"$LAB_OUT/figures"
	[ "$rc" = 0 ] || fail "$kind: ping/iperf3/payload between the guests"

	# The hotplug scripts' offline step takes the ports away.
	wait_for "$PORTS_GONE_S" "$va and $vb off the bridge" \
		ports_gone "$kind" "$va" "$vb" || true	# the check below says
	p=$(ports "$kind" | grep -x -e "$va" -e "$vb" | tr '\n' ' ')
	[ -z "$p" ] || { ovs-vsctl show; bridge link show; fail "$kind: ports left after xl destroy: $p"; }
	echo "$kind: $va and $vb gone from the bridge after xl destroy"
}

pair ovs "vif = ['bridge=ovsbr0,script=vif-openvswitch']" 10.0.1
pair linux "vif = ['bridge=xenbr0']" 10.0.0
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xl destroy under load, N times: a guest with a memory-backed disk and a
# vif (odd cycles on the Linux bridge, even ones on Open vSwitch through
# script=vif-openvswitch) runs fio (randwrite, iodepth 32) on its disk and
# iperf3 to dom0 at once; dom0 checks both are moving, then destroys it.
# After each destroy: dom0 answers, the vbd and vif backend directories
# leave XenStore, the vif netdev and its OVS port are gone, and the xsplit
# backends hold nothing (counters back to 0).  After the loop: no leak
# (memory, slab, counters; see the leak section of dom0/lib.sh) and the
# xsplit backends unload.
# Cycles: LAB_X_CYCLES, else 2 (quick) or 20 (LAB_X_FULL=1).
# lab: modes=4 timeout=540 timeout_full=4200
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

N=${LAB_X_CYCLES:-2}
[ "${LAB_X_FULL:-0}" = 1 ] && N=${LAB_X_CYCLES:-20}
require_mode blk net
use_backends
bridges
disk=$(nullb lcddisk 256 1) || fail "$disk"
name=lcdestroy
srv=
trap 'kill $srv 2>/dev/null' EXIT

# start_guest CYCLE BRIDGE-SPEC JOB: xl create, with one more try when the
# vif hotplug script outlasts libxl's 40 s on a loaded host (logged).
start_guest() {
	local try
	for try in 1 2; do
		(guest_start "$name" "$3" \
			"disk = ['phy:$disk,xvdb,w']" "vif = ['$2']") && return 0
		grep -q 'because of timeout' "$LAB_OUT/$name/xl-create.log" ||
			fail "cycle $1: xl create"
		step "cycle $1: xl create: hotplug script timeout (try $try)"
		guest_collect "$name"
	done
	fail "cycle $1: xl create: hotplug scripts time out"
}

# Seconds the loads run at least, and at most wait to show, before xl destroy.
LOAD_MIN=6
LOAD_WAIT=60

# counter FILE: a sysfs counter, 0 when absent.
counter() { cat "$1" 2>/dev/null || echo 0; }

leak_snapshot "$LAB_OUT/leak-0"
t_all=$(now_ms)
for c in $(seq "$N"); do
	t0=$(now_ms)
	if [ $((c % 2)) = 1 ]; then
		br=xenbr0 net=10.0.0 spec="bridge=xenbr0"
	else
		br=ovsbr0 net=10.0.1 spec="bridge=ovsbr0,script=vif-openvswitch"
	fi
	port=$((5400 + c))
	timeout 400 iperf3 -s -1 -p "$port" >"$LAB_OUT/iperf3-server-$c.log" 2>&1 &
	srv=$!
	start_guest "$c" "$spec" \
		"$(guest_job lifecycle-destroy "CYCLE=$c" "NET=$net" "PORT=$port")"
	domid=$(xl domid "$name") || fail "cycle $c: guest gone"
	console_mark "$name" "LC-LOAD $c" 240
	vbd=/sys/bus/xen-backend/devices/vbd-$domid-$VBD_XVDB/statistics
	vif=/sys/class/net/vif$domid.0/statistics
	# Both loads must be moving before the destroy; a guest slowed by a
	# loaded host may take a while to issue its first write.
	for t in $(seq "$LOAD_WAIT"); do
		sleep 1
		wr=$(counter "$vbd/wr_req") rx=$(counter "$vif/rx_bytes")
		[ "$wr" -gt 0 ] && [ "$rx" -gt 0 ] && [ "$t" -ge "$LOAD_MIN" ] && break
	done
	kv "cycle$c.load_shown_after_s" "$t"
	kv "cycle$c.wr_req" "$wr"
	kv "cycle$c.vif_rx_bytes" "$rx"
	[ "$wr" -gt 0 ] || fail "cycle $c: no write reached the backend"
	[ "$rx" -gt 0 ] || fail "cycle $c: no traffic from the guest on vif$domid.0"
	if [ "$br" = ovsbr0 ] &&
		! ovs-vsctl list-ports ovsbr0 | grep -x "vif$domid.0" >/dev/null; then
		fail "cycle $c: vif$domid.0 not on ovsbr0"
	fi
	step "cycle $c: fio and iperf3 run in dom$domid ($br); xl destroy"
	t1=$(now_ms)
	timeout -k 5 120 xl destroy "$name" || fail "cycle $c: xl destroy"
	kv "cycle$c.destroy_ms" $(( $(now_ms) - t1 ))
	guest_collect "$name"
	timeout 30 xl info >/dev/null || fail "cycle $c: dom0's xl info after destroy"
	xs_gone "/local/domain/0/backend/vbd/$domid" 30
	xs_gone "/local/domain/0/backend/vif/$domid" 30
	netdev_gone "vif$domid.0" 30
	if ovs-vsctl list-ports ovsbr0 | grep "^vif$domid\\." >/dev/null; then
		ovs-vsctl list-ports ovsbr0
		fail "cycle $c: vif$domid.0 still an OVS port"
	fi
	leak_live_settle || fail "cycle $c: an xsplit backend still holds something"
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=
	kv "cycle$c.ms" $(( $(now_ms) - t0 ))
	leak_progress "$c" "$N" $(( $(now_ms) - t0 ))
	[ "$c" = 1 ] && leak_snapshot "$LAB_OUT/leak-1"
done
kv cycles "$N"
kv cycle_ms_avg $(( ($(now_ms) - t_all) / N ))
leak_snapshot "$LAB_OUT/leak-$N"

# Cycles 2..N against cycle 1 (one warm-up cycle), all with no guest.
bad=0
if [ "$N" -ge 2 ]; then
	leak_compare "$LAB_OUT/leak-1" "$LAB_OUT/leak-$N" $((N - 1)) || bad=1
else
	leak_compare "$LAB_OUT/leak-0" "$LAB_OUT/leak-$N" 1 || bad=1
fi
check_leaks
leak_unload || bad=1
[ "$bad" = 0 ] || fail "leaks after $N destroy cycles"
echo "$N cycles, no leak"

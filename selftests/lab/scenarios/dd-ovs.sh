#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Open vSwitch inside a driver domain: the driver domain (xsplit's
# backends, xl devd) runs Open vSwitch with bridge ddovs0 on an uplink of
# its own; a guest's vif names the driver domain and that bridge with the
# stock vif-openvswitch script (run by xl devd there), attached with xl
# network-attach once the guest runs.  The guest pings
# dom0 and runs iperf3 both ways through it; the driver domain's bridge
# must list the vif while the guest runs and drop it when it goes.
# lab: timeout=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/dd.sh
. "$LAB/dom0/dd.sh"

LAB_FE=xsplit
LAB_BE=xsplit
require_mode net
# dom0 serves only the driver domain's own uplinks, with its own backends.
LAB_BE=intree use_backends
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT
ddlog=$CONSOLE_DIR/guest-xsdd.log

# ovs_ports: the driver domain's last report of ddovs0's ports.
ovs_ports() { grep -a '^DD-OVS-PORTS' "$ddlog" | tail -n1 | cut -d' ' -f2-; }

# wait_ports WHAT SECONDS CMD...: until CMD (given the ports) succeeds,
# else fail with WHAT.
wait_ports() {
	local what=$1 n=$2
	shift 2
	wait_for "$n" "ddovs0's ports" with_ports "$@" && return 0
	echo "ddovs0 ports: $(ovs_ports)"
	fail "driver domain's ddovs0: $what"
}
# with_ports CMD...: CMD with the ports as its last argument.
with_ports() { "$@" "$(ovs_ports)"; }
has_vif() { [[ " $2 " == *" $1 "* ]]; }
no_vif() { ! has_vif "$@"; }

DD_OVS=1 dd_start xsdd xsplit
ddid=$(xl domid xsdd)
wait_ports "no uplink port" 60 has_vif eth1

cat >"$LAB_OUT/job.sh" <<'JOB'
# The vif comes by network-attach once the guest runs, maybe twice (a
# first one that fails goes away): wait for a connected one.
CARRIER_S=300	# from the guest's boot: dom0 attaches the vif later
eth0_up() { ip link set eth0 up 2>/dev/null && has_carrier eth0; }
wait_for "$CARRIER_S" "eth0 carrier" eth0_up || exit 1
ip addr add 10.0.0.6/24 dev eth0 || exit 1
wait_ping 10.0.0.1 60 || exit 1
set -e
ping -c 3 -W 5 10.0.0.1
iperf_fig ddovs-tx -c 10.0.0.1 -t 4
iperf_fig ddovs-rx -c 10.0.0.1 -t 4 -R
JOB
guest_start ddovs "$LAB_OUT/job.sh"
gid=$(xl domid ddovs)
# network-attach takes the vif spec as separate key=value words
vif=(backend=xsdd bridge=ddovs0 script=vif-openvswitch)

# attach N: xl network-attach, then wait for the driver domain's verdict:
# 0 once the backend is Connected with hotplug-status "connected", 1 if
# the hotplug script failed (dom0's xl does not wait for a driver
# domain's scripts).  Sets devid.
attach() {
	local be
	timeout 120 xl -v network-attach ddovs "${vif[@]}" >"$LAB_OUT/attach-$1.log" 2>&1 ||
		{ cat "$LAB_OUT/attach-$1.log"; return 1; }
	devid=$(xenstore-list "/local/domain/$ddid/backend/vif/$gid" 2>/dev/null | tail -n1)
	[ -n "$devid" ] || fail "the guest's vif is not served by the driver domain"
	be=/local/domain/$ddid/backend/vif/$gid/$devid
	wait_for "$ATTACH_S" "vif $devid's verdict" attach_settled "$be"
	xs_is "$be/hotplug-status" connected &&
		xs_is "$be/state" "$XENBUS_CONNECTED" && return 0
	echo "attach $1: backend state $(xenstore-read "$be/state" 2>/dev/null)," \
		"hotplug-status $(xenstore-read "$be/hotplug-status" 2>/dev/null)," \
		"hotplug-error $(xenstore-read "$be/hotplug-error" 2>&1)"
	return 1
}
ATTACH_S=120	# the driver domain's hotplug script and backend

# attach_settled BE: the vif backend BE is Connected with its hotplug
# script done, or one of them failed.
attach_settled() {
	local hs st
	hs=$(xenstore-read "$1/hotplug-status" 2>/dev/null)
	st=$(xenstore-read "$1/state" 2>/dev/null)
	[ "$hs" = connected ] && [ "$st" = "$XENBUS_CONNECTED" ] && return 0
	[ "$hs" = error ] || [ "$st" = "$XENBUS_CLOSING" ] ||
		[ "$st" = "$XENBUS_CLOSED" ]
}

# vif-openvswitch labels the port with the guest's name and uuid, which it
# reads from the guest's /local/domain/<id>/vm and /vm/<uuid>/: nodes only
# dom0 and the guest may read.  First as the toolstack leaves them; if the
# script fails on that, grant the driver domain read access to those
# three nodes (an administrator's step, no script changed) and try again.
if attach 1; then
	kv stock_vif_openvswitch_in_dd works
else
	kv stock_vif_openvswitch_in_dd fails
	timeout 60 xl network-detach ddovs "$devid" >/dev/null 2>&1
	xs_gone "/local/domain/$ddid/backend/vif/$gid/$devid" 60
	vm=$(xenstore-read "/local/domain/$gid/vm")
	for n in "/local/domain/$gid/vm" "$vm/name" "$vm/uuid"; do
		xenstore-chmod "$n" n0 "r$gid" "r$ddid" || fail "xenstore-chmod $n"
	done
	step "granted the driver domain read access to the guest's vm name and uuid"
	attach 2 || {
		grep -av 'libxl: debug' "$ddlog" | tail -n 40
		fail "xl network-attach to the driver domain's Open vSwitch"
	}
fi
port=vif$gid.$devid
wait_ports "$port never joined" 60 has_vif "$port"
step "ddovs0 in the driver domain: $(ovs_ports)"
rc=0
guest_wait ddovs 300 || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/ddovs/console.log"
[ "$rc" = 0 ] || {
	grep -av 'libxl: debug' "$ddlog" | tail -n 60
	fail "traffic through the driver domain's Open vSwitch"
}
wait_ports "$port stays after the guest went" 60 no_vif "$port"
xs_gone "/local/domain/$ddid/backend/vif/$gid/$devid" 60
step "ddovs0 after the guest: $(ovs_ports)"
dd_stop xsdd
check_leaks

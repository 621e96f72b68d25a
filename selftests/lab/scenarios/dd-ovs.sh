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

# wait_ports WHAT SECONDS CMD...: until CMD (given the ports) succeeds.
wait_ports() {
	local what=$1 n=$2 _
	shift 2
	for _ in $(seq "$n"); do
		"$@" "$(ovs_ports)" && return 0
		sleep 1
	done
	echo "ddovs0 ports: $(ovs_ports)"
	fail "driver domain's ddovs0: $what"
}
has_vif() { [[ " $2 " == *" $1 "* ]]; }
no_vif() { ! has_vif "$@"; }

DD_OVS=1 dd_start xsdd xsplit
ddid=$(xl domid xsdd)
wait_ports "no uplink port" 60 has_vif eth1

cat >"$LAB_OUT/job.sh" <<'JOB'
# the vif comes by network-attach once the guest runs
wait_dev /sys/class/net/eth0 300 || exit 1
net_up eth0 10.0.0.6/24 || exit 1
# the port joins the driver domain's bridge as the backend connects
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
# vif-openvswitch labels the port with the guest's name and uuid, which it
# reads from the guest's /local/domain/<id>/vm and /vm/<uuid>/: nodes only
# dom0 and the guest may read.  First as the toolstack leaves them; if the
# script fails on that, grant the driver domain read access to those
# three nodes (an administrator's step, no script changed) and try again.
if timeout 120 xl -v network-attach ddovs "${vif[@]}" >"$LAB_OUT/attach-1.log" 2>&1; then
	kv stock_vif_openvswitch_in_dd works
else
	cat "$LAB_OUT/attach-1.log"
	grep -a 'hotplug\|xenstore-read' "$ddlog" | tail -n 10
	kv stock_vif_openvswitch_in_dd fails
	timeout 60 xl network-detach ddovs 0 >/dev/null 2>&1
	vm=$(xenstore-read "/local/domain/$gid/vm")
	for n in "/local/domain/$gid/vm" "$vm/name" "$vm/uuid"; do
		xenstore-chmod "$n" n0 "r$gid" "r$ddid" || fail "xenstore-chmod $n"
	done
	step "granted the driver domain read access to the guest's vm name and uuid"
	timeout 120 xl -v network-attach ddovs "${vif[@]}" >"$LAB_OUT/attach-2.log" 2>&1 || {
		cat "$LAB_OUT/attach-2.log"
		tail -n 40 "$ddlog"
		fail "xl network-attach to the driver domain's Open vSwitch"
	}
fi
devid=$(xenstore-list "/local/domain/$ddid/backend/vif/$gid" 2>/dev/null | tail -n1)
[ -n "$devid" ] || fail "the guest's vif is not served by the driver domain"
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

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Open vSwitch inside a driver domain: the driver domain (xsplit's
# backends, xl devd) runs Open vSwitch with bridge ddovs0 on an uplink of
# its own; a guest's vif names the driver domain and that bridge with the
# stock vif-openvswitch script (run by xl devd there).  The guest pings
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
net_up eth0 10.0.0.6/24 || exit 1
set -e
ping -c 3 -W 5 10.0.0.1
iperf_fig ddovs-tx -c 10.0.0.1 -t 4
iperf_fig ddovs-rx -c 10.0.0.1 -t 4 -R
JOB
(guest_start ddovs "$LAB_OUT/job.sh" \
	"vif = ['backend=xsdd,bridge=ddovs0,script=vif-openvswitch']") || {
	tail -n 40 "$ddlog"
	fail "xl create with a vif on the driver domain's Open vSwitch"
}
gid=$(xl domid ddovs)
xenstore-list "/local/domain/$ddid/backend/vif/$gid" >/dev/null 2>&1 ||
	fail "the guest's vif is not served by the driver domain"
wait_ports "vif$gid.0 never joined" 60 has_vif "vif$gid.0"
step "ddovs0 in the driver domain: $(ovs_ports)"
rc=0
guest_wait ddovs 300 || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/ddovs/console.log"
[ "$rc" = 0 ] || { tail -n 40 "$ddlog"; fail "traffic through the driver domain's Open vSwitch"; }
wait_ports "vif$gid.0 stays after the guest went" 60 no_vif "vif$gid.0"
xs_gone "/local/domain/$ddid/backend/vif/$gid/0" 60
step "ddovs0 after the guest: $(ovs_ports)"
dd_stop xsdd
check_leaks

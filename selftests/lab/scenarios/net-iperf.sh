#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The network pair on both kinds of bridge: a guest with one vif on a Linux
# bridge and one on an Open vSwitch bridge (script=vif-openvswitch) runs
# iperf3 to dom0 on each, in both directions.  Passes if every transfer
# moved data; the rates are printed.
# lab: modes=4 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

require_mode net
use_backends
bridges
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT

cat >"$LAB_OUT/job.sh" <<'JOB'
net_up eth0 10.0.0.2/24 && net_up eth1 10.0.1.2/24 || exit 1
set -e
iperf_fig bridge-tx -c 10.0.0.1 -t 4
iperf_fig bridge-rx -c 10.0.0.1 -t 4 -R
iperf_fig ovs-tx -c 10.0.1.1 -t 4
iperf_fig ovs-rx -c 10.0.1.1 -t 4 -R
JOB
guest_run netguest "$LAB_OUT/job.sh" \
	"vif = ['bridge=xenbr0', 'bridge=ovsbr0,script=vif-openvswitch']" ||
	fail "iperf3 in the guest"
check_leaks

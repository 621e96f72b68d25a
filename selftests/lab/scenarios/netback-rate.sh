#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit netback's credit limit: a vif with rate=8Mb/s on the Linux
# bridge.  iperf3 from the guest must move data and stay near the limit.
# lab: modes=1 timeout=420
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

LAB_FE=intree
LAB_BE=xsplit
require_mode net
use_backends
bridges
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT

cat >"$LAB_OUT/job.sh" <<'JOB'
net_up eth0 10.0.0.2/24 || exit 1
set -e
ping -c 2 -W 5 10.0.0.1
iperf_fig limited-tx -c 10.0.0.1 -t 6
JOB
guest_run rateguest "$LAB_OUT/job.sh" "vif = ['bridge=xenbr0,rate=8Mb/s']" ||
	fail "iperf3 through a rate-limited vif"
fig=$(sed -n 's/.*LAB-FIG limited-tx .*mbit_s=\([0-9.]*\).*/\1/p' \
	"$LAB_OUT/rateguest/console.log" | tail -n 1)
echo "rate-limited iperf3: ${fig:-?} Mbit/s (limit 8)"
awk -v r="$fig" 'BEGIN { exit !(r > 0 && r < 12) }' ||
	fail "rate limit not applied: ${fig:-?} Mbit/s"
check_leaks

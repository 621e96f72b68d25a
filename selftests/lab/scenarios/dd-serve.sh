#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Backends in a deprivileged driver domain: a PV domain created with
# driver_domain=1 runs the backends (xsplit's; in a full run also the
# kernel's, for comparison) and `xl devd`, which runs the stock
# block and vif-bridge hotplug scripts inside it.  A guest whose disk and
# vif name that domain (backend=xsdd) writes and verifies its xvdb, backed
# by a null_blk disk inside the driver domain, and runs iperf3 to dom0
# through the driver domain's bridge and uplink.  The same job served by
# xsplit's backends in dom0 gives the ratio.
# The kernel's backends are the control: their fio and ping must pass,
# their iperf3 runs bounded and is recorded, not required (in this lab
# the kernel's netback in the driver domain passes ping and then never
# carries iperf3's connection to dom0, results/20261207-093513: none of
# xsplit's code is on that path).
# lab: timeout=900 timeout_full=1500
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/dd.sh
. "$LAB/dom0/dd.sh"

# One driver domain with xsplit's backends serves a guest with the
# kernel's frontends, then one with xsplit's; a full run repeats that with
# the kernel's backends in the driver domain, for comparison.  Then the
# same job, served from dom0 by xsplit's backends.
LAB_FE=xsplit
LAB_BE=xsplit
require_mode blk net
# dom0 serves only the driver domain's own uplink vif: with its own
# backends, so the ones under test run in the driver domain alone.
LAB_BE=intree use_backends
linux_bridge
IPERF_PID=$LAB_OUT/iperf3.pid
IPERF_STOP_S=10
iperf_server_stop() {
	local pid
	pid=$(cat "$IPERF_PID" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	wait_for "$IPERF_STOP_S" "iperf3 server $pid gone" \
		sh -c "! kill -0 $pid 2>/dev/null" || fail "iperf3 server $pid stays"
	rm -f "$IPERF_PID"
}
# A fresh server for every guest: one serves a test at a time, and a
# client that connected and then went quiet (the control's, killed by
# its bound) holds it for good: results/20261207-121435, where the
# dom0-served guest that came next never got its test.
iperf_server_start() {
	iperf_server_stop
	iperf3 -s -D -I "$IPERF_PID" --logfile "$LAB_OUT/iperf3-server.log" ||
		fail "iperf3 server"
}
trap iperf_server_stop EXIT

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.5/24 || exit 1
set -e
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1"
fio --name=rand4k $v --rw=randwrite --bs=4k --iodepth=32 --size=8M
fio --name=seq1m $v --rw=write --bs=1M --iodepth=8 --size=64M --offset=128M
echo "fio verify through the driver domain: passed"
t="--filename=/dev/xvdb --direct=1 --ioengine=libaio --runtime=5 --time_based"
fio_fig dd-4k $t --rw=randread --bs=4k --iodepth=32
fio_fig dd-1m $t --rw=read --bs=1M --iodepth=8
ping -c 3 -W 5 10.0.0.1
# how the frontends connected (trust, queues, segments), for the figures
dmesg | grep -E 'connected to domain|segments|grant' || true
iperf_fig dd-tx -c 10.0.0.1 -t 4
iperf_fig dd-rx -c 10.0.0.1 -t 4 -R
JOB

# The control's job: iperf3 bounded, a failure said instead of failing.
CONTROL_IPERF_S=60
{
	echo "iperf3() { timeout $CONTROL_IPERF_S /usr/bin/iperf3 \"\$@\"; }"
	sed 's/^\(iperf_fig .*\)$/\1 || echo "LAB-CONTROL iperf3 failed: &"/' \
		"$LAB_OUT/job.sh"
} >"$LAB_OUT/job-control.sh"

# serve_guest DDBE FE: one guest with FE frontends, disk and vif from the
# driver domain; the backends must live there and leave with the guest.
serve_guest() {
	local name=dd$2 gid d rc=0 job=$LAB_OUT/job.sh
	[ "$1" = intree ] && job=$LAB_OUT/job-control.sh
	iperf_server_start
	LAB_FE=$2 guest_start "$name" "$job" \
		"disk = ['backend=xsdd,format=raw,vdev=xvdb,access=rw,target=/dev/nullb0']" \
		"vif = ['backend=xsdd,bridge=ddbr0']"
	gid=$(xl domid "$name")
	xenstore-ls "/local/domain/$ddid/backend" >"$LAB_OUT/dd-backend-$1-$2.txt" 2>&1
	for d in vbd vif; do
		xenstore-list "/local/domain/$ddid/backend/$d/$gid" >/dev/null 2>&1 ||
			fail "no $d backend of the guest in the driver domain"
		xenstore-list "/local/domain/0/backend/$d/$gid" >/dev/null 2>&1 &&
			fail "the guest's $d is served by dom0"
	done
	guest_wait "$name" 400 || rc=$?
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log" |
		sed "s/LAB-FIG dd-/LAB-FIG dd-$1be-$2fe-/"
	[ "$rc" = 0 ] || fail "I/O through the driver domain ($1 backends, $2 frontends)"
	grep -q 'LAB-CONTROL' "$LAB_OUT/$name/console.log" &&
		kv "control_iperf_$2fe" failed
	# The driver domain's xl devd removes them after its hotplug scripts
	# (the per-guest directory above them may stay: a driver domain may
	# not remove it, see libxl's driver_domain).
	xs_gone "/local/domain/$ddid/backend/vbd/$gid/$VBD_XVDB" 60
	xs_gone "/local/domain/$ddid/backend/vif/$gid/0" 60
	echo "PASS: $1 backends in the driver domain, $2 frontends"
}

bes=xsplit
[ "${LAB_X_FULL:-0}" = 1 ] && bes="xsplit intree"
for be in $bes; do
	dd_start xsdd "$be"
	ddid=$(xl domid xsdd)
	for fe in intree xsplit; do
		serve_guest "$be" "$fe"
	done
	dd_stop xsdd
done
# The same job with xsplit's backends in dom0, for the ratio (the driver
# domain's uplink vif is gone: dom0 may switch backends now).
use_backends
dev=$(nullb ddcmp 1024 1) || fail "$dev"
sed 's/_fig dd-/_fig dom0-/' "$LAB_OUT/job.sh" >"$LAB_OUT/job-dom0.sh"
iperf_server_start
guest_run dom0served "$LAB_OUT/job-dom0.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']" || fail "the same job served by dom0"
check_leaks

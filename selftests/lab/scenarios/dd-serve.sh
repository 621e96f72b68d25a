#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Backends in a deprivileged driver domain: a PV domain created with
# driver_domain=1 runs the backends (xsplit's or, for comparison, the
# kernel's: the mode's backend half) and `xl devd`, which runs the stock
# block and vif-bridge hotplug scripts inside it.  A guest whose disk and
# vif name that domain (backend=xsdd) writes and verifies its xvdb, backed
# by a null_blk disk inside the driver domain, and runs iperf3 to dom0
# through the driver domain's bridge and uplink.
# lab: modes=4 timeout=720
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/dd.sh
. "$LAB/dom0/dd.sh"

require_mode blk net
dd_be=$LAB_BE
# dom0 serves only the driver domain's own uplink vif: with its own
# backends, so the ones under test run in the driver domain alone.
LAB_BE=intree use_backends
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT

dd_start xsdd "$dd_be"
ddid=$(xl domid xsdd)

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.5/24 || exit 1
set -e
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1"
fio --name=rand4k $v --rw=randwrite --bs=4k --iodepth=32 --size=8M
fio --name=seq1m $v --rw=write --bs=1M --iodepth=8 --size=64M --offset=128M
echo "fio verify through the driver domain: passed"
ping -c 3 -W 5 10.0.0.1
iperf_fig dd-tx -c 10.0.0.1 -t 4
iperf_fig dd-rx -c 10.0.0.1 -t 4 -R
JOB
guest_start ddguest "$LAB_OUT/job.sh" \
	"disk = ['backend=xsdd,format=raw,vdev=xvdb,access=rw,target=/dev/nullb0']" \
	"vif = ['backend=xsdd,bridge=ddbr0']"
gid=$(xl domid ddguest)
# The guest's devices must be the driver domain's, not dom0's.
xenstore-ls "/local/domain/$ddid/backend" >"$LAB_OUT/dd-backend.txt" 2>&1
for d in vbd vif; do
	xenstore-list "/local/domain/$ddid/backend/$d/$gid" >/dev/null 2>&1 ||
		fail "no $d backend of the guest in the driver domain"
	xenstore-list "/local/domain/0/backend/$d/$gid" >/dev/null 2>&1 &&
		fail "the guest's $d is served by dom0"
done
rc=0
guest_wait ddguest || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/ddguest/console.log"
[ "$rc" = 0 ] || { dd_stop xsdd; fail "I/O through the driver domain"; }
# The driver domain's backends took the guest's devices down cleanly.
for d in vbd vif; do
	if xenstore-list "/local/domain/$ddid/backend/$d/$gid" 2>/dev/null | grep -q .; then
		dd_stop xsdd
		fail "$d backend of the gone guest left in the driver domain"
	fi
done
dd_stop xsdd
check_leaks

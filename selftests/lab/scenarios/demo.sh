#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a guest doing disk and network I/O through xsplit (through
# the in-tree drivers while xsplit's do not exist yet), with the same fio
# jobs run on the raw device in dom0 as the reference.  Prints a table;
# the figures are never asserted, only that every job ran.
# lab: timeout=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# The demo shows xsplit as soon as all four of its drivers exist.
pick_mode() {
	local k
	LAB_FE=xsplit LAB_BE=xsplit
	for k in blkfront netfront blkback netback; do
		have_xsplit $k || { LAB_FE=intree LAB_BE=intree; }
	done
	export LAB_FE LAB_BE
}

# table FIGS: the figures as a table, in the order they were measured.
table() {
	echo "xsplit lab demo: $LAB_FE frontends, $LAB_BE backends, null_blk disk, Linux bridge"
	printf '%-34s %10s %10s %10s\n' "" IOPS MiB/s Mbit/s
	tr -d '\r' <"$1" | awk '$1 == "LAB-FIG" {
		name = $2; iops = mib = mbit = "-"
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "iops") iops = kv[2]
			if (kv[1] == "mib_s") mib = kv[2]
			if (kv[1] == "mbit_s") mbit = kv[2]
		}
		printf "%-34s %10s %10s %10s\n", name, iops, mib, mbit
	}'
	echo "(emulated hardware: compare rows of one run, not runs)"
}

pick_mode
use_backends
linux_bridge
dev=$(nullb bench 16384 0) || fail "$dev"
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT

# The same two fio jobs in dom0 and in the guest.
cat >"$LAB_OUT/fio-jobs.sh" <<'JOB'
fio_jobs() {
	c="--filename=$2 --direct=1 --ioengine=libaio --time_based --runtime=10 --ramp_time=2"
	fio_fig "$1-4k-randread-qd32" $c --rw=randread --bs=4k --iodepth=32 &&
	fio_fig "$1-1M-seqread-qd8" $c --rw=read --bs=1M --iodepth=8
}
JOB
# shellcheck source=/dev/null
. "$LAB_OUT/fio-jobs.sh"
step "fio on $dev in dom0"
fio_jobs dom0-raw "$dev" | tee "$LAB_OUT/figs" || fail "fio in dom0"

{
	cat "$LAB_OUT/fio-jobs.sh"
	cat <<'JOB'
wait_dev /dev/xvdb 60 && net_up eth0 10.0.0.2/24 || exit 1
fio_jobs guest /dev/xvdb || exit 1
iperf_fig iperf3-guest-to-dom0 -c 10.0.0.1 -t 5 || exit 1
iperf_fig iperf3-dom0-to-guest -c 10.0.0.1 -t 5 -R || exit 1
JOB
} >"$LAB_OUT/job.sh"
guest_run demoguest "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']" | tee -a "$LAB_OUT/figs"
[ "${PIPESTATUS[0]}" = 0 ] || fail "guest I/O"
{
	table "$LAB_OUT/figs"
	echo "guest: created in $(awk '{ print $2 - $1 }' "$LAB_OUT/demoguest/t-create") ms," \
		"user space up $(cat "$LAB_OUT/demoguest/t-ready") ms after xl create"
} | tee "$LAB_OUT/table.txt"
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a guest doing disk and network I/O through xsplit, next to
# the same guest through the kernel's own drivers and the raw device in
# dom0, all in one run, so the figures can be compared as ratios (emulated
# hardware: only figures of one run compare).  The figures are printed,
# never asserted; only that every job ran.
# lab: timeout=1500
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# The pairs to measure: the in-tree one (the reference) and xsplit's.  A
# missing xsplit module fails the demo: measuring the in-tree pair alone
# would look like a result.
pairs() {
	echo intree xsplit
}
for k in blkfront netfront blkback netback; do
	have_xsplit $k || fail "no xsplit $k module: the demo needs all four"
done

# table FIGS: the figures as a table, in the order they were measured,
# then each guest figure as a ratio to the raw device and to the in-tree
# pair.
table() {
	echo "xsplit lab demo: null_blk disk, Linux bridge, $(pairs | sed 's/ / and /') pairs"
	tr -d '\r' <"$1" | awk '
	function ratio(a, b) { return (b > 0 && a != "-") ? sprintf("%.2f", a / b) : "-" }
	$1 == "LAB-FIG" {
		name = $2; iops = mib = mbit = "-"
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "iops") iops = kv[2]
			if (kv[1] == "mib_s") mib = kv[2]
			if (kv[1] == "mbit_s") mbit = kv[2]
		}
		n++; names[n] = name; val[name] = (mbit != "-") ? mbit : (iops != "-" ? iops : mib)
		row[n] = sprintf("%-34s %10s %10s %10s", name, iops, mib, mbit)
	}
	END {
		printf "%-34s %10s %10s %10s %8s %8s\n", "", "IOPS", "MiB/s", "Mbit/s", "/raw", "/intree"
		for (i = 1; i <= n; i++) {
			name = names[i]; job = name; sub(/^[^-]*-/, "", job)
			sub(/^raw-/, "", job)
			raw = val["dom0-raw-" job]; ref = val["intree-" job]
			r1 = (name ~ /^dom0-raw/ || job ~ /^iperf3/) ? "-" : ratio(val[name], raw)
			r2 = (name ~ /^(dom0-raw|intree)/) ? "-" : ratio(val[name], ref)
			printf "%s %8s %8s\n", row[i], r1, r2
		}
	}'
	echo "(ratios use IOPS for 4k, MiB/s for 1M, Mbit/s for iperf3;" \
		"emulated hardware: compare rows of one run, not runs)"
}

# measure PAIR: a guest with the PAIR's frontends and backends runs the
# fio jobs and iperf3 both ways; its figures are prefixed with PAIR.
measure() {
	local pair=$1
	LAB_FE=$pair LAB_BE=$pair
	export LAB_FE LAB_BE
	use_backends
	{
		cat "$LAB_OUT/fio-jobs.sh"
		cat <<JOB
wait_dev /dev/xvdb 60 && net_up eth0 10.0.0.2/24 || exit 1
fio_jobs $pair /dev/xvdb || exit 1
iperf_fig $pair-iperf3-guest-to-dom0 -c 10.0.0.1 -t 5 || exit 1
iperf_fig $pair-iperf3-dom0-to-guest -c 10.0.0.1 -t 5 -R || exit 1
JOB
	} >"$LAB_OUT/job-$pair.sh"
	guest_run "demo-$pair" "$LAB_OUT/job-$pair.sh" \
		"disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']" |
		tee -a "$LAB_OUT/figs"
	[ "${PIPESTATUS[0]}" = 0 ] || fail "guest I/O through the $pair pair"
	echo "$pair guest: created in" \
		"$(awk '{ print $2 - $1 }' "$LAB_OUT/demo-$pair/t-create") ms," \
		"user space up $(cat "$LAB_OUT/demo-$pair/t-ready") ms after xl create" \
		>>"$LAB_OUT/times"
}

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

for pair in $(pairs); do
	measure "$pair"
done
{
	table "$LAB_OUT/figs"
	cat "$LAB_OUT/times"
} | tee "$LAB_OUT/table.txt"
check_leaks

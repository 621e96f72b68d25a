#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a guest doing disk and network I/O through xsplit, next to
# the same guest through the kernel's own drivers and the raw device in
# dom0, all in one run, so the figures can be compared as ratios (emulated
# hardware: only figures of one run compare).  The figures are printed,
# never asserted; only that every job ran.
#
# Network, per pair: guest->dom0 and dom0->guest with one stream; then
# with two streams from the 1-vCPU guest (one queue) and from a second,
# 2-vCPU guest (two queues, multi-queue-num-queues read from XenStore);
# and guest->guest on the Linux bridge, the second guest sending to the
# first (which serves iperf3 once its own jobs are done).
# lab: timeout=1500
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# The pairs to measure: the in-tree one always (the reference), then
# xsplit's once all four of its drivers exist.
pairs() {
	local k
	for k in blkfront netfront blkback netback; do
		have_xsplit $k || { echo intree; return; }
	done
	echo intree xsplit
}

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
		p = name; sub(/-.*/, "", p); if (p != "dom0") pre[p] = 1
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
		for (p in pre) {
			q1 = val[p "-iperf3-1q-guest-to-dom0-P2"]; q2 = val[p "-iperf3-2q-guest-to-dom0-P2"]
			r1 = val[p "-iperf3-1q-dom0-to-guest-P2"]; r2 = val[p "-iperf3-2q-dom0-to-guest-P2"]
			if (q1 != "" && q2 != "")
				printf "%s: 2 queues / 1 queue (2 streams): guest-to-dom0 %s, dom0-to-guest %s\n",
					p, ratio(q2, q1), ratio(r2, r1)
		}
	}'
	echo "(ratios use IOPS for 4k, MiB/s for 1M, Mbit/s for iperf3;" \
		"emulated hardware: compare rows of one run, not runs)"
}

# wait_line NAME PATTERN SECONDS: the guest's console shows PATTERN;
# fails (console printed) if the guest goes away or the time runs out.
wait_line() {
	local log=$CONSOLE_DIR/guest-$1.log i
	for i in $(seq 1 "$3"); do
		grep -q "$2" "$log" 2>/dev/null && return 0
		xl domid "$1" >/dev/null 2>&1 || break
		sleep 1
	done
	guest_collect "$1"
	tail -n 40 "$LAB_OUT/$1/console.log"
	fail "$1: no '$2' after ${i}s"
}

# queues NAME: once the guest's vif 0 is connected, what its frontend
# negotiated (multi-queue-num-queues; absent means one queue).
queues() {
	local d f n
	d=$(xl domid "$1") || return
	f=/local/domain/$d/device/vif/0
	for _ in $(seq 1 120); do
		[ "$(xenstore-read "$f/state" 2>/dev/null)" = 4 ] && break
		sleep 1
	done
	n=$(xenstore-read "$f/multi-queue-num-queues" 2>/dev/null) || n="1 (key absent)"
	echo "$1: multi-queue-num-queues=$n, backend offers" \
		"$(xenstore-read "/local/domain/0/backend/vif/$d/0/multi-queue-max-queues" 2>/dev/null)"
}

# measure PAIR: a guest with the PAIR's frontends and backends runs the
# fio jobs and iperf3 both ways, then serves iperf3 to a second guest
# (2 vCPUs, so two queues) that measures guest->guest and two streams to
# dom0; their figures are prefixed with PAIR.
measure() {
	local pair=$1 g=demo-$1 g2=demo-$1-2q
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
iperf_fig $pair-iperf3-1q-guest-to-dom0-P2 -c 10.0.0.1 -t 5 -P 2 || exit 1
iperf_fig $pair-iperf3-1q-dom0-to-guest-P2 -c 10.0.0.1 -t 5 -P 2 -R || exit 1
iperf3 -s -D || exit 1
echo LAB-DEMO-SERVE
sleep 100000
JOB
	} >"$LAB_OUT/job-$pair.sh"
	cat >"$LAB_OUT/job-$pair-2q.sh" <<JOB
net_up eth0 10.0.0.3/24 || exit 1
n=0
until ping -c 1 -W 2 10.0.0.2 >/dev/null 2>&1; do
	n=\$((n + 1))
	[ "\$n" -le 60 ] || exit 1
	sleep 1
done
iperf_fig $pair-iperf3-guest-to-guest -c 10.0.0.2 -t 5 || exit 1
iperf_fig $pair-iperf3-guest-to-guest-R -c 10.0.0.2 -t 5 -R || exit 1
iperf_fig $pair-iperf3-2q-guest-to-dom0-P2 -c 10.0.0.1 -t 5 -P 2 || exit 1
iperf_fig $pair-iperf3-2q-dom0-to-guest-P2 -c 10.0.0.1 -t 5 -P 2 -R || exit 1
JOB
	guest_start "$g" "$LAB_OUT/job-$pair.sh" \
		"disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']"
	wait_line "$g" LAB-GUEST-UP 300
	echo "$(( $(now_ms) - $(cut -d' ' -f1 "$LAB_OUT/$g/t-create") ))" >"$LAB_OUT/$g/t-ready"
	wait_line "$g" LAB-DEMO-SERVE 600
	GUEST_VCPUS=2 guest_start "$g2" "$LAB_OUT/job-$pair-2q.sh" "vif = ['bridge=xenbr0']"
	queues "$g2" >>"$LAB_OUT/times" &
	rc=0
	guest_wait "$g2" 300 || rc=$?
	wait
	timeout 30 xl destroy "$g"
	guest_collect "$g"
	for n in "$g" "$g2"; do
		sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$n/console.log"
	done | tee -a "$LAB_OUT/figs"
	[ "$rc" = 0 ] || fail "guest->guest / 2-queue iperf3 through the $pair pair"
	echo "$pair guest: created in" \
		"$(awk '{ print $2 - $1 }' "$LAB_OUT/$g/t-create") ms," \
		"user space up $(cat "$LAB_OUT/$g/t-ready") ms after xl create" \
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

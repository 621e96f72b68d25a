#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network benchmark (figures, never asserted), the kernel's pair and
# xsplit's pair in one run so that they compare as ratios: iperf3 TCP
# guest->dom0 and dom0->guest from a 1-vCPU guest (one queue), the same
# with two streams from it and from a 2-vCPU guest (two queues: 1 vs 2
# queues), and guest->guest both ways between the two on the Linux bridge.
# Each guest prints how many queues its frontend got (real tx queues).
# The table at the end gives every figure and xsplit / in-tree; then the
# vifs' per-queue counters.  A benchmark: run it on a quiet host (builds or
# fuzzers on the host during a run skew one pair against the other).
# LAB_X_TX_ZEROCOPY=1 adds a third pair, xsplitzc: xsplit's pair with
# xsplit_netback grant-mapping guest transmit (tx_zerocopy=1) where the
# xsplit pair copies (tx_zerocopy=0), its own column and zc / copy ratio
# in the table, and its vifs' tx_zerocopy_* counters.  LAB_X_NB_MIXED=1
# adds the mixed pairs, to tell the frontend's share from the backend's:
# xfe (xsplit's frontend, the kernel's backend) and xbe (the reverse).
# lab: timeout=2200
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

LAB_FE=xsplit
LAB_BE=xsplit
require_mode net
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"' EXIT
T=5	# seconds per iperf3 run

# queue_fig NAME: the frontend's real tx queue count, as a figure.
cat >"$LAB_OUT/queues.sh" <<'JOB'
queue_fig() {
	echo "LAB-FIG $1 queues=$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"
}
JOB

# zc_counters: what proves the mapped path ran, while the vifs exist.
zc_counters() {
	local v
	for v in /sys/class/net/vif*; do
		echo "== ${v##*/}"
		ethtool -S "${v##*/}" 2>&1 | grep tx_zerocopy
	done | tee -a "$LAB_OUT/zc-counters"
	dmesg | grep -E 'zero-copy transmit|mapped tx pages' | tail -n 8
	grep . /sys/kernel/debug/xsplit_core/grants_* 2>/dev/null
}

# bench PAIR: the two guests with PAIR's frontends and backends.
bench() {
	local p=$1 a=nb-$1-1q b=nb-$1-2q rc=0
	case $p in
	xsplitzc) LAB_FE=xsplit LAB_BE=xsplit ;;
	xfe) LAB_FE=xsplit LAB_BE=intree ;;
	xbe) LAB_FE=intree LAB_BE=xsplit ;;
	*) LAB_FE=$p LAB_BE=$p ;;
	esac
	use_backends
	case $p in
	xsplit | xbe) tx_zerocopy 0 ;;
	xsplitzc) tx_zerocopy 1 ;;
	esac
	{
		cat "$LAB_OUT/queues.sh"
		cat <<JOB
net_up eth0 10.0.0.2/24 || exit 1
queue_fig $p-1q
iperf_fig $p-guest-to-dom0 -c 10.0.0.1 -t $T || exit 1
iperf_fig $p-dom0-to-guest -c 10.0.0.1 -t $T -R || exit 1
iperf_fig $p-1q-guest-to-dom0-P2 -c 10.0.0.1 -t $T -P 2 || exit 1
iperf_fig $p-1q-dom0-to-guest-P2 -c 10.0.0.1 -t $T -P 2 -R || exit 1
iperf3 -s -D || exit 1
echo LAB-NB-SERVE
sleep 100000
JOB
	} >"$LAB_OUT/job-$a.sh"
	{
		cat "$LAB_OUT/queues.sh"
		cat <<JOB
net_up eth0 10.0.0.3/24 || exit 1
queue_fig $p-2q
wait_ping 10.0.0.2 120 || exit 1
iperf_fig $p-guest-to-guest -c 10.0.0.2 -t $T || exit 1
iperf_fig $p-guest-to-guest-R -c 10.0.0.2 -t $T -R || exit 1
iperf_fig $p-2q-guest-to-dom0-P2 -c 10.0.0.1 -t $T -P 2 || exit 1
iperf_fig $p-2q-dom0-to-guest-P2 -c 10.0.0.1 -t $T -P 2 -R || exit 1
JOB
	} >"$LAB_OUT/job-$b.sh"
	GUEST_MEMORY=384 guest_start "$a" "$LAB_OUT/job-$a.sh" "vif = ['bridge=xenbr0']"
	console_mark "$a" LAB-NB-SERVE 400
	GUEST_MEMORY=384 GUEST_VCPUS=2 guest_start "$b" "$LAB_OUT/job-$b.sh" \
		"vif = ['bridge=xenbr0']"
	guest_wait "$b" 400 || rc=$?
	# Where the packets went: per-queue counters of both vifs.
	for n in "$a" "$b"; do
		echo "--- ethtool -S of $n's vif ($p backend) ---"
		ethtool -S "vif$(xl domid "$n").0" 2>&1 | grep -E 'q[0-9]+_|queue_[0-9]+_|dropped|stall'
	done >>"$LAB_OUT/vif-stats.txt"
	[ "$p" = xsplitzc ] && zc_counters
	timeout 30 xl destroy "$a"
	guest_collect "$a"
	for n in "$a" "$b"; do
		sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$n/console.log"
	done | tee -a "$LAB_OUT/figs"
	[ "$rc" = 0 ] || fail "iperf3 through the $p pair"
}

pairs="intree xsplit"
[ "${LAB_X_TX_ZEROCOPY:-0}" = 1 ] && pairs="$pairs xsplitzc"
[ "${LAB_X_NB_MIXED:-0}" = 1 ] && pairs="$pairs xfe xbe"
for pair in $pairs; do
	bench "$pair"
done
echo "--- network figures (Mbit/s; TCG, one run: compare rows, not runs) ---"
awk '/^LAB-FIG / {
	name = $2; sub(/^(intree|xsplit|xsplitzc|xfe|xbe)-/, "", name)
	pair = $2; sub(/-.*/, "", pair)
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "mbit_s" || kv[1] == "queues") {
			v[pair, name] = kv[2]
			has[pair] = 1
			if (!(name in seen)) { seen[name] = 1; order[++n] = name }
		}
	}
}
# cell PAIR BASE HEAD: PAIR figure and PAIR / BASE, when PAIR ran.
function cell(p, base, k,   a, b) {
	if (!(p in has))
		return ""
	a = v[base, k]; b = v[p, k]
	return sprintf(" %10s %8s", b, (a > 0 && b != "") ? sprintf("%.2f", b / a) : "-")
}
function head(p, r) {
	return (p in has) ? sprintf(" %10s %8s", p, r) : ""
}
END {
	printf "%-26s %10s%s%s%s%s\n", "figure", "intree",
		head("xsplit", "ratio"), head("xsplitzc", "zc/copy"),
		head("xfe", "xfe/it"), head("xbe", "xbe/it")
	for (i = 1; i <= n; i++) {
		k = order[i]
		printf "%-26s %10s%s%s%s%s\n", k, v["intree", k],
			cell("xsplit", "intree", k), cell("xsplitzc", "xsplit", k),
			cell("xfe", "intree", k), cell("xbe", "intree", k)
	}
}' "$LAB_OUT/figs" | tee "$LAB_OUT/table.txt"
# 2 queues / 1 queue, per pair (columns 2 and 3 of the table).
awk '$1 ~ /P2$/ { it[$1] = $2; xs[$1] = $3 }
END {
	for (d in it) {
		if (d !~ /^1q-/) continue
		t = d; sub(/^1q-/, "2q-", t)
		if (!(t in it) || it[d] <= 0 || xs[d] <= 0)
			continue
		printf "2 queues / 1 queue, %s: intree %.2f, xsplit %.2f\n",
			substr(d, 4), it[t] / it[d], xs[t] / xs[d]
	}
}' "$LAB_OUT/table.txt"
cat "$LAB_OUT/vif-stats.txt"
check_leaks

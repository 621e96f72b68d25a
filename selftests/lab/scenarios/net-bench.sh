#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench` (issue #15), the network half: figures, never asserted.  One
# run measures, interleaved, REPS times each, every fe/be PAIR (pair A rep
# 1, pair B rep 1, ..., pair A rep 2, ...): iperf3 TCP guest->dom0 and
# dom0->guest from a 1-vCPU guest (one queue), the same with two streams
# from it and from a 2-vCPU guest (two queues: 1 vs 2 queues), and
# guest->guest both ways between the two on the Linux bridge.  Each guest
# prints how many queues its frontend got (real tx queues).  Beside each
# figure, what it cost per MiB moved, counted as bench does (guest/lib.sh
# cost_*, dom0/lib/bench.sh): events sent and taken, grant hypercalls, CPU
# time, in the guest running the iperf3 client and in dom0 (for
# guest->guest, the serving guest's own costs are not counted).
# net-bench.csv has every repetition; table.txt the median, min-max, and
# the ratios of medians to the in-tree pair (/intree) and, for a pair with
# settings, to the same pair without (/base); scripts/bench-plot.sh plots
# it.  A benchmark: run it on a quiet host (builds or fuzzers on the host
# during a run skew one pair against the other).
#   LAB_X_NB_PAIRS  fe/be pairs, each with optional settings as bench's
#                   LAB_X_BENCH_PAIRS: fe/be:module.param=value,... (a
#                   backend's writable module parameters, set in dom0 for
#                   that pair only; a frontend's, *front*.param, go on the
#                   guests' kernel command line).  Default: intree/intree
#                   xsplit/xsplit.  An xsplit backend copies guest
#                   transmit (tx_zerocopy=0) unless the pair's settings say
#                   otherwise.
#   LAB_X_NB_REPS   repetitions (default 3)
#   LAB_X_TX_ZEROCOPY=1  adds xsplit/xsplit:xsplit_netback.tx_zerocopy=1
#                   (grant-mapped guest transmit) and its vifs'
#                   tx_zerocopy_* counters
#   LAB_X_NB_MIXED=1  adds the mixed pairs, to tell the frontend's share
#                   from the backend's: xsplit/intree and intree/xsplit
# Time: ~200 s a pair and repetition under TCG (two guest boots of ~40 s
# and ~17 s of xl create each, eight iperf3 runs of T=5 s and ~3 s around
# each); the timeout covers five pairs (both options) at 3 repetitions
# with half as much again.
# lab: timeout=4500
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

PAIRS=${LAB_X_NB_PAIRS:-intree/intree xsplit/xsplit}
[ "${LAB_X_TX_ZEROCOPY:-0}" = 1 ] &&
	PAIRS="$PAIRS xsplit/xsplit:xsplit_netback.tx_zerocopy=1"
[ "${LAB_X_NB_MIXED:-0}" = 1 ] && PAIRS="$PAIRS xsplit/intree intree/xsplit"
REPS=${LAB_X_NB_REPS:-3}
T=5			# seconds per iperf3 run
GUEST_WAIT_S=400	# a guest's whole job, boot included
RAW=$LAB_OUT/net-bench.raw	# one BENCH line per iperf3 run, tagged
WATCHES=''		# bench_watch pipelines running

check_pairs "$PAIRS" net
cost_setup || fail "dom0's kernel has no kprobe events"
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
stop_all() {
	local w
	for w in $WATCHES; do watch_stop "$w"; done
	kill "$(cat "$LAB_OUT/iperf3.pid")"
}
trap stop_all EXIT

# The guests' jobs.  queue_fig NAME: the frontend's real tx queue count.
# Each frontend setting of the command line is shown as the module took it.
cat >"$LAB_OUT/nb-head.sh" <<'JOB'
queue_fig() {
	echo "LAB-FIG $1 queues=$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"
}
for w in $(cat /proc/cmdline); do
	case $w in
	*front*.*=*)
		m=${w%%.*} p=${w#*.}
		echo "LAB-NB-PARAM $m.${p%%=*}=$(cat "/sys/module/$m/parameters/${p%%=*}")"
		;;
	esac
done
cost_setup || { echo "no kprobe events"; exit 1; }
JOB
# Guest A, 1 vCPU: against dom0, then serves guest B.
{
	cat "$LAB_OUT/nb-head.sh"
	cat <<JOB
net_up eth0 10.0.0.2/24 || exit 1
queue_fig 1q
bench_iperf guest-to-dom0 -c 10.0.0.1 -t $T || exit 1
bench_iperf dom0-to-guest -c 10.0.0.1 -t $T -R || exit 1
bench_iperf 1q-guest-to-dom0-P2 -c 10.0.0.1 -t $T -P 2 || exit 1
bench_iperf 1q-dom0-to-guest-P2 -c 10.0.0.1 -t $T -P 2 -R || exit 1
iperf3 -s -D || exit 1
echo LAB-NB-SERVE
sleep 100000
JOB
} >"$LAB_OUT/job-nb-1q.sh"
# Guest B, 2 vCPUs: against guest A, then dom0 with two queues.
{
	cat "$LAB_OUT/nb-head.sh"
	cat <<JOB
net_up eth0 10.0.0.3/24 || exit 1
queue_fig 2q
wait_ping 10.0.0.2 120 || exit 1
bench_iperf guest-to-guest -c 10.0.0.2 -t $T || exit 1
bench_iperf guest-to-guest-R -c 10.0.0.2 -t $T -R || exit 1
bench_iperf 2q-guest-to-dom0-P2 -c 10.0.0.1 -t $T -P 2 || exit 1
bench_iperf 2q-dom0-to-guest-P2 -c 10.0.0.1 -t $T -P 2 -R || exit 1
JOB
} >"$LAB_OUT/job-nb-2q.sh"

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

# pair_backends PAIR: dom0's backends for PAIR (fe/be[:settings]), its
# settings made (the undo in UNDO), its frontends' words in FE_WORDS.
pair_backends() {
	local pair=${1%%:*}
	if [ "$pair" = "$1" ]; then split_variant ''; else split_variant "${1#*:}"; fi
	LAB_FE=${pair%/*} LAB_BE=${pair#*/}
	export LAB_FE LAB_BE
	use_backends
	# the copying path unless the settings say otherwise
	[ "$LAB_BE" = intree ] || tx_zerocopy 0
	UNDO=''
	[ -z "$BE_SET" ] || UNDO=$(set_params "$BE_SET") || exit 1
}

# pair_guests REP NAME-A NAME-B: guests A and B of the rep, dom0 taking
# its cost snapshots at their BENCH-MARK lines (NAME.marks); A destroyed
# once B is done.
pair_guests() {
	local a=$2 b=$3 rc=0 wa wb n
	bench_watch "$a" "$LAB_OUT/$a.marks"
	wa=$WATCH
	bench_watch "$b" "$LAB_OUT/$b.marks"
	wb=$WATCH
	WATCHES="$wa $wb"
	GUEST_CMDLINE=$FE_WORDS GUEST_MEMORY=384 guest_start "$a" \
		"$LAB_OUT/job-nb-1q.sh" "vif = ['bridge=xenbr0']"
	console_mark "$a" LAB-NB-SERVE "$GUEST_WAIT_S"
	GUEST_CMDLINE=$FE_WORDS GUEST_MEMORY=384 GUEST_VCPUS=2 guest_start "$b" \
		"$LAB_OUT/job-nb-2q.sh" "vif = ['bridge=xenbr0']"
	guest_wait "$b" "$GUEST_WAIT_S" || rc=$?
	# Where the packets went: per-queue counters of both vifs.
	for n in "$a" "$b"; do
		echo "--- rep $1: ethtool -S of $n's vif ($PAIR) ---"
		ethtool -S "vif$(xl domid "$n" 2>/dev/null).0" 2>&1 |
			grep -E 'q[0-9]+_|queue_[0-9]+_|dropped|stall'
	done >>"$LAB_OUT/vif-stats.txt"
	case $PAIR in *tx_zerocopy=1*) zc_counters ;; esac
	timeout 30 xl destroy "$a"
	guest_collect "$a"
	watch_stop "$wa"
	watch_stop "$wb"
	WATCHES=''
	[ "$rc" = 0 ] || fail "iperf3 through $PAIR"
}

# pair_run REP PAIR N: pair number N's two guests in repetition REP.
pair_run() {
	local what=${2//,/+} a=nb$3-$1-1q b=nb$3-$1-2q n
	PAIR=$2
	pair_backends "$2"
	step "rep $1: $2 (guests $a, $b)"
	pair_guests "$1" "$a" "$b"
	for n in "$a" "$b"; do
		bench_raw "$1" "$what" "$LAB_OUT/$n/console.log" "$LAB_OUT/$n.marks" >>"$RAW"
		tr -d '\r' <"$LAB_OUT/$n/console.log" |
			sed -n "s|^LAB-FIG \\([12]q\\) queues=\\([0-9]*\\).*|$what \\1 \\2|p" \
				>>"$LAB_OUT/queues.txt"
		tr -d '\r' <"$LAB_OUT/$n/console.log" | sed -n "s|^LAB-NB-PARAM |$n: |p"
	done
	# a broken watcher shows at the first pair, not after the whole run
	grep -q 'd_missing=1' "$RAW" && fail "dom0 missed the BENCH-MARK lines of $a or $b"
	[ -z "$UNDO" ] || set_params "$UNDO" >/dev/null || exit 1
}

# nb_table RAW: per figure and pair, the median Mbit/s of the
# repetitions, their min-max, the ratios of medians to the in-tree pair
# and (a pair with settings) to the same pair without them; the medians
# of the costs per MiB moved: events sent and taken, grant hypercalls (map
# + unmap + copy batches), the grant operations they carry, remote TLB
# flush hypercalls (each guest + dom0), CPU ms of the guest and of dom0
# (USER_HZ ticks of 10 ms) and of netback's guest-receive threads.  Then
# 2 queues / 1 queue.
nb_table() {
	awk "$BENCH_AWK"'
	$1 == "BENCH" { bench_kv()
		w = v["what"]; j = v["job"]; mib = v["mib"]
		if (mib <= 0) next
		if (!(j in jseen)) { jseen[j] = 1; jobs[++nj] = j }
		if (!(w in wseen)) { wseen[w] = 1; whats[++nw] = w
			if (length(w) > ww) ww = length(w) }
		id = j SUBSEP w; has[id] = 1
		add(id SUBSEP "fig", v["mbit_s"])
		add(id SUBSEP "sent", events() / mib)
		add(id SUBSEP "taken", sum2("irq") / mib)
		add(id SUBSEP "ghc", gnt_hc() / mib)
		add(id SUBSEP "gops", gnt_ops() / mib)
		add(id SUBSEP "tlb", tlb() / mib)
		add(id SUBSEP "gcpu", v["busy"] * 10 / mib)
		add(id SUBSEP "dcpu", v["d_busy"] * 10 / mib)
		add(id SUBSEP "becpu", v["d_bethr"] / 1000 / mib)
	}
	function fig(j, w) { return med(m[j SUBSEP w SUBSEP "fig"]) }
	function base(w, j,   b) {
		b = w; sub(/:.*/, "", b)
		return (b != w && (j SUBSEP b) in has) ? ratio(fig(j, w), fig(j, b)) : "-"
	}
	END {
		if (ww < 4) ww = 4
		printf "%-20s %-" ww "s %7s %11s %7s %6s %7s %8s %7s %7s %6s %8s %7s %7s\n", "figure",
			"pair", "Mbit/s", "min-max", "/intree", "/base", "ev.sent", "ev.taken",
			"gnt.hc", "gnt.ops", "tlb", "guest.ms", "dom0.ms", "be.ms"
		for (a = 1; a <= nj; a++)
			for (b = 1; b <= nw; b++) {
				j = jobs[a]; w = whats[b]; id = j SUBSEP w
				if (!(id in has)) continue
				ref = j SUBSEP "intree/intree"
				printf "%-20s %-" ww "s %7.0f %11s %7s %6s %7.2f %8.2f %7.2f %7.1f %6.2f %8.2f %7.2f %7.2f\n",
					j, w, fig(j, w), spread(m[id SUBSEP "fig"]),
					(ref in has) ? ratio(fig(j, w), fig(j, "intree/intree")) : "-",
					base(w, j), med(m[id SUBSEP "sent"]), med(m[id SUBSEP "taken"]),
					med(m[id SUBSEP "ghc"]), med(m[id SUBSEP "gops"]), med(m[id SUBSEP "tlb"]),
					med(m[id SUBSEP "gcpu"]), med(m[id SUBSEP "dcpu"]),
					med(m[id SUBSEP "becpu"])
			}
		print "medians of each row'"'"'s repetitions (min-max: of Mbit/s); costs per MiB" \
			" moved: events sent/taken, grant hypercalls, the grant operations they carry" \
			" and remote TLB flush hypercalls (guest + dom0), CPU ms of" \
			" the client guest and of dom0; be.ms: of the netback guest-receive threads in dom0" \
			" (transmit runs in NAPI, not counted); /intree: to intree/intree, /base: a pair" \
			" with settings to the same pair without"
		for (b = 1; b <= nw; b++)
			for (a = 1; a <= nj; a++) {
				j = jobs[a]; w = whats[b]
				if (j !~ /^1q-.*P2$/) continue
				t = j; sub(/^1q-/, "2q-", t)
				if (!((j SUBSEP w) in has) || !((t SUBSEP w) in has)) continue
				printf "2 queues / 1 queue, %s, %s: %s\n", substr(j, 4), w,
					ratio(fig(t, w), fig(j, w))
			}
	}' "$1"
}

: >"$RAW"
: >"$LAB_OUT/queues.txt"
for rep in $(seq "$REPS"); do
	n=0
	for p in $PAIRS; do
		n=$((n + 1))
		pair_run "$rep" "$p" "$n"
	done
done
grep -c . "$RAW" | sed 's/^/measurements: /'
nb_table "$RAW" >"$LAB_OUT/table.txt"
bench_csv "$RAW" "mbit_s mib $BENCH_COST_KEYS" >"$LAB_OUT/net-bench.csv"
echo "--- network figures (Mbit/s; TCG, $REPS repetitions: compare rows, not runs) ---"
cat "$LAB_OUT/table.txt"
echo "--- tx queues each frontend got (pair, guest, queues: repetitions) ---"
sort "$LAB_OUT/queues.txt" | uniq -c | awk '{ print $2, $3, $4 ": " $1 }'
cat "$LAB_OUT/vif-stats.txt"
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-plot.sh RESULTS: PNG plots of a bench run's bench.csv
# (selftests/lab/scenarios/bench.sh) and net-bench.csv (net-bench.sh),
# each written beside its CSV: per fio job or iperf3 figure, the median
# of each pair (and the raw device) with min-max error bars
# (bench-<job>.png, net-bench-<figure>.png), the events sent per I/O and
# grant hypercalls per MiB (bench-costs.png), the events sent per MiB
# between a guest and dom0 (net-bench-costs.png).  Needs gnuplot
# (Debian's gnuplot-nox).
set -euo pipefail

res=${1:?usage: $0 RESULTS-FOLDER}
csv=$(find "$res" -name bench.csv | head -n 1)
ncsv=$(find "$res" -name net-bench.csv | head -n 1)
[ -n "$csv$ncsv" ] || { echo "no bench.csv or net-bench.csv under $res" >&2; exit 1; }
command -v gnuplot >/dev/null ||
	{ echo "gnuplot missing: apt-get install gnuplot-nox" >&2; exit 1; }

# stats CSV JOB COLUMN-EXPR: "what median min max" per what, in run order;
# what without its settings' module names (xsplit_netfront.p=1: p=1).
stats() {
	local f=$1
	shift
	awk -F, -v job="$1" "
	function med(s,   a, n, i, j, t) { n = split(s, a, \" \")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		lo[0] = a[1]; hi[0] = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$3 == job { w = \$2; if (!(w in s)) o[++n] = w
		v = $2; s[w] = s[w] (s[w] == \"\" ? \"\" : \" \") v }
	END { for (i = 1; i <= n; i++) { m = med(s[o[i]]); l = o[i]
		gsub(/xsplit_[a-z]+[.]/, \"\", l)
		print l, m, lo[0], hi[0] } }
	" "$f"
}

# bars: gnuplot's settings for every chart here, median bars with
# min-max error bars.
bars() {
	printf '%s\n' 'set style data histogram' \
		'set style histogram errorbars gap 1 lw 1' \
		'set style fill solid 0.6 border -1' 'set yrange [0:*]' \
		'set xtics rotate by -20'
}

# plot_job CSV JOB COLUMN UNIT TOOL: JOB's figures, as TOOL-<job>.png
# (TOOL: bench for fio, net-bench for iperf3).
plot_job() {
	local f=$1 job=$2 col=$3 unit=$4 tool=$5 prog=fio dat
	[ "$tool" = bench ] || prog=iperf3
	dat=$(mktemp)
	stats "$f" "$job" "\$c[\"$col\"]" >"$dat"
	[ -s "$dat" ] || { echo "no $job figures"; rm -f "$dat"; return 0; }
	gnuplot <<-GP
		set terminal pngcairo noenhanced size 800,480
		set output "$(dirname "$f")/$tool-$job.png"
		set title "$prog $job: median of the repetitions, min-max bars"
		set ylabel "$unit"
		$(bars)
		plot "$dat" using 2:3:4:xtic(1) notitle
	GP
	rm -f "$dat"
}

# shellcheck disable=SC2016  # awk expressions, for stats
plot_costs() {
	local ev hc out
	out=$(dirname "$csv")
	ev=$(mktemp) hc=$(mktemp)
	stats "$csv" 4k-randread '($c["notify_remote_via_irq"] + $c["d_notify_remote_via_irq"]) / ($c["kib"] / 4)' |
		grep -v '^dom0-' >"$ev"
	stats "$csv" 1M-seqread '($c["gnttab_map_refs"] + $c["gnttab_unmap_refs"] + $c["gnttab_batch_copy"] + $c["d_gnttab_map_refs"] + $c["d_gnttab_unmap_refs"] + $c["d_gnttab_batch_copy"]) / ($c["kib"] / 1024)' |
		grep -v '^dom0-' >"$hc"
	gnuplot <<-GP
		set terminal pngcairo noenhanced size 1000,480
		set output "$out/bench-costs.png"
		set multiplot layout 1,2
		$(bars)
		set title "4k randread: events sent per I/O (guest + dom0)"
		plot "$ev" using 2:3:4:xtic(1) notitle
		set title "1M seqread: grant hypercalls per MiB"
		plot "$hc" using 2:3:4:xtic(1) notitle
		unset multiplot
	GP
	rm -f "$ev" "$hc"
}

# shellcheck disable=SC2016  # awk expressions, for stats
plot_net_costs() {
	local job dat out
	out=$(dirname "$ncsv")
	dat=$(mktemp)
	for job in guest-to-dom0 dom0-to-guest; do
		stats "$ncsv" "$job" '($c["notify_remote_via_irq"] + $c["d_notify_remote_via_irq"]) / $c["mib"]' |
			sed "s/^/$job:/"
	done >"$dat"
	gnuplot <<-GP
		set terminal pngcairo noenhanced size 1000,560
		set output "$out/net-bench-costs.png"
		set title "iperf3: events sent per MiB (guest + dom0), median, min-max bars"
		$(bars)
		plot "$dat" using 2:3:4:xtic(1) notitle
	GP
	rm -f "$dat"
}

if [ -n "$csv" ]; then
	# every job the run had (JOB+lean too), IOPS at 4k, MiB/s at 1M
	awk -F, 'NR > 1 && !s[$3]++ { print $3 }' "$csv" | while read -r job; do
		case $job in
		4k-*) plot_job "$csv" "$job" iops IOPS bench ;;
		*) plot_job "$csv" "$job" mib_s MiB/s bench ;;
		esac
	done
	plot_costs
	ls "$(dirname "$csv")"/bench-*.png
fi
if [ -n "$ncsv" ]; then
	awk -F, 'NR > 1 && !s[$3]++ { print $3 }' "$ncsv" | while read -r job; do
		plot_job "$ncsv" "$job" mbit_s Mbit/s net-bench
	done
	plot_net_costs
	ls "$(dirname "$ncsv")"/net-bench-*.png
fi

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-plot.sh RESULTS: PNG plots of a bench run's bench.csv
# (selftests/lab/scenarios/bench.sh), written beside it: per fio job, the
# median figure of each pair and the raw device with min-max error bars
# (bench-<job>.png), and the events sent per I/O and grant hypercalls per
# MiB (bench-costs.png).  Needs gnuplot (Debian's gnuplot-nox).
set -euo pipefail

csv=$(find "${1:?usage: $0 RESULTS-FOLDER}" -name bench.csv | head -n 1)
[ -n "$csv" ] || { echo "no bench.csv under $1" >&2; exit 1; }
command -v gnuplot >/dev/null ||
	{ echo "gnuplot missing: apt-get install gnuplot-nox" >&2; exit 1; }
out=$(dirname "$csv")

# stats JOB COLUMN-EXPR: "what median min max" per what, in run order.
stats() {
	awk -F, -v job="$1" "
	function med(s,   a, n, i, j, t) { n = split(s, a, \" \")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		lo[0] = a[1]; hi[0] = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$3 == job { w = \$2; if (!(w in s)) o[++n] = w
		v = $2; s[w] = s[w] (s[w] == \"\" ? \"\" : \" \") v }
	END { for (i = 1; i <= n; i++) { m = med(s[o[i]]); print o[i], m, lo[0], hi[0] } }
	" "$csv"
}

plot_job() {
	local job=$1 col=$2 unit=$3 dat
	dat=$(mktemp)
	stats "$job" "\$c[\"$col\"]" >"$dat"
	[ -s "$dat" ] || { echo "no $job figures"; rm -f "$dat"; return 0; }
	gnuplot <<-GP
		set terminal pngcairo noenhanced size 800,480
		set output "$out/bench-$job.png"
		set title "fio $job: median of the repetitions, min-max bars"
		set ylabel "$unit"
		set style data histogram
		set style histogram errorbars gap 1 lw 1
		set style fill solid 0.6 border -1
		set yrange [0:*]
		set xtics rotate by -20
		plot "$dat" using 2:3:4:xtic(1) notitle
	GP
	rm -f "$dat"
}

# shellcheck disable=SC2016  # awk expressions, for stats
plot_costs() {
	local ev hc
	ev=$(mktemp) hc=$(mktemp)
	stats 4k-randread '($c["notify_remote_via_irq"] + $c["d_notify_remote_via_irq"]) / ($c["kib"] / 4)' |
		grep -v '^dom0-' >"$ev"
	stats 1M-seqread '($c["gnttab_map_refs"] + $c["gnttab_unmap_refs"] + $c["gnttab_batch_copy"] + $c["d_gnttab_map_refs"] + $c["d_gnttab_unmap_refs"] + $c["d_gnttab_batch_copy"]) / ($c["kib"] / 1024)' |
		grep -v '^dom0-' >"$hc"
	gnuplot <<-GP
		set terminal pngcairo noenhanced size 1000,480
		set output "$out/bench-costs.png"
		set multiplot layout 1,2
		set style data histogram
		set style histogram errorbars gap 1 lw 1
		set style fill solid 0.6 border -1
		set yrange [0:*]
		set xtics rotate by -20
		set title "4k randread: events sent per I/O (guest + dom0)"
		plot "$ev" using 2:3:4:xtic(1) notitle
		set title "1M seqread: grant hypercalls per MiB"
		plot "$hc" using 2:3:4:xtic(1) notitle
		unset multiplot
	GP
	rm -f "$ev" "$hc"
}

for job in 4k-randread 4k-randwrite; do plot_job "$job" iops IOPS; done
for job in 1M-seqread 1M-seqwrite; do plot_job "$job" mib_s MiB/s; done
plot_costs
ls "$out"/bench-*.png

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, benchmarks (bench, net-bench): pair variants, dom0's cost
# snapshots beside a guest's (guest/lib.sh bench_cost), and the raw
# "BENCH rep=N what=PAIR job=JOB key=value..." lines each repetition
# leaves, read back as a CSV and as medians.

# split_variant SETTINGS: the backend's settings (for set_params) in BE_SET,
# the frontends' (module names with "front") as kernel words in FE_WORDS.
split_variant() {
	local kv
	BE_SET='' FE_WORDS=''
	for kv in ${1//,/ }; do
		case ${kv%%.*} in
		*front*) FE_WORDS="$FE_WORDS${FE_WORDS:+ }$kv" ;;
		*) BE_SET="$BE_SET${BE_SET:+,}$kv" ;;
		esac
	done
}

# check_pairs PAIRS KIND: each of PAIRS is fe/be[:settings], each side
# intree or xsplit; fails otherwise, and unless xsplit's KIND (blk, net)
# drivers were built where a pair needs them.
check_pairs() {
	local p q side
	for p in $1; do
		q=${p%%:*}
		for side in ${q%/*} ${q#*/}; do
			[ "$side" = intree ] || [ "$side" = xsplit ] ||
				fail "pair $p: each side is intree or xsplit"
		done
		(LAB_FE=${q%/*} LAB_BE=${q#*/} require_mode "$2") || exit 1
	done
}

# bench_watch NAME FILE: in the background, append dom0's cost_snap to
# FILE at each BENCH-MARK line of guest NAME's console.  Sets WATCH.
bench_watch() {
	local log=$CONSOLE_DIR/guest-$1.log
	: >"$2"
	# no filter between tail and the loop: it would buffer the lines
	(tail -s 0.1 -n +1 -F "$log" 2>/dev/null |
		while read -r line; do
			line=${line%$'\r'}
			case $line in
			*BENCH-MARK*) echo "${line#*BENCH-MARK } $(cost_snap)" >>"$2" ;;
			esac
		done) &
	WATCH=$!
}

# watch_stop [PID]: end a bench_watch pipeline (PID, else WATCH's), every
# process of it.
watch_stop() {
	local w=${1:-$WATCH}
	pkill -P "$w" 2>/dev/null
	kill "$w" 2>/dev/null
	wait "$w" 2>/dev/null
}

# dom0_costs FILE JOB: dom0's deltas for JOB from bench_watch's FILE,
# each key prefixed d_.
dom0_costs() {
	local a b
	a=$(awk -v j="$2" '$1 == "start" && $2 == j { $1 = $2 = ""; print }' "$1" | tail -n 1)
	b=$(awk -v j="$2" '$1 == "end" && $2 == j { $1 = $2 = ""; print }' "$1" | tail -n 1)
	[ -n "$a" ] && [ -n "$b" ] || return 1
	cost_diff "$a" "$b" | sed 's/\([^ =]*\)=/d_\1=/g'
}

# bench_raw REP WHAT LOG MARKS: the BENCH-COST lines of a guest's LOG as
# raw BENCH lines of repetition REP, pair WHAT, with dom0's deltas from
# bench_watch's MARKS (d_missing=1 where it has none).
bench_raw() {
	tr -d '\r' <"$3" | grep '^BENCH-COST' |
		while read -r _ job rest; do
			echo "BENCH rep=$1 what=$2 job=$job $rest" \
				"$(dom0_costs "$4" "$job" || echo d_missing=1)"
		done
}

# The costs every BENCH line has: the guest's, then dom0's.
# shellcheck disable=SC2034  # used by the scenarios
BENCH_COST_KEYS="busy irq bethr ctxt idle tmr gnttab_map_refs \
gnttab_unmap_refs gnttab_batch_copy notify_remote_via_irq xen_flush_tlb_multi \
gnttab_map_refs_ops gnttab_unmap_refs_ops gnttab_batch_copy_ops \
d_busy d_irq d_bethr d_ctxt d_idle d_tmr d_gnttab_map_refs d_gnttab_unmap_refs d_gnttab_batch_copy \
d_notify_remote_via_irq d_xen_flush_tlb_multi d_gnttab_map_refs_ops \
d_gnttab_unmap_refs_ops d_gnttab_batch_copy_ops"

# bench_csv RAW KEYS: every repetition, one row each: rep, what, job and
# KEYS (space separated).
bench_csv() {
	awk -v keys="$2" "$BENCH_AWK"'
	BEGIN { n = split(keys, k, " "); printf "rep,what,job"
		for (i = 1; i <= n; i++) printf ",%s", k[i]; print "" }
	$1 == "BENCH" { bench_kv()
		printf "%s,%s,%s", v["rep"], v["what"], v["job"]
		for (i = 1; i <= n; i++) printf ",%s", v[k[i]]
		print "" }' "$1"
}

# awk functions for the raw lines, put in front of a program:
#   bench_kv()       a BENCH line's key=value fields into v[]
#   add(key, val)    append val to the list m[key]
#   med(list)        the median of a list; spread(list) its "min-max"
#   ratio(a, b)      a / b to two places, "-" without b
#   sum2(key, ...)   a BENCH line's guest + dom0 (d_) values of up to
#                    three keys: gnt_hc(), gnt_ops(), tlb(), events()
# shellcheck disable=SC2016  # awk's own $ fields
BENCH_AWK='
function bench_kv(   i, e) { delete v
	for (i = 2; i <= NF; i++) { e = index($i, "="); v[substr($i, 1, e - 1)] = substr($i, e + 1) }
}
function add(key, val) { m[key] = m[key] (m[key] == "" ? "" : " ") val }
function bench_sort(list, a,   n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n
}
function med(list,   a, n) {
	n = bench_sort(list, a)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function spread(list,   a, n) {
	n = bench_sort(list, a)
	return sprintf("%.0f-%.0f", a[1], a[n])
}
function ratio(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
function sum2(a, b, c) {
	return v[a] + v["d_" a] + (b == "" ? 0 : v[b] + v["d_" b]) + \
		(c == "" ? 0 : v[c] + v["d_" c])
}
function gnt_hc() { return sum2("gnttab_map_refs", "gnttab_unmap_refs", "gnttab_batch_copy") }
function gnt_ops() {
	return sum2("gnttab_map_refs_ops", "gnttab_unmap_refs_ops", "gnttab_batch_copy_ops")
}
function tlb() { return sum2("xen_flush_tlb_multi") }
function events() { return sum2("notify_remote_via_irq") }
'

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, leaks: dom0 back where it started after a test (no guest,
# no backend, no kernel warning, every xsplit counter back), and the
# snapshots the lifecycle scenarios compare cycle by cycle.

# check_leaks: after a test, dom0 must be back where it started: no guest,
# no backend left in XenStore, no vif, no kernel warning.
check_leaks() {
	local bad=0 n
	n=$(xl list | awk 'NR > 1 && $1 != "Domain-0"' | wc -l)
	[ "$n" = 0 ] || { echo "leak: $n domains left"; xl list; bad=1; }
	for n in vbd vif qdisk; do
		if xenstore-list "/local/domain/0/backend/$n" 2>/dev/null |
			grep . >/dev/null; then
			echo "leak: backend/$n entries left"
			xenstore-ls "/local/domain/0/backend/$n"
			bad=1
		fi
	done
	for n in /sys/class/net/vif*; do
		[ -e "$n" ] || continue
		echo "leak: netdev ${n##*/} left"
		bad=1
	done
	# Only what this test logged: the runner marks its start in dmesg
	# (and checks it again, with every guest's console, after the test).
	if test_dmesg "$LAB_OUT/.dmesg" &&
		kernel_bad "$LAB_OUT/.dmesg" "$LAB_OUT/kernel-expected"; then
		echo "kernel warnings in dom0 dmesg"
		bad=1
	fi
	# With no guest left, no xsplit backend holds grants, requests, skbs.
	if ! xl list | awk 'NR > 1 && $1 != "Domain-0"' | grep . >/dev/null; then
		leak_live_settle || bad=1
	fi
	leak_since_start || bad=1
	[ "$bad" = 0 ] || fail "dom0 not clean after the test"
	echo "no leaks"
}

# test_dmesg FILE: dom0's kernel log since the runner's start marker for
# this test, into FILE; all of it if the marker has left the ring buffer
# (as the runner does): an empty log would read as a clean one.
test_dmesg() {
	dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" >"$1"
	[ -s "$1" ] || dmesg >"$1"
}

# ---------------------------------------------------------------------
# Lifecycle scenarios: leak accounting and device-lifetime waits
# (check_leaks uses leak_live_settle)
#
# A snapshot is a file of "key value" lines: dom0's MemAvailable, Slab and
# SUnreclaim (KiB), the active objects of the bio and skb slab caches,
# and every xsplit module-wide counter in debugfs
# (xsplit_core/grants_*, xsplit_blkback/*, xsplit_netback/*).  Compare
# two snapshots taken in the same state (same guests, devices idle), the
# first after one warm-up cycle: what keeps growing from cycle to cycle is
# a leak, one-time growth (caches, kthread stacks) is not.
# ---------------------------------------------------------------------

LEAK_DEBUGFS=/sys/kernel/debug

# leak_counters: "module.counter value" for every xsplit live counter.
leak_counters() {
	local f m
	mountpoint -q "$LEAK_DEBUGFS" ||
		mount -t debugfs debugfs "$LEAK_DEBUGFS" 2>/dev/null
	for f in "$LEAK_DEBUGFS"/xsplit_*/*; do
		[ -f "$f" ] || continue
		m=${f%/*}
		echo "${m##*/}.${f##*/} $(cat "$f")"
	done
}

# leak_snapshot FILE: dom0's memory, slab and xsplit counters into FILE.
# Clean caches are dropped first so that the page cache is not counted.
leak_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	{
		awk '/^MemAvailable:/ { print "mem_available_kb", $2 }
			/^Slab:/ { print "slab_kb", $2 }
			/^SUnreclaim:/ { print "sunreclaim_kb", $2 }' /proc/meminfo
		# Active objects, all bio-<size> caches together.
		awk '$1 ~ /^bio-[0-9]+$/ { b += $2 }
			$1 == "skbuff_head_cache" || $1 == "skbuff_fclone_cache" { s += $2 }
			END { print "bio_objs", b + 0; print "skb_objs", s + 0 }' /proc/slabinfo
		leak_counters
	} >"$1"
}

# leak_value FILE KEY: one figure of a snapshot (empty if absent).
leak_value() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# leak_tally KEY: a counter that only grows while its module is loaded
# (a peak or a running total, core/stats.c), not something held: the
# leak checks skip it.
leak_tally() { case $1 in *_peak | *_total) true ;; *) false ;; esac; }

# leak_live_zero: with no guest left, every xsplit counter of things
# held (grants mapped, devices, rings, requests, bios, vifs, queues,
# skbs) must be 0.  grants_leaked counts since the core loaded, so one
# test's leak would fail every later one: leak_compare checks its delta.
# Prints the offenders; returns 1 if any.
leak_live_zero() {
	local key val bad=0
	while read -r key val; do
		[ "$val" = 0 ] && continue
		[ "${key##*.}" = grants_leaked ] && continue
		leak_tally "$key" && continue
		echo "leak: $key = $val with no guest left"
		bad=1
	done < <(leak_counters)
	return "$bad"
}

# leak_since_start: every xsplit counter is back to (or below) what it
# was when the test's lib.sh was sourced (LEAK_START; a counter absent
# then was 0).  This is what catches grants_leaked, which only grows.
leak_since_start() {
	local key val was bad=0
	while read -r key val; do
		leak_tally "$key" && continue
		was=$(leak_value "$LEAK_START" "$key")
		[ "$val" -gt "${was:-0}" ] || continue
		echo "leak: $key was ${was:-0} at the test's start, is $val"
		bad=1
	done < <(leak_counters)
	return "$bad"
}

# leak_live_settle: leak_live_zero, giving a guest that has just gone up
# to 15 s to be torn down (XenStore first, then the backend devices).
leak_live_settle() {
	wait_for 15 "xsplit live counters at zero" leak_live_quiet && return 0
	leak_live_zero
}
leak_live_quiet() { leak_live_zero >/dev/null; }

# leak_compare FROM TO CYCLES: print the deltas FROM -> TO as figures,
# total and per cycle, and fail (return 1) on growth that is more than
# noise, i.e. both above a per-cycle rate and above a total: one quick
# cycle can only fail on a big jump, twenty cycles on a steady leak.
# The xsplit counters must not end above FROM's values (below is fine:
# idle persistent grants of a device still in use get unmapped).
leak_compare() {
	local from=$1 to=$2 n=$3 bad=0 key a b d per lim_c lim_t
	[ "$n" -ge 1 ] || n=1
	# key            per-cycle limit  total limit (growth; MemAvailable: drop)
	while read -r key lim_c lim_t; do
		a=$(leak_value "$from" "$key")
		b=$(leak_value "$to" "$key")
		{ [ -n "$a" ] && [ -n "$b" ]; } || continue
		d=$((b - a))
		[ "$key" = mem_available_kb ] && d=$((a - b))
		per=$((d / n))
		kv "leak.$key.delta" "$d"
		kv "leak.$key.per_cycle" "$per"
		if [ "$per" -gt "$lim_c" ] && [ "$d" -gt "$lim_t" ]; then
			echo "leak: $key grew by $d over $n cycles ($per per cycle)"
			bad=1
		fi
	done <<-LIMITS
		mem_available_kb 1024 16384
		slab_kb 256 4096
		sunreclaim_kb 128 2048
		bio_objs 32 256
		skb_objs 64 512
	LIMITS
	# Every xsplit counter of either snapshot (one the module did not
	# have yet counts as 0) but the tallies (a watch event coalesced
	# into one already queued counts in watch_dropped_total: nothing is
	# held).
	while read -r key; do
		a=$(leak_value "$from" "$key")
		b=$(leak_value "$to" "$key")
		kv "leak.$key" "${a:-0}->${b:-0}"
		leak_tally "$key" && continue
		[ "${b:-0}" -gt "${a:-0}" ] || continue
		echo "leak: $key was ${a:-0}, is ${b:-0}"
		bad=1
	done < <(awk '$1 ~ /^xsplit_.*\./ { print $1 }' "$from" "$to" | sort -u)
	return "$bad"
}

# leak_unload: the final check of a lifecycle scenario in an xsplit
# backend mode: with no guest left the backends must unload.
leak_unload() {
	[ "$LAB_BE" = xsplit ] || return 0
	unload xsplit_blkback xsplit_netback ||
		{ echo "leak: xsplit backends do not unload"; return 1; }
	echo "xsplit backends unloaded"
}

# xs_absent PATH: no such XenStore directory.
xs_absent() { ! xenstore-exists "$1" 2>/dev/null; }
# xs_gone PATH SECONDS: the XenStore directory must vanish in time.
xs_gone() {
	wait_for "$2" "$1 gone from XenStore" xs_absent "$1" && return 0
	xenstore-ls "$1"
	fail "$1 still in XenStore after $2 s"
}

# leak_progress CYCLE N MS: one console line per cycle, so that a long
# run shows its figures as it goes: time, MemAvailable, SUnreclaim, the
# xsplit counters that are not 0.
leak_progress() {
	step "cycle $1/$2: $3 ms;" \
		"$(awk '/^MemAvailable:|^SUnreclaim:/ { printf "%s %s kB ", $1, $2 }' /proc/meminfo)" \
		"$(leak_counters | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"
}

# kernel_expect ERE: dom0 kernel lines matching ERE are the test's own
# doing, already counted by it: they do not fail it (see kernel_bad).
kernel_expect() { echo "$1" >>"$LAB_OUT/kernel-expected"; }

# leak_expect KEY N: N more of counter KEY (say xsplit_core.grants_leaked)
# are the test's own doing, already accounted for: leak_since_start
# allows them.
leak_expect() {
	local was
	was=$(leak_value "$LEAK_START" "$1")
	sed -i "/^$1 /d" "$LEAK_START"
	echo "$1 $(( ${was:-0} + $2 ))" >>"$LEAK_START"
}

# The xsplit counters as this test found them, for leak_since_start.
LEAK_START=${LAB_OUT:-/tmp}/counters-start
[ -f "$LEAK_START" ] || leak_counters >"$LEAK_START"

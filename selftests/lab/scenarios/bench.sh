#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench` (issue #15), the block half: figures, never asserted.  One
# run measures, interleaved, REPS times each: the raw device in dom0
# (null_blk without memory, and memory-backed, which pays one copy as a PV
# path does) and a guest through each PAIR (frontend/backend), each doing
# fio 4k randread and randwrite at qd32 and 1M seqread and seqwrite at
# qd8.  Beside each figure, what it cost, counted where it happens and the
# same for every driver (guest/lib.sh cost_*): events sent (kprobe on
# notify_remote_via_irq) and taken (/proc/interrupts), grant map / unmap /
# copy hypercalls (kprobes on the calls that issue them), CPU busy time,
# in the guest and in dom0 (dom0 snapshots at the guest's BENCH-MARK
# lines on its console).  bench.csv has every repetition; table.txt the
# medians, per I/O and per MiB costs and the ratios to the in-tree pair;
# scripts/bench-plot.sh (make bench) plots them.  Quiet host only.
#   LAB_X_BENCH_PAIRS  fe/be pairs, each with an optional variant:
#                      fe/be:module.param=value,... (a backend's writable
#                      module parameters, set in dom0 for that pair only; a
#                      frontend's, *front*.param, go on the guest's kernel
#                      command line).  Default: intree/intree, xsplit/xsplit
#                      with persistent grants (data_copy=0,
#                      feature_persistent=1) and as it comes (grant copy,
#                      256 segments), intree/xsplit with persistent grants
#                      offered (as Linux's blkback does) and as it comes
#                      (grant copy for the kernel's frontend too).
#   LAB_X_BENCH_REPS   repetitions (default 3)
#   LAB_X_BENCH_SECS   seconds per fio job (default 8)
#   LAB_X_BENCH_JOBS   the fio jobs, of 4k-randread 4k-randwrite 1M-seqread
#                      1M-seqwrite (default: all four); JOB+lean is JOB
#                      with fio's gtod_reduce=1: fio then reads the clock
#                      once per batch, not several times per I/O, and a
#                      PV guest under TCG, with no vDSO clock (Xen sets no
#                      stable-TSC bit for an emulated CPU), makes each read
#                      a syscall, which costs it two traps through Xen; on
#                      hardware those reads stay in user space
#   LAB_X_BENCH_VCPUS  the guests' vCPUs (default 1)
#   LAB_X_BENCH_LATENCY_US  null_blk (the non-memory disk) completes each
#                      request that many µs after it came (its timer mode),
#                      as a disk does, so requests wait inside the device
#                      and answers come while others are in flight; 0
#                      (default): at once, so under TCG dom0 answers each
#                      request before the guest sends the next
#   LAB_X_BENCH_PROFILE=1  the first repetition's guests boot with the
#                      kernel's tick profiler and print where their kernel
#                      spent each job's ticks (guest/lib.sh prof_report);
#                      profile.txt has them.  A distribution, not a figure:
#                      one repetition shows it, and reading it out costs
#                      the guest ~10 s a job under TCG
# lab: timeout=3000
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

PAIRS=${LAB_X_BENCH_PAIRS:-intree/intree \
xsplit/xsplit:xsplit_blkback.data_copy=0,xsplit_blkback.feature_persistent=1 \
xsplit/xsplit \
intree/xsplit:xsplit_blkback.feature_persistent=1 \
intree/xsplit}
REPS=${LAB_X_BENCH_REPS:-3}
PROFILE=${LAB_X_BENCH_PROFILE:-0}
PROF_SHIFT=4		# profile=4: 16 bytes of kernel text a bucket
SECS=${LAB_X_BENCH_SECS:-8}
JOBS=${LAB_X_BENCH_JOBS:-4k-randread 4k-randwrite 1M-seqread 1M-seqwrite}
MEM_MB=512		# the memory-backed disk: dom0 has 2 GiB
LATENCY_US=${LAB_X_BENCH_LATENCY_US:-0}
NULLB_TIMER=2		# null_blk's irqmode: complete from an hrtimer
RAW=$LAB_OUT/bench.raw	# one BENCH-COST line per job, tagged

check_pairs "$PAIRS" blk
cost_setup || fail "dom0's kernel has no kprobe events"

# The jobs, the same in dom0 and in every guest.
cat >"$LAB_OUT/bench-jobs.sh" <<JOB
bench_jobs() {
	c="--filename=\$1 --direct=1 --ioengine=libaio --time_based --runtime=$SECS"
	for j in $JOBS; do
		o=
		case \$j in *+lean) o=--gtod_reduce=1 ;; esac
		case \${j%+lean} in
		4k-randread) bench_fio \$j \$c \$o --rw=randread --bs=4k --iodepth=32 ;;
		4k-randwrite) bench_fio \$j \$c \$o --rw=randwrite --bs=4k --iodepth=32 ;;
		1M-seqread) bench_fio \$j \$c \$o --rw=read --bs=1M --iodepth=8 ;;
		1M-seqwrite) bench_fio \$j \$c \$o --rw=write --bs=1M --iodepth=8 ;;
		*) echo "bench: no job \$j"; false ;;
		esac || return 1
	done
}
JOB
# shellcheck source=/dev/null
. "$LAB_OUT/bench-jobs.sh"

# raw REP WHAT DEV: the jobs in dom0 on DEV.
raw() {
	step "rep $1: $2 in dom0"
	bench_jobs "$3" | tee "$LAB_OUT/$2-$1.log" | grep '^BENCH-COST' |
		sed "s|^BENCH-COST |BENCH rep=$1 what=$2 job=|" >>"$RAW"
	[ "${PIPESTATUS[0]}" = 0 ] || fail "fio on $3 in dom0"
}

# guest REP PAIR N: guest N of the rep, with PAIR's frontend and backend
# (and its variant), runs the jobs.
guest() {
	local pair=${2%%:*} set='' undo='' name=bench-$3-$1 marks prof=0
	[ "$PROFILE" = 1 ] && [ "$1" = 1 ] && prof=1
	if [ "$pair" = "$2" ]; then split_variant ''; else split_variant "${2#*:}"; fi
	set=$BE_SET
	LAB_FE=${pair%/*} LAB_BE=${pair#*/}
	export LAB_FE LAB_BE
	use_backends
	[ -z "$set" ] || undo=$(set_params "$set") || exit 1
	step "rep $1: $2 (guest $name)"
	{
		cat "$LAB_OUT/bench-jobs.sh"
		echo 'wait_dev /dev/xvdb 60 || exit 1'
		echo 'cost_setup || { echo "no kprobe events"; exit 1; }'
		echo "BENCH_PROFILE=$prof"
		echo 'bench_jobs /dev/xvdb'
	} >"$LAB_OUT/job-$name.sh"
	[ "$prof" = 1 ] && FE_WORDS="$FE_WORDS${FE_WORDS:+ }profile=$PROF_SHIFT"
	marks=$LAB_OUT/$name.marks
	bench_watch "$name" "$marks"
	GUEST_CMDLINE=$FE_WORDS GUEST_VCPUS=${LAB_X_BENCH_VCPUS:-1} guest_run "$name" \
		"$LAB_OUT/job-$name.sh" "disk = ['phy:$DISK,xvdb,w']" \
		>"$LAB_OUT/$name.log" || { cat "$LAB_OUT/$name.log"; fail "guest $name"; }
	watch_stop
	tr -d '\r' <"$LAB_OUT/$name.log" | sed -n "s|^BENCH-PROF |rep=$1 what=${2//,/+} |p" \
		>>"$LAB_OUT/profile.txt"
	bench_raw "$1" "${2//,/+}" "$LAB_OUT/$name.log" "$marks" >>"$RAW"
	# a broken watcher shows at the first guest, not after the whole run
	grep -q 'd_missing=1' "$RAW" && fail "dom0 missed $name's BENCH-MARK lines"
	[ -z "$undo" ] || set_params "$undo" >/dev/null || exit 1
}

# bench_profile FILE: per job and what, the busiest kernel functions over
# all repetitions, as shares of the kernel's ticks in the guest.
bench_profile() {
	awk '{ for (i = 1; i <= 2; i++) sub(/^[a-z]*=/, "", $i)
		id = $3 " " $2
		if ($4 == "total") { tot[id] += $5; next }
		t[id " " $4] += $5 }
	END { for (k in t) { split(k, f, " ")
		printf "%s %s %5.1f%% %s\n", f[1], f[2], 100 * t[k] / tot[f[1] " " f[2]], f[3] } }' "$1" |
		sort -k1,1 -k2,2 -k3,3rn | awk '{ n[$1 " " $2]++ } n[$1 " " $2] <= 12'
}

# The CSV's columns after the tags: the figures, the guest's costs, dom0's.
CSV_KEYS="iops mib_s kib $BENCH_COST_KEYS"

# bench_table RAW: per job and what, the medians over the repetitions of
# the figure (IOPS at 4k, MiB/s at 1M) and of its costs, and the ratios
# to the in-tree pair.  Costs per I/O: events sent and taken (guest +
# dom0), CPU us of the guest and of dom0 (USER_HZ ticks of 10 ms) and of
# the backend's threads in dom0 (guest/lib.sh COST_BE_THREADS); per
# MiB: grant hypercalls (map + unmap + copy batches), the grant operations
# they carry and remote TLB flush hypercalls (guest + dom0).  In dom0's
# raw rows, dom0 is the domain doing the I/O.
bench_table() {
	awk "$BENCH_AWK"'
	$1 == "BENCH" { bench_kv()
		w = v["what"]; j = v["job"]; id = j SUBSEP w
		if (!(id in seen)) { seen[id] = 1; order[++nr] = id }
		bs = (j ~ /^4k/) ? 4 : 1024
		ios = v["kib"] / bs; mib = v["kib"] / 1024
		if (ios <= 0) next
		add(id SUBSEP "fig", (bs == 4) ? v["iops"] : v["mib_s"])
		raw = (w ~ /^dom0-/)
		add(id SUBSEP "sent", events() / ios)
		add(id SUBSEP "taken", sum2("irq") / ios)
		add(id SUBSEP "ghc", gnt_hc() / mib)
		add(id SUBSEP "gops", gnt_ops() / mib)
		add(id SUBSEP "tlb", tlb() / mib)
		add(id SUBSEP "gcpu", raw ? "-" : v["busy"] * 10000 / ios)
		add(id SUBSEP "dcpu", (raw ? v["busy"] : v["d_busy"]) * 10000 / ios)
		add(id SUBSEP "becpu", raw ? "-" : v["d_bethr"] / ios)
	}
	END {
		for (r = 1; r <= nr; r++) { split(order[r], p, SUBSEP)
			if (length(p[2]) > ww) ww = length(p[2]) }
		printf "%-12s %-" ww "s %9s %6s %8s %8s %9s %8s %6s %9s %9s %7s %7s %7s %7s\n", "job", "what",
			"IOPS|MiB/s", "/intree", "ev.sent", "ev.taken", "gnt.hc", "gnt.ops", "tlb",
			"guest.us", "dom0.us", "be.us", "/it.ev", "/it.hc", "/it.be"
		for (r = 1; r <= nr; r++) {
			id = order[r]; split(id, p, SUBSEP); ref = p[1] SUBSEP "intree/intree"
			f = med(m[id SUBSEP "fig"]); fr = med(m[ref SUBSEP "fig"])
			s = med(m[id SUBSEP "sent"]); sr = med(m[ref SUBSEP "sent"])
			h = med(m[id SUBSEP "ghc"]); hr = med(m[ref SUBSEP "ghc"])
			g = m[id SUBSEP "gcpu"] ~ /-/ ? "-" : sprintf("%.0f", med(m[id SUBSEP "gcpu"]))
			b = br = "-"
			if (m[id SUBSEP "becpu"] !~ /-/) b = med(m[id SUBSEP "becpu"])
			if (m[ref SUBSEP "becpu"] != "") br = med(m[ref SUBSEP "becpu"])
			printf "%-12s %-" ww "s %9.0f %6s %8.2f %8.2f %9.2f %8.1f %6.2f %9s %9.0f %7s %7s %7s %7s\n",
				p[1], p[2], f, ratio(f, fr), s, med(m[id SUBSEP "taken"]), h,
				med(m[id SUBSEP "gops"]), med(m[id SUBSEP "tlb"]), g,
				med(m[id SUBSEP "dcpu"]), b == "-" ? "-" : sprintf("%.0f", b),
				ratio(s, sr), ratio(h, hr), (b == "-" || br == "-") ? "-" : ratio(b, br)
		}
		print "medians of each row'"'"'s repetitions; ev.sent/ev.taken: events per I/O," \
			" guest + dom0; gnt.hc, gnt.ops: grant hypercalls and the operations they carry per MiB;" \
			" tlb: remote TLB flush hypercalls per MiB; guest.us/dom0.us: CPU per I/O;" \
			" be.us: CPU per I/O of the backend kernel threads in dom0 (without event handlers or dom0 background);" \
			" /intree, /it.*: ratios to the in-tree pair (intree/intree)"
	}' "$1"
}

linux_bridge
lat=()
[ "$LATENCY_US" = 0 ] ||
	lat=("irqmode=$NULLB_TIMER" "completion_nsec=$((LATENCY_US * 1000))")
DISK=$(nullb bench 16384 0 "${lat[@]}") || fail "$DISK"
kv device_latency_us "$LATENCY_US"
MEMDISK=$(nullb benchmem "$MEM_MB" 1) || fail "$MEMDISK"
: >"$RAW"
for rep in $(seq "$REPS"); do
	raw "$rep" dom0-null "$DISK"
	raw "$rep" dom0-mem "$MEMDISK"
	n=0
	for p in $PAIRS; do
		n=$((n + 1))
		guest "$rep" "$p" "$n"
	done
done
grep -c . "$RAW" | sed 's/^/measurements: /'
bench_table "$RAW" >"$LAB_OUT/table.txt"
bench_csv "$RAW" "$CSV_KEYS" >"$LAB_OUT/bench.csv"
cat "$LAB_OUT/table.txt"
if [ "$PROFILE" = 1 ]; then
	bench_profile "$LAB_OUT/profile.txt" >"$LAB_OUT/profile-top.txt"
	cat "$LAB_OUT/profile-top.txt"
fi
check_leaks

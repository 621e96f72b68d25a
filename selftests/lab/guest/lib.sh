# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the job scripts run inside a lab guest (busybox sh); sourced
# by /init before the job, and by dom0's lib.sh and runner.
#
# A pipeline fails if any of its commands does, not only the last: a
# "fio ... | awk ..." must not hide fio's failure.  (busybox ash and bash
# both have it.)
# shellcheck disable=SC3040
set -o pipefail

# wait_for SECONDS WHAT CMD...: run CMD once a second until it succeeds;
# after SECONDS say what did not happen and return 1.  Every bounded wait
# of the helpers and jobs, in dom0 (lib.sh sources this file) and in the
# guests, is one of these.  CMD is run afresh each time: a condition that
# needs $(...) or a pipeline goes in a small function.
# shellcheck disable=SC3043  # busybox ash and bash both have local
wait_for() {
	local limit="$1" what="$2" _
	shift 2
	for _ in $(seq "$limit"); do
		"$@" && return 0
		sleep 1
	done
	"$@" && return 0
	echo "timeout: $what after $limit s"
	return 1
}

# has_carrier IFACE: IFACE's link is up (a netfront's carrier comes with
# its connection to the backend).
has_carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }

# wait_dev DEV [SECONDS]: xenbus devices appear asynchronously after insmod.
wait_dev() {
	wait_for "${2:-30}" "$1" test -e "$1" >/dev/null ||
		{ echo "no $1 after ${2:-30}s"; return 1; }
}

# xb_unbind_all DRIVER: unbind every device bound to xenbus driver
# DRIVER (vbd, vif, xsplit-vbd...).  XenBus pins a driver's module while a
# device is bound to it (rmmod: EAGAIN); unbinding closes each frontend.
# 1 if an unbind was refused.
xb_unbind_all() {
	for xb_d in /sys/bus/xen/drivers/"$1"/*-*; do
		[ -e "$xb_d" ] || continue
		echo "${xb_d##*/}" >"/sys/bus/xen/drivers/$1/unbind" || return 1
	done
}

# net_up IFACE ADDR/PREFIX: static addressing, no DHCP in the lab.
net_up() {
	wait_dev "/sys/class/net/$1" 30 || return 1
	ip addr add "$2" dev "$1" && ip link set "$1" up
}

# wait_ping ADDR SECONDS: until ADDR answers one ping (a peer guest may
# boot later than this one).
wait_ping() {
	wait_for "$2" "$1" answers_ping "$1" >/dev/null ||
		{ echo "no answer from $1"; return 1; }
}
# answers_ping ADDR: ADDR answers one ping within 2 s.
answers_ping() { ping -c 1 -W 2 "$1" >/dev/null 2>&1; }

# io_check DEV: 1 MiB of random data written to DEV and read back intact,
# then eth0 up as 10.0.0.2 and dom0 answering; 1 (with a line) if not.
io_check() {
	dd if=/dev/urandom of=/tmp/pat bs=4k count=256 2>/dev/null
	dd if=/tmp/pat of="$1" bs=4k oflag=direct 2>/dev/null || return 1
	dd if="$1" of=/tmp/back bs=4k count=256 iflag=direct 2>/dev/null || return 1
	cmp /tmp/pat /tmp/back || { echo "${1##*/}: read back differs"; return 1; }
	echo "${1##*/}: 1 MiB written and read back intact"
	net_up eth0 10.0.0.2/24 && wait_ping 10.0.0.1 60 || return 1
	echo "eth0: dom0 answers"
}

# The figure helpers below are shared with dom0 (its lib.sh sources this
# file), so guest and dom0 numbers come from the very same commands.
# They print "LAB-FIG <name> key=value..." lines; figures are reported,
# never asserted.

# fio_fig NAME FIO-ARGS...: run fio, print its IOPS and bandwidth (reads
# and writes together) and the KiB it moved.
fio_fig() {
	fig_name=$1
	shift
	# --minimal is fio's terse format v3: fields 6-8 are the read KiB,
	# bandwidth (KiB/s) and IOPS, fields 47-49 the same for writes.
	fio --minimal --name="$fig_name" "$@" >/tmp/fio.$$ || { cat /tmp/fio.$$; return 1; }
	awk -F';' -v n="$fig_name" '{
		printf "LAB-FIG %s iops=%d mib_s=%.0f kib=%d\n", n, $8 + $49,
			($7 + $48) / 1024, $6 + $47
	}' /tmp/fio.$$
}

# iperf_fig NAME IPERF3-ARGS...: run an iperf3 client, print what the
# receiver got (MiB: iperf3's MBytes) and its rate; fails if nothing was
# transferred.  One line, mbit_s last: jobs take what follows it, and
# bench_cost takes the line whole.  A TCP sender's retransmissions
# (iperf3's Retr, on its "sender" line) come before it as retr=: a slow
# figure with many is lossy, not slow.
iperf_fig() {
	fig_name=$1
	shift
	iperf3 -f m "$@" >/tmp/iperf.$$ 2>&1 || { cat /tmp/iperf.$$; return 1; }
	awk -v n="$fig_name" '/receiver/ {
		for (i = 1; i < NF; i++) {
			if ($(i + 1) == "Mbits/sec") r = $i
			if ($(i + 1) == "MBytes") m = $i
		}
	} /sender$/ && $(NF - 2) == "Mbits/sec" { t = $(NF - 1) }
	END {
		printf "LAB-FIG %s mib=%s%s mbit_s=%s\n", n, m,
			t != "" ? " retr=" t : "", r
		exit !(r > 0)
	}' /tmp/iperf.$$
}

# Kernel log lines that fail a test wherever they appear: dom0's dmesg,
# any guest's or driver domain's console (the runner checks them all
# after every test, see kernel_bad).  The last alternative is xsplit's
# own pr_warn_ratelimited() for a grant page it had to give up on
# ("..., page leaked", "... still referenced, leaked"); before it, a page
# pool whose pages never all came back (netfront's rx_page_pool), which
# the kernel reports once a minute, not as a warning.
# shellcheck disable=SC2034  # used by dom0's runner and lib.sh
KERNEL_BAD='WARNING:|BUG:|Oops|general protection|self-detected stall|detected stalls on CPU|rcu: INFO:|hung_task|blocked for more than|UBSAN|list_add corruption|list_del corruption|refcount_t|stalled pool shutdown|page leaked|, leaked$'

# kernel_bad FILE [EXPECTED]: print the kernel log lines of FILE that
# fail a test; true if there is one.  EXPECTED, if it exists, holds
# extended regexps, one a line, of lines the test caused on purpose and
# counted itself (kernel_expect in dom0/lib.sh): those do not count.
kernel_bad() {
	_kb_expected=${2:-/dev/null}
	[ -f "$_kb_expected" ] || _kb_expected=/dev/null
	tr -d '\r' <"$1" | grep -aE "$KERNEL_BAD" | grep -avEf "$_kb_expected"
}

# Which driver is bound to each xenbus device, in the guest and in a
# backend domain.  Both sets of drivers take the same device types, and
# whichever registers first serves the device: a test must know it
# measured the driver its mode names.  xsplit's drivers are xsplit-<type>,
# the kernel's are <type>; "none": no driver at all.

# bound_driver DEVDIR: the name of the driver bound to a sysfs device.
bound_driver() {
	if [ -e "$1/driver" ]; then
		basename "$(readlink "$1/driver")"
	else
		echo none
	fi
}

# want_driver MODE TYPE: the driver name MODE (intree|xsplit|hostile|none)
# binds to devices of TYPE (vbd, vif); hostile: the test-only backends of
# selftests/hostile.
want_driver() {
	case $1 in
	xsplit) echo "xsplit-$2" ;;
	intree) echo "$2" ;;
	hostile) echo "xsplit-hostile-$2" ;;
	*) echo none ;;
	esac
}

# check_bindings BUS MODE: every vbd and vif device on BUS (xen in a
# guest, xen-backend in a backend domain) is bound to MODE's driver.
# Prints "LAB-BIND <dev> <driver>" for each and "LAB-BIND-BAD ..." for a
# wrong one (the runner fails a test on that line in any log); returns 1
# if there is one.  In a guest, the devices the kernel command line lists
# in lab.unbound=DEV,DEV... (e.g. vbd-51760) must stay unbound: a
# frontend declines them (a PV cdrom in an HVM or PVH guest).
check_bindings() {
	cb_rc=0
	cb_none=
	if [ "$1" = xen ]; then
		# shellcheck disable=SC2013  # words of the command line
		for cb_a in $(cat /proc/cmdline); do
			case $cb_a in
			lab.unbound=*) cb_none=",${cb_a#lab.unbound=}," ;;
			esac
		done
	fi
	for cb_d in /sys/bus/"$1"/devices/vbd-* /sys/bus/"$1"/devices/vif-*; do
		[ -e "$cb_d" ] || continue
		cb_t=${cb_d##*/}
		cb_t=${cb_t%%-*}
		cb_got=$(bound_driver "$cb_d")
		cb_want=$(want_driver "$2" "$cb_t")
		case $cb_none in
		*",${cb_d##*/},"*) cb_want=none ;;
		esac
		if [ "$cb_got" = "$cb_want" ]; then
			echo "LAB-BIND ${cb_d##*/} $cb_got"
		else
			echo "LAB-BIND-BAD ${cb_d##*/} bound to $cb_got, mode $2 wants $cb_want"
			cb_rc=1
		fi
	done
	return $cb_rc
}

# Data that crosses the pair must arrive unchanged, checked end to end by
# digest, never only "bytes moved": a corrupted fragment, offset or
# checksum offload passes any throughput test.
#
# Payload files: random data whose sizes straddle the boundaries the
# drivers care about: a byte, an MSS at MTU 1500 (1448) and one past it,
# a page either side, a jumbo MSS (8948) and a jumbo frame past it, 64 KiB
# (a GSO packet) plus one, 1 MiB plus one, 64 MiB plus an odd tail.
# Served by busybox httpd, fetched by busybox wget (dom0 has no others),
# the digest taken as the data streams in.
PAYLOAD_SIZES="1 1448 1449 4095 4097 8948 9001 65537 1048577 67121209"
PAYLOAD_PORT=8080

# payload_make DIR: the files and their DIR/SHA256SUMS.
payload_make() {
	mkdir -p "$1" || return 1
	for pm_s in $PAYLOAD_SIZES; do
		head -c "$pm_s" /dev/urandom >"$1/p$pm_s" || return 1
	done
	(cd "$1" && sha256sum p* >SHA256SUMS)
}

# payload_serve DIR: serve DIR on PAYLOAD_PORT (every address); prints
# the server's pid.
payload_serve() {
	busybox httpd -f -p "$PAYLOAD_PORT" -h "$1" >/dev/null 2>&1 &
	echo $!
}

# payload_check HOST NAME: fetch every file HOST's SHA256SUMS lists and
# compare digests; prints LAB-FIG payload-NAME and each mismatch; fails
# on any mismatch or failed fetch.
payload_check() {
	pc_url=http://$1:$PAYLOAD_PORT
	busybox wget -q -O /tmp/sums.$$ "$pc_url/SHA256SUMS" ||
		{ echo "payload $2: no $pc_url/SHA256SUMS"; return 1; }
	pc_n=0
	pc_ok=0
	while read -r pc_sum pc_f; do
		pc_got=$(busybox wget -q -O - "$pc_url/$pc_f" | sha256sum)
		pc_n=$((pc_n + 1))
		if [ "${pc_got%% *}" = "$pc_sum" ]; then
			pc_ok=$((pc_ok + 1))
			continue
		fi
		echo "payload $2: $pc_f arrived with digest ${pc_got%% *}, sent $pc_sum"
	done </tmp/sums.$$
	echo "LAB-FIG payload-$2 files=$pc_n intact=$pc_ok"
	[ "$pc_ok" = "$pc_n" ] && [ "$pc_n" -gt 0 ]
}

# blkpat_guest DEV EXPECTED WRITE: the guest's half of dom0's block
# pattern check (dom0/lib.sh): read back each "SECTOR COUNT SHA256" of
# EXPECTED from DEV, then write random data to each "SECTOR COUNT" of
# WRITE and print "LAB-GPAT SECTOR COUNT SHA256" for dom0 to check.
blkpat_guest() {
	bp_rc=0
	while read -r bp_off bp_n bp_want; do
		bp_got=$(dd if="$1" bs=512 skip="$bp_off" count="$bp_n" 2>/dev/null |
			sha256sum)
		[ "${bp_got%% *}" = "$bp_want" ] && continue
		echo "blkpat: sectors $bp_off+$bp_n read ${bp_got%% *}, dom0 wrote $bp_want"
		bp_rc=1
	done <"$2"
	while read -r bp_off bp_n; do
		head -c $((bp_n * 512)) /dev/urandom >/tmp/blkpat.$$
		dd if=/tmp/blkpat.$$ of="$1" bs=512 seek="$bp_off" count="$bp_n" \
			conv=notrunc,fsync 2>/dev/null || bp_rc=1
		echo "LAB-GPAT $bp_off $bp_n $(sha256sum </tmp/blkpat.$$ | cut -d' ' -f1)"
	done <"$3"
	rm -f /tmp/blkpat.$$
	[ "$bp_rc" = 0 ] && echo "blkpat: dom0's patterns read back intact"
	return $bp_rc
}

# The data path's machine-independent costs (the bench scenario): kprobes
# count the calls that each make one hypercall (a batch of grant maps, of
# unmaps, of grant copies; an event sent), /proc/interrupts the Xen events
# taken by the domain's devices, /proc/stat its busy CPU time (USER_HZ
# ticks).  The same in dom0 and in a guest (both run Debian's kernel).
COST_TRACE=/sys/kernel/tracing
COST_PROBES="gnttab_map_refs gnttab_unmap_refs gnttab_batch_copy notify_remote_via_irq"
# The grant calls' operation counts (which argument holds it): a histogram
# keyed by it gives the operations, not only the hypercalls.
COST_OPS="gnttab_map_refs:4 gnttab_unmap_refs:4 gnttab_batch_copy:2"
# TLB flushes of other vCPUs a PV kernel asks Xen for, one hypercall each
# (mmu_pv.c); counted where the kernel has the function.
COST_TLB=xen_flush_tlb_multi

# The backends' kernel threads, xsplit's and Linux's: blkback's per ring
# ("xsplit-blk<dom>.<dev>"; Linux's "<dom>.<vdev>-<ring>"), netback's
# guest-receive (and Linux's dealloc) per queue ("vif<dom>.<n>-q<q>-guest-rx",
# cut to 15 characters in comm).  Their CPU time is the backend's own work,
# apart from dom0's background (xenconsoled, the console watcher: ~0.3 s/s
# under TCG whatever the I/O) that dom0's busy time carries too.
COST_BE_THREADS='^(xsplit-blk|[0-9]+[.][a-z][a-z0-9]*-[0-9]+$|vif[0-9]+[.][0-9]+-q[0-9]+-[gd])'

# cost_ops_arg F: the fetch argument of probe F, if COST_OPS names it.
cost_ops_arg() {
	for co in $COST_OPS; do
		[ "${co%:*}" = "$1" ] && echo " cnt=\$arg${co#*:}:u32"
	done
}

# cost_setup: register and enable the probes (once per domain); 1 if the
# kernel has no kprobe events or no histogram triggers.
cost_setup() {
	[ -e $COST_TRACE/kprobe_events ] ||
		mount -t tracefs nodev $COST_TRACE 2>/dev/null || return 1
	for f in $COST_PROBES; do
		[ -d "$COST_TRACE/events/xsbench/$f" ] && continue
		echo "p:xsbench/$f $f$(cost_ops_arg "$f")" \
			>>$COST_TRACE/kprobe_events || return 1
		[ -z "$(cost_ops_arg "$f")" ] ||
			echo 'hist:keys=cnt' >"$COST_TRACE/events/xsbench/$f/trigger" ||
			return 1
	done
	[ -d "$COST_TRACE/events/xsbench/$COST_TLB" ] ||
		echo "p:xsbench/$COST_TLB $COST_TLB" >>$COST_TRACE/kprobe_events 2>/dev/null
	echo 1 >$COST_TRACE/events/xsbench/enable
}

# cost_ops F: the operations of probe F's calls so far (count x calls).
cost_ops() {
	awk '/^[{] cnt:/ { gsub(/[{}]/, ""); s += $2 * $4 } END { print s + 0 }' \
		"$COST_TRACE/events/xsbench/$1/hist" 2>/dev/null
}

# cost_be_us: the CPU time of COST_BE_THREADS so far, µs, from the
# scheduler's runtime (schedstat), not ticks; 0 where none runs.
cost_be_us() {
	grep -lE "$COST_BE_THREADS" /proc/[0-9]*/comm 2>/dev/null |
		sed 's|comm$|schedstat|' | xargs -r cat 2>/dev/null |
		awk '{ s += $1 } END { printf "%.0f\n", s / 1000 }'
}

# cost_irqs AWK-PATTERN: the interrupts so far, every CPU's, of the
# /proc/interrupts lines the pattern takes.
cost_irqs() {
	awk "$1"' { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}

# cost_snap: "busy=N irq=N bethr=N ctxt=N idle=N tmr=N <probe>=N...
# <op probe>_ops=N..." now.
# Events of the console, XenStore and xenstored's user channels are not
# I/O: left out.
cost_snap() {
	printf 'busy=%s irq=%s' \
		"$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat)" \
		"$(cost_irqs '/xen-dyn/ && !/xenbus|hvc_console|xenstore|evtchn:|xen-pirq/')"
	printf ' bethr=%s' "$(cost_be_us)"
	# how the domain waits: context switches, idle ticks, timer events
	# (a PV domain's per-vCPU timerN, else the local APIC's)
	# shellcheck disable=SC2016  # an awk pattern's own $1
	printf ' ctxt=%s idle=%s tmr=%s' \
		"$(awk '$1 == "ctxt" { print $2 }' /proc/stat)" \
		"$(awk '$1 == "cpu" { print $5 + $6 }' /proc/stat)" \
		"$(cost_irqs '/ timer[0-9]+$/ || $1 == "LOC:"')"
	for f in $COST_PROBES $COST_TLB; do
		printf ' %s=%s' "$f" "$(awk -v p="$f" '$1 == p { print $2 }' \
			$COST_TRACE/kprobe_profile 2>/dev/null)"
	done
	for co in $COST_OPS; do
		printf ' %s_ops=%s' "${co%:*}" "$(cost_ops "${co%:*}")"
	done
	echo
}

# cost_diff A B: "key=B-A ..." of two cost_snap lines.
cost_diff() {
	echo "$1 $2" | awk '{
		n = NF / 2
		for (i = 1; i <= n; i++) {
			split($i, a, "="); split($(i + n), b, "=")
			printf "%s%s=%d", (i > 1 ? " " : ""), a[1], b[2] - a[2]
		}
		print ""
	}'
}

# Where the kernel's CPU time goes, with the kernel's own tick profiler
# (CONFIG_PROFILING, the guest booted with "profile=N"): /proc/profile is
# one u32 (the bytes per bucket), then a hit count per bucket of the
# core kernel's text, from _stext; a tick outside it (any module: the
# drivers under test, xsplit's or the kernel's) lands in the last bucket.
# Kernel-mode ticks only: fio's own user time is not in it.
PROF=/proc/profile
PROF_SYMS=/proc/kallsyms

# prof_on: is the profiler there to use?
prof_on() {
	[ "${BENCH_PROFILE:-0}" = 1 ] && [ -r $PROF ]
}

# prof_reset: start counting from zero (any write that is not one u32).
prof_reset() {
	prof_on || return 0
	printf 'reset' >$PROF
}

# prof_report NAME TOP: "BENCH-PROF NAME total TICKS", then "BENCH-PROF
# NAME SYMBOL TICKS" for the TOP busiest functions.  Addresses are taken
# as offsets from _stext in their low 32 bits (busybox awk has no 64-bit
# integers; the core kernel's text is far smaller than 4 GiB).  One sort
# merges symbols (A) and buckets (B): each bucket goes to the symbol
# before it.
prof_report() {
	prof_on || return 0
	{
		awk '
		function hex32(s,   i, v) {
			s = tolower(substr(s, length(s) - 7)); v = 0
			for (i = 1; i <= 8; i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		$3 == "_stext" { base = hex32($1) }
		$2 ~ /^[tT]$/ && base != "" { print hex32($1) - base, "A", $3 }
		$3 == "_etext" { exit }' $PROF_SYMS
		# one bucket a line, the line number its index (busybox awk
		# reads od's zero-padded offsets as octal)
		od -A n -t u4 -v -w4 $PROF | awk '
		NR == 1 { step = $1; next }
		NF == 1 { if (last != "" && cnt > 0) print last * step, "B", cnt
			last = NR - 2; cnt = $1 }
		# the last bucket: every tick outside the core kernel text
		END { print 4294967295, "A", "[modules]"; print 4294967295, "B", cnt + 0 }'
	} | sort -n -k1,1 -k2,2 | awk '
	$2 == "A" { sym = $3; next }
	$3 > 0 { t[sym == "" ? "[unknown]" : sym] += $3 }
	END { for (s in t) print t[s], s }' >/tmp/prof.$$ || return 1
	echo "BENCH-PROF $1 total $(awk '{ s += $1 } END { print s + 0 }' /tmp/prof.$$)"
	sort -rn /tmp/prof.$$ | head -n "$2" |
		awk -v name="$1" '{ print "BENCH-PROF", name, $2, $1 }'
	rm -f /tmp/prof.$$
}

# bench_cost NAME FIG-CMD...: FIG-CMD (fio_fig, iperf_fig and their
# arguments) between two cost snapshots, then "BENCH-COST NAME <figures>
# <cost deltas>".  The BENCH-MARK lines around it let dom0 take its own
# snapshots while a guest runs it (dom0/lib/bench.sh bench_watch).  With
# BENCH_PROFILE=1, the kernel's profile of the job comes after
# (prof_report), outside both snapshots.
bench_cost() {
	bench_name=$1
	shift
	echo "BENCH-MARK start $bench_name"
	sleep 1
	prof_reset
	bench_a=$(cost_snap)
	"$@" >/tmp/bench.$$ || { cat /tmp/bench.$$; return 1; }
	bench_b=$(cost_snap)
	echo "BENCH-MARK end $bench_name"
	# dom0 snapshots at that line: keep the device (its backend's
	# threads) until it has, after a job that is the guest's last
	sleep 1
	echo "BENCH-COST $bench_name $(sed 's/^LAB-FIG [^ ]* //' /tmp/bench.$$)" \
		"$(cost_diff "$bench_a" "$bench_b")"
	prof_report "$bench_name" "${PROF_TOP:-25}"
}

# bench_fio NAME FIO-ARGS...: fio_fig NAME FIO-ARGS... under bench_cost.
bench_fio() { bench_cost "$1" fio_fig "$@"; }
# bench_iperf NAME IPERF3-ARGS...: iperf_fig NAME ... under bench_cost.
bench_iperf() { bench_cost "$1" iperf_fig "$@"; }

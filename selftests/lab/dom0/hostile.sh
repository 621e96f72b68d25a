# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the hostile-vbd, hostile-vif and blk-late scenarios (sourced
# after lib.sh): what a backend connection holds in dom0, before/after
# snapshots, and the cost table.  hostile_setup picks the backend's module
# and thread names and binds the mode's backends; the scenario then fills
# BEFORE and AFTER (measure) and adds rows (row, grows).

HOSTILE_MODULE=xsplit_hostile_vbd
MEM_SLACK_KB=16384	# MemAvailable / SUnreclaim: noise, not a leak
GONE_S=60		# a destroyed domain must leave xl list by then
SETTLE_S=30		# backend threads and channels: time to go

# hostile_setup [vbd|vif]: for the device type's backend of the mode
# (default vbd): HOSTILE_DEV, HOSTILE_MODULE (the guest's hostile peer),
# BE_MOD, BE_NAME, THREAD_RE (every ring thread of the backend, an ERE),
# THREAD_FMT (a printf format giving one domain's), IRQ_RE (its channels'
# names in /proc/interrupts), COUNTERS_RE (its xsplit counters); binds the
# mode's backends.
# shellcheck disable=SC2034  # the scenarios use them
hostile_setup() {
	HOSTILE_DEV=${1:-vbd}
	case $HOSTILE_DEV-$LAB_BE in
	vbd-xsplit)
		have_xsplit blkback || fail "no xsplit blkback module"
		BE_MOD=xsplit_blkback THREAD_RE='^xsplit-blk' IRQ_RE='xsplit-blk'
		THREAD_FMT='^xsplit-blk%s\.' ;;
	vbd-*)
		BE_MOD=xen_blkback THREAD_RE='^blkback\.' IRQ_RE='blkif-backend'
		THREAD_FMT='^blkback\.%s\.' ;;
	vif-xsplit)
		have_xsplit netback || fail "no xsplit netback module"
		BE_MOD=xsplit_netback IRQ_RE='vif[0-9]+\.[0-9]+-q|xsplit-nb-ctrl' ;;
	vif-*)
		BE_MOD=xen_netback IRQ_RE='vif[0-9]+\.[0-9]+-q|xen-netback-ctrl' ;;
	*)	fail "hostile_setup: no device type '$HOSTILE_DEV'" ;;
	esac
	# Both netbacks name a queue's threads and channels vif<domid>.<handle>-q<n>.
	if [ "$HOSTILE_DEV" = vif ]; then
		THREAD_RE='^vif[0-9]+\.[0-9]+-' THREAD_FMT='^vif%s\.[0-9]+-'
		HOSTILE_MODULE=xsplit_hostile_vif BE_NAME=netback
	else
		BE_NAME=blkback
	fi
	COUNTERS_RE="^xsplit_(core|${BE_NAME})\\."
	[ -f "$LAB/modules/$HOSTILE_MODULE.ko" ] || fail "no $HOSTILE_MODULE.ko built"
	use_backends
	HOSTILE_BAD=0
	ROWS=$LAB_OUT/rows
	: >"$ROWS"
}

# hostile_vbd_run DISK VAR=VALUE...: boot the hostile guest (no frontend,
# DISK its xvdb) with the hostile-vbd job and these variables (N, and
# SCENARIO if not cycle), wait for its summary, destroy it and time how
# long its domain takes to leave xl list.  Leaves RESERVE_S seconds of the
# test's time for what follows.  Sets SUMMARY, GONE.
hostile_vbd_run() {
	local limit domid job disk=$1
	shift
	limit=$((LAB_DEADLINE - $(date +%s) - RESERVE_S))
	job=$(guest_job hostile-vbd "MODULE=$HOSTILE_MODULE" \
		"LIMIT=$((limit - 90))" "$@")
	LAB_FE=none guest_start hostile "$job" \
		"disk = ['phy:$disk,xvdb,w']"
	domid=$(xl domid hostile) || fail "hostile guest gone at once"
	console_mark hostile HOSTILE-END "$limit"
	SUMMARY=$(grep -a 'hostile-vbd: .* done scenario=' \
		"$CONSOLE_DIR/guest-hostile.log" | tail -n1)
	step "guest: ${SUMMARY#*done }"
	destroy_timed hostile "$domid"
	guest_collect hostile
}

# hostile_field NAME: a number from SUMMARY (empty if absent).
hostile_field() { echo "$SUMMARY" | sed -n "s/.* $1=\\([0-9]*\\).*/\\1/p"; }

# be_threads, evtchns, be_evtchns: what a backend connection holds in dom0.
be_threads() { cat /proc/[0-9]*/comm 2>/dev/null | grep -cE "$THREAD_RE"; }
evtchns() { grep -c 'xen-dyn' /proc/interrupts; }
be_evtchns() { grep -cE "$IRQ_RE" /proc/interrupts; }
refcnt() { cat "/sys/module/$BE_MOD/refcnt" 2>/dev/null || echo gone; }

# measure FILE: leak_snapshot's memory, slab and xsplit counters, plus
# threads, channels and the backend module's refcount, as "key value"
# lines.
measure() {
	leak_snapshot "$1"
	{
		echo "threads $(be_threads)"
		echo "evtchns $(evtchns)"
		echo "be_evtchns $(be_evtchns)"
		echo "refcnt $(refcnt)"
	} >>"$1"
}

# settle BEFORE: give a destroyed guest's connections SETTLE_S to go.
settle() {
	wait_for "$SETTLE_S" "backend threads and event channels back" \
		settled "$1" || true	# the rows after say what is left
}
# settled BEFORE: no more backend threads or event channels than BEFORE.
settled() {
	[ "$(be_threads)" -le "$(leak_value "$1" threads)" ] &&
		[ "$(evtchns)" -le "$(leak_value "$1" evtchns)" ]
}

# row LABEL BEFORE AFTER VERDICT: one line of the table; the verdict is
# ok, FAIL, - (a figure) or rec (the in-tree backend's behaviour, which
# we record and do not judge).
row() {
	printf '%-44s %10s %10s  %s\n' "$1" "$2" "$3" "$4" >>"$ROWS"
	kv "$(echo "$1" | tr -c 'a-zA-Z0-9_.\n' _)" "$2->$3"
	case $4 in ok|-|rec) ;; *) HOSTILE_BAD=1 ;; esac
}

# check TEST...: a row's verdict, "ok" if the test holds.
check() { if "$@"; then echo ok; else echo FAIL; fi; }

# job_errors_row: the hostile guest's own "HOSTILE: ..." lines (what went
# wrong in its job), none wanted; no console kept is no count.
job_errors_row() {
	local n
	n=$(grep -ac '^HOSTILE: ' "$LAB_OUT/hostile/console.log" 2>/dev/null)
	row "guest job errors (HOSTILE: lines)" - "${n:-none}" "$(check [ "${n:-}" = 0 ])"
}

# judge TEST...: as check for xsplit's backend; the in-tree one's
# protocol behaviour is recorded ("rec") instead of failing the test.
judge() {
	if "$@"; then
		echo ok
	elif [ "$LAB_BE" = xsplit ]; then
		echo FAIL
	else
		echo rec
	fi
}

# grows KEY LIMIT [LABEL]: FAIL if KEY grew from BEFORE to AFTER by more
# than LIMIT ("-": a figure only), or is missing from either (a growth
# nobody measured is not none); MemAvailable falls: give it as -KEY.
grows() {
	local key=${1#-} a b d v=ok
	a=$(leak_value "$BEFORE" "$key")
	b=$(leak_value "$AFTER" "$key")
	if [ -z "$a" ] || [ -z "$b" ]; then
		v=FAIL
		[ "$2" != - ] || v=-
		row "${3:-$key} (not measured)" "${a:-none}" "${b:-none}" "$v"
		return 0
	fi
	d=$((b - a))
	[ "${1:0:1}" = - ] && d=$((a - b))
	if [ "$2" = - ]; then
		v=-
	elif [ "$d" -gt "$2" ]; then
		v=FAIL
	fi
	row "${3:-$key} ($d)" "$a" "$b" "$v"
}

# leak_rows: memory, slab, threads, channels and xsplit counters, BEFORE
# to AFTER.
leak_rows() {
	local key _ a b
	grows -mem_available_kb "$MEM_SLACK_KB" "MemAvailable drop KiB"
	grows sunreclaim_kb "$MEM_SLACK_KB" "SUnreclaim growth KiB"
	grows slab_kb - "Slab growth KiB"
	grows threads 0 "backend threads"
	grows evtchns 0 "event channels (xen-dyn)"
	grows be_evtchns 0 "event channels ($IRQ_RE)"
	while read -r key _; do
		leak_tally "$key" || grows "$key" 0
	done < <(grep -E "$COUNTERS_RE" "$BEFORE")
	a=$(leak_value "$BEFORE" refcnt)
	b=$(leak_value "$AFTER" refcnt)
	row "$BE_MOD refcount" "$a" "$b" "$(check [ "$a" = "$b" ])"
}

# destroy_timed NAME DOMID: xl destroy, then wait for the domain to leave
# xl list; sets GONE (seconds, empty if it stayed).
destroy_timed() {
	local s
	timeout -k 5 120 xl destroy "$1" || echo "xl destroy $1: rc $?"
	GONE=
	for s in $(seq "$GONE_S"); do
		xl list | awk -v d="$2" '$2 == d { f = 1 } END { exit !f }' ||
			{ GONE=$s; break; }
		sleep 1
	done
	[ -n "$GONE" ] || { echo "domain $2 still there:"; xl list; }
}

# final_rows DISK: the domain gone, no backend dir left, the disk free
# for dom0 (DISK - : none).
final_rows() {
	local n
	row "domain gone from xl list after (s)" - "${GONE:-no,${GONE_S}s}" "$(check [ -n "$GONE" ])"
	n=$(xenstore-list "/local/domain/0/backend/$HOSTILE_DEV" 2>/dev/null | wc -l)
	row "backend/$HOSTILE_DEV dirs left" - "$n" "$(check [ "$n" = 0 ])"
	[ "$1" != - ] || return 0
	if perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_EXCL) or die "$!\n"' \
		"$1"; then
		row "dom0 claims the disk (O_EXCL)" - yes ok
	else
		row "dom0 claims the disk (O_EXCL)" - no FAIL
	fi
}

# unload_rows: rmmod the backend; a thread it left behind would run freed
# code, so give that time to oops before dmesg is read (kept as
# LAB_OUT/dmesg.txt); then dom0's kernel complaints (KERNEL_BAD).
unload_rows() {
	local n
	step "rmmod $BE_MOD"
	if unload "$BE_MOD"; then
		row "rmmod $BE_MOD" - unloaded ok
	else
		row "rmmod $BE_MOD" - stays FAIL
	fi
	sleep 3
	test_dmesg "$LAB_OUT/dmesg.txt"
	n=$(grep -cE "$KERNEL_BAD" "$LAB_OUT/dmesg.txt")
	row "dom0 WARNING/BUG/Oops lines" - "$n" "$(check [ "$n" = 0 ])"
	grep -m 20 -B 2 -A 20 -E "$KERNEL_BAD" "$LAB_OUT/dmesg.txt"
}

# vs_intree WHAT VALUE SLACK [FACTOR]: record VALUE under WHAT for this
# backend in this dom0 boot; for xsplit's backend, a row judging it
# against the kernel backend's VALUE (x FACTOR, default 1, + SLACK) when
# that ran earlier in the same lab run (put intree first in LAB_MODES), a
# figure otherwise.  An empty VALUE (nothing measured) fails xsplit's:
# a cost nobody saw is not a small one.
HOSTILE_VS=/run/lab-hostile-vs-intree
vs_intree() {
	local other f=${4:-1} label
	printf '%s\t%s\t%s\t%s\n' "$HOSTILE_DEV" "$LAB_BE" "$1" "$2" >>"$HOSTILE_VS"
	[ "$LAB_BE" = xsplit ] || return 0
	if [ -z "$2" ]; then
		row "$1: not measured" - none FAIL
		return 0
	fi
	other=$(awk -F '\t' -v d="$HOSTILE_DEV" -v w="$1" \
		'$1 == d && $2 == "intree" && $3 == w { v = $4 } END { print v }' "$HOSTILE_VS")
	if [ -z "$other" ]; then
		row "$1 vs in-tree (not run before)" - "$2" -
	else
		label="$1 <= in-tree's + $3"
		[ "$f" = 1 ] || label="$1 <= in-tree's x $f + $3"
		row "$label" "$other" "$2" "$(check [ "$2" -le $((other * f + $3)) ])"
	fi
}

# table TITLE: print the table; fail the test if any row failed.
table() {
	{
		echo "$1"
		printf '%-44s %10s %10s  %s\n' measure before after verdict
		cat "$ROWS"
	} | tee "$LAB_OUT/table.txt"
	[ "$HOSTILE_BAD" = 0 ] ||
		fail "$LAB_BE $BE_NAME: the hostile frontend cost dom0 or got wrong answers (table above)"
}

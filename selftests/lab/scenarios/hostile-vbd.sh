#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile vbd frontend against dom0's blkback (issue #14).  The guest
# runs no block frontend of ours or the kernel's (lab.fe=none) but the
# test-only xsplit_hostile_vbd module, which N times connects, sets its
# ring's req_prod far beyond the ring, notifies, goes Closed and back to
# Initialising (selftests/hostile/hostile_vbd.c).  Run once per backend
# (modes=be): the kernel's xen-blkback is the control.
#
# dom0 measures with no guest before, and after the guest is destroyed:
# MemAvailable, Slab, SUnreclaim, the backend's threads, the event channels
# bound in dom0, xsplit's live counters.  Pass: all back to the baseline
# (MemAvailable and SUnreclaim within 16 MiB, no thread, channel or grant
# left), the domain gone from `xl list` within 60 s (not left dying), a
# well-behaved guest then uses the same disk (dom0 can claim it, fio
# verify through the in-tree frontend), the backend module unloads, and no
# WARNING/BUG/Oops in dom0's dmesg.  A table of it all per backend.
# Cycles: LAB_X_HV_CYCLES, else 20 (quick) or 100 (LAB_X_FULL=1).  Under
# TCG a cycle takes about 2.5 s; a mode ~5 min quick, ~9 min full.
# lab: modes=be timeout=720 timeout_full=1200
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

N=${LAB_X_HV_CYCLES:-20}
[ "${LAB_X_FULL:-0}" = 1 ] && N=${LAB_X_HV_CYCLES:-100}
MODULE=xsplit_hostile_vbd
MEM_SLACK_KB=16384	# MemAvailable / SUnreclaim: noise, not a leak
GONE_S=60		# a destroyed domain must leave xl list by then
SETTLE_S=30		# backend threads and channels: time to go
RESERVE_S=330		# after the hostile guest: destroy, settle, ok guest

[ -f "$LAB/modules/$MODULE.ko" ] || fail "no $MODULE.ko built"
if [ "$LAB_BE" = xsplit ]; then
	have_xsplit blkback || fail "no xsplit blkback module"
	BE_MOD=xsplit_blkback THREAD_RE='^xsplit-blk' IRQ_RE='xsplit-blk'
else
	BE_MOD=xen_blkback THREAD_RE='^blkback\.' IRQ_RE='blkif-backend'
fi
use_backends
disk=$(nullb hostiledisk 64 1) || fail "$disk"
bad=0

# be_threads, evtchns, be_evtchns: what a backend connection holds in dom0.
be_threads() { cat /proc/[0-9]*/comm 2>/dev/null | grep -c "$THREAD_RE"; }
evtchns() { grep -c 'xen-dyn' /proc/interrupts; }
be_evtchns() { grep -c "$IRQ_RE" /proc/interrupts; }

# measure FILE: leak_snapshot's memory, slab and xsplit counters, plus
# threads and channels, as "key value" lines.
measure() {
	leak_snapshot "$1"
	{
		echo "threads $(be_threads)"
		echo "evtchns $(evtchns)"
		echo "be_evtchns $(be_evtchns)"
	} >>"$1"
}

# settle BEFORE: give a destroyed guest's connections SETTLE_S to go.
settle() {
	local _
	for _ in $(seq "$SETTLE_S"); do
		[ "$(be_threads)" -le "$(leak_value "$1" threads)" ] &&
			[ "$(evtchns)" -le "$(leak_value "$1" evtchns)" ] && return 0
		sleep 1
	done
}

# The table: one line per measurement, its verdict ok, FAIL or - (figure).
ROWS=$LAB_OUT/rows
: >"$ROWS"
row() {
	printf '%-40s %10s %10s  %s\n' "$1" "$2" "$3" "$4" >>"$ROWS"
	kv "$(echo "$1" | tr -c 'a-zA-Z0-9_.\n' _)" "$2->$3"
	case $4 in ok|-) ;; *) bad=1 ;; esac
}

# check TEST...: a row's verdict, "ok" if the test holds.
check() { if "$@"; then echo ok; else echo FAIL; fi; }

# grows KEY LIMIT [LABEL]: FAIL if KEY grew from BEFORE to AFTER by more
# than LIMIT ("-": a figure only); MemAvailable falls: give it as -KEY.
grows() {
	local key=${1#-} a b d v=ok
	a=$(leak_value "$BEFORE" "$key")
	b=$(leak_value "$AFTER" "$key")
	{ [ -n "$a" ] && [ -n "$b" ]; } || return 0
	d=$((b - a))
	[ "${1:0:1}" = - ] && d=$((a - b))
	if [ "$2" = - ]; then
		v=-
	elif [ "$d" -gt "$2" ]; then
		v=FAIL
	fi
	row "${3:-$key} ($d)" "$a" "$b" "$v"
}

# hostile_job: the guest's job.  The module's own waits are bounded
# (30 s each); the job bounds the whole run and reports the guest's view.
hostile_job() {
	cat <<-JOB
		insmod /lab/modules/$MODULE.ko cycles=$N || exit 1
		n=0
		until dmesg | grep -q 'hostile-vbd: .* done scenario='; do
			n=\$((n + 1))
			if [ \$n -gt $1 ]; then
				echo "HOSTILE: no summary after $1 s"
				break
			fi
			sleep 1
		done
		dmesg | grep 'hostile-vbd:'
		rmmod $MODULE || echo "HOSTILE: rmmod $MODULE failed"
		dmesg | grep -E 'WARNING:|BUG:|Oops|general protection' &&
			echo "HOSTILE: the guest's kernel complained"
		echo HOSTILE-END
		sleep 3600
	JOB
}

# run_hostile: boot the hostile guest, wait for its summary, destroy it and
# time how long its domain takes to leave xl list.  Sets SUMMARY, GONE.
run_hostile() {
	local limit domid s
	limit=$((LAB_DEADLINE - $(date +%s) - RESERVE_S))
	hostile_job $((limit - 90)) >"$LAB_OUT/job-hostile.sh"
	LAB_FE=none guest_start hostile "$LAB_OUT/job-hostile.sh" \
		"disk = ['phy:$disk,xvdb,w']"
	domid=$(xl domid hostile) || fail "hostile guest gone at once"
	console_mark hostile HOSTILE-END "$limit"
	SUMMARY=$(grep -a 'hostile-vbd: .* done scenario=' \
		"$CONSOLE_DIR/guest-hostile.log" | tail -n1)
	step "guest: ${SUMMARY#*done }"
	timeout -k 5 120 xl destroy hostile || echo "xl destroy hostile: rc $?"
	GONE=
	for s in $(seq "$GONE_S"); do
		xl list | awk -v d="$domid" '$2 == d { f = 1 } END { exit !f }' ||
			{ GONE=$s; break; }
		sleep 1
	done
	[ -n "$GONE" ] || { echo "domain $domid still there:"; xl list; }
	guest_collect hostile
}

# field NAME: a number from the guest's summary line (empty if absent).
field() { echo "$SUMMARY" | sed -n "s/.* $1=\\([0-9]*\\).*/\\1/p"; }

# ok_guest: a well-behaved guest (in-tree frontend) on the same disk.
ok_guest() {
	cat >"$LAB_OUT/job-ok.sh" <<-'JOB'
		wait_dev /dev/xvdb 60 || exit 1
		fio --name=after --filename=/dev/xvdb --direct=1 --ioengine=libaio \
			--iodepth=8 --verify=crc32c --verify_fatal=1 --rw=randwrite \
			--bs=4k --size=1M
	JOB
	LAB_FE=intree guest_run okguest "$LAB_OUT/job-ok.sh" \
		"disk = ['phy:$disk,xvdb,w']"
}

BEFORE=$LAB_OUT/before AFTER=$LAB_OUT/after
measure "$BEFORE"
step "hostile guest: $N connect-corrupt-close cycles against $LAB_BE blkback"
t0=$(now_ms)
run_hostile
kv hostile_ms $(( $(now_ms) - t0 ))
settle "$BEFORE"
measure "$AFTER"

g_ok=$(field ok)
row "guest: cycles ok, of $N" - "${g_ok:-none}" "$(check [ "${g_ok:-}" = "$N" ])"
row "guest: backend went Closing" - "$(field closing)" -
row "guest: backend stayed Connected" - "$(field connected)" -
s=$(field still_mapped)
row "guest: rings mapped after Closed" - "${s:-none}" "$(check [ "${s:-}" = 0 ])"
grows -mem_available_kb "$MEM_SLACK_KB" "MemAvailable drop KiB"
grows sunreclaim_kb "$MEM_SLACK_KB" "SUnreclaim growth KiB"
grows slab_kb - "Slab growth KiB"
grows threads 0 "backend threads"
grows evtchns 0 "event channels (xen-dyn)"
grows be_evtchns 0 "event channels ($IRQ_RE)"
while read -r key _; do
	grows "$key" 0
done < <(grep -E '^xsplit_(core|blkback)\.' "$BEFORE")
row "domain gone from xl list after (s)" - "${GONE:-no,${GONE_S}s}" "$(check [ -n "$GONE" ])"
n=$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null | wc -l)
row "backend/vbd dirs left" - "$n" "$(check [ "$n" = 0 ])"

# The disk is free again: dom0 can claim it, a new guest can use it.
if perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_EXCL) or die "$!\n"' \
	"$disk"; then
	row "dom0 claims the disk (O_EXCL)" - yes ok
else
	row "dom0 claims the disk (O_EXCL)" - no FAIL
fi
step "a well-behaved guest on the same disk"
if ok_guest; then
	row "new guest: fio verify on the disk" - passed ok
else
	row "new guest: fio verify on the disk" - failed FAIL
fi
step "rmmod $BE_MOD"
if unload "$BE_MOD"; then
	row "rmmod $BE_MOD" - unloaded ok
else
	row "rmmod $BE_MOD" - stays FAIL
fi
# A thread the module left behind runs freed code: give it time to oops.
sleep 3
# What the backend said about the hostile rings, in short.
dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" >"$LAB_OUT/dmesg.txt"
echo "dom0 dmesg: $(grep -c 'producer index\|bogus ring' "$LAB_OUT/dmesg.txt") corrupt-ring lines, first:"
grep -m 3 'producer index\|bogus ring' "$LAB_OUT/dmesg.txt"
n=$(grep -cE 'WARNING:|BUG:|Oops|general protection' "$LAB_OUT/dmesg.txt")
row "dom0 WARNING/BUG/Oops lines" - "$n" "$(check [ "$n" = 0 ])"
grep -m 20 -B 2 -A 20 -E 'WARNING:|BUG:|Oops|general protection' "$LAB_OUT/dmesg.txt"

{
	echo "hostile-vbd against $LAB_BE blkback: $N cycles (guest: ${SUMMARY#*done })"
	printf '%-40s %10s %10s  %s\n' measure before after verdict
	cat "$ROWS"
} | tee "$LAB_OUT/table.txt"
[ "$bad" = 0 ] || fail "$LAB_BE blkback: the hostile frontend cost dom0 (table above)"
echo "$LAB_BE blkback: $N hostile cycles, nothing left behind"

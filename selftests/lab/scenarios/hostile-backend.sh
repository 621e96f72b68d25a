#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile vbd backend against a guest's frontend (issue #14).  dom0 runs
# no real vbd backend but the test-only xsplit_hostile_blkbe module
# (selftests/hostile/hostile_blkbe.c): a null disk of zeroes that, after
# GOOD honest responses, misbehaves once per disk, one scenario per disk:
#   xvdb unknown-id   a response with an id never issued
#   xvdc dup-id       the same response twice
#   xvdd wrong-op     a response with another operation
#   xvde rsp-ahead    rsp_prod far ahead of anything asked
#   xvdf state-cycle  Closing with requests in flight, then InitWait again
# then offers the disk again once the frontend has closed.  Run once per
# frontend (modes=fe): the kernel's xen-blkfront is the control.
#
# The guest runs fio (random 4 KiB reads and writes, O_DIRECT, iodepth 8)
# on every disk at once and reports, per disk, fio's error and the bytes
# moved, or "stuck" if fio has not ended IO_S seconds after it started;
# then dom0 reads each frontend's state, destroys the guest and reads the
# backend's summary per disk.
#
# Pass, whatever the frontend: no WARNING/BUG/Oops/stall/hung task in the
# guest's console or dom0's log (the runner checks both), the guest
# destroyable (gone from xl list within 60 s), dom0 back to its baseline
# (no backend or domain left in XenStore, event channels and memory back,
# the hostile module unloads).  For xsplit's blkfront also: every bad act
# makes it close the device (the backend sees Closing), and no disk's I/O
# is left stuck.  The kernel's blkfront is the control: what it does is
# reported in the table, not judged.
# Per mode about 3 minutes under TCG; full suite only.
# lab: modes=fe timeout=540
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

MODULE=xsplit_hostile_blkbe
SCENARIOS=${LAB_X_HBE_SCENARIOS:-unknown-id dup-id wrong-op rsp-ahead state-cycle}
GOOD=${LAB_X_HBE_GOOD:-64}
RUNTIME=15		# fio's time per disk
IO_S=50			# after this, a disk's fio that has not ended is stuck
GONE_S=60		# a destroyed domain must leave xl list by then
MEM_SLACK_KB=16384	# MemAvailable: noise, not a leak
LETTERS="b c d e f g h i j k l m n o p"

[ -f "$LAB/modules/$MODULE.ko" ] || fail "no $MODULE.ko built"
[ "$LAB_FE" = intree ] || have_xsplit blkfront || fail "no xsplit blkfront module"
use_backends
bad=0

evtchns() { grep -c 'xen-dyn' /proc/interrupts; }

# disks: one null_blk disk per scenario (the hotplug script wants a
# device; the hostile backend never touches it); sets DISKS (xl lines)
# and LETTERS_USED.
disks() {
	local s l i=0 dev
	DISKS=
	LETTERS_USED=
	for s in $SCENARIOS; do
		i=$((i + 1))
		l=$(echo "$LETTERS" | cut -d' ' -f"$i")
		dev=$(nullb "hbe$i" 16 0) || fail "$dev"
		DISKS="$DISKS${DISKS:+, }'phy:$dev,xvd$l,w'"
		LETTERS_USED="$LETTERS_USED $l"
	done
}

# hbe_job: the guest's job: fio on every disk at once, bounded.
hbe_job() {
	cat <<-JOB
		for l in $LETTERS_USED; do
			wait_dev /dev/xvd\$l 60 || echo "HBE-IO xvd\$l rc=nodisk"
		done
		for l in $LETTERS_USED; do
			[ -e /dev/xvd\$l ] || continue
			(fio --minimal --name=hbe-\$l --filename=/dev/xvd\$l \\
				--rw=randrw --bs=4k --direct=1 --ioengine=libaio \\
				--iodepth=8 --time_based --runtime=$RUNTIME \\
				--size=32M >/tmp/fio-\$l 2>/tmp/fio-\$l.err
			 echo \$? >/tmp/rc-\$l) &
		done
		n=0
		while [ \$n -lt $IO_S ]; do
			left=0
			for l in $LETTERS_USED; do
				[ -e /dev/xvd\$l ] && [ ! -e /tmp/rc-\$l ] && left=1
			done
			[ \$left = 0 ] && break
			sleep 1
			n=\$((n + 1))
		done
		for l in $LETTERS_USED; do
			[ -e /dev/xvd\$l ] || continue
			if [ -e /tmp/rc-\$l ]; then
				# terse v3: 5 error, 6 read KiB, 47 write KiB
				awk -F';' -v l=\$l -v rc=\$(cat /tmp/rc-\$l) \\
					'{ printf "HBE-IO xvd%s rc=%s err=%s kib=%d\\n", l, rc, \$5, \$6 + \$47; f = 1 }
					END { if (!f) printf "HBE-IO xvd%s rc=%s err=none kib=0\\n", l, rc }' /tmp/fio-\$l
				grep -m 1 -i error /tmp/fio-\$l.err | sed "s/^/HBE-ERR xvd\$l /"
			else
				echo "HBE-IO xvd\$l rc=stuck"
			fi
		done
		dmesg | grep -E 'xvd|vbd|blkf' | grep -v 'LAB-' | sed 's/^/HBE-LOG /' | tail -n 60
		echo HBE-END
		sleep 3600
	JOB
}

# fe_state LETTER: the guest's frontend state of disk xvdLETTER.
fe_state() {
	local dev=$((202 * 256 + ($(printf '%d' "'$1") - 97) * 16))
	xenstore-read "/local/domain/$DOMID/device/vbd/$dev/state" 2>/dev/null ||
		echo gone
}

# io LETTER: the guest's HBE-IO line for the disk, shortened.
io() {
	tr -d '\r' <"$LAB_OUT/hbe/console.log" |
		sed -n "s/.*HBE-IO xvd$1 //p" | tail -n1
}

# summary LETTER KEY: a number from the backend's done line for the disk.
summary() {
	local dev=$((202 * 256 + ($(printf '%d' "'$1") - 97) * 16))
	dmesg | sed -n "s|.*hostile-blkbe: backend/vbd/$DOMID/$dev: done .* $2=\\([0-9]*\\).*|\\1|p" |
		tail -n1
}

# fe_log LETTER: the frontend's first complaint about the disk.
fe_log() {
	local line
	line=$(tr -d '\r' <"$LAB_OUT/hbe/console.log" |
		grep -a 'HBE-LOG' | grep -aiE "xvd$1|vbd-$(( 202 * 256 + ($(printf '%d' "'$1") - 97) * 16 ))" |
		grep -aivE 'xvd[a-z]+: (p[0-9]|unknown partition)|Attached|Write Protect|detected capacity|xvd[a-z]+ *$' |
		head -n1 | sed 's/.*HBE-LOG //; s/^\[[ 0-9.]*\] *//')
	echo "${line:-none}"
}

ROWS=$LAB_OUT/rows
: >"$ROWS"
# row VERDICT TEXT...: one table line; FAIL fails the test.
row() {
	printf '%-5s %s\n' "$1" "${*:2}" >>"$ROWS"
	[ "$1" = FAIL ] && bad=1
	return 0
}

disks
ev0=$(evtchns)
leak_snapshot "$LAB_OUT/before"
list=$(echo "$SCENARIOS" | tr ' ' ',')
step "hostile blkback: $list (good=$GOOD) against the $LAB_FE frontend"
insmod "$LAB/modules/$MODULE.ko" scenario="$list" good="$GOOD" ||
	fail "insmod $MODULE"
# shellcheck disable=SC2034  # guest_start checks the bindings against it
DOM0_BE=hostile
hbe_job >"$LAB_OUT/job-hbe.sh"
guest_start hbe "$LAB_OUT/job-hbe.sh" "disk = [$DISKS]"
DOMID=$(xl domid hbe) || fail "guest hbe gone at once"
console_mark hbe HBE-END $((IO_S + 200))
cp "$CONSOLE_DIR/guest-hbe.log" "$LAB_OUT/hbe/console.log"
declare -A STATE
for l in $LETTERS_USED; do
	STATE[$l]=$(fe_state "$l")
done
t0=$(now_ms)
timeout -k 5 120 xl destroy hbe || echo "xl destroy hbe: rc $?"
gone=
for s in $(seq "$GONE_S"); do
	xl domid hbe >/dev/null 2>&1 || { gone=$s; break; }
	sleep 1
done
kv destroy_ms $(( $(now_ms) - t0 ))
guest_collect hbe
# the devices' threads print their summary as the toolstack removes them
for _ in $(seq 30); do
	[ "$(dmesg | grep -c "hostile-blkbe: backend/vbd/$DOMID/.*: done")" -ge \
		"$(echo "$SCENARIOS" | wc -w)" ] && break
	sleep 1
done
dmesg | grep 'hostile-blkbe:' | sed 's/^/dom0: /'

# The table, one line per disk.
i=0
for s in $SCENARIOS; do
	i=$((i + 1))
	l=$(echo "$LETTERS" | cut -d' ' -f"$i")
	b=$(summary "$l" bad) c=$(summary "$l" fe_closed) g=$(summary "$l" fe_ignored)
	n=$(summary "$l" connects)
	v=ok
	if [ "$LAB_FE" = xsplit ]; then
		# its I/O ended, and it closed after every bad act there was
		case $(io "$l") in rc=stuck*|"") v=FAIL ;; esac
		[ "$s" = honest ] || [ "${b:-0}" -ge 1 ] || v=FAIL
		[ "${c:-x}" = "${b:-y}" ] || v=FAIL
	else
		v=-
	fi
	row "$v" "$(printf '%-5s %-12s fe-state=%-4s bad=%-2s closed=%-2s ignored=%-2s connects=%-2s io: %s' \
		"xvd$l" "$s" "${STATE[$l]}" "${b:-?}" "${c:-?}" "${g:-?}" "${n:-?}" "$(io "$l")")"
	row - "      guest log: $(fe_log "$l")"
done
if [ -n "$gone" ]; then
	row ok "guest destroyed, gone from xl list after ${gone}s"
else
	row FAIL "guest still in xl list ${GONE_S}s after xl destroy"
fi
for _ in $(seq 30); do
	[ "$(evtchns)" -le "$ev0" ] && break
	sleep 1
done
n=$(evtchns)
row "$([ "$n" -le "$ev0" ] && echo ok || echo FAIL)" "dom0 event channels: $ev0 before, $n after"
if unload "$MODULE"; then
	row ok "rmmod $MODULE"
else
	row FAIL "rmmod $MODULE: it stays"
fi
leak_snapshot "$LAB_OUT/after"
a=$(leak_value "$LAB_OUT/before" mem_available_kb)
z=$(leak_value "$LAB_OUT/after" mem_available_kb)
row "$([ $((a - z)) -le "$MEM_SLACK_KB" ] && echo ok || echo FAIL)" \
	"dom0 MemAvailable: $a KiB before, $z KiB after"
n=$(tr -d '\r' <"$LAB_OUT/hbe/console.log" | grep -acE "$KERNEL_BAD")
row "$([ "$n" = 0 ] && echo ok || echo FAIL)" "guest kernel warning lines: $n"

{
	echo "hostile-backend: hostile blkback against the $LAB_FE blkfront (good=$GOOD)"
	cat "$ROWS"
} | tee "$LAB_OUT/table.txt"
check_leaks
[ "$bad" = 0 ] || fail "the $LAB_FE frontend against a hostile blkback (table above)"
echo "$LAB_FE blkfront: every hostile backend act cost nothing it should not"

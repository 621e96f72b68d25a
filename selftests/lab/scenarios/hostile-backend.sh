#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile vbd and vif backends against a guest's frontends (issue #14).
# dom0 runs no real backend but the test-only modules of selftests/hostile:
# xsplit_hostile_blkbe, a null disk of zeroes that, after GOOD honest
# responses, misbehaves once per disk, one scenario per disk:
#   xvdb unknown-id   a genuine response under an id never issued
#   xvdc dup-id       two requests answered under the first one's id
#   xvdd wrong-op     a response with another operation
#   xvde rsp-ahead    rsp_prod far ahead of anything asked
#   xvdf state-cycle  Closing with requests in flight, then InitWait again
# and xsplit_hostile_netbe, a link to nowhere (the guest's frames are
# acknowledged and dropped, it receives a broadcast frame every 100 ms)
# that misbehaves once per vif after NET_GOOD honest frames:
#   eth0 rx-offset    a receive response whose offset + size passes the page
#   eth1 unknown-id   a genuine transmit response under an id never used
#   eth2 dup-id       two transmits answered under the first one's id
#   eth3 rsp-ahead    the receive ring's rsp_prod far ahead
# and, asked for (LAB_X_HBE_NET_SCENARIOS="... rx-map"), the next vif:
#   rx-map            a receive buffer grant-mapped and written through the
#                     mapping, held until the connection ends: the
#                     frontend finds its grant in use and must leave the
#                     page to the grant code's deferred free (with
#                     xsplit_netfront.rx_page_pool on, the default: a
#                     pool's page, which must leave its pool first)
# The id acts replace genuine responses (one response per request), so
# that only the frontend's id check stands between them and a request
# completed twice or never.
# Both offer a device again once its frontend has closed.  The devices get
# hotplug scripts that do nothing (script=/bin/true): the hostile backends
# need no physical-device and make no netdev.  Run once per frontend
# (modes=fe): the kernel's xen-blkfront and xen-netfront are the control.
#
# The guest runs fio (random 4 KiB reads and writes, O_DIRECT, iodepth 8)
# on every disk and pings out of every vif at once, and reports, per disk,
# fio's error and the KiB moved, or "stuck" if fio has not ended IO_S
# seconds after it started, and the requests the disk still has in
# flight (a request no response ever ended), and per vif its packet
# counts; then dom0
# reads each frontend's state, destroys the guest and reads the backends'
# summary per device.
#
# Pass, whatever the frontend: no WARNING/BUG/Oops/stall/hung task in the
# guest's console or dom0's log (the runner checks both), the guest
# destroyable (gone from xl list within 60 s), dom0 back to its baseline
# (no backend or domain left in XenStore, event channels and memory back,
# the hostile modules unload).  For xsplit's frontends also: every bad act
# makes them close the device (the backend sees Closing; a bad receive
# response may cost only its packet instead), and every disk's fio ends
# without an error and with no request left in flight.  The kernel's frontends are the control: what they
# do is reported in the table, not judged.
# Per mode about 3 minutes under TCG; full suite only.
# lab: modes=fe timeout=540
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

MODULE=xsplit_hostile_blkbe
NET_MODULE=xsplit_hostile_netbe
SCENARIOS=${LAB_X_HBE_SCENARIOS:-unknown-id dup-id wrong-op rsp-ahead state-cycle}
NET_SCENARIOS=${LAB_X_HBE_NET_SCENARIOS-rx-offset unknown-id dup-id rsp-ahead}
GOOD=${LAB_X_HBE_GOOD:-64}
NET_GOOD=${LAB_X_HBE_NET_GOOD:-16}
PING_N=40		# pings per vif, 4 a second
RUNTIME=15		# fio's time per disk
IO_S=50			# after this, a disk's fio that has not ended is stuck
GONE_S=60		# a destroyed domain must leave xl list by then
SETTLE_S=30		# after that, its devices' summaries and event channels
MEM_SLACK_KB=16384	# MemAvailable: noise, not a leak
LETTERS="b c d e f g h i j k l m n o p"

for m in "$MODULE" "$NET_MODULE"; do
	[ -f "$LAB/modules/$m.ko" ] || fail "no $m.ko built"
done
[ "$LAB_FE" = intree ] || require_mode blk net
use_backends
# a run that failed half-way may have left them loaded
unload "$MODULE" "$NET_MODULE" || fail "hostile modules stay"
# However this test ends, the hostile backends must not serve the next
# one's guests (a failure left them bound to every vbd and vif).
leave() {
	xl domid hbe >/dev/null 2>&1 && timeout -k 5 60 xl destroy hbe
	unload "$MODULE" "$NET_MODULE" >/dev/null
}
trap leave EXIT
bad=0

evtchns() { grep -c 'xen-dyn' /proc/interrupts; }
# evtchns_back N: no more than N of them.
evtchns_back() { [ "$(evtchns)" -le "$1" ]; }
# summaries_in: every hostile device's thread printed its summary.
summaries_in() {
	[ "$(dmesg | grep -c "hostile-..tbe: backend/v.../$DOMID/.*: done")" -ge \
		"$(echo "$SCENARIOS $NET_SCENARIOS" | wc -w)" ]
}

# disks: one null_blk disk per scenario (libxl wants a block device to
# choose the phy backend; the hostile backend never touches it); sets
# DISKS (xl lines) and LETTERS_USED.
disks() {
	local s l i=0 dev
	DISKS=
	LETTERS_USED=
	for s in $SCENARIOS; do
		i=$((i + 1))
		l=$(echo "$LETTERS" | cut -d' ' -f"$i")
		dev=$(nullb "hbe$i" 16 0) || fail "$dev"
		DISKS="$DISKS${DISKS:+, }'format=raw, vdev=xvd$l, access=rw, script=/bin/true, target=$dev'"
		LETTERS_USED="$LETTERS_USED $l"
	done
}

# vifs: one vif per net scenario; sets VIFS (xl lines) and VIF_IDS.
vifs() {
	local s i=0
	VIFS=
	VIF_IDS=
	for s in $NET_SCENARIOS; do
		VIFS="$VIFS${VIFS:+, }'mac=00:16:3e:00:09:0$i, script=/bin/true'"
		VIF_IDS="$VIF_IDS $i"
		i=$((i + 1))
	done
}

# hbe_job: the guest's job: fio on every disk at once, bounded.
hbe_job() {
	cat <<-JOB
		for l in $LETTERS_USED; do
			wait_dev /dev/xvd\$l 60 || echo "HBE-IO xvd\$l rc=nodisk"
		done
		for v in $VIF_IDS; do
			net_up eth\$v 10.9.\$v.2/24 || continue
			# no one answers: a static neighbour makes every ping a frame
			arp -i eth\$v -s 10.9.\$v.1 02:00:00:00:00:01 2>/dev/null
			(ping -c $PING_N -i 0.25 -W 1 10.9.\$v.1 >/dev/null 2>&1 &
			 echo \$! >/tmp/ppid-\$v
			 wait \$!
			 echo \$? >/tmp/prc-\$v) &
		done
		for l in $LETTERS_USED; do
			[ -e /dev/xvd\$l ] || continue
			(fio --minimal --name=hbe-\$l --filename=/dev/xvd\$l \\
				--rw=randrw --bs=4k --direct=1 --ioengine=libaio \\
				--iodepth=8 --time_based --runtime=$RUNTIME \\
				--size=32M >/tmp/fio-\$l 2>/tmp/fio-\$l.err
			 echo \$? >/tmp/rc-\$l) &
		done
		# fio_ended: every disk there is has its fio's exit code
		fio_ended() {
			for l in $LETTERS_USED; do
				[ -e /dev/xvd\$l ] && [ ! -e /tmp/rc-\$l ] && return 1
			done
			return 0
		}
		# what did not end is reported "stuck" below
		wait_for $IO_S "fio on every disk" fio_ended >/dev/null
		for l in $LETTERS_USED; do
			[ -e /dev/xvd\$l ] || continue
			# requests blk-mq still holds (reads + writes)
			inf=\$(awk '{ print \$1 + \$2 }' /sys/block/xvd\$l/inflight)
			if [ -e /tmp/rc-\$l ]; then
				# terse v3: 5 error, 6 read KiB, 47 write KiB
				awk -F';' -v l=\$l -v rc=\$(cat /tmp/rc-\$l) -v inf=\$inf \\
					'{ printf "HBE-IO xvd%s rc=%s err=%s kib=%d inflight=%s\\n", l, rc, \$5, \$6 + \$47, inf; f = 1 }
					END { if (!f) printf "HBE-IO xvd%s rc=%s err=none kib=0 inflight=%s\\n", l, rc, inf }' /tmp/fio-\$l
				grep -m 1 -i error /tmp/fio-\$l.err | sed "s/^/HBE-ERR xvd\$l /"
			else
				echo "HBE-IO xvd\$l rc=stuck inflight=\$inf"
			fi
		done
		# ping_ended: every vif's ping has its exit code
		ping_ended() {
			for v in $VIF_IDS; do [ -e /tmp/prc-\$v ] || return 1; done
		}
		# what did not end is reported "running" below
		wait_for $PING_N "ping on every vif" ping_ended >/dev/null
		for v in $VIF_IDS; do
			d=/sys/class/net/eth\$v
			echo "HBE-NET eth\$v rx=\$(cat \$d/statistics/rx_packets 2>/dev/null)" \\
				"tx=\$(cat \$d/statistics/tx_packets 2>/dev/null)" \\
				"oper=\$(cat \$d/operstate 2>/dev/null)" \\
				"ping=\$(cat /tmp/prc-\$v 2>/dev/null || echo running)"
			[ -e /tmp/prc-\$v ] && continue
			# where a ping that did not end is stuck
			p=\$(cat /tmp/ppid-\$v)
			echo "HBE-PING eth\$v state=\$(sed -n 's/^State:[[:space:]]*//p' /proc/\$p/status)" \\
				"wchan=\$(cat /proc/\$p/wchan 2>/dev/null)"
			sed "s/^/HBE-PING eth\$v /" /proc/\$p/stack 2>/dev/null | head -n 12
		done
		dmesg | grep -E 'xvd|vbd|blkf|eth[0-9]|vif|netf' | grep -v 'LAB-' |
			sed 's/^/HBE-LOG /' | tail -n 80
		echo HBE-END
		sleep 3600
	JOB
}

# devno LETTER: the vbd device number of disk xvdLETTER.
devno() { echo $((202 * 256 + ($(printf '%d' "'$1") - 97) * 16)); }

# fe_state TYPE DEV: the guest's frontend state of device TYPE/DEV.
fe_state() {
	xenstore-read "/local/domain/$DOMID/device/$1/$2/state" 2>/dev/null ||
		echo gone
}

# io LETTER: the guest's HBE-IO line for the disk, shortened.
io() {
	tr -d '\r' <"$LAB_OUT/hbe/console.log" |
		sed -n "s/.*HBE-IO xvd$1 //p" | tail -n1
}

# summary KIND TYPE DEV KEY: a number from backend KIND's (blkbe, netbe)
# done line for device TYPE/DEV.
summary() {
	dmesg | sed -n "s|.*hostile-$1: backend/$2/$DOMID/$3: done .* $4=\\([0-9]*\\).*|\\1|p" |
		tail -n1
}

# net LETTER: the guest's HBE-NET line for vif ID, shortened.
net() {
	tr -d '\r' <"$LAB_OUT/hbe/console.log" |
		sed -n "s/.*HBE-NET eth$1 //p" | tail -n1
}

# fe_log PATTERN: the frontend's first complaint about a device (lines
# matching PATTERN, partition and attach chatter left out).
fe_log() {
	local line
	line=$(tr -d '\r' <"$LAB_OUT/hbe/console.log" |
		grep -a 'HBE-LOG' | grep -aiE "$1" |
		grep -aivE 'xvd[a-z]+: (p[0-9]|unknown partition)|Attached|Write Protect|detected capacity|xvd[a-z]+ *$|LAB-BIND|flush diskcache|connected to domain|ADDRCONF|no driver' |
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
vifs
ev0=$(evtchns)
leak_snapshot "$LAB_OUT/before"
list=$(echo "$SCENARIOS" | tr ' ' ',')
step "hostile blkback: $list (good=$GOOD) against the $LAB_FE frontend"
insmod "$LAB/modules/$MODULE.ko" scenario="$list" good="$GOOD" ||
	fail "insmod $MODULE"
if [ -n "$NET_SCENARIOS" ]; then
	list=$(echo "$NET_SCENARIOS" | tr ' ' ',')
	step "hostile netback: $list (good=$NET_GOOD)"
	insmod "$LAB/modules/$NET_MODULE.ko" scenario="$list" good="$NET_GOOD" ||
		fail "insmod $NET_MODULE"
fi
# shellcheck disable=SC2034  # guest_start checks the bindings against it
DOM0_BE=hostile
hbe_job >"$LAB_OUT/job-hbe.sh"
guest_start hbe "$LAB_OUT/job-hbe.sh" "disk = [$DISKS]" "vif = [$VIFS]"
DOMID=$(xl domid hbe) || fail "guest hbe gone at once"
console_mark hbe HBE-END $((IO_S + 200))
cp "$CONSOLE_DIR/guest-hbe.log" "$LAB_OUT/hbe/console.log"
declare -A STATE
for l in $LETTERS_USED; do
	STATE[$l]=$(fe_state vbd "$(devno "$l")")
done
for i in $VIF_IDS; do
	STATE[$i]=$(fe_state vif "$i")
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
wait_for "$SETTLE_S" "every device's summary" summaries_in || true
dmesg | grep 'hostile-..tbe:' | sed 's/^/dom0: /'

# io_ok IO: a disk's HBE-IO line says fio ended without an error and
# nothing is left in flight (no request lost or left to hang).
io_ok() {
	[[ " $1 " == *" rc=0 err=0 "* && " $1 " == *" inflight=0 "* ]]
}

# verdict SCENARIO BAD CLOSED [IO]: for xsplit's frontends, "ok" if the
# frontend closed after every bad act (there was one) and the disk's I/O
# (IO, disks only) ended cleanly; a bad receive response may instead cost
# only its packet (DROPS); for the kernel's, "-": the control is
# reported, not judged.
DROPS="rx-offset"
verdict() {
	[ "$LAB_FE" = xsplit ] || { echo -; return; }
	if [ $# -ge 4 ] && ! io_ok "$4"; then
		echo FAIL
		return
	fi
	if [ "${2:-0}" -ge 1 ] && [[ " $DROPS " == *" $1 "* ]]; then
		echo ok
	elif [ "${2:-0}" -ge 1 ] && [ "${3:-x}" = "$2" ]; then
		echo ok
	else
		echo FAIL
	fi
}

# The table, one line per device.
i=0
for s in $SCENARIOS; do
	i=$((i + 1))
	l=$(echo "$LETTERS" | cut -d' ' -f"$i")
	d=$(devno "$l")
	b=$(summary blkbe vbd "$d" bad) c=$(summary blkbe vbd "$d" fe_closed)
	g=$(summary blkbe vbd "$d" fe_ignored) n=$(summary blkbe vbd "$d" connects)
	r=$(io "$l")
	v=$(verdict "$s" "$b" "$c" "${r:-rc=stuck}")
	# honest misbehaves never: no bad act is its pass, if its I/O was clean
	[ "$s" = honest ] && [ "$v" = FAIL ] && [ "$b" = 0 ] && io_ok "$r" && v=ok
	row "$v" "$(printf '%-5s %-12s fe-state=%-4s bad=%-2s closed=%-2s ignored=%-2s connects=%-2s io: %s' \
		"xvd$l" "$s" "${STATE[$l]}" "${b:-?}" "${c:-?}" "${g:-?}" "${n:-?}" "${r:-none}")"
	row - "      guest log: $(fe_log "xvd$l|vbd-$d")"
done
i=0
for s in $NET_SCENARIOS; do
	b=$(summary netbe vif "$i" bad) c=$(summary netbe vif "$i" fe_closed)
	g=$(summary netbe vif "$i" fe_ignored) n=$(summary netbe vif "$i" connects)
	v=$(verdict "$s" "$b" "$c")
	[ "$s" = honest ] && [ "$v" = FAIL ] && [ "$b" = 0 ] && v=ok
	row "$v" "$(printf '%-5s %-12s fe-state=%-4s bad=%-2s closed=%-2s ignored=%-2s connects=%-2s net: %s' \
		"eth$i" "$s" "${STATE[$i]}" "${b:-?}" "${c:-?}" "${g:-?}" "${n:-?}" "$(net "$i")")"
	row - "      guest log: $(fe_log "eth$i|vif-$i")"
	i=$((i + 1))
done
if [ -n "$gone" ]; then
	row ok "guest destroyed, gone from xl list after ${gone}s"
else
	row FAIL "guest still in xl list ${GONE_S}s after xl destroy"
fi
wait_for "$SETTLE_S" "dom0's event channels back to $ev0" evtchns_back "$ev0" ||
	true	# the row below says
n=$(evtchns)
row "$([ "$n" -le "$ev0" ] && echo ok || echo FAIL)" "dom0 event channels: $ev0 before, $n after"
if unload "$MODULE" "$NET_MODULE"; then
	row ok "rmmod $MODULE $NET_MODULE"
else
	row FAIL "rmmod $MODULE $NET_MODULE: one stays"
fi
leak_snapshot "$LAB_OUT/after"
a=$(leak_value "$LAB_OUT/before" mem_available_kb)
z=$(leak_value "$LAB_OUT/after" mem_available_kb)
row "$([ $((a - z)) -le "$MEM_SLACK_KB" ] && echo ok || echo FAIL)" \
	"dom0 MemAvailable: $a KiB before, $z KiB after"
n=$(tr -d '\r' <"$LAB_OUT/hbe/console.log" | grep -acE "$KERNEL_BAD")
row "$([ "$n" = 0 ] && echo ok || echo FAIL)" "guest kernel warning lines: $n"

{
	echo "hostile-backend: hostile blkback and netback against the $LAB_FE frontends (good=$GOOD, net $NET_GOOD)"
	cat "$ROWS"
} | tee "$LAB_OUT/table.txt"
check_leaks
[ "$bad" = 0 ] || fail "the $LAB_FE frontends against hostile backends (table above)"
echo "$LAB_FE frontends: every hostile backend act cost nothing it should not"

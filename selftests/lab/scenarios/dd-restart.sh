#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Restart of a driver domain under load.  The driver domain (xsplit's
# backends, xl devd, see dom0/dd.sh) serves two guests at once, one with
# the kernel's frontends and one with xsplit's; each writes and verifies
# its disk (fio --verify=crc32c) and streams TCP to dom0 through the
# driver domain's bridge.  The backing store must outlive the driver
# domain, so it is dom0's: two memory-backed null_blk disks that dom0
# gives the driver domain (its xvdb and xvdc), which it serves on.
#
# Then, under that load:
#   1. xl destroy the driver domain: the guests' backends are gone;
#   2. start it again (a new domid, the same disks);
#   3. xl save + xl restore each guest, one after the other.  A Linux frontend
#      learns where its backend lives only when it is probed or resumed,
#      so a restored guest is what follows the driver domain to its new
#      domid: libxl re-resolves backend=<name> and the frontends
#      reconnect, re-issuing the requests the dead backend never answered.
# Both guests' fio must then verify with 0 errors, the network must work
# again, and dom0 must be clean.  Figures: time to restart the driver
# domain, save and restore times, and each guest's I/O stall: from the
# destroy to its first block request at dom0's backend of its disk after
# its restore.  Whether the TCP streams survived is
# reported, not asserted.
# lab: timeout=1800
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/disrupt.sh
. "$LAB/dom0/disrupt.sh"
# shellcheck source=../dom0/dd.sh
. "$LAB/dom0/dd.sh"

LAB_FE=xsplit
LAB_BE=xsplit
require_mode blk net
FIO_MB=${LAB_X_FIO_MB:-96}
STREAM_MB=80
export GUEST_MEMORY=384 DD_MEMORY=512
# The driver domain's xl devd runs the hotplug scripts of one guest while
# it serves the other's I/O; libxl kills a script after 40 s, which a
# loaded 1-vCPU driver domain under TCG can take: two vCPUs, the guests'
# fio capped, and the load held back (GATE) until both guests are up.
export DD_VCPUS=2
FIO_RATE=100
GATE=10.0.0.254
# The two guests: frontends, address, iperf3 ports, the driver domain's
# disk that serves it and that disk's vbd device number (xvdb 51728,
# xvdc 51744): dom0's backend of it is where the guest's I/O shows.
GUESTS="intree xsplit"
declare -A gip=([intree]=10.0.0.11 [xsplit]=10.0.0.12)
declare -A port=([intree]=5301 [xsplit]=5303)
declare -A dddisk=([intree]=/dev/xvdb [xsplit]=/dev/xvdc)
declare -A ddvbd=([intree]=$VBD_XVDB [xsplit]=$VBD_XVDC)

# dom0 serves only the driver domain (its disks and uplink), with the
# kernel's backends: xsplit's under test run in the driver domain alone.
LAB_BE=intree use_backends
linux_bridge
servers=
for p in 5301 5302 5303 5304; do
	iperf3 -s -p "$p" -D -I "$LAB_OUT/iperf3-$p.pid" \
		--logfile "$LAB_OUT/iperf3-$p.log" || fail "iperf3 server $p"
	servers="$servers $LAB_OUT/iperf3-$p.pid"
done
cleanup() {
	local f
	sampler_stop
	for f in $servers; do
		kill "$(cat "$f")" 2>/dev/null
	done
	rm -f /dev/shm/ddr*.save
	ip addr del "$GATE/24" dev xenbr0 2>/dev/null
}
trap cleanup EXIT
mem0=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
d0=$(nullb ddrdisk0 $(( FIO_MB + 16 )) 1) || fail "$d0"
d1=$(nullb ddrdisk1 $(( FIO_MB + 16 )) 1) || fail "$d1"
dd_disks="disk = ['phy:$d0,xvdb,w', 'phy:$d1,xvdc,w']"
export DD_WAIT="/dev/xvdb /dev/xvdc"

dd_start xsdd xsplit "$dd_disks"
for fe in $GUESTS; do
	load_job "$LAB_OUT/job-$fe.sh" "GIP=${gip[$fe]}/24" DISK=/dev/xvdb \
		"FIO_MB=$FIO_MB" FIO_DEPTH=16 "SPORT=${port[$fe]}" \
		"STREAM_MB=$STREAM_MB" "APORT=$(( port[$fe] + 1 ))" \
		"FIO_RATE=$FIO_RATE" "GATE=$GATE"
	LAB_FE=$fe guest_start "ddr$fe" "$LAB_OUT/job-$fe.sh" \
		"disk = ['backend=xsdd,format=raw,vdev=xvdb,access=rw,target=${dddisk[$fe]}']" \
		"vif = ['backend=xsdd,bridge=ddbr0']"
done
for fe in $GUESTS; do
	wait_connected "ddr$fe" 240 || {
		tail -n 60 "$CONSOLE_DIR/guest-xsdd.log"
		fail "ddr$fe: devices not Connected to the driver domain"
	}
done
step "both guests connected: the load starts"
ip addr add "$GATE/24" dev xenbr0 || fail "gate address"
sampler_start "$LAB_OUT/progress.log"
for fe in $GUESTS; do
	log=$CONSOLE_DIR/guest-ddr$fe.log
	# fio's start, or the job's end (the check below tells them apart)
	wait_for 300 "fio started in ddr$fe" \
		grep -qs 'LAB-SR-FIO-START\|LAB-END' "$log" || true
	grep -q LAB-SR-FIO-START "$log" || {
		tail -n 40 "$log"
		device_states "ddr$fe"
		echo "--- driver domain ---"
		tail -n 80 "$CONSOLE_DIR/guest-xsdd.log"
		fail "ddr$fe: fio never started"
	}
	progress_after "^vbd-[0-9]+-${ddvbd[$fe]}\$" 0 120 ||
		fail "ddr$fe: no block I/O through the driver domain"
done
sleep 5
for fe in $GUESTS; do
	grep -q LAB-SR-FIO-DONE "$CONSOLE_DIR/guest-ddr$fe.log" &&
		fail "ddr$fe: fio ended before the restart: raise LAB_X_FIO_MB"
done

step "xl destroy the driver domain under load"
old=$(xl domid xsdd)
timed dd-destroy xl destroy xsdd
ka=$T_A
kv dd_destroy_ms $(( T_B - T_A ))
guest_collect xsdd
mv "$LAB_OUT/xsdd" "$LAB_OUT/xsdd-first"
dd_start xsdd xsplit "$dd_disks"
up=$(now_ms)
kv dd_restart_ms $(( up - ka ))
step "driver domain back as domain $(xl domid xsdd) (was $old)"

# save_restore FE: follow the driver domain: save and restore the guest.
save_restore() {
	local name=ddr$1 save=/dev/shm/ddr$1.save
	timed "$name-save" xl save "$name" "$save"
	echo "save_ms $(( T_B - T_A ))"
	timed "$name-restore" xl restore "$save"
	echo "restore_ms $(( T_B - T_A ))"
	echo "restored $T_B"
	rm -f "$save"
}
# One guest after the other: the new driver domain's block hotplug
# scripts for two restored guests at once never finished (both killed by
# libxl after 40 s, twice), one at a time they do at create.
wait_rc=0
for fe in $GUESTS; do
	(save_restore "$fe") >"$LAB_OUT/sr-$fe.txt" 2>&1 || wait_rc=1
	wait_connected "ddr$fe" 240 || true
done
for fe in $GUESTS; do
	cat "$LAB_OUT/sr-$fe.txt"
	grep -q '^restored ' "$LAB_OUT/sr-$fe.txt" || fail "ddr$fe: save/restore"
	kv "${fe}fe_save_ms" "$(awk '$1 == "save_ms" { print $2 }' "$LAB_OUT/sr-$fe.txt")"
	kv "${fe}fe_restore_ms" "$(awk '$1 == "restore_ms" { print $2 }' "$LAB_OUT/sr-$fe.txt")"
done
[ "$wait_rc" = 0 ] || fail "save/restore"
for fe in $GUESTS; do
	# The driver domain's xl devd runs the hotplug scripts for both
	# guests' disks and vifs, slowly under TCG.
	wait_connected "ddr$fe" 240 || {
		tail -n 60 "$CONSOLE_DIR/guest-xsdd.log"
		fail "ddr$fe: devices not Connected to the new driver domain"
	}
	rb=$(awk '$1 == "restored" { print $2 }' "$LAB_OUT/sr-$fe.txt")
	progress_after "^vbd-[0-9]+-${ddvbd[$fe]}\$" "$rb" 120 ||
		fail "ddr$fe: no block I/O after the restart"
	wait_ping "${gip[$fe]}" 60 || fail "ddr$fe: no ping after the restart"
	step "ddr$fe: I/O and ping are back"
done

rc=0
for fe in $GUESTS; do
	r=0
	guest_wait "ddr$fe" || r=$?
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/ddr$fe/console.log"
	[ "$r" = 0 ] || { echo "ddr$fe: job failed: rc=$r"; rc=1; }
done
sampler_stop
for fe in $GUESTS; do
	rb=$(awk '$1 == "restored" { print $2 }' "$LAB_OUT/sr-$fe.txt")
	re="^vbd-[0-9]+-${ddvbd[$fe]}\$"
	# The new driver domain reads its disks as it boots, so dom0's
	# counters move before the guest's I/O does: the guest's stall runs
	# from the destroy to its first request after its own restore.
	back=$(back_after "$re" "$rb")
	kv "${fe}fe_io_back_after_restore_ms" "$back"
	kv "${fe}fe_io_stall_ms" "$([ -n "$back" ] && echo $(( rb + back - ka )))"
	load_verdict "$LAB_OUT/ddr$fe/console.log" "${fe}fe_"
done
[ "$rc" = 0 ] || fail "guest jobs (fio verify, iperf3 after the restart)"
dd_stop xsdd
for d in ddrdisk0 ddrdisk1; do
	echo 0 >"/sys/kernel/config/nullb/$d/power"
	rmdir "/sys/kernel/config/nullb/$d"
done
# Neither driver domain instance nor guest may have logged a kernel
# warning (the first instance up to its destroy).  One file at a time:
# under pipefail, one console missing from a cat of them all would turn
# the warnings found in the others into a pass.
kbad=0
for f in "$LAB_OUT"/xsdd*/console.log "$LAB_OUT"/ddr*/console.log; do
	[ -e "$f" ] || continue	# the runner fails a missing console
	kernel_bad "$f" && kbad=1
done
[ "$kbad" = 0 ] || fail "kernel warnings in the driver domain or a guest"
kv dom0_memavailable_delta_kib \
	$(( $(awk '/MemAvailable/ { print $2 }' /proc/meminfo) - mem0 ))
check_leaks

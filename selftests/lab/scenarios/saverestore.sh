#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xl save / xl restore under load.  One guest with a disk (memory-backed
# null_blk as xvdb) and a vif on the Linux bridge runs fio --verify=crc32c
# (randwrite, iodepth 32, 4k blocks and every tenth 128k, then the verify
# pass) and a paced TCP stream to dom0 (iperf3) at the same time.
# Meanwhile dom0, per cycle:
#   1. xl save -c: a checkpoint, the guest's suspend is cancelled and it
#      goes on with the same backends: I/O and ping must come back;
#   2. xl save, then xl restore: the guest resumes on new backend
#      instances under a new domid: its devices must be Connected (4) in
#      XenStore, I/O and ping must come back.  With the xsplit backend,
#      odd cycles restore onto a backend that offers no indirect segments
#      (11 per request instead of 256), so the 128k requests that were in
#      flight (32 segments) must be re-issued split.
# Then the verify pass must find every block intact, a new iperf3 run must
# pass, and dom0 must be clean.  Whether the original TCP stream survived
# is reported, not asserted.  Figures: checkpoint, save and restore times,
# and the stalls (longest time without block requests / packets at the
# backends, sampled in dom0) around each of them.
# Quick: 1 cycle, 160 MiB of fio; LAB_X_FULL=1: 5 cycles, 512 MiB.
# LAB_X_CYCLES and LAB_X_FIO_MB override either.
# lab: modes=4 timeout=720 timeout_full=2700
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

if [ "${LAB_X_FULL:-0}" = 1 ]; then
	CYCLES=${LAB_X_CYCLES:-5}
	FIO_MB=${LAB_X_FIO_MB:-512}
else
	CYCLES=${LAB_X_CYCLES:-1}
	FIO_MB=${LAB_X_FIO_MB:-160}
fi
# The stream: 10 Mbit/s, enough bytes to outlast the cycles.
STREAM_MB=$(( 40 + CYCLES * 60 ))
export GUEST_MEMORY=384	# xl save writes all of it; 256 no longer holds the initramfs unpacked
name=srguest
gip=10.0.0.2
save=/dev/shm/$name.save
progress=$LAB_OUT/progress.log

require_mode blk net
use_backends
linux_bridge
dev=$(nullb srdisk $(( FIO_MB + 16 )) 1) || fail "$dev"
for p in 5201 5202; do
	iperf3 -s -p "$p" -D -I "$LAB_OUT/iperf3-$p.pid" \
		--logfile "$LAB_OUT/iperf3-$p.log" || fail "iperf3 server $p"
done
sampler_pid=
segs_orig=
# Only the xsplit backend can change its limits at run time.
segs_param=/sys/module/xsplit_blkback/parameters/max_indirect_segments
[ "$LAB_BE" = xsplit ] || segs_param=/nonexistent
restore_segs() {
	[ -z "$segs_orig" ] || echo "$segs_orig" >"$segs_param"
	segs_orig=
}
cleanup() {
	[ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
	restore_segs
	kill "$(cat "$LAB_OUT/iperf3-5201.pid")" "$(cat "$LAB_OUT/iperf3-5202.pid")"
	rm -f "$save" "$save.ckpt"
}
trap cleanup EXIT

{
	echo "FIO_MB=$FIO_MB"
	echo "STREAM_MB=$STREAM_MB"
	cat <<'JOB'
carrier() {
	n=0
	until [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; do
		n=$((n + 1))
		[ "$n" -le "$1" ] || { echo "eth0: no carrier after $1 s"; return 1; }
		sleep 1
	done
}
net_up eth0 10.0.0.2/24 && carrier 60 || exit 1
wait_dev /dev/xvdb 60 || exit 1
# Paced, so fio keeps most of the one vCPU; a byte count, not a time,
# because the guest's clock runs on while it is saved.
iperf3 -c 10.0.0.1 -p 5201 -b 10M -n "${STREAM_MB}M" -i 10 \
	--connect-timeout 10000 >/tmp/stream.log 2>&1 &
spid=$!
echo "LAB-SR-FIO-START"
fio --name=saverestore --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=randwrite --bssplit=4k/90:128k/10 --iodepth=32 --size="${FIO_MB}M" \
	--verify=crc32c --verify_fatal=1 --output=/tmp/fio.log
frc=$?
err=$(sed -n 's/.*err= *\([0-9]*\).*/\1/p' /tmp/fio.log | head -n1)
echo "LAB-SR-FIO-DONE rc=$frc err=${err:-none}"
grep -E 'err=|write:|read:|verify|bad' /tmp/fio.log | head -n 12
# The original stream: give it time to finish what it still has to send.
n=0
while kill -0 "$spid" 2>/dev/null && [ "$n" -lt 180 ]; do
	n=$((n + 1))
	sleep 1
done
if kill -0 "$spid" 2>/dev/null; then
	kill "$spid"
	echo "LAB-SR-STREAM rc=stuck"
else
	wait "$spid"
	echo "LAB-SR-STREAM rc=$?"
fi
tail -n 6 /tmp/stream.log
# The network after the restore: carrier, ping, and a new stream.
carrier 30 || exit 1
ping -c 3 -W 5 10.0.0.1 || exit 1
iperf_fig after-restore -c 10.0.0.1 -p 5202 -t 4 || exit 1
dmesg | grep -iE 'xsplit|blkfront|netfront|vbd|vif|WARNING|BUG' | tail -n 30
[ "$frc" = 0 ] && [ "${err:-1}" = 0 ]
JOB
} >"$LAB_OUT/job.sh"

# On a loaded TCG host the vif hotplug script can outlast libxl's 40 s:
# one more xl create then, logged (guest_start runs in a subshell because
# its fail exits).
start_guest() {
	local try
	for try in 1 2; do
		(guest_start "$name" "$LAB_OUT/job.sh" \
			"disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']") &&
			return 0
		grep -q 'because of timeout' "$LAB_OUT/$name/xl-create.log" ||
			fail "xl create $name"
		step "xl create $name: hotplug script timeout (try $try)"
		guest_collect "$name"
	done
	fail "xl create $name: hotplug scripts time out"
}

# sample: every ~0.2 s one line "<usec> <dev>=<count>...": the block
# requests (reads + writes) of every vbd backend and the packets received
# on every vif in dom0.  Only this guest runs, so every one of them is its.
sample() {
	local f r w line
	while :; do
		line=${EPOCHREALTIME/./}
		for f in /sys/bus/xen-backend/devices/vbd-*/statistics; do
			[ -e "$f/wr_req" ] || continue
			{ read -r r <"$f/rd_req" && read -r w <"$f/wr_req"; } ||
				continue
			f=${f%/statistics}
			line="$line ${f##*/}=$(( r + w ))"
		done
		for f in /sys/class/net/vif*; do
			read -r r 2>/dev/null <"$f/statistics/rx_packets" || continue
			line="$line ${f##*/}=$r"
		done
		echo "$line"
		sleep 0.2
	done
}

# progress_times KIND: the sample times (ms) at which a KIND (vbd or vif)
# counter grew, a new device's first non-zero count included.
progress_times() {
	awk -v k="$1" '{
		moved = 0
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (index(kv[1], k) != 1)
				continue
			if (kv[2] + 0 > ((kv[1] in last) ? last[kv[1]] : 0))
				moved = 1
			last[kv[1]] = kv[2] + 0
		}
		if (moved)	# mawk prints big numbers as 1.7e+12 otherwise
			printf "%.0f\n", int($1 / 1000)
	}' "$progress"
}

# stall_ms KIND FROM TO: the longest time without KIND progress across the
# window [FROM, TO] (ms): the gap between two consecutive progress samples
# that overlaps it.  -1 if progress never resumed after TO.
stall_ms() {
	progress_times "$1" | awk -v a="$2" -v b="$3" '
		BEGIN { m = -1 }
		p != "" && $1 >= a && p <= b && $1 - p > m { m = $1 - p }
		{ p = $1 }
		END { printf "%.0f\n", m }'
}

# progress_after KIND T SECONDS: wait for KIND progress later than T (ms).
progress_after() {
	local _
	for _ in $(seq "$(( $3 * 2 ))"); do
		progress_times "$1" | awk -v t="$2" '$1 > t { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.5
	done
	return 1
}

# ping_guest SECONDS: the guest answers from dom0 (busybox's ping: the
# dom0 image has no iputils).
ping_guest() {
	local _
	for _ in $(seq "$1"); do
		busybox ping -c 1 -W 1 "$gip" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# connected: every frontend and backend of the guest is in state 4.
connected() {
	local d n dir bad=0
	d=$(xl domid "$name") || return 1
	for n in vbd vif; do
		for dir in $(xenstore-list "/local/domain/$d/device/$n"); do
			[ "$(xenstore-read "/local/domain/$d/device/$n/$dir/state")" = 4 ] || bad=1
			[ "$(xenstore-read "/local/domain/0/backend/$n/$d/$dir/state")" = 4 ] || bad=1
		done
		[ -n "$(xenstore-list "/local/domain/$d/device/$n")" ] || bad=1
	done
	return "$bad"
}

wait_connected() {
	local _
	for _ in $(seq "$1"); do
		connected && return 0
		sleep 1
	done
	return 1
}

log=$CONSOLE_DIR/guest-$name.log
fio_running() { ! grep -q LAB-SR-FIO-DONE "$log"; }
stream_active() {
	ss -Htn state established '( sport = :5201 )' 2>/dev/null | grep -q .
}

# timed LABEL CMD...: run an xl command under a bound; its start and end
# (ms) in T_A and T_B.
timed() {
	local label=$1
	shift
	T_A=$(now_ms)
	timeout 300 "$@" >"$LAB_OUT/$label.log" 2>&1 ||
		{ cat "$LAB_OUT/$label.log"; guest_collect "$name"; fail "$label"; }
	T_B=$(now_ms)
}

start_guest
for _ in $(seq 120); do
	grep -q LAB-SR-FIO-START "$log" 2>/dev/null && break
	sleep 2
done
grep -q LAB-SR-FIO-START "$log" || { guest_collect "$name"; fail "fio never started"; }
sample >"$progress" &
sampler_pid=$!
progress_after vbd 0 120 || { guest_collect "$name"; fail "no block I/O at the backend"; }
sleep 3

declare -a figs
for c in $(seq "$CYCLES"); do
	fio_running || fail "cycle $c: fio ended before the checkpoint: raise LAB_X_FIO_MB"
	stream_active && streamed=$(( ${streamed:-0} + 1 ))
	d0=$(xl domid "$name")

	step "cycle $c: xl save -c (checkpoint: the suspend is cancelled)"
	timed "c$c-checkpoint" xl save -c "$name" "$save.ckpt"
	ca=$T_A cb=$T_B
	kv "c${c}_checkpoint_ms" $(( cb - ca ))
	rm -f "$save.ckpt"
	[ "$(xl domid "$name")" = "$d0" ] || fail "cycle $c: checkpoint changed the domain"
	progress_after vbd "$cb" 90 ||
		{ guest_collect "$name"; fail "cycle $c: no block I/O after the cancelled suspend"; }
	ping_guest 60 || { guest_collect "$name"; fail "cycle $c: no ping after the cancelled suspend"; }
	connected || fail "cycle $c: devices not Connected after the checkpoint"
	step "cycle $c: checkpoint took $(( cb - ca )) ms; I/O and ping are back"
	sleep 2

	fio_running || fail "cycle $c: fio ended before the save: raise LAB_X_FIO_MB"
	step "cycle $c: xl save"
	timed "c$c-save" xl save "$name" "$save"
	sa=$T_A sb=$T_B
	kv "c${c}_save_ms" $(( sb - sa ))
	step "cycle $c: saved in $(( sb - sa )) ms; xl restore"
	if [ -e "$segs_param" ] && [ $(( c % 2 )) = 1 ]; then
		segs_orig=$(cat "$segs_param")
		step "cycle $c: the new backend offers 11 segments (was $segs_orig)"
		echo 11 >"$segs_param" || fail "max_indirect_segments"
	fi
	timed "c$c-restore" xl restore "$save"
	ra=$T_A rb=$T_B
	kv "c${c}_restore_ms" $(( rb - ra ))
	rm -f "$save"
	d1=$(xl domid "$name") || fail "cycle $c: no domain after restore"
	step "cycle $c: restored in $(( rb - ra )) ms as domain $d1 (was $d0)"
	wait_connected 90 || {
		xenstore-ls -f "/local/domain/$d1/device" | grep -E '/state '
		xenstore-ls -f /local/domain/0/backend | grep -E '/state '
		guest_collect "$name"; fail "cycle $c: devices not Connected after restore"; }
	progress_after vbd "$rb" 120 ||
		{ guest_collect "$name"; fail "cycle $c: no block I/O after restore"; }
	ping_guest 60 || { guest_collect "$name"; fail "cycle $c: no ping after restore"; }
	progress_after vif "$rb" 60 || step "cycle $c: no packets from the guest yet"
	restore_segs
	figs+=("$c $ca $cb $sa $sb $ra $rb")
	sleep 3
done
kill "$sampler_pid" 2>/dev/null
sampler_pid=

rc=0
guest_wait "$name" || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"

for f in "${figs[@]}"; do
	read -r c ca cb sa sb ra rb <<<"$f"
	kv "c${c}_checkpoint_io_stall_ms" "$(stall_ms vbd "$ca" "$cb")"
	kv "c${c}_checkpoint_net_stall_ms" "$(stall_ms vif "$ca" "$cb")"
	kv "c${c}_restore_io_stall_ms" "$(stall_ms vbd "$sa" "$rb")"
	kv "c${c}_restore_net_stall_ms" "$(stall_ms vif "$sa" "$rb")"
	kv "c${c}_io_back_after_restore_ms" "$(progress_times vbd |
		awk -v t="$rb" '$1 > t { printf "%.0f\n", $1 - t; exit }')"
done
kv cycles "$CYCLES"
kv stream_active_at_cycles "${streamed:-0}/$CYCLES"
done_line=$(grep -a LAB-SR-FIO-DONE "$LAB_OUT/$name/console.log" | tail -n1)
stream_line=$(grep -a LAB-SR-STREAM "$LAB_OUT/$name/console.log" | tail -n1)
kv fio_verify_errors "$(sed -n 's/.*err=\([0-9a-z]*\).*/\1/p' <<<"$done_line")"
case $stream_line in
*rc=0*) kv tcp_stream_survived yes ;;
*) kv tcp_stream_survived "no(${stream_line##*rc=})" ;;
esac
[ "$rc" = 0 ] || fail "guest job (fio verify, new iperf3 run) failed: rc=$rc"
check_leaks

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
# shellcheck source=../dom0/disrupt.sh
. "$LAB/dom0/disrupt.sh"

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

require_mode blk net
use_backends
linux_bridge
dev=$(nullb srdisk $(( FIO_MB + 16 )) 1) || fail "$dev"
for p in 5201 5202; do
	iperf3 -s -p "$p" -D -I "$LAB_OUT/iperf3-$p.pid" \
		--logfile "$LAB_OUT/iperf3-$p.log" || fail "iperf3 server $p"
done
segs_orig=
# Only the xsplit backend can change its limits at run time.
segs_param=/sys/module/xsplit_blkback/parameters/max_indirect_segments
[ "$LAB_BE" = xsplit ] || segs_param=/nonexistent
restore_segs() {
	[ -z "$segs_orig" ] || echo "$segs_orig" >"$segs_param"
	segs_orig=
}
cleanup() {
	sampler_stop
	restore_segs
	kill "$(cat "$LAB_OUT/iperf3-5201.pid")" "$(cat "$LAB_OUT/iperf3-5202.pid")"
	rm -f "$save" "$save.ckpt"
}
trap cleanup EXIT

load_job "$LAB_OUT/job.sh" "GIP=$gip/24" DISK=/dev/xvdb "FIO_MB=$FIO_MB" \
	FIO_DEPTH=32 SPORT=5201 "STREAM_MB=$STREAM_MB" APORT=5202

log=$CONSOLE_DIR/guest-$name.log
fio_running() { ! grep -q LAB-SR-FIO-DONE "$log"; }
stream_active() {
	ss -Htn state established '( sport = :5201 )' 2>/dev/null | grep -q .
}

guest_start "$name" "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']"
for _ in $(seq 120); do
	grep -q LAB-SR-FIO-START "$log" 2>/dev/null && break
	sleep 2
done
grep -q LAB-SR-FIO-START "$log" || { guest_collect "$name"; fail "fio never started"; }
sampler_start "$LAB_OUT/progress.log"
progress_after ^vbd 0 120 || { guest_collect "$name"; fail "no block I/O at the backend"; }
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
	progress_after ^vbd "$cb" 90 ||
		{ guest_collect "$name"; fail "cycle $c: no block I/O after the cancelled suspend"; }
	wait_ping "$gip" 60 || { guest_collect "$name"; fail "cycle $c: no ping after the cancelled suspend"; }
	connected "$name" || fail "cycle $c: devices not Connected after the checkpoint"
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
	moved "$name" "$gip" "$rb" "cycle $c: restore"
	restore_segs
	figs+=("$c $ca $cb $sa $sb $ra $rb")
	sleep 3
done
sampler_stop

rc=0
guest_wait "$name" || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"

for f in "${figs[@]}"; do
	read -r c ca cb sa sb ra rb <<<"$f"
	kv "c${c}_checkpoint_io_stall_ms" "$(stall_ms ^vbd "$ca" "$cb")"
	kv "c${c}_checkpoint_net_stall_ms" "$(stall_ms ^vif "$ca" "$cb")"
	kv "c${c}_restore_io_stall_ms" "$(stall_ms ^vbd "$sa" "$rb")"
	kv "c${c}_restore_net_stall_ms" "$(stall_ms ^vif "$sa" "$rb")"
	kv "c${c}_io_back_after_restore_ms" "$(back_after ^vbd "$rb")"
done
kv cycles "$CYCLES"
kv stream_active_at_cycles "${streamed:-0}/$CYCLES"
load_verdict "$LAB_OUT/$name/console.log"
[ "$rc" = 0 ] || fail "guest job (fio verify, new iperf3 run) failed: rc=$rc"
check_leaks

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
load_servers
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
	load_servers_stop
	rm -f "$save" "$save.ckpt"
}
trap cleanup EXIT

load_guest "$name" "$gip" "$dev" "$FIO_MB" "$STREAM_MB"
sleep 3

declare -a figs
for c in $(seq "$CYCLES"); do
	fio_running "$name" || fail "cycle $c: fio ended before the checkpoint: raise LAB_X_FIO_MB"
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

	fio_running "$name" || fail "cycle $c: fio ended before the save: raise LAB_X_FIO_MB"
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

for f in "${figs[@]}"; do
	read -r c ca cb sa sb ra rb <<<"$f"
	move_figures "c${c}_checkpoint" "$ca" "$cb"
	move_figures "c${c}_restore" "$sa" "$rb"
done
load_end "$name" "$CYCLES" "${streamed:-0}"
check_leaks

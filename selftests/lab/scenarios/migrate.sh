#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xl migrate under load (issue #18, item 4).  The lab has one host, so the
# guest migrates to it: `xl migrate -s '' NAME 'xl migrate-receive'` runs
# the receiving xl locally instead of over ssh (xl(1): an empty ssh
# command runs the host argument itself), which is the whole of a live
# migration but the wire: the memory copied in rounds while the guest
# runs, its suspend, a new domain with new backend instances, the old one
# destroyed.  The disk (memory-backed null_blk) is the same device on both
# sides, as shared storage would be; the stock block script lets one VM's
# two domains share it.
# The guest runs the saverestore load (dom0/disrupt.sh, guest/load-job.sh):
# fio --verify=crc32c randwrite at iodepth 32 and a paced TCP stream to
# dom0.  Per cycle: migrate, then the devices Connected on the new
# domain, block I/O and ping back.  At the end the verify pass must find
# every block intact; whether the first TCP stream survived is reported.
# Figures per cycle: migration time, block and network stall.
# Quick: 1 cycle; LAB_X_FULL=1: 5 (the issue's count); LAB_X_CYCLES sets it.
# lab: modes=4 timeout=720 timeout_full=2400
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/disrupt.sh
. "$LAB/dom0/disrupt.sh"

if [ "${LAB_X_FULL:-0}" = 1 ]; then
	CYCLES=${LAB_X_CYCLES:-5}
else
	CYCLES=${LAB_X_CYCLES:-1}
fi
FIO_MB=$(( 96 + CYCLES * 48 ))
STREAM_MB=$(( 40 + CYCLES * 60 ))
export GUEST_MEMORY=384
name=mgguest
gip=10.0.0.2

require_mode blk net
use_backends
linux_bridge
dev=$(nullb mgdisk $(( FIO_MB + 16 )) 1) || fail "$dev"
for p in 5201 5202; do
	iperf3 -s -p "$p" -D -I "$LAB_OUT/iperf3-$p.pid" \
		--logfile "$LAB_OUT/iperf3-$p.log" || fail "iperf3 server $p"
done
cleanup() {
	sampler_stop
	kill "$(cat "$LAB_OUT/iperf3-5201.pid")" "$(cat "$LAB_OUT/iperf3-5202.pid")"
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
	fio_running || fail "cycle $c: fio ended before the migration: raise FIO_MB"
	stream_active && streamed=$(( ${streamed:-0} + 1 ))
	d0=$(xl domid "$name")
	step "cycle $c: xl migrate to this host"
	timed "c$c-migrate" xl migrate -s '' "$name" 'xl migrate-receive'
	ma=$T_A mb=$T_B
	kv "c${c}_migrate_ms" $(( mb - ma ))
	d1=$(xl domid "$name") || fail "cycle $c: no domain after the migration"
	[ "$d1" != "$d0" ] || fail "cycle $c: still domain $d0: nothing migrated"
	step "cycle $c: migrated in $(( mb - ma )) ms, domain $d0 -> $d1"
	moved "$name" "$gip" "$mb" "cycle $c: migration"
	figs+=("$c $ma $mb")
	sleep 3
done
sampler_stop

rc=0
guest_wait "$name" || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"
for f in "${figs[@]}"; do
	read -r c ma mb <<<"$f"
	kv "c${c}_migrate_io_stall_ms" "$(stall_ms ^vbd "$ma" "$mb")"
	kv "c${c}_migrate_net_stall_ms" "$(stall_ms ^vif "$ma" "$mb")"
	kv "c${c}_io_back_after_migrate_ms" "$(back_after ^vbd "$mb")"
done
kv cycles "$CYCLES"
kv stream_active_at_cycles "${streamed:-0}/$CYCLES"
load_verdict "$LAB_OUT/$name/console.log"
[ "$rc" = 0 ] || fail "guest job (fio verify, new iperf3 run) failed: rc=$rc"
check_leaks

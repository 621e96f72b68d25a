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
# The guest is PVH (below).
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
# fio must still run at the last cycle, and a migration takes 20-30 s here
# whatever the pair, while fio's own pace does not: unpaced, the kernel's
# pair wrote and verified 336 MiB in 75 s, done in cycle 3 of 5
# (20261206-175339).  Paced at 200 IOPS (16 KiB a request on average),
# each MiB takes about 0.6 s to write and verify: about 60 s, then 30 s a
# cycle.
export LOAD_FIO_RATE=200
STREAM_MB=$(( 40 + CYCLES * 60 ))
export GUEST_MEMORY=384
# A live migration tracks the pages the guest dirties while it runs (log-
# dirty).  For a PV guest Xen does that with shadow page tables, and
# Debian builds Xen without them (CONFIG_SHADOW_PAGING unset in 4.17 and
# 4.20): xl migrate of any PV guest stops at "Failed to enable logdirty:
# 95", whatever its drivers (20261206-170416, the kernel's pair).  PVH
# guests track dirty pages with the hardware's nested paging (HAP), and
# run the same frontends; xl save, which is not live, takes PV guests
# (saverestore).
export GUEST_TYPE=${LAB_X_GUEST_TYPE:-pvh}
name=mgguest
gip=10.0.0.2

require_mode blk net
use_backends
linux_bridge
dev=$(nullb mgdisk $(( FIO_MB + 16 )) 1) || fail "$dev"
load_servers
cleanup() {
	sampler_stop
	load_servers_stop
}
trap cleanup EXIT

load_guest "$name" "$gip" "$dev" "$FIO_MB" "$STREAM_MB"
# The receiving xl creates the new domain as NAME--incoming and renames it
# when the move is done, but xenconsoled names a console log once, when
# the domain appears: the guest's end marker would land in another file.
ln -sf "guest-$name.log" "$CONSOLE_DIR/guest-$name--incoming.log"
sleep 3

declare -a figs
for c in $(seq "$CYCLES"); do
	fio_running "$name" || fail "cycle $c: fio ended before the migration: raise FIO_MB"
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

for f in "${figs[@]}"; do
	read -r c ma mb <<<"$f"
	move_figures "c${c}_migrate" "$ma" "$mb"
done
load_end "$name" "$CYCLES" "${streamed:-0}"
check_leaks

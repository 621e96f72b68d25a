#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hot-plug under load.  One guest stays up with xvdb and a vif on xenbr0;
# dom0 loops N times:
#   - xl block-attach a second memory-backed disk (xvdc); the guest runs
#     a fio write/verify loop on it; dom0 xl block-detaches it in the
#     middle: fio must end with an error within its timeout (no hang),
#     xvdc go and the guest go on.  The error must be a detach's by the
#     rule of the guest's frontend (the guest job's detach_end; its
#     LC-XVDC-FIO-END line says how fio ended, the next the rule):
#     xsplit's: an I/O error (EIO, ENXIO, ENODEV), never a verify failure
#       (at the backend's Closing it parks what is in flight, the disk's
#       size kept; at the removal it fails all of it);
#     the kernel's: the same, or ENOSPC or a verify failure once xvdc
#       reads 0 sectors or is gone.  Its blkfront_closing (6.1) sets the
#       size to 0 while requests in flight still complete: fio's next
#       write gets ENOSPC (blkdev_write_iter), its next read 0 bytes and
#       no error (blkdev_read_iter), which fio's libaio engine counts as
#       done, verifying the buffer's stale contents ("verify: bad ...").
#       No data is lost: only writes the backend answered were
#       acknowledged.  A verify failure with xvdc's size intact, or any
#       other error, fails with either frontend.
#   - xl network-attach a second vif on xenbr0; dom0 must answer the
#     guest's ping over it within ETH1_ANSWER_S, then the guest pushes
#     iperf3 to dom0 over it; dom0 xl network-detaches it in the middle.
# The guest's job only waits (bounded) for devices to come and go: dom0
# drives the timing.  After each detach the backend's XenStore directory
# and (for the vif) its netdev must be gone.  After the loop dom0 shows
# no leak (memory, slab, the xsplit backends' counters, see the leak
# section of dom0/lib.sh), the guest still does I/O on xvdb (once dom0
# attaches xvdc a last time, its go-ahead), and after it powers off with
# xvdc attached, nothing is left and the xsplit backends unload.
# Cycles: LAB_X_CYCLES, else 2 (quick) or 20 (LAB_X_FULL=1).
# LAB_X_LC_DELAY_MS=N (xsplit's backend): every pass of blkback's ring
# thread sleeps N ms (the fault point "delay"), so requests wait on the
# ring at every detach and its stop has to answer them; it does not make
# the detach hang of Linux's blkfront happen at will (blk-late does, see
# blkback/README.md; STUCK_S's report says what holds a hang).
# LAB_X_LC_IODEPTH=N: fio's queue depth on xvdc (default 16).  64, deeper
# than Linux's blkfront's ring (32), did not make the hang likelier: 6 of
# 6 cycles passed before the fix (results/20261207-185627).
# lab: modes=4 timeout=480 timeout_full=3000
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

N=${LAB_X_CYCLES:-2}
[ "${LAB_X_FULL:-0}" = 1 ] && N=${LAB_X_CYCLES:-20}
require_mode blk net
use_backends
linux_bridge
# The second vif gets its own subnet on the same bridge, so traffic to
# 10.0.2.1 leaves the guest through it.
ip addr show dev xenbr0 | grep -q 10.0.2.1 || ip addr add 10.0.2.1/24 dev xenbr0
root=$(nullb lcaroot 64 1) || fail "$root"
hot=$(nullb lcahot 128 1) || fail "$hot"
name=lcattach
DEVICES_BACK_S=15	# blkback's device count, after a detach
ETH1_ANSWER_S=30	# the first answer over a new eth1 (3-7 s seen, carrier up)
STUCK_S=60		# fio on xvdc still running: the guest reports what holds it
IODEPTH=${LAB_X_LC_IODEPTH:-16}	# fio's on xvdc
log=$CONSOLE_DIR/guest-$name.log
iperf_pids=()
trap 'kill "${iperf_pids[@]}" 2>/dev/null; lc_delay 0' EXIT

# lc_delay MS: arm (or, at 0, disarm) the backend's delay fault point,
# every pass and without a count (an earlier fault-matrix in the same
# boot may have left "times" at 0, which would keep it from firing).
LC_FAULT=/sys/kernel/debug/xsplit_fault/delay
lc_delaying() { [ "$LAB_BE" = xsplit ] && [ -n "${LAB_X_LC_DELAY_MS:-}" ]; }
lc_delay() {
	lc_delaying || return 0
	echo -1 >"$LC_FAULT/times" && echo "$1" >"$LC_FAULT/delay_ms" &&
		echo "$(($1 > 0))" >"$LC_FAULT/interval" ||
		fail "no fault point $LC_FAULT"
}
lc_delay "${LAB_X_LC_DELAY_MS:-0}"

# mark TEXT SECONDS: wait for a line of the guest's console.
mark() { console_mark "$name" "$@"; }

# xl_retry CMD...: xl (device) commands, bounded; a hotplug script that
# outlasts libxl's own limit on a loaded host gets one more try, logged.
xl_retry() {
	local try
	for try in 1 2; do
		timeout -k 5 120 xl "$@" >"$LAB_OUT/xl.log" 2>&1 && return 0
		cat "$LAB_OUT/xl.log"
		step "xl $*: failed (try $try)"
		sleep 2
	done
	return 1
}

# live BLKBACK-KEY: an xsplit blkback counter (empty for the in-tree one).
live() { leak_counters | awk -v k="$1" '$1 == k { print $2 }'; }
# live_is KEY VALUE: that counter is VALUE now.
live_is() { [ "$(live "$1")" = "$2" ]; }

job=$(guest_job lifecycle-attach "N=$N" "FE=$LAB_FE" \
	"ETH1_ANSWER_S=$ETH1_ANSWER_S" "STUCK_S=$STUCK_S" "IODEPTH=$IODEPTH") || fail "no guest job"
GUEST_MEMORY=384 guest_start "$name" "$job" \
	"disk = ['phy:$root,xvdb,w']" "vif = ['bridge=xenbr0']"
domid=$(xl domid "$name")
# The guest's frontends are up once xvdb and eth0 are; dom0 starts then.
mark LC-READY 240
sleep 5
blk0=$(live xsplit_blkback.devices)
nb0=$(live xsplit_netback.vifs)
# xsplit's backends count their devices: no counter is no check, not a pass.
if [ "$LAB_BE" = xsplit ] && { [ -z "$blk0" ] || [ -z "$nb0" ]; }; then
	fail "xsplit backends: no devices/vifs counter (${blk0:-none}/${nb0:-none})"
fi
leak_snapshot "$LAB_OUT/leak-0"
t_all=$(now_ms)
for c in $(seq "$N"); do
	t0=$(now_ms)
	# -- the disk --
	port=$((5300 + c))
	xl_retry block-attach "$name" "phy:$hot,xvdc,w" || fail "block-attach $c"
	backends_bound "$name"
	mark "LC-XVDC-FIO $c" 180
	sleep 4
	wr=$(xenstore-read "/local/domain/0/backend/vbd/$domid/$VBD_XVDC/state" 2>/dev/null)
	step "cycle $c: fio runs on xvdc (backend state $wr); block-detach"
	t1=$(now_ms)
	xl_retry block-detach "$name" xvdc || fail "block-detach $c"
	kv "cycle$c.block_detach_ms" $(( $(now_ms) - t1 ))
	console_wait "$name" "LC-XVDC-GONE $c" 90 || {
		echo "xvdc's frontend in XenStore, the detach done:"
		xenstore-ls -fp "/local/domain/$domid/device/vbd/$VBD_XVDC" 2>&1 |
			head -n 20
		mark "LC-XVDC-GONE $c" 1
	}
	grep "LC-XVDC-FIO-END $c " "$log"
	# how fio ended (io, enospc, verify: see the header)
	kv "cycle$c.fio_end" "$(sed -n "s/.*LC-XVDC-FIO-END $c .*end=\([a-z]*\).*/\1/p" "$log")"
	xs_gone "/local/domain/0/backend/vbd/$domid/$VBD_XVDC" 30
	if [ -n "$blk0" ]; then
		wait_for "$DEVICES_BACK_S" "blkback back to $blk0 devices" \
			live_is xsplit_blkback.devices "$blk0" ||
			fail "cycle $c: blkback still has $(live xsplit_blkback.devices) devices, not $blk0"
		[ "$(live xsplit_blkback.bios_inflight)" = 0 ] ||
			fail "cycle $c: $(live xsplit_blkback.bios_inflight) bios in flight on an idle xvdb"
	fi

	# -- the vif --
	timeout 230 iperf3 -s -1 -p "$port" >"$LAB_OUT/iperf3-server-$c.log" 2>&1 &
	iperf_pids+=($!)
	xl_retry network-attach "$name" bridge=xenbr0 || fail "network-attach $c"
	backends_bound "$name"
	vif=$(xenstore-list "/local/domain/0/backend/vif/$domid" | sort -n | tail -n1)
	mark "LC-ETH1-TRAFFIC $c" 180
	sleep 4
	st=/sys/class/net/vif$domid.$vif/statistics
	kv "cycle$c.vif_rx_packets" "$(cat "$st/rx_packets" 2>/dev/null)"
	[ "$(cat "$st/rx_packets" 2>/dev/null || echo 0)" -gt 0 ] ||
		fail "cycle $c: no traffic from the guest on vif$domid.$vif"
	step "cycle $c: traffic on vif$domid.$vif; network-detach"
	t1=$(now_ms)
	xl_retry network-detach "$name" "$vif" || fail "network-detach $c"
	kv "cycle$c.network_detach_ms" $(( $(now_ms) - t1 ))
	mark "LC-ETH1-GONE $c" 90
	xs_gone "/local/domain/0/backend/vif/$domid/$vif" 30
	netdev_gone "vif$domid.$vif" 15
	if [ -n "$nb0" ]; then
		[ "$(live xsplit_netback.vifs)" = "$nb0" ] ||
			fail "cycle $c: netback still has $(live xsplit_netback.vifs) vifs, not $nb0"
	fi
	kill "${iperf_pids[-1]}" 2>/dev/null
	kv "cycle$c.ms" $(( $(now_ms) - t0 ))
	leak_progress "$c" "$N" $(( $(now_ms) - t0 ))
	[ "$c" = 1 ] && leak_snapshot "$LAB_OUT/leak-1"
done
kv cycles "$N"
if lc_delaying; then
	# the delay must have slowed the ring thread, or this run showed nothing
	kv delay_hits "$(cat "$LC_FAULT/hits")"
	[ "$(cat "$LC_FAULT/hits")" -gt 0 ] || fail "the delay fault never fired"
fi
kv cycle_ms_avg $(( ($(now_ms) - t_all) / N ))
leak_snapshot "$LAB_OUT/leak-$N"
xl_retry block-attach "$name" "phy:$hot,xvdc,w" || fail "last block-attach"
rc=0
guest_wait "$name" 300 || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"
[ "$rc" = 0 ] || fail "guest job (rc=$rc)"
grep -q LC-XVDB-OK "$LAB_OUT/$name/console.log" || fail "no I/O on xvdb after the cycles"

# Leaks: cycles 2..N against cycle 1, with the guest up and idle; then
# everything back to zero with the guest gone; then the modules go.
bad=0
if [ "$N" -ge 2 ]; then
	leak_compare "$LAB_OUT/leak-1" "$LAB_OUT/leak-$N" $((N - 1)) || bad=1
else
	leak_compare "$LAB_OUT/leak-0" "$LAB_OUT/leak-$N" 1 || bad=1
fi
leak_live_settle || bad=1
check_leaks
leak_unload || bad=1
[ "$bad" = 0 ] || fail "leaks after $N attach/detach cycles"
echo "$N cycles, no leak"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP in a guest, each frontend on each backend (issue #17, items 1 and
# 2).  A frontend asked to attach or detach an XDP program writes its
# xdp-headroom and Reconfiguring, then waits for the backend's
# Reconfigured: Linux's netfront with RTNL held and no timeout of its own
# (a backend that ignores Reconfiguring hangs the guest's networking for
# good), xsplit's for at most 5 s.
#
# The guest (one vif on xenbr0) pings dom0 and runs iperf3 both ways, then
# LAB_X_XDP_CYCLES times (default 3): attaches an XDP_PASS program in
# driver mode (selftests/lab/guest/tools/xdp-pass.c: raw bpf(2) and
# rtnetlink), pings dom0 (1400-byte payloads at the 256-byte headroom),
# sends a TCP stream to dom0 (multi-slot receives are dropped by the
# frontend while a program is attached, so dom0 -> guest waits for the
# detach), detaches; then pings and runs iperf3 both ways again.  Each
# attach and detach must return within 30 s (a hang is reported as such,
# and the job goes on to its end marker).
#
# With xsplit's frontend, then, each verdict, counted by the frontend
# (ethtool -S, read with xdp-pass stats) and seen from dom0:
#   refusal   an attach at MTU 4000 fails with the kernel's message, and
#             an MTU of 4000 is refused while a program is attached
#   drop      (a pass program first, replaced by drop: no new round) the
#             guest's 10 pings to dom0 all fail, xdp_drop grows by 10 to
#             40 (the echo replies, and whatever else dom0 sends)
#   aborted   the same with XDP_ABORTED and xdp_aborted
#   tx        the guest's stack ignores echo requests
#             (icmp_echo_ignore_all), the program turns them into echo
#             replies and XDP_TX sends them back: dom0's 10 pings all
#             answered, xdp_tx >= 10
#   redirect  the same replies sent by bpf_redirect() to eth0 itself,
#             through the frontend's ndo_xdp_xmit: dom0's 10 pings all
#             answered, xdp_redirect and xdp_xmit >= 10
# each its own attach and detach, pings to dom0 working again after each.
#
# dom0 samples the backend's state and the frontend's xdp-headroom
# meanwhile and prints the sequence: with xsplit's netback 4 8 4 8 4 ...,
# with the kernel's 4 8 (it stays in Reconfigured); xsplit's must have
# logged the headroom 256 at each attach and 0 at each detach (with
# xsplit's frontend: the cycles, the refusals' attach and the four
# verdict phases; the replacement of pass by drop asks nothing).
# lab: modes=4 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

CYCLES=${LAB_X_XDP_CYCLES:-3}

require_mode net
use_backends
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
sampler=""
responder=""
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" $sampler $responder 2>/dev/null' EXIT

# sample DOMID: every 0.2 s, the backend's state and the frontend's
# xdp-headroom, one line per change.
sample() {
	local be=/local/domain/0/backend/vif/$1/0 fe=/local/domain/$1/device/vif/0
	local last="" cur
	while :; do
		cur="$(xenstore-read "$be/state" 2>/dev/null) $(xenstore-read "$fe/xdp-headroom" 2>/dev/null || echo -)"
		[ "$cur" = "$last" ] || echo "$(date +%T.%N | cut -c1-12) state/headroom $cur"
		last=$cur
		sleep 0.2
	done
}

# respond: for each READY line the guest prints (tx, redirect), 10 pings
# from dom0, their summary kept.
respond() {
	local log=$CONSOLE_DIR/guest-xdp.log v
	for v in tx redirect; do
		until grep -q "LAB-XDP-READY $v" "$log" 2>/dev/null; do
			sleep 0.5
		done
		ping -c 10 -i 0.5 -W 2 10.0.0.2 >"$LAB_OUT/ping-$v.log" 2>&1
		echo "$v $(grep -o '[0-9]* received' "$LAB_OUT/ping-$v.log")" >>"$LAB_OUT/dom0-pings.log"
	done
}

guest_start xdp "$(guest_job net-xdp "CYCLES=$CYCLES" "FE=$LAB_FE")" \
	"vif = ['bridge=xenbr0']"
sample "$(xl domid xdp)" >"$LAB_OUT/states.log" &
sampler=$!
if [ "$LAB_FE" = xsplit ]; then
	respond &
	responder=$!
fi
rc=0
guest_wait xdp || rc=$?
kill "$sampler" $responder 2>/dev/null
sampler=""
responder=""
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/xdp/console.log" |
	grep -E 'LAB-|ping|packet loss|kernel says|^(xdp_|rx_gso)'
echo "--- backend state / frontend xdp-headroom ---"
cat "$LAB_OUT/states.log"
seq=$(awk '{ print $3 }' "$LAB_OUT/states.log" | uniq | paste -sd-)
kv backend_states "$seq"
dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" | grep 'xdp headroom' >"$LAB_OUT/headroom.log"
cat "$LAB_OUT/headroom.log"
grep -q 'LAB-XDP-HANG' "$LAB_OUT/xdp/console.log" &&
	fail "the guest's XDP attach or detach hung (no Reconfigured from the backend?)"
[ "$rc" = 0 ] || fail "guest job failed (rc=$rc)"
rounds=$CYCLES
if [ "$LAB_FE" = xsplit ]; then
	# one round each for the refusals' own attach and the four verdicts;
	# the refused attach and the replacement (pass by drop) ask none
	rounds=$((CYCLES + 5))
	echo "--- dom0's pings to the guest (10 each) ---"
	cat "$LAB_OUT/dom0-pings.log"
	for v in tx redirect; do
		got=$(awk -v v="$v" '$1 == v { print $2 }' "$LAB_OUT/dom0-pings.log")
		kv "dom0_pings_$v" "${got:-0}/10"
		[ "$got" = 10 ] || fail "XDP $v answered ${got:-0} of dom0's 10 pings"
	done
	sed -n 's/.*LAB-XDP-VERDICT \(.*\)/\1/p' "$LAB_OUT/xdp/console.log" |
		while read -r v rest; do kv "verdict_$v" "${rest// /,}"; done
fi
# xsplit's netback logs each headroom it applies: the program's 256 at
# every attach, 0 at every detach.
if [ "$LAB_BE" = xsplit ]; then
	n=$(grep -c 'xdp headroom 256$' "$LAB_OUT/headroom.log")
	z=$(grep -c 'xdp headroom 0$' "$LAB_OUT/headroom.log")
	kv headroom_changes "256x$n,0x$z"
	if [ "$n" != "$rounds" ] || [ "$z" != "$rounds" ]; then
		fail "netback applied headroom 256 $n times and 0 $z times, not $rounds each"
	fi
fi
check_leaks

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

cat >"$LAB_OUT/job.sh" <<JOB
CYCLES=$CYCLES
FE=$LAB_FE
JOB
cat >>"$LAB_OUT/job.sh" <<'JOB'
# within SECONDS WHAT CMD...: CMD must end within SECONDS.
within() {
	lim=$1 what=$2
	shift 2
	"$@" &
	p=$!
	n=0
	while kill -0 "$p" 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" -gt "$lim" ]; then
			echo "LAB-XDP-HANG $what did not return in ${lim} s"
			return 1
		fi
		sleep 1
	done
	wait "$p" || { echo "LAB-XDP $what failed"; return 1; }
	echo "LAB-XDP $what returned in about ${n} s"
}

traffic() {
	ping -c 5 -s 1400 10.0.0.1 || { echo "ping ($1) failed"; return 1; }
	iperf_fig "xdp-$1-g2d" -c 10.0.0.1 -t 3 || return 1
	[ "$2" = both ] || return 0
	iperf_fig "xdp-$1-d2g" -c 10.0.0.1 -t 3 -R
}

# stat NAME: one of xsplit netfront's ethtool -S device totals.
stat() { /lab/bin/xdp-pass stats eth0 | awk -v k="$1" '$1 == k { print $2 }'; }

# delta NAME BEFORE: how much NAME grew since BEFORE.
delta() { echo $(( $(stat "$1") - $2 )); }
# grown NAME BEFORE N: NAME grew by N or more since BEFORE.
grown() { [ "$(delta "$1" "$2")" -ge "$3" ]; }

attach() {
	within 30 "attach $1" /lab/bin/xdp-pass attach eth0 "$1" || return 1
	/lab/bin/xdp-pass query eth0 | grep -qx 'attached=1' ||
		{ echo "no program in driver mode after attaching $1"; return 1; }
}

detach() {
	within 30 "detach after $1" /lab/bin/xdp-pass detach eth0 || return 1
	wait_ping 10.0.0.1 20 || { echo "no ping to dom0 after $1"; return 1; }
}

# refusal: frames of MTU 4000 do not fit a page with the headroom.
refusal() {
	ip link set eth0 mtu 4000 || return 1
	if /lab/bin/xdp-pass attach eth0 pass 2>/tmp/refused; then
		echo "attached at MTU 4000"; return 1
	fi
	cat /tmp/refused
	grep -q 'kernel says: .*MTU too large' /tmp/refused || return 1
	ip link set eth0 mtu 1500 || return 1
	attach pass || return 1
	if ip link set eth0 mtu 4000 2>/dev/null; then
		echo "MTU 4000 taken with a program attached"; return 1
	fi
	detach pass || return 1
	echo "LAB-XDP-VERDICT refusal attach-at-4000=refused mtu-4000-attached=refused"
}

# guest_pings VERDICT COUNTER: 10 pings to dom0 must all fail, COUNTER
# grow by 10 to 40.
guest_pings() {
	ping -c 1 -W 2 10.0.0.1 >/dev/null || return 1	# a fresh ARP entry
	if [ "$1" = drop ]; then
		attach pass && attach drop || return 1
	else
		attach "$1" || return 1
	fi
	b=$(stat "$2")
	if ping -c 10 -W 1 10.0.0.1; then
		echo "pings to dom0 answered under XDP $1"; return 1
	fi
	d=$(delta "$2" "$b")
	echo "LAB-XDP-VERDICT $1 sent=10 $2=+$d"
	detach "$1" || return 1
	[ "$d" -ge 10 ] && [ "$d" -le 40 ] ||
		{ echo "$2 grew by $d for 10 pings"; return 1; }
}

# dom0_pings VERDICT COUNTER [COUNTER2]: dom0 pings us 10 times (it waits
# for our READY line) and the program answers; COUNTER (and COUNTER2)
# must grow by 10 or more, within DOM0_PINGS_S.
DOM0_PINGS_S=90
dom0_pings() {
	v=$1 c1=$2 c2=${3:-$2}
	echo 1 >/proc/sys/net/ipv4/icmp_echo_ignore_all
	attach "$v" || return 1
	b1=$(stat "$c1")
	b2=$(stat "$c2")
	echo "LAB-XDP-READY $v"
	wait_for "$DOM0_PINGS_S" "dom0's pings counted in $c1" grown "$c1" "$b1" 10 ||
		true	# the verdict below says by how much
	sleep 2
	d1=$(delta "$c1" "$b1")
	d2=$(delta "$c2" "$b2")
	if [ "$c2" = "$c1" ]; then
		echo "LAB-XDP-VERDICT $v pings=10 $c1=+$d1"
	else
		echo "LAB-XDP-VERDICT $v pings=10 $c1=+$d1 $c2=+$d2"
	fi
	echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_all
	detach "$v" || return 1
	[ "$d1" -ge 10 ] && [ "$d2" -ge 10 ] ||
		{ echo "$c1 +$d1, $c2 +$d2 for dom0's 10 pings"; return 1; }
}

verdicts() {
	refusal || { echo "refusal failed"; return 1; }
	guest_pings drop xdp_drop || { echo "drop failed"; return 1; }
	guest_pings aborted xdp_aborted || { echo "aborted failed"; return 1; }
	dom0_pings tx xdp_tx || { echo "tx failed"; return 1; }
	dom0_pings redirect xdp_redirect xdp_xmit ||
		{ echo "redirect failed"; return 1; }
	/lab/bin/xdp-pass stats eth0 | grep -E '^(xdp_|rx_gso)'
	echo "LAB-XDP verdicts done"
}

net_up eth0 10.0.0.2/24 && wait_ping 10.0.0.1 60 || exit 1
traffic before both || exit 1
i=1
while [ "$i" -le "$CYCLES" ]; do
	within 30 "attach $i" /lab/bin/xdp-pass attach eth0 || exit 1
	/lab/bin/xdp-pass query eth0 | grep -qx 'attached=1' ||
		{ echo "no program in driver mode after attach $i"; exit 1; }
	traffic "attached$i" one || exit 1
	within 30 "detach $i" /lab/bin/xdp-pass detach eth0 || exit 1
	/lab/bin/xdp-pass query eth0 | grep -qx 'attached=0' ||
		{ echo "a program is left after detach $i"; exit 1; }
	i=$((i + 1))
done
traffic after both || exit 1
echo "LAB-XDP $CYCLES attach/detach cycles with traffic"
[ "$FE" = xsplit ] || exit 0
verdicts || exit 1
traffic end both || exit 1
JOB

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

guest_start xdp "$LAB_OUT/job.sh" "vif = ['bridge=xenbr0']"
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

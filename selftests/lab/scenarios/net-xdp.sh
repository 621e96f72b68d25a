#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP in a guest on each backend (issue #17, item 1).  Linux's netfront,
# asked to attach or detach an XDP program, writes Reconfiguring and its
# xdp-headroom, then waits for the backend's Reconfigured with RTNL held
# and no timeout of its own: a backend that ignores Reconfiguring hangs
# the guest's networking for good.
#
# The guest (one vif on xenbr0) pings dom0 and runs iperf3 both ways, then
# LAB_X_XDP_CYCLES times (default 3): attaches an XDP_PASS program in
# driver mode (selftests/lab/guest/tools/xdp-pass.c: raw bpf(2) and
# rtnetlink), pings dom0 (1400-byte payloads at the 256-byte headroom),
# sends a TCP stream to dom0 (multi-slot receives are dropped by the
# frontend while a program is attached, so dom0 -> guest waits for the
# detach), detaches; then pings and runs iperf3 both ways again.  Each
# attach and detach must return within 30 s (a hang is reported as such,
# and the job goes on to its end marker).  dom0 samples the backend's
# state and the frontend's xdp-headroom meanwhile and prints the
# sequence: with xsplit's netback 4 8 4 8 4 ..., with the kernel's 4 8
# (it stays in Reconfigured); xsplit's must have logged the headroom
# 256 at each attach and 0 at each detach.  Once per backend (modes=be), always with
# the kernel's frontend, the one that does this: xsplit's netfront has no
# XDP yet (item 2).
# lab: modes=be timeout=420
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

CYCLES=${LAB_X_XDP_CYCLES:-3}

require_mode net
use_backends
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
sampler=""
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" $sampler 2>/dev/null' EXIT

cat >"$LAB_OUT/job.sh" <<JOB
CYCLES=$CYCLES
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

LAB_FE=intree guest_start xdp "$LAB_OUT/job.sh" "vif = ['bridge=xenbr0']"
sample "$(xl domid xdp)" >"$LAB_OUT/states.log" &
sampler=$!
rc=0
guest_wait xdp || rc=$?
kill "$sampler" 2>/dev/null
sampler=""
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/xdp/console.log" | grep -E 'LAB-|ping|packet loss'
echo "--- backend state / frontend xdp-headroom ---"
cat "$LAB_OUT/states.log"
seq=$(awk '{ print $3 }' "$LAB_OUT/states.log" | uniq | paste -sd-)
kv backend_states "$seq"
dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" | grep 'xdp headroom' >"$LAB_OUT/headroom.log"
cat "$LAB_OUT/headroom.log"
grep -q 'LAB-XDP-HANG' "$LAB_OUT/xdp/console.log" &&
	fail "the guest's XDP attach or detach hung (no Reconfigured from the backend?)"
[ "$rc" = 0 ] || fail "guest job failed (rc=$rc)"
# xsplit's netback logs each headroom it applies: the program's 256 at
# every attach, 0 at every detach.
if [ "$LAB_BE" = xsplit ]; then
	n=$(grep -c 'xdp headroom 256$' "$LAB_OUT/headroom.log")
	z=$(grep -c 'xdp headroom 0$' "$LAB_OUT/headroom.log")
	kv headroom_changes "256x$n,0x$z"
	if [ "$n" != "$CYCLES" ] || [ "$z" != "$CYCLES" ]; then
		fail "netback applied headroom 256 $n times and 0 $z times, not $CYCLES each"
	fi
fi
check_leaks

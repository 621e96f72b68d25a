#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A guest that stops posting receive buffers costs dom0 bounded memory
# (xsplit netback).  dom0 floods the guest over the Linux bridge (UDP
# iperf3, 4 streams with 16 MiB socket buffers) and `xl pause`s it: the
# guest posts nothing more.
# While paused, dom0's Slab and MemAvailable must stay within a bound,
# the vif's drop counter must grow and its carrier must go off after
# rx_stall_timeout_msecs.  After `xl unpause` the carrier comes back and
# traffic flows again (ping and a TCP iperf3 to the guest).
# The figures are printed; LAB_X_FULL=1 keeps the module's default stall
# timeout (60 s) and pauses 90 s.  LAB_X_RXSTALL_FE=xsplit uses xsplit's
# netfront (default: the in-tree one).
# lab: timeout=420 timeout_full=720
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

LAB_FE=${LAB_X_RXSTALL_FE:-intree}
LAB_BE=xsplit
STALL_MS=5000
PAUSE=20
if [ "${LAB_X_FULL:-0}" = 1 ]; then
	STALL_MS=60000
	PAUSE=90
fi
FLOOD=$((PAUSE + 15))
# The flood's sockets may each hold 16 MiB in flight (64 MiB in all), so
# they keep sending whatever dom0 holds: only the backend's bound and the
# vif's qdisc (dom0's choice: fq_codel caps itself at its memory_limit)
# keep dom0's memory in check.  What a stalled guest may cost dom0 at
# most (KiB): the backend's own queue (512 KiB per queue), the qdisc's
# cap, read while paused, and slack for dom0's own life.  "Bounded" also
# means flat: the second half of the pause may not grow past the first.
SNDBUF=16M
BACKEND_KB=512
SLACK_KB=$((8 * 1024))
PLATEAU_KB=$((4 * 1024))
MAC=00:16:3e:5a:11:02
GUEST=10.0.0.2

require_mode net
use_backends
linux_bridge
P=/sys/module/xsplit_netback/parameters
old_stall=$(cat "$P/rx_stall_timeout_msecs") || fail "no xsplit_netback parameters"
echo "$STALL_MS" >"$P/rx_stall_timeout_msecs" || fail "set rx_stall_timeout_msecs"
# iperf3 -w sets both buffers of its sockets and gives up if either is
# clamped below the ask, at each end: both limits go up in dom0 and guest.
BUF_MAX=$((32 * 1024 * 1024))
old_wmem=$(sysctl -n net.core.wmem_max)
old_rmem=$(sysctl -n net.core.rmem_max)
sysctl -q -w net.core.wmem_max=$BUF_MAX net.core.rmem_max=$BUF_MAX ||
	fail "raise wmem_max/rmem_max"
trap 'echo "$old_stall" >"$P/rx_stall_timeout_msecs"; sysctl -q -w net.core.wmem_max="$old_wmem" net.core.rmem_max="$old_rmem"; ip neigh del $GUEST dev xenbr0 2>/dev/null' EXIT

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
carrier() { cat "/sys/class/net/$vif/carrier" 2>/dev/null || echo 0; }
dropped() { cat "/sys/class/net/$vif/statistics/tx_dropped"; }

cat >"$LAB_OUT/job.sh" <<JOB
net_up eth0 $GUEST/24 || exit 1
echo $BUF_MAX >/proc/sys/net/core/rmem_max && echo $BUF_MAX >/proc/sys/net/core/wmem_max || exit 1
iperf3 -s -D -p 5201 && iperf3 -s -D -p 5202 || exit 1
echo "LAB-RX-READY"
# dom0 pauses, unpauses and finally destroys this guest
sleep 100000
JOB
guest_start rxguest "$LAB_OUT/job.sh" "vif = ['bridge=xenbr0,mac=$MAC']"
domid=$(xl domid rxguest) || fail "rxguest vanished"
vif=vif$domid.0
console_wait rxguest LAB-RX-READY 240 || { guest_collect rxguest; cat "$LAB_OUT/rxguest/console.log"; fail "guest not ready"; }
[ "$(carrier)" = 1 ] || fail "$vif: no carrier before the test"
ping -c 3 -W 5 $GUEST || fail "ping before the pause"
# dom0 keeps sending to the paused guest instead of giving up on ARP.
ip neigh replace $GUEST lladdr $MAC dev xenbr0 nud permanent
ethtool -S "$vif" >"$LAB_OUT/ethtool-before.txt" 2>&1

slab0=$(meminfo Slab)
avail0=$(meminfo MemAvailable)
drop0=$(dropped)
step "flood $GUEST for ${FLOOD}s, guest paused for ${PAUSE}s (stall timeout ${STALL_MS} ms)"
timeout $((FLOOD + 60)) iperf3 -c $GUEST -p 5201 -u -b 1G -l 1400 -P 4 -w $SNDBUF -t "$FLOOD" -f m \
	>"$LAB_OUT/flood.log" 2>&1 &
flood=$!
sleep 3
xl pause rxguest || fail "xl pause"
t0=$(now_ms)
slab_max=$slab0
avail_min=$avail0
slab_half=$slab0	# the most Slab held in the first half of the pause
t_off=""
echo "t_ms carrier slab_kb avail_kb tx_dropped" >"$LAB_OUT/samples.txt"
while [ $(( $(now_ms) - t0 )) -lt $((PAUSE * 1000)) ]; do
	c=$(carrier)
	s=$(meminfo Slab)
	a=$(meminfo MemAvailable)
	t=$(( $(now_ms) - t0 ))
	echo "$t $c $s $a $(dropped)" >>"$LAB_OUT/samples.txt"
	[ "$s" -gt "$slab_max" ] && slab_max=$s
	[ "$t" -lt $((PAUSE * 500)) ] && slab_half=$slab_max
	[ "$a" -lt "$avail_min" ] && avail_min=$a
	[ -z "$t_off" ] && [ "$c" = 0 ] && t_off=$t
	sleep 1
done
drop1=$(dropped)
ethtool -S "$vif" >"$LAB_OUT/ethtool-paused.txt" 2>&1
tc -s qdisc show dev "$vif" >"$LAB_OUT/tc-paused.txt" 2>&1
xl unpause rxguest || fail "xl unpause"
t1=$(now_ms)
t_on=""
for _ in $(seq 1 60); do
	[ "$(carrier)" = 1 ] && { t_on=$(( $(now_ms) - t1 )); break; }
	sleep 0.5
done
wait "$flood"
sed -n '/SUM\|sender\|receiver\|error/p' "$LAB_OUT/flood.log"
rc=0
ping -c 3 -W 5 $GUEST || rc=1
iperf_fig dom0-to-guest-after -c $GUEST -p 5202 -t 3 || rc=1
ethtool -S "$vif" >"$LAB_OUT/ethtool-after.txt" 2>&1
timeout 30 xl destroy rxguest
guest_collect rxguest

cat "$LAB_OUT/samples.txt"
echo "--- ethtool -S $vif, tc -s qdisc, while paused ---"
cat "$LAB_OUT/ethtool-paused.txt" "$LAB_OUT/tc-paused.txt"
dmesg | grep -i "$vif\|xsplit" | tail -n 10
sent=$(awk '/SUM.*sender/ { for (i = 1; i < NF; i++) if ($(i + 1) == "MBytes") m = $i } END { print m + 0 }' "$LAB_OUT/flood.log")
kv flood_sent_mbytes "$sent"
kv slab_growth_kb $((slab_max - slab0))
kv memavailable_drop_kb $((avail0 - avail_min))
kv dropped_while_paused $((drop1 - drop0))
kv qdisc_drops_while_paused "$(awk '/dropped/ { gsub(/,/, ""); print $7; exit }' "$LAB_OUT/tc-paused.txt")"
kv carrier_off_after_ms "${t_off:-never}"
kv slab_growth_second_half_kb $((slab_max - slab_half))
# fq_codel prints its cap as memory_limit <n>Mb or <n>Kb, one per queue.
qdisc_kb=$(awk '{ for (i = 1; i < NF; i++) if ($i == "memory_limit") {
	v = $(i + 1); m = (v ~ /Mb$/) ? 1024 : (v ~ /Kb$/) ? 1 : 0
	sub(/[KM]b$/, "", v); t += v * m } } END { print t + 0 }' "$LAB_OUT/tc-paused.txt")
SLAB_MAX_KB=$((BACKEND_KB + qdisc_kb + SLACK_KB))
AVAIL_MAX_KB=$SLAB_MAX_KB
kv memory_bound_kb "$SLAB_MAX_KB"
kv carrier_on_after_unpause_ms "${t_on:-never}"

[ "$sent" != 0 ] || fail "the flood sent nothing: see $LAB_OUT/flood.log"
[ -n "$t_off" ] || fail "carrier stayed on through a ${PAUSE}s pause (stall timeout ${STALL_MS} ms)"
[ "$t_off" -le $((STALL_MS + 10000)) ] ||
	fail "carrier off only after $t_off ms (stall timeout $STALL_MS ms)"
[ "$drop1" -gt "$drop0" ] || fail "no packet dropped for the paused guest"
[ "$qdisc_kb" -gt 0 ] || fail "no fq_codel memory_limit on $vif: see $LAB_OUT/tc-paused.txt"
[ $((slab_max - slab_half)) -le $PLATEAU_KB ] ||
	fail "Slab kept growing: $((slab_max - slab_half)) KiB in the pause's second half (bound $PLATEAU_KB)"
[ $((slab_max - slab0)) -le $SLAB_MAX_KB ] ||
	fail "Slab grew $((slab_max - slab0)) KiB for a paused guest (bound $SLAB_MAX_KB)"
[ $((avail0 - avail_min)) -le $AVAIL_MAX_KB ] ||
	fail "MemAvailable fell $((avail0 - avail_min)) KiB for a paused guest (bound $AVAIL_MAX_KB)"
[ -n "$t_on" ] || fail "carrier not back 30 s after xl unpause"
[ "$rc" = 0 ] || fail "no traffic to the guest after xl unpause"
check_leaks

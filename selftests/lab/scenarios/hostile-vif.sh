#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile vif frontend against dom0's netback (issue #14).  The guest
# runs no network frontend of ours or the kernel's (lab.fe=none) but the
# test-only xsplit_hostile_vif module (selftests/hostile/hostile_vif.c),
# loaded once per plan line with that line's parameters.  Run once per
# backend (modes=be): the kernel's xen-netback is the control.
#
# Quick: the tx chain case (scenario=txchain: bulk malformed chains the
# backend answers, then one fatal chain per connection for the last nine).
# Full (LAB_X_FULL=1): txchain with >= 10^6 malformed packets, then
# rxstarve, storm, nodes, ctrl; and a well-behaved neighbour guest (the
# in-tree frontend on xenbr0) pinging and running iperf3 against dom0
# meanwhile.  LAB_X_HVIF_PLAN replaces the plan ("SCENARIO PARAMS;...").
#
# The hostile vif sits on a bridge of its own (xenbr9), where its frames
# go nowhere; dom0 sends it a ping stream the whole time (receive-side
# work for a guest that posts no or too few buffers).
#
# dom0 measures with no guest before, during (a 1 s sampler: backend
# threads and channels at their peak, CPU time of every backend thread,
# dom0's busy time), and after the guest is destroyed: MemAvailable,
# Slab, SUnreclaim, threads, event channels, xsplit's live counters
# (grants_mapped...), the module's refcount, kernel log lines.  Pass: all
# back to the baseline (memory within 16 MiB), no domain left, dom0 idle
# again once the peer is gone, the backend module unloads, no WARN/BUG/
# Oops in dom0 or the guest, the plan's work done (every connection of
# txchain made and closed, >= 10^6 packets in a full run), the neighbour's
# ping and iperf3 unharmed.  One table per backend.
# Under TCG the quick case took 87 s (xsplit) and 116 s (in-tree) a mode,
# the txchain work itself 3 s and 29 s; the full plan's time is not
# measured yet (timeout_full is a guess with room).
# lab: modes=be timeout=480 timeout_full=2700
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

MODULE=xsplit_hostile_vif
FULL=${LAB_X_FULL:-0}
if [ "$FULL" = 1 ]; then
	PLAN="txchain conns=29 per_conn=50000;rxstarve conns=4 count=100000 hold_ms=10000 rx_bufs=1"
	PLAN="$PLAN;storm conns=2 count=1000000 hold_ms=20000;nodes conns=2 count=2000 hold_ms=20000"
	PLAN="$PLAN;ctrl conns=2 count=100000 hold_ms=10000"
	MIN_SENT=1000000
	NEIGHBOUR=${LAB_X_HVIF_NEIGHBOUR:-1}
else
	PLAN="txchain conns=12 per_conn=2000"
	MIN_SENT=1
	NEIGHBOUR=${LAB_X_HVIF_NEIGHBOUR:-0}
fi
PLAN=${LAB_X_HVIF_PLAN:-$PLAN}
MEM_SLACK_KB=16384	# MemAvailable / SUnreclaim: noise, not a leak
SETTLE_S=30		# backend threads and channels: time to go
IDLE_PCT=50		# dom0 busy after the peer is gone: at most this
RESERVE_S=150		# after the hostile guest: destroy, settle, rmmod
FATAL_KINDS=9		# txchain's fatal chains, one per connection at the end
HBR=xenbr9 HMAC=00:16:3e:48:56:02 HIP=10.0.9.2

[ -f "$LAB/modules/$MODULE.ko" ] || fail "no $MODULE.ko built"
if [ "$LAB_BE" = xsplit ]; then
	have_xsplit netback || fail "no xsplit netback module"
	BE_MOD=xsplit_netback IRQ_RE='vif[0-9]+\.[0-9]+-q|xsplit-nb-ctrl'
else
	BE_MOD=xen_netback IRQ_RE='vif[0-9]+\.[0-9]+-q|xen-netback-ctrl'
fi
THREAD_RE='^vif[0-9]+\.[0-9]+-'
use_backends
linux_bridge
ip link show "$HBR" >/dev/null 2>&1 || ip link add "$HBR" type bridge ||
	fail "create $HBR"
ip addr show dev "$HBR" | grep -q 10.0.9.1 || ip addr add 10.0.9.1/24 dev "$HBR"
ip link set "$HBR" up
bad=0
SAMPLER='' PINGER=''
cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
	[ -n "$PINGER" ] && kill "$PINGER" 2>/dev/null
	ip neigh del "$HIP" dev "$HBR" 2>/dev/null
	ip link del "$HBR" 2>/dev/null
	[ -s "$LAB_OUT/iperf3.pid" ] && kill "$(cat "$LAB_OUT/iperf3.pid")" 2>/dev/null
	true
}
trap cleanup EXIT

be_threads() { cat /proc/[0-9]*/comm 2>/dev/null | grep -cE "$THREAD_RE"; }
evtchns() { grep -c 'xen-dyn' /proc/interrupts; }
be_evtchns() { grep -cE "$IRQ_RE" /proc/interrupts; }
refcnt() { cat "/sys/module/$BE_MOD/refcnt" 2>/dev/null || echo gone; }
# busy: dom0's busy, total and kernel (system, irq, softirq: where NAPI
# and grant copies run) jiffies of all CPUs, from /proc/stat.
busy() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
		print t - $5 - $6, t, $4 + $7 + $8 }' /proc/stat
}

measure() {
	leak_snapshot "$1"
	{
		echo "threads $(be_threads)"
		echo "evtchns $(evtchns)"
		echo "be_evtchns $(be_evtchns)"
		echo "refcnt $(refcnt)"
	} >>"$1"
}

settle() {
	local _
	for _ in $(seq "$SETTLE_S"); do
		[ "$(be_threads)" -le "$(leak_value "$1" threads)" ] &&
			[ "$(evtchns)" -le "$(leak_value "$1" evtchns)" ] && return 0
		sleep 1
	done
}

# sampler FILE: twice a second, "peak threads channels" and the CPU
# ticks of every backend thread ("tick PID TICKS"), until killed.  One
# cat of every /proc/PID/stat (cat, unlike mawk, reads on past a process
# that is gone): a loop of reads is too slow under TCG to see a
# connection that lasts a second.  Backend thread names have no
# blanks, so utime and stime are fields 14 and 15.
sampler() {
	while :; do
		cat /proc/[0-9]*/stat 2>/dev/null |
			awk '$2 ~ /^\(vif[0-9]+\.[0-9]+-/ { print "tick", $1, $14 + $15; n++ }
				END { printf "peak %d ", n }'
		be_evtchns
		sleep 0.5
	done >"$1"
}

ROWS=$LAB_OUT/rows
: >"$ROWS"
row() {
	printf '%-44s %12s %12s  %s\n' "$1" "$2" "$3" "$4" >>"$ROWS"
	kv "$(echo "$1" | tr -c 'a-zA-Z0-9_.\n' _)" "$2->$3"
	case $4 in ok|-) ;; *) bad=1 ;; esac
}
check() { if "$@"; then echo ok; else echo FAIL; fi; }

grows() {
	local key=${1#-} a b d v=ok
	a=$(leak_value "$BEFORE" "$key")
	b=$(leak_value "$AFTER" "$key")
	{ [ -n "$a" ] && [ -n "$b" ]; } || return 0
	d=$((b - a))
	[ "${1:0:1}" = - ] && d=$((a - b))
	if [ "$2" = - ]; then
		v=-
	elif [ "$d" -gt "$2" ]; then
		v=FAIL
	fi
	row "${3:-$key} ($d)" "$a" "$b" "$v"
}

# hostile_job LIMIT: the guest's job, one insmod per plan line; each
# waits for its summary line (the module's own waits are bounded too).
hostile_job() {
	echo "n=0"
	echo "IFS=';'"
	echo "for line in \$(echo '$PLAN'); do"
	cat <<-'JOB'
		IFS=' '
		set -- $line
		s=$1
		shift
		done0=$(dmesg | grep -c 'hostile-vif: .* done scenario=')
		t0=$(cut -d. -f1 /proc/uptime)
		echo "HOSTILE-PLAN $s $*"
		insmod /lab/modules/xsplit_hostile_vif.ko scenario=$s "$@" ||
			{ echo "HOSTILE: insmod $s failed"; continue; }
		until [ "$(dmesg | grep -c 'hostile-vif: .* done scenario=')" -gt "$done0" ]; do
			n=$((n + 1))
	JOB
	echo "		if [ \$n -gt $1 ]; then"
	cat <<-'JOB'
				echo "HOSTILE: no summary for $s in time"
				break
			fi
			sleep 1
		done
		echo "HOSTILE-TIME $s $(( $(cut -d. -f1 /proc/uptime) - t0 ))s"
		# A bound xenbus device pins its driver's module: unbind first.
		for d in /sys/bus/xen/drivers/vif/vif-*; do
			[ -e "$d" ] && echo "${d##*/}" >/sys/bus/xen/drivers/vif/unbind
		done
		rmmod xsplit_hostile_vif || echo "HOSTILE: rmmod failed"
		IFS=';'
	done
	dmesg | grep 'hostile-vif:'
	dmesg | grep -E 'WARNING:|BUG:|Oops|general protection' &&
		echo "HOSTILE: the guest's kernel complained"
	echo HOSTILE-END
	sleep 3600
	JOB
}

# neighbour_job SECONDS: a well-behaved guest on xenbr0 beside the
# hostile one: ping dom0 and move data with iperf3 meanwhile.
neighbour_job() {
	cat <<-JOB
		net_up eth0 10.0.0.2/24 || exit 1
		wait_ping 10.0.0.1 60 || exit 1
		ping -c $(( $1 * 2 )) -i 0.5 10.0.0.1 >/tmp/ping.log 2>&1 &
		rc=0
		end=\$(( \$(cut -d. -f1 /proc/uptime) + $1 ))
		while [ \$(cut -d. -f1 /proc/uptime) -lt \$end ]; do
			iperf_fig neighbour -c 10.0.0.1 -p 5299 -t 10 || rc=1
		done
		wait
		tail -n 3 /tmp/ping.log
		loss=\$(sed -n 's/.* \\([0-9]*\\)% packet loss.*/\\1/p' /tmp/ping.log)
		echo "NEIGHBOUR loss=\${loss:-none} iperf_rc=\$rc"
		[ "\${loss:-100}" -le 5 ] && [ \$rc = 0 ]
	JOB
}

# field SCENARIO NAME: a number from that plan line's summary.
field() {
	grep -a "hostile-vif: .* done scenario=$1 " "$CONSOLE_DIR/guest-hostile.log" |
		tail -n1 | sed -n "s/.* $2=\\([0-9]*\\).*/\\1/p"
}

run_hostile() {
	local limit domid s nb_s
	limit=$((LAB_DEADLINE - $(date +%s) - RESERVE_S))
	hostile_job $((limit - 90)) >"$LAB_OUT/job-hostile.sh"
	LAB_FE=none guest_start hostile "$LAB_OUT/job-hostile.sh" \
		"vif = ['bridge=$HBR,mac=$HMAC']"
	domid=$(xl domid hostile) || fail "hostile guest gone at once"
	ip neigh replace "$HIP" lladdr "$HMAC" dev "$HBR" nud permanent
	# The guest posts no (or too few) receive buffers: dom0 sends anyway.
	ping -f -s 1400 -w "$limit" "$HIP" >"$LAB_OUT/ping-hostile.log" 2>&1 &
	PINGER=$!
	if [ "$NEIGHBOUR" = 1 ]; then
		nb_s=$((limit / 3))
		[ "$nb_s" -gt 240 ] && nb_s=240
		iperf3 -s -D -p 5299 -I "$LAB_OUT/iperf3.pid" || fail "iperf3 server"
		neighbour_job "$nb_s" >"$LAB_OUT/job-neighbour.sh"
		LAB_FE=intree guest_start neighbour "$LAB_OUT/job-neighbour.sh" \
			"vif = ['bridge=xenbr0,mac=00:16:3e:48:56:03']"
	fi
	console_mark hostile HOSTILE-END "$limit"
	kill "$PINGER" 2>/dev/null
	PINGER=
	if [ "$NEIGHBOUR" = 1 ]; then
		if guest_wait neighbour 300; then NB=passed; else NB=failed; fi
		grep -a 'NEIGHBOUR\|LAB-FIG' "$LAB_OUT/neighbour/console.log"
	fi
	grep -a 'HOSTILE' "$CONSOLE_DIR/guest-hostile.log"
	timeout -k 5 120 xl destroy hostile || echo "xl destroy hostile: rc $?"
	GONE=
	for s in $(seq 60); do
		xl list | awk -v d="$domid" '$2 == d { f = 1 } END { exit !f }' ||
			{ GONE=$s; break; }
		sleep 1
	done
	guest_collect hostile
}

BEFORE=$LAB_OUT/before AFTER=$LAB_OUT/after
measure "$BEFORE"
dmesg_before=$(dmesg | wc -l)
step "hostile vif against $LAB_BE netback: $PLAN"
sampler "$LAB_OUT/samples" &
SAMPLER=$!
read -r b0 t0 k0 < <(busy)
ms0=$(now_ms)
run_hostile
kill "$SAMPLER" 2>/dev/null
SAMPLER=
read -r b1 t1 k1 < <(busy)
kv hostile_ms $(( $(now_ms) - ms0 ))
settle "$BEFORE"
measure "$AFTER"
# dom0 once the peer is gone: idle again, not spinning on a dead ring.
read -r b2 t2 _ < <(busy)
sleep 5
read -r b3 t3 _ < <(busy)

# What the plan did, per scenario, from the guest's summary lines.
IFS=';' read -ra lines <<<"$PLAN"
for l in "${lines[@]}"; do
	s=${l%% *}
	n=${l#* conns=}
	n=${n%% *}
	ok=$(field "$s" ok)
	row "guest $s: connections ok, of $n" - "${ok:-none}" "$(check [ "${ok:-}" = "$n" ])"
	row "guest $s: malformed packets/requests sent" - "$(field "$s" sent)/$(field "$s" slots)" -
	row "guest $s: answered (errors)" - "$(field "$s" answered)($(field "$s" rsp_errors))" -
	row "guest $s: backend went Closing / stayed" - "$(field "$s" closing)/$(field "$s" connected)" -
	row "guest $s: stalled connections" - "$(field "$s" stalled)" -
	case $s in
	txchain)
		v=$(field txchain sent)
		row "guest txchain: >= $MIN_SENT sent" - "${v:-none}" \
			"$(check [ "${v:-0}" -ge "$MIN_SENT" ])"
		# xsplit takes the device to Closing on every fatal chain
		# (netback/README.md); Linux disables the vif and stays
		# Connected, a figure only.
		want=$(( n < FATAL_KINDS ? n : FATAL_KINDS ))
		v=$(field txchain closing)
		if [ "$LAB_BE" = xsplit ]; then
			row "guest txchain: fatal chains that closed, of $want" - \
				"${v:-none}" "$(check [ "${v:-}" = "$want" ])"
		fi ;;
	rxstarve|storm) row "guest $s: kicks / rx answers" - "$(field "$s" kicks)/$(field "$s" rx_rsps)" - ;;
	nodes) row "guest nodes: node writes" - "$(field nodes writes)" - ;;
	ctrl) row "guest ctrl: control answers" - "$(field ctrl ctrl_rsps)" - ;;
	esac
	v=$(field "$s" still_mapped)
	row "guest $s: pages still mapped after Closed" - "${v:-none}" "$(check [ "${v:-}" = 0 ])"
done
grep -a 'fatal_closing=' "$CONSOLE_DIR/guest-hostile.log" 2>/dev/null |
	sed 's/.*fatal_closing=/fatal kinds that took the vif to Closing: /' | tail -n1 |
	tee -a "$LAB_OUT/fatal"
n=$(grep -ac '^HOSTILE: ' "$LAB_OUT/hostile/console.log" 2>/dev/null)
row "guest job errors (HOSTILE: lines)" - "${n:-0}" -
[ "${NB:-}" ] && row "neighbour guest: ping + iperf3 meanwhile" - "$NB" "$(check [ "$NB" = passed ])"

# During the run.
peak_t=$(awk '$1 == "peak" && $2 > m { m = $2 } END { print m + 0 }' "$LAB_OUT/samples")
peak_e=$(awk '$1 == "peak" && $3 > m { m = $3 } END { print m + 0 }' "$LAB_OUT/samples")
hz=$(getconf CLK_TCK)
cpu=$(awk -v hz="$hz" '$1 == "tick" && $3 > m[$2] { m[$2] = $3 }
	END { for (p in m) t += m[p]; printf "%.1f", t / hz }' "$LAB_OUT/samples")
row "backend threads / channels at peak" - "$peak_t/$peak_e" -
row "backend threads' CPU time (s)" - "$cpu" -
row "dom0 busy during the run (%)" - "$(( (b1 - b0) * 100 / (t1 - t0 + 1) ))" -
row "dom0 kernel CPU time during the run (s)" - "$(( (k1 - k0) / hz ))" -
idle=$(( (b3 - b2) * 100 / (t3 - t2 + 1) ))
row "dom0 busy 5 s after the peer went (%)" - "$idle" "$(check [ "$idle" -le "$IDLE_PCT" ])"
row "domain gone from xl list after (s)" - "${GONE:-no}" "$(check [ -n "$GONE" ])"

# After, against before.
grows -mem_available_kb "$MEM_SLACK_KB" "MemAvailable drop KiB"
grows sunreclaim_kb "$MEM_SLACK_KB" "SUnreclaim growth KiB"
grows slab_kb - "Slab growth KiB"
grows skb_objs - "skb objects"
grows threads 0 "backend threads"
grows evtchns 0 "event channels (xen-dyn)"
grows be_evtchns 0 "backend event channels"
while read -r key _; do
	grows "$key" 0
done < <(grep -E '^xsplit_(core|netback)\.' "$BEFORE")
a=$(leak_value "$BEFORE" refcnt) b=$(leak_value "$AFTER" refcnt)
row "$BE_MOD refcount" "$a" "$b" "$(check [ "$a" = "$b" ])"
n=$(xenstore-list /local/domain/0/backend/vif 2>/dev/null | wc -l)
row "backend/vif dirs left" - "$n" "$(check [ "$n" = 0 ])"

step "rmmod $BE_MOD"
if unload "$BE_MOD"; then
	row "rmmod $BE_MOD" - unloaded ok
else
	row "rmmod $BE_MOD" - stays FAIL
fi
sleep 3
dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" >"$LAB_OUT/dmesg.txt"
row "dom0 kernel log lines during the test" - "$(( $(dmesg | wc -l) - dmesg_before ))" -
n=$(grep -ciE 'vif|netback' "$LAB_OUT/dmesg.txt")
row "  of them about vifs/netback" - "$n" -
echo "dom0 dmesg about the vif, first lines:"
grep -m 12 -iE 'vif[0-9]|netback' "$LAB_OUT/dmesg.txt"
n=$(grep -cE "$KERNEL_BAD" "$LAB_OUT/dmesg.txt")
row "dom0 WARNING/BUG/Oops lines" - "$n" "$(check [ "$n" = 0 ])"
grep -m 20 -B 2 -A 20 -E "$KERNEL_BAD" "$LAB_OUT/dmesg.txt"
n=$(grep -acE "$KERNEL_BAD" "$LAB_OUT/hostile/console.log" 2>/dev/null)
row "guest WARNING/BUG/Oops lines" - "${n:-0}" "$(check [ "${n:-0}" = 0 ])"

{
	echo "hostile-vif against $LAB_BE netback: plan '$PLAN'"
	printf '%-44s %12s %12s  %s\n' measure before after verdict
	cat "$ROWS"
	cat "$LAB_OUT/fatal" 2>/dev/null
} | tee "$LAB_OUT/table.txt"
[ "$bad" = 0 ] || fail "$LAB_BE netback: the hostile frontend cost dom0 (table above)"
echo "$LAB_BE netback: hostile vif plan done, nothing left behind"

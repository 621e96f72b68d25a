#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live upgrade of xsplit's backends under load (issue #18, item 3).  The
# guest runs the saverestore load (dom0/disrupt.sh, guest/load-job.sh):
# fio --verify=crc32c randwrite at iodepth 32 (its IOPS capped so that
# the load outlasts the cycles) and a paced TCP stream to dom0.  Per
# cycle, dom0 replaces xsplit_blkback and then xsplit_netback with
# xsplit-upgrade, as the package installs it (taken from the staged
# xsplit-dkms.deb), insmod'ing this run's modules again as "the new
# build": every device unbound (its connection handed over), the module
# unloaded and loaded, the vif's hotplug script run again.  Then the
# devices must be Connected, the vif back in xenbr0, block I/O and ping
# back.  At the end fio's verify pass must find every block intact, a
# new iperf3 run must pass, dom0 must be clean; with xsplit's frontends
# the first TCP stream must have survived every cycle, with the kernel's
# it is reported.  Figures per cycle: the longest time without block
# requests / packets at the backends around the upgrade (sampled every
# 0.2 s in dom0) and each device's time away as xsplit-upgrade saw it;
# their median and maximum at the end.
# Only the xsplit backend can be replaced live: the kernel's is skipped.
# Quick: 2 cycles; LAB_X_FULL=1: 10 (the issue asks for at least 10);
# LAB_X_CYCLES sets it.
# lab: modes=4 timeout=900 timeout_full=2700
# lab: skips=intree-be
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/disrupt.sh
. "$LAB/dom0/disrupt.sh"

if [ "${LAB_X_FULL:-0}" = 1 ]; then
	CYCLES=${LAB_X_CYCLES:-10}
else
	CYCLES=${LAB_X_CYCLES:-2}
fi
# A cycle takes ~10 s.  At 150 IOPS (4k, every tenth 128k) fio writes
# ~2.4 MiB/s: ~7 s of writing per cycle beyond the first 25 s, then as
# long verifying; the stream (10 Mbit/s) ~12 s per cycle beyond 30 s.
export LOAD_FIO_RATE=150
FIO_MB=$(( 64 + CYCLES * 16 ))
STREAM_MB=$(( 40 + CYCLES * 15 ))
name=upguest
gip=10.0.0.2

require_mode blk net
[ "$LAB_BE" = xsplit ] || skip intree-be "the kernel's backends cannot be replaced live"
use_backends
linux_bridge
pkg=/var/tmp/lab-upgrade-pkg
XU=$(packaged_tool xsplit-upgrade "$pkg") || fail "$XU"
dev=$(nullb updisk $(( FIO_MB + 16 )) 1) || fail "$dev"
load_servers
cleanup() {
	sampler_stop
	load_servers_stop
}
trap cleanup EXIT

# upgrade C: both backends replaced by this run's modules; the tool's
# report in $LAB_OUT/cC.json, its start and end (ms) in T_A and T_B.
upgrade() {
	local m ko=()
	for m in xsplit_blkback xsplit_netback; do
		ko+=(--ko "$m=$LAB/modules/$m.ko" --rollback-ko "$m=$LAB/modules/$m.ko")
	done
	T_A=$(now_ms)
	# python3 runs the file: /var/tmp may be mounted noexec
	timeout -k 10 300 python3 "$XU" --json "${ko[@]}" >"$LAB_OUT/c$1.json" \
		2>"$LAB_OUT/c$1.err" || {
		cat "$LAB_OUT/c$1.err" "$LAB_OUT/c$1.json"
		guest_collect "$name"
		fail "cycle $1: xsplit-upgrade failed"
	}
	T_B=$(now_ms)
}

# away C: per device kind, "vbd=<ms> vif=<ms> ports=<ok|lost>" from the
# tool's report of cycle C.
away() {
	python3 - "$LAB_OUT/c$1.json" <<-'EOF'
	import json, sys
	r = json.load(open(sys.argv[1]))
	devs = [d for b in r["backends"] for d in b["devices"]]
	for kind in ("vbd", "vif"):
	    ms = [d.get("away_ms", -1) for d in devs if d["device"].startswith(kind)]
	    print(f"{kind}={max(ms) if ms else -1}", end=" ")
	lost = [d["device"] for d in devs if d.get("port_restored") is False]
	print("ports=" + ("lost:" + ",".join(lost) if lost else "ok"))
	EOF
}

# median_max KEY VALUES...: KEY_median and KEY_max of the values (ms).
median_max() {
	local key=$1
	shift
	kv "${key}_median" "$(printf '%s\n' "$@" | sort -n |
		awk '{ v[NR] = $1 }
			END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
				printf "%.0f\n", m }')"
	kv "${key}_max" "$(printf '%s\n' "$@" | sort -n | tail -n1)"
}

load_guest "$name" "$gip" "$dev" "$FIO_MB" "$STREAM_MB"
sleep 3

declare -a figs vbd_away vif_away
for c in $(seq "$CYCLES"); do
	fio_running "$name" || fail "cycle $c: fio ended before the upgrade: raise FIO_MB"
	stream_active && streamed=$(( ${streamed:-0} + 1 ))
	d0=$(xl domid "$name")
	step "cycle $c: xsplit-upgrade of xsplit_blkback and xsplit_netback"
	upgrade "$c"
	ua=$T_A ub=$T_B
	kv "c${c}_upgrade_ms" $(( ub - ua ))
	read -r vbd vif ports <<<"$(away "$c")"
	kv "c${c}_vbd_away_ms" "${vbd#vbd=}"
	kv "c${c}_vif_away_ms" "${vif#vif=}"
	vbd_away+=("${vbd#vbd=}")
	vif_away+=("${vif#vif=}")
	[ "$ports" = ports=ok ] || fail "cycle $c: bridge port not restored: $ports"
	[ "$(xl domid "$name")" = "$d0" ] || fail "cycle $c: the domain changed"
	ip link show master xenbr0 | grep "vif$d0\." >/dev/null ||
		fail "cycle $c: vif$d0.* is not in xenbr0"
	step "cycle $c: upgraded in $(( ub - ua )) ms; $vbd ms, $vif ms away"
	moved "$name" "$gip" "$ub" "cycle $c: upgrade"
	figs+=("$c $ua $ub")
	sleep 3
done
sampler_stop

declare -a io net
for f in "${figs[@]}"; do
	read -r c ua ub <<<"$f"
	move_figures "c${c}_upgrade" "$ua" "$ub"
	io+=("$(stall_ms ^vbd "$ua" "$ub")")
	net+=("$(stall_ms ^vif "$ua" "$ub")")
done
median_max io_stall_ms "${io[@]}"
median_max net_stall_ms "${net[@]}"
median_max vbd_away_ms "${vbd_away[@]}"
median_max vif_away_ms "${vif_away[@]}"
load_end "$name" "$CYCLES" "${streamed:-0}"
if [ "$LAB_FE" = xsplit ]; then
	grep -aq 'LAB-SR-STREAM rc=0' "$LAB_OUT/$name/console.log" ||
		fail "the TCP stream did not survive the upgrades"
fi
check_leaks

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the "disruption under load" scenarios (saverestore, upgrade,
# dd-restart; sourced after lib.sh): the guest job they share, a sampler
# of dom0's backend counters, and the stall figures taken from it.
#
# The sampler reads the counters of every backend in dom0: the block
# requests (reads + writes) of each vbd and the packets received on each
# vif.  When the guest's backends run in a driver domain, dom0's backends
# are the driver domain's own (its disk and its uplink), so they still
# move exactly when the guest's I/O does.

# load_job FILE VAR=VALUE...: the guest job (guest/load-job.sh) with its
# settings in front.
load_job() {
	local f=$1
	shift
	{
		printf '%s\n' "$@"
		cat "$LAB/guest/load-job.sh"
	} >"$f"
}

# sample: every ~0.2 s one line "<usec> <dev>=<count>...".
sample() {
	local f r w line
	while :; do
		line=${EPOCHREALTIME/./}
		for f in /sys/bus/xen-backend/devices/vbd-*/statistics; do
			[ -e "$f/wr_req" ] || continue
			{ read -r r <"$f/rd_req" && read -r w <"$f/wr_req"; } ||
				continue
			f=${f%/statistics}
			line="$line ${f##*/}=$(( r + w ))"
		done
		for f in /sys/class/net/vif*; do
			read -r r 2>/dev/null <"$f/statistics/rx_packets" || continue
			line="$line ${f##*/}=$r"
		done
		echo "$line"
		sleep 0.2
	done
}

# sampler_start FILE / sampler_stop: the sampler in the background.
SAMPLES=
SAMPLER_PID=
sampler_start() {
	SAMPLES=$1
	sample >"$SAMPLES" &
	SAMPLER_PID=$!
}
sampler_stop() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
	SAMPLER_PID=
}

# progress_times RE: the sample times (ms) at which a counter whose name
# matches the awk regex RE grew, a new device's first non-zero count
# included.  A counter that fell was reset (a reloaded backend module, a
# recreated vif): a non-zero count there is progress since the reset.
progress_times() {
	awk -v re="$1" '{
		moved = 0
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] !~ re)
				continue
			was = (kv[1] in last) ? last[kv[1]] : 0
			if (kv[2] + 0 > was || (kv[2] + 0 < was && kv[2] + 0 > 0))
				moved = 1
			last[kv[1]] = kv[2] + 0
		}
		if (moved)	# mawk prints big numbers as 1.7e+12 otherwise
			printf "%.0f\n", int($1 / 1000)
	}' "$SAMPLES"
}

# stall_ms RE FROM TO: the longest time without RE progress across the
# window [FROM, TO] (ms): the gap between two consecutive progress samples
# that overlaps it.  -1 if progress never resumed after TO.
stall_ms() {
	progress_times "$1" | awk -v a="$2" -v b="$3" '
		BEGIN { m = -1 }
		p != "" && $1 >= a && p <= b && $1 - p > m { m = $1 - p }
		{ p = $1 }
		END { printf "%.0f\n", m }'
}

# progress_after RE T SECONDS: wait for RE progress later than T (ms).
progress_after() {
	local _
	for _ in $(seq "$(( $3 * 2 ))"); do
		progress_times "$1" | awk -v t="$2" '$1 > t { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.5
	done
	return 1
}

# back_after RE T: ms from T to the first RE progress after it.
back_after() {
	progress_times "$1" | awk -v t="$2" '$1 > t { printf "%.0f\n", $1 - t; exit }'
}

# connected NAME: every vbd and vif frontend of guest NAME and the backend
# its "backend" node names (in dom0 or a driver domain) are Connected (4).
connected() {
	local d n dev fe be bad=0
	d=$(xl domid "$1") || return 1
	for n in vbd vif; do
		[ -n "$(xenstore-list "/local/domain/$d/device/$n")" ] || bad=1
		for dev in $(xenstore-list "/local/domain/$d/device/$n"); do
			fe=/local/domain/$d/device/$n/$dev
			be=$(xenstore-read "$fe/backend") || { bad=1; continue; }
			[ "$(xenstore-read "$fe/state")" = 4 ] || bad=1
			[ "$(xenstore-read "$be/state")" = 4 ] || bad=1
		done
	done
	return "$bad"
}

# device_states NAME: each vbd/vif frontend of guest NAME and its backend:
# states and hotplug-status.
device_states() {
	local d fe be
	d=$(xl domid "$1") || return 0
	for fe in $(xenstore-ls -f "/local/domain/$d/device" |
		sed -n 's/^\(.*\)\/backend = .*/\1/p'); do
		be=$(xenstore-read "$fe/backend")
		echo "$fe: state $(xenstore-read "$fe/state");" \
			"$be: state $(xenstore-read "$be/state")," \
			"hotplug-status $(xenstore-read "$be/hotplug-status" 2>&1)"
	done
}

# wait_connected NAME SECONDS; on failure print the device states.
wait_connected() {
	local _
	wait_for "$2" "$1's devices Connected" connected "$1" && return 0
	device_states "$1"
	return 1
}

# The load's iperf3 servers in dom0: 5201 for the long stream, 5202 for
# the run after it.
load_servers() {
	local p
	for p in 5201 5202; do
		iperf3 -s -p "$p" -D -I "$LAB_OUT/iperf3-$p.pid" \
			--logfile "$LAB_OUT/iperf3-$p.log" || fail "iperf3 server $p"
	done
}
load_servers_stop() {
	kill "$(cat "$LAB_OUT/iperf3-5201.pid")" "$(cat "$LAB_OUT/iperf3-5202.pid")"
}

# load_guest NAME IP DEV FIO_MB STREAM_MB: start guest NAME (address IP,
# DEV as its xvdb, a vif on xenbr0) with the load job, wait for both loads
# to run and the backend to see block I/O; the sampler then runs.
# LOAD_FIO_RATE caps fio's IOPS, so that the load lasts a known time.
load_guest() {
	load_job "$LAB_OUT/job.sh" "GIP=$2/24" DISK=/dev/xvdb "FIO_MB=$4" \
		FIO_DEPTH=32 SPORT=5201 "STREAM_MB=$5" APORT=5202 \
		${LOAD_FIO_RATE:+"FIO_RATE=$LOAD_FIO_RATE"}
	guest_start "$1" "$LAB_OUT/job.sh" "disk = ['phy:$3,xvdb,w']" \
		"vif = ['bridge=xenbr0']"
	wait_for 240 "fio started in $1" console_has "$1" LAB-SR-FIO-START ||
		{ guest_collect "$1"; fail "fio never started"; }
	sampler_start "$LAB_OUT/progress.log"
	progress_after ^vbd 0 120 || { guest_collect "$1"; fail "no block I/O at the backend"; }
}

# fio_running NAME: the load's fio has not finished yet.
fio_running() { ! grep -q LAB-SR-FIO-DONE "$CONSOLE_DIR/guest-$1.log"; }
# stream_active: the load's long TCP stream is connected.
stream_active() {
	ss -Htn state established '( sport = :5201 )' 2>/dev/null | grep . >/dev/null
}

# move_figures NAME A B: the stalls around an operation from A to B (ms):
# the longest time without block requests / packets at the backends, and
# when block I/O came back after B.
move_figures() {
	kv "${1}_io_stall_ms" "$(stall_ms ^vbd "$2" "$3")"
	kv "${1}_net_stall_ms" "$(stall_ms ^vif "$2" "$3")"
	kv "${1}_io_back_after_ms" "$(back_after ^vbd "$3")"
}

# load_end NAME CYCLES STREAMED: the guest's end (fio's verify pass, a new
# iperf3 run) and the load's figures; fails the test if the job failed.
load_end() {
	local rc=0
	guest_wait "$1" || rc=$?
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$1/console.log"
	kv cycles "$2"
	kv stream_active_at_cycles "$3/$2"
	load_verdict "$LAB_OUT/$1/console.log"
	[ "$rc" = 0 ] || fail "guest job (fio verify, new iperf3 run) failed: rc=$rc"
}

# moved NAME IP T WHAT: guest NAME (address IP), moved at T (ms) by WHAT
# (a restore, a migration) onto new backend instances: its devices
# Connected, block I/O at the backends after T, IP answering; fails the
# test if not.
moved() {
	wait_connected "$1" 90 ||
		{ guest_collect "$1"; fail "$4: devices not Connected"; }
	progress_after ^vbd "$3" 120 ||
		{ guest_collect "$1"; fail "$4: no block I/O after"; }
	wait_ping "$2" 60 || { guest_collect "$1"; fail "$4: no ping after"; }
	progress_after ^vif "$3" 60 || step "$4: no packets from the guest yet"
}

# timed LABEL CMD...: run an xl command under a bound; its start and end
# (ms) in T_A and T_B; on failure print its output and fail.
timed() {
	local label=$1
	shift
	# shellcheck disable=SC2034  # T_A, T_B: results for the caller
	T_A=$(now_ms)
	timeout -k 10 300 "$@" >"$LAB_OUT/$label.log" 2>&1 ||
		{ cat "$LAB_OUT/$label.log"; fail "$label"; }
	# shellcheck disable=SC2034
	T_B=$(now_ms)
}

# load_verdict CONSOLE [PREFIX]: the kv figures of a load job's end: fio verify
# errors and whether the long TCP stream survived.
load_verdict() {
	local done_line stream_line
	done_line=$(grep -a LAB-SR-FIO-DONE "$1" | tail -n1)
	stream_line=$(grep -a LAB-SR-STREAM "$1" | tail -n1)
	kv "${2}fio_verify_errors" "$(sed -n 's/.*err=\([0-9a-z]*\).*/\1/p' <<<"$done_line")"
	case $stream_line in
	*rc=0*) kv "${2}tcp_stream_survived" yes ;;
	*) kv "${2}tcp_stream_survived" "no(${stream_line##*rc=})" ;;
	esac
}

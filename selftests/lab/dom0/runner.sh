#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lab runner, started in dom0 at boot by lab-boot from the input disk.
# It runs the scenarios listed in $LAB/request, each under its own timeout,
# writes everything to the output disk after every test (so a later hang
# loses nothing) and collects the logs; lab-boot then powers off.
#
# Console protocol (the host reads the serial log):
#   LAB-STEP ...                       progress
#   LAB-RESULT PASS|FAIL|SKIP <test>   one per test
#   LAB-DONE                           all finished, results written
#
# A test passes only if its scenario exits 0 and, after it, neither dom0's
# kernel log since the test's start nor any console of a guest or driver
# domain it ran shows a kernel warning (KERNEL_BAD, guest/lib.sh) or a
# device bound to the wrong driver (LAB-BIND-BAD).  It skips only if the
# scenario exits 4 naming a lab limitation its "# lab: skips=" header
# line declares (dom0/lib.sh's skip); any other skip is a failure.
set -u
set -o pipefail
LAB=/run/lab
RES=/run/results
RUN_SIZE=1G	# tmpfs: memory is used only as files fill it
OUTDISK=/dev/disk/by-id/virtio-labout
[ -b "$OUTDISK" ] || OUTDISK=/dev/vdc
export LAB
# kernel_bad, KERNEL_BAD
# shellcheck source=../guest/lib.sh
. "$LAB/guest/lib.sh"
# header: the scenarios' "# lab:" lines, parsed as the host's lab.sh does
# shellcheck source=lib/header.sh
. "$LAB/dom0/lib/header.sh"

say() { echo "$*" | tee -a "$RES/runner.log" >/dev/console; }

# save: the whole results folder as a raw tar on the output disk.
save() {
	tar -cf "$OUTDISK" -C "$RES" . 2>/dev/null
	sync
}

# cleanup_after OUT: whatever a failed test left behind must not break the
# next; the consoles of guests it left, and of guests it started (an xl
# config) whose console guest_collect did not keep (a test that failed
# while they ran, or after they had powered off), are kept in
# OUT/consoles.
cleanup_after() {
	local d cfg
	for d in $(xl list | awk 'NR > 1 && $1 != "Domain-0" { print $1 }'); do
		mkdir -p "$1/consoles"
		cp "/var/log/xen/console/guest-$d.log" "$1/consoles/" 2>/dev/null
	done
	for cfg in "$1"/*/*.cfg; do
		if [ ! -e "$cfg" ] || [ -f "${cfg%/*}/console.log" ]; then
			continue
		fi
		d=$(basename "$cfg" .cfg)
		mkdir -p "$1/consoles"
		cp "/var/log/xen/console/guest-$d.log" "$1/consoles/" 2>/dev/null
	done
	for d in $(xl list | awk 'NR > 1 && $1 != "Domain-0" { print $1 }'); do
		timeout 30 xl destroy "$d" || true
	done
	# their ramdisks (guest_start's, in /run)
	rm -rf /run/lab-guests
}

# consoles OUT: the console logs of every guest and driver domain a test
# ran (guest_collect's NAME/console.log, cleanup_after's consoles/).
consoles() {
	find "$1" -mindepth 2 -maxdepth 2 \( -name console.log -o -path "$1/consoles/*.log" \)
}

# kernel_check TEST OUT: dom0's kernel log since the test's start marker
# (kept as OUT/dmesg.txt) and every console the test left: print what
# fails the test; true if nothing does.
kernel_check() {
	local test=$1 out=$2 f cfg dir bad=0
	dmesg | sed -n "\\|LAB-TEST-START $test\$|,\$p" >"$out/dmesg.txt"
	if [ ! -s "$out/dmesg.txt" ]; then
		# The marker left the ring buffer: check all there is.
		echo "KERNEL: no start marker in dom0's dmesg, checking all of it"
		dmesg >"$out/dmesg.txt"
	fi
	if kernel_bad "$out/dmesg.txt" "$out/kernel-expected" >"$out/.bad"; then
		echo "KERNEL: dom0 dmesg since the test's start:"
		sed 's/^/KERNEL:   /' "$out/.bad"
		bad=1
	fi
	while read -r f; do
		if kernel_bad "$f" >"$out/.bad"; then
			echo "KERNEL: ${f#"$out"/}:"
			sed 's/^/KERNEL:   /' "$out/.bad"
			bad=1
		fi
		if tr -d '\r' <"$f" | grep -a 'LAB-BIND-BAD' >"$out/.bad"; then
			echo "BINDING: ${f#"$out"/}:"
			sed 's/^/BINDING:   /' "$out/.bad"
			bad=1
		fi
	done < <(consoles "$out")
	# Every guest started (an xl config) left its console.
	for cfg in "$out"/*/*.cfg; do
		[ -e "$cfg" ] || continue
		dir=${cfg%/*}
		[ -f "$dir/console.log" ] ||
			[ -f "$out/consoles/guest-$(basename "$cfg" .cfg).log" ] ||
			{ echo "CONSOLE: no console log of ${cfg#"$out"/}"; bad=1; }
	done
	rm -f "$out/.bad"
	return "$bad"
}

# skip_ok FILE OUT: the test skipped for a lab limitation (OUT/skip, from
# lib.sh's skip) that the scenario declares in "# lab: skips=A,B".
skip_ok() {
	local key allowed
	key=$(cat "$2/skip" 2>/dev/null)
	allowed=$(header "$1" skips "")
	[ -n "$key" ] && [[ ",$allowed," == *",$key,"* ]] && return 0
	echo "SKIP not allowed: the scenario declares no lab limitation" \
		"'${key:-?}' (# lab: skips=${allowed:-nothing})"
	return 1
}

# run_test NAME FILE FE BE: one scenario in one mode.
run_test() {
	local test=$1 file=$2 out limit rc verdict t0
	out=$RES/${test//\//_}
	mkdir -p "$out"
	limit=$(header "$file" timeout 300)
	say "LAB-STEP $(date +%T) start $test (timeout ${limit}s)"
	echo "LAB-TEST-START $test" >/dev/kmsg
	t0=$(date +%s)
	LAB_TEST=$test LAB_OUT=$out LAB_FE=$3 LAB_BE=$4 LAB_DEADLINE=$((t0 + limit)) \
		timeout -k 10 "$limit" bash "$file" >"$out/output.log" 2>&1 </dev/null
	rc=$?
	case $rc in
	0) verdict=PASS ;;
	4) verdict=SKIP
		skip_ok "$file" "$out" >>"$out/output.log" || verdict=FAIL ;;
	124|137) verdict=FAIL; echo "TIMEOUT after ${limit}s" >>"$out/output.log" ;;
	*) verdict=FAIL ;;
	esac
	# Guests the test left: their consoles first, then they go.
	cleanup_after "$out"
	kernel_check "$test" "$out" >>"$out/output.log" || verdict=FAIL
	echo "$rc $(( $(date +%s) - t0 ))" >"$out/rc"
	# The test's own output goes on the console too, so that a dom0 that
	# dies later still leaves it in the serial log.
	sed 's/^/  | /' "$out/output.log" >/dev/console
	say "LAB-RESULT $verdict $test ($(( $(date +%s) - t0 ))s)"
	echo "$verdict $test" >>"$RES/summary"
	save
}

# run_scenario NAME: scenarios marked "# lab: modes=4" run once per
# {intree,xsplit} frontend x {intree,xsplit} backend pair ($LAB/modes, one
# "fe/be" a line, may ask for fewer); those marked "# lab: modes=be" once
# per backend named there, with no frontend of ours (LAB_FE=none: the
# scenario brings its own, e.g. a hostile one); "# lab: modes=fe" once per
# frontend named there, with no backend of ours (LAB_BE=none: the scenario
# brings its own, e.g. a hostile one).
run_scenario() {
	local name=$1 file=$LAB/scenarios/$1.sh fe be
	if [ ! -f "$file" ]; then
		say "LAB-RESULT FAIL $name (no such scenario)"
		echo "FAIL $name" >>"$RES/summary"
		return
	fi
	case $(header "$file" modes 1) in
	4)
		while IFS=/ read -r fe be; do
			run_test "$name:$fe-fe/$be-be" "$file" "$fe" "$be"
		done <"$LAB/modes"
		;;
	be)
		while read -r be; do
			run_test "$name:$be-be" "$file" none "$be"
		done < <(sed 's|.*/||' "$LAB/modes" | awk '!seen[$0]++')
		;;
	fe)
		while read -r fe; do
			run_test "$name:$fe-fe" "$file" "$fe" none
		done < <(sed 's|/.*||' "$LAB/modes" | awk '!seen[$0]++')
		;;
	*)
		run_test "$name" "$file" intree intree
		;;
	esac
}

collect_logs() {
	mkdir -p "$RES/dom0"
	dmesg >"$RES/dom0/dmesg.txt" 2>&1
	xl dmesg >"$RES/dom0/xl-dmesg.txt" 2>&1
	xl info >"$RES/dom0/xl-info.txt" 2>&1
	cp -r /var/log/xen "$RES/dom0/var-log-xen" 2>/dev/null
	journalctl -b --no-pager >"$RES/dom0/journal.txt" 2>&1
	lsmod >"$RES/dom0/lsmod.txt"
}

main() {
	local s
	# /run holds the tests, their results and every running guest's
	# ramdisk (~35 MiB each; a driver domain and two guests at once):
	# Debian's initramfs makes it 10% of dom0's memory, too small for that.
	mount -o remount,size=$RUN_SIZE /run ||
		say "LAB-STEP remount of /run failed: guests may not fit in it"
	mkdir -p "$RES"
	# xenconsoled writes guest consoles here, but does not create it.
	mkdir -p /var/log/xen/console
	: >"$RES/summary"
	# The host's LAB_X_* scenario parameters (lab.sh writes them).
	# shellcheck source=/dev/null
	[ -f "$LAB/env" ] && . "$LAB/env"
	say "LAB-STEP $(date +%T) dom0 ready, uptime $(cut -d' ' -f1 /proc/uptime)s"
	cut -d' ' -f1 /proc/uptime >"$RES/dom0-ready-uptime"
	save
	while read -r s; do
		[ -n "$s" ] && run_scenario "$s"
	done <"$LAB/request"
	collect_logs
	save
	say "LAB-DONE"
}

main

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xsplit Xen lab: Xen 4.17 + Debian's 6.1 dom0 and PV guests in QEMU.
#
#   selftests/lab/lab.sh                 the quick suite
#   selftests/lab/lab.sh SCENARIO...     only these (names in scenarios/)
#   selftests/lab/lab.sh --demo          disk and network I/O figures
#   selftests/lab/lab.sh --full          the full suite: every scenario,
#                                        the issues' cycle counts and sizes
#   selftests/lab/lab.sh --list          list the scenarios
#
# One run: build (or take from the cache) the images, build xsplit against
# the lab kernel's headers, pack the tests on a read-only disk, boot, let
# dom0's runner execute the scenarios, read the results disk back, and print
# one line per test and a summary.  Results: results/<timestamp>/.
#
# Environment: LAB_TREE=<commit> builds xsplit from that commit instead of
# the working tree; LAB_ACCEL=kvm|tcg overrides the accelerator choice;
# LAB_MODES="intree/intree xsplit/xsplit" (fe/be) limits the modes;
# LAB_CACHE_ROOT (default /var/cache/xsplit-lab), LAB_RESULTS (folder).
# Every LAB_X_* variable is passed to dom0's scenarios unchanged;
# LAB_X_FULL=1 (set by --full) asks scenarios for their full-size runs, and
# the "# lab: timeout_full=" header then replaces "timeout=".
set -euo pipefail
# shellcheck source=host/common.sh
. "$(dirname "$0")/host/common.sh"
# shellcheck source=host/qemu.sh
. "$LAB_DIR/host/qemu.sh"

QUICK_SUITE="boot blk-fio net-iperf core-load dd-foreign hostile-vbd fault-matrix"
# frontend/backend pairs for "# lab: modes=4" scenarios; "# lab: modes=be"
# ones run once per backend named here
LAB_MODES=${LAB_MODES:-intree/intree xsplit/intree intree/xsplit xsplit/xsplit}
BOOT_TIMEOUT=420	# QEMU start to dom0 runner, with margin (~60 s seen)
# The lab's modules are a test build: fault points compiled in, unarmed.
LAB_MAKE_FLAGS="FAULT_INJECTION=1"

# images: print the cache folder, building it first if needed.
images() {
	local key dir
	key=$(lab_cache_key)
	dir=$LAB_CACHE_ROOT/$key
	if [ ! -f "$dir/rootfs.img" ]; then
		mkdir -p "$LAB_CACHE_ROOT"
		# One builder at a time; a second run waits and takes its result.
		exec 9>"$LAB_CACHE_ROOT/.lock"
		flock 9
		if [ ! -f "$dir/rootfs.img" ]; then
			log "images: building $dir (a few minutes, once)"
			"$LAB_DIR/host/build-images.sh" "$dir" >&2 || true
			[ -f "$dir/rootfs.img" ] || die "image build failed"
		fi
		exec 9>&-
	else
		log "images: cached $dir"
	fi
	echo "$dir"
}

# source_tar: the sources to build, as a tar stream: the working tree
# (tracked and untracked, not ignored) or the commit LAB_TREE names.  The
# lab's own files are left out, so editing a scenario rebuilds no module.
source_tar() {
	if [ "${LAB_TREE:-worktree}" = worktree ]; then
		git -C "$REPO_DIR" ls-files -z --cached --others --exclude-standard \
			-- . ':!selftests/lab' |
			LC_ALL=C sort -z |
			tar -C "$REPO_DIR" --null --ignore-failed-read --mtime=@0 \
				--owner=0 --group=0 -T - -cf - 2>/dev/null
	else
		git -C "$REPO_DIR" archive "$LAB_TREE" -- . ':!selftests/lab'
	fi
}

# build_modules KVER STAGE: build xsplit against exactly the lab kernel and
# put every module built into STAGE/modules.  It builds in a copy of the
# sources, so concurrent builds in the tree are not disturbed, and keeps the
# modules in the cache keyed by the sources' hash: unchanged sources are not
# rebuilt.
build_modules() {
	local kdir=/usr/src/linux-headers-$1 src=$RES/build ko key cache tmp
	[ -d "$kdir" ] || die "no $kdir: the lab kernel is $1; apt-get install linux-headers-$1"
	key=$( (echo "$1 $LAB_MAKE_FLAGS"; source_tar) | sha256sum | cut -c1-16)
	cache=$LAB_CACHE_ROOT/modules/$key
	mkdir -p "$2/modules"
	if [ -d "$cache" ]; then
		log "modules: cached $cache (source: ${LAB_TREE:-worktree})"
		cp "$cache"/*.ko "$2/modules/"
		return
	fi
	mkdir -p "$src"
	source_tar | tar -C "$src" -xf -
	log "modules: make KDIR=$kdir (source: ${LAB_TREE:-worktree})"
	# shellcheck disable=SC2086  # flags, word splitting wanted
	make -C "$src" -j"$(nproc)" KDIR="$kdir" $LAB_MAKE_FLAGS >"$RES/build.log" 2>&1 ||
		{ tail -n 20 "$RES/build.log"; die "module build failed (see $RES/build.log)"; }
	# The product modules, and the test-only hostile peers of
	# selftests/hostile (never installed, but the lab's guests load them).
	while read -r ko; do
		modinfo -F vermagic "$ko" | grep -q "^$1 " ||
			die "$ko is not built for $1"
		cp "$ko" "$2/modules/"
	done < <(find "$src" -name '*.ko' \( -not -path '*/selftests/*' -o \
		-path '*/selftests/hostile/*' \))
	log "modules: $(cd "$2/modules" && echo *.ko)"
	rm -rf "$src"
	# Keep the ten newest builds.
	mkdir -p "$LAB_CACHE_ROOT/modules"
	tmp=$(mktemp -d "$cache.XXXXXX")
	cp "$2"/modules/*.ko "$tmp/"
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"	# lost a race: same files
	find "$LAB_CACHE_ROOT/modules" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +11 | cut -d' ' -f2- | xargs -r rm -rf
}

# stage_deb STAGE: the xsplit-dkms package of the same sources as the
# modules, as STAGE/xsplit-dkms.deb, for the scenarios that install xsplit
# the way users do (deb-install).  A tree from before the package has none.
stage_deb() {
	local src=$RES/debsrc
	rm -rf "$src"
	mkdir -p "$src"
	source_tar | tar -C "$src" -xf -
	if [ -x "$src/scripts/mkdeb.sh" ]; then
		"$src/scripts/mkdeb.sh" "$src/out" >/dev/null ||
			die "scripts/mkdeb.sh failed"
		mv "$src"/out/xsplit-dkms_*.deb "$1/xsplit-dkms.deb"
	fi
	rm -rf "$src"
}

# pack IMAGES STAGE SCENARIOS...: the input disk, a plain tar.
pack() {
	local img=$1 stage=$2 g
	shift 2
	cp -r "$LAB_DIR/dom0" "$LAB_DIR/guest" "$LAB_DIR/scenarios" "$stage/"
	cp "$img/guest-base.cpio.zst" "$stage/"
	# The kernel looks for the next archive after a compressed one only at
	# an aligned offset ("invalid magic at start of compressed archive"
	# otherwise): pad with zeros, which it skips.
	truncate -s $(( ($(stat -c %s "$stage/guest-base.cpio.zst") + 511) / 512 * 512 )) \
		"$stage/guest-base.cpio.zst"
	# This run's part of every guest's initramfs: /init, helpers, modules.
	g=$stage/guest-run
	mkdir -p "$g/lab/modules"
	install -m 755 "$LAB_DIR/guest/init" "$g/init"
	cp "$LAB_DIR/guest/lib.sh" "$g/lab/"
	cp "$stage"/modules/*.ko "$g/lab/modules/" 2>/dev/null || true
	(cd "$g" && find . | cpio -o -H newc --quiet -R 0:0) >"$stage/guest-run.cpio"
	rm -rf "$g"
	printf '%s\n' "$@" >"$stage/request"
	# Scenario parameters: LAB_X_* from the host, as shell assignments.
	local v
	: >"$stage/env"
	for v in $(compgen -v LAB_X_); do
		printf 'export %s=%q\n' "$v" "${!v}" >>"$stage/env"
	done
	# shellcheck disable=SC2086  # one mode a line
	printf '%s\n' $LAB_MODES >"$stage/modes"
	tar -C "$stage" -cf "$RES/in.tar" .
}

# header SCENARIO KEY DEFAULT: read "# lab: KEY=VALUE" from a scenario.
# In a full run (LAB_X_FULL=1), KEY_full wins over KEY where it is given.
header() {
	local f=$LAB_DIR/scenarios/$1.sh v=""
	[ "${LAB_X_FULL:-0}" = 1 ] && v=$(header_value "$f" "$2_full")
	[ -n "$v" ] || v=$(header_value "$f" "$2")
	echo "${v:-$3}"
}

# header_value FILE KEY: the value of one "# lab:" key, or nothing.
header_value() {
	sed -n "/^# lab:/s/.*[: ]$2=\\([^ ]*\\).*/\\1/p" "$1" 2>/dev/null | head -n1
}

# backends: the backends of LAB_MODES, each once, in their first order.
backends() {
	# shellcheck disable=SC2086  # one mode a word
	printf '%s\n' $LAB_MODES | sed 's|.*/||' | awk '!seen[$0]++'
}

# tests SCENARIO...: the test names the runner will report, one a line.
tests() {
	local s m
	for s in "$@"; do
		case $(header "$s" modes 1) in
		4) for m in $LAB_MODES; do
			echo "$s:${m%/*}-fe/${m#*/}-be"
		done ;;
		be) backends | sed "s|.*|$s:&-be|" ;;
		*) echo "$s" ;;
		esac
	done
}

# run_lab DEADLINE: boot and follow the serial console until dom0 says
# LAB-DONE, QEMU exits or the deadline passes; QEMU is killed in any case.
run_lab() {
	local img=$1 deadline=$2 seen=0 t0 done_at=""
	truncate -s 256M "$RES/out.img"
	: >"$RES/console.log"
	qemu_start "$img" "$RES/in.tar" "$RES/out.img"
	# After qemu_start: waiting for another run's QEMU is not ours to time.
	t0=$(date +%s)
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		sleep 2
		# Echo the runner's progress lines as they appear.
		tr -d '\r' <"$RES/console.log" | sed -n "$((seen + 1)),\$p" >"$RES/.new"
		seen=$((seen + $(wc -l <"$RES/.new")))
		grep -a '^LAB-\(STEP\|RESULT\)' "$RES/.new" | sed 's/^/  /' >&2 || true
		if [ -z "$done_at" ] && grep -aq '^LAB-DONE' "$RES/.new"; then
			done_at=$(date +%s)
		fi
		# dom0 powers off after LAB-DONE; give it 30 s, then pull the plug.
		[ -n "$done_at" ] && [ $(( $(date +%s) - done_at )) -gt 30 ] && break
		if [ $(( $(date +%s) - t0 )) -gt "$deadline" ]; then
			log "global timeout (${deadline}s): killing QEMU"
			echo "global timeout" >"$RES/timeout"
			break
		fi
	done
	qemu_stop
	rm -f "$RES/.new"
	log "QEMU ran $(( $(date +%s) - t0 ))s"
}

# report TEST...: one line per test, failures with their log, the summary.
report() {
	local t v pass=0 fail=0 skip=0 f
	tar -xf "$RES/out.img" -C "$RES" 2>/dev/null || true
	rm -f "$RES/out.img"
	echo
	for t in "$@"; do
		v=$(awk -v t="$t" '$2 == t { print $1 }' "$RES/summary" 2>/dev/null | tail -n1)
		[ -n "$v" ] || v=$(tr -d '\r' <"$RES/console.log" |
			awk -v t="$t" '$1 == "LAB-RESULT" && $3 == t { print $2 }' | tail -n1)
		case $v in
		PASS) pass=$((pass + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*) fail=$((fail + 1)) ;;
		esac
		echo "${v:-FAIL} $t"
		[ "$v" = PASS ] || [ "$v" = SKIP ] || report_failure "$t" "$v"
	done
	for f in "$RES"/*/table.txt; do
		[ -f "$f" ] && { echo; cat "$f"; }
	done
	echo
	echo "results: $RES"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
}

report_failure() {
	local dir=$RES/${1//\//_}
	if [ -z "$2" ]; then
		echo "  no result: dom0 hung, died or timed out; console: $RES/console.log"
		tr -d '\r' <"$RES/console.log" | tail -n 25 | sed 's/^/  # /'
		tail -n 5 "$RES/qemu.log" | sed 's/^/  # qemu: /'
	else
		echo "  log: $dir/output.log"
		tail -n 25 "$dir/output.log" 2>/dev/null | sed 's/^/  # /'
	fi
}

main() {
	local img kver scenarios deadline s t0 n
	t0=$(date +%s)
	case ${1:-} in
	--list) basename -s .sh "$LAB_DIR"/scenarios/*.sh; exit 0 ;;
	--demo) scenarios="demo" ;;
	--full) scenarios=$(basename -s .sh "$LAB_DIR"/scenarios/*.sh | grep -vx demo)
		export LAB_X_FULL=1 ;;
	"") scenarios=$QUICK_SUITE ;;
	*) scenarios="$*" ;;
	esac
	for s in $scenarios; do
		[ -f "$LAB_DIR/scenarios/$s.sh" ] || die "no scenario '$s' (try --list)"
	done
	for s in qemu-system-x86_64 debootstrap cpio zstd mkfs.ext4; do
		command -v "$s" >/dev/null || die "$s missing: run 'make deps'"
	done
	RES=${LAB_RESULTS:-$REPO_DIR/results/$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$RES"
	log "results: $RES"
	trap qemu_stop EXIT
	trap 'exit 130' INT TERM
	img=$(images) || exit 1
	kver=$(cat "$img/kver")
	rm -rf "$RES/stage"
	mkdir -p "$RES/stage"
	build_modules "$kver" "$RES/stage"
	stage_deb "$RES/stage"
	# shellcheck disable=SC2086  # word splitting wanted
	pack "$img" "$RES/stage" $scenarios
	rm -rf "$RES/stage"
	choose_accel
	deadline=$BOOT_TIMEOUT
	for s in $scenarios; do
		case $(header "$s" modes 1) in
		4) n=$(echo "$LAB_MODES" | wc -w) ;;
		be) n=$(backends | wc -l) ;;
		*) n=1 ;;
		esac
		deadline=$((deadline + ($(header "$s" timeout 300) + 30) * n))
	done
	log "booting Xen (deadline ${deadline}s)"
	run_lab "$img" "$deadline"
	rm -f "$RES/in.tar"
	log "wall time $(( $(date +%s) - t0 ))s"
	# shellcheck disable=SC2046,SC2086  # word splitting wanted
	report $(tests $scenarios)
}

# On one line: bash reads scripts lazily, and others may run this file while
# it is being replaced.
main "$@"; exit

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xsplit Xen lab: Xen 4.17 + Debian's 6.1 dom0 and PV guests in QEMU.
#
#   selftests/lab/lab.sh                 the quick suite
#   selftests/lab/lab.sh SCENARIO...     only these (names in scenarios/)
#   selftests/lab/lab.sh --demo          disk and network I/O figures
#   selftests/lab/lab.sh --full          the full suite: every scenario but
#                                        demo and bench (make bench), at the
#                                        issues' cycle counts and sizes
#   selftests/lab/lab.sh --kernels       blk-fio and net-iperf with other
#                                        kernels (KERNEL_CONFIGS below)
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
# LAB_GUEST_KERNEL=SUITE boots the guests with that Debian suite's kernel,
# LAB_DOM0_KERNEL=SUITE dom0 (host/kernels.sh; the suites of `make kernels`).
# Every LAB_X_* variable is passed to dom0's scenarios unchanged;
# LAB_X_FULL=1 (set by --full) asks scenarios for their full-size runs, and
# the "# lab: timeout_full=" header then replaces "timeout=".
set -euo pipefail
# shellcheck source=host/common.sh
. "$(dirname "$0")/host/common.sh"
# shellcheck source=host/qemu.sh
. "$LAB_DIR/host/qemu.sh"
# shellcheck source=host/kernels.sh
. "$LAB_DIR/host/kernels.sh"
# header: the scenarios' "# lab:" lines, parsed as dom0's runner does
# shellcheck source=dom0/lib/header.sh
. "$LAB_DIR/dom0/lib/header.sh"

QUICK_SUITE="boot blk-fio net-iperf net-xdp blk-peers core-load dd-foreign hostile-vbd blk-late hostile-vif fault-matrix"
# frontend/backend pairs for "# lab: modes=4" scenarios; "# lab: modes=be"
# ones run once per backend named here, "# lab: modes=fe" ones once per
# frontend
LAB_MODES=${LAB_MODES:-intree/intree xsplit/intree intree/xsplit xsplit/xsplit}
# --kernels: one lab run per line, "NAME VARIABLES...", each running
# KERNEL_SCENARIOS: xsplit's frontends in guests on trixie's and sid's
# kernels (on both backends, in a 6.1 dom0), and xsplit's backends in a
# dom0 on bookworm-backports' 6.12 (both frontends, in 6.1 guests).
KERNEL_SCENARIOS="blk-fio net-iperf"
KERNEL_CONFIGS="guest-trixie LAB_GUEST_KERNEL=trixie LAB_MODES=xsplit/xsplit,xsplit/intree
guest-sid LAB_GUEST_KERNEL=sid LAB_MODES=xsplit/xsplit,xsplit/intree
dom0-bookworm-backports LAB_DOM0_KERNEL=bookworm-backports LAB_MODES=xsplit/xsplit,intree/xsplit"
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

# build_modules KVER DEST [CHROOT]: build xsplit against exactly the lab
# kernel KVER and put every module built into DEST.  It builds in a copy of
# the sources, so concurrent builds in the tree are not disturbed, and keeps
# the modules in the cache keyed by the sources' hash: unchanged sources are
# not rebuilt.  With CHROOT (a `make kernels` chroot), with its headers and
# compiler, else with the host's.
build_modules() {
	local kdir=/usr/src/linux-headers-$1 src=$RES/build ko key cache tmp
	[ -z "${3:-}" ] || src=$3/build/lab-$$
	[ -d "${3:-}$kdir" ] || die "no ${3:-}$kdir: the lab kernel is $1; apt-get install linux-headers-$1"
	# the key covers this function too: it decides which modules go in
	key=$( (echo "$1 $LAB_MAKE_FLAGS"; declare -f build_modules; source_tar) |
		sha256sum | cut -c1-16)
	cache=$LAB_CACHE_ROOT/modules/$key
	mkdir -p "$2"
	if [ -d "$cache" ]; then
		log "modules: cached $cache (source: ${LAB_TREE:-worktree})"
		cp "$cache"/*.ko "$2/"
		return
	fi
	rm -rf "$src"
	mkdir -p "$src"
	source_tar | tar -C "$src" -xf -
	log "modules: make KDIR=$kdir ${3:+in $3 }(source: ${LAB_TREE:-worktree})"
	if [ -n "${3:-}" ]; then
		with_kernels_lock chroot_make "$3" "${src#"$3"}" "$kdir" >"$RES/build-$1.log" 2>&1 ||
			{ tail -n 20 "$RES/build-$1.log"; die "module build failed (see $RES/build-$1.log)"; }
	else
		# shellcheck disable=SC2086  # flags, word splitting wanted
		make -C "$src" -j"$(nproc)" KDIR="$kdir" $LAB_MAKE_FLAGS >"$RES/build.log" 2>&1 ||
			{ tail -n 20 "$RES/build.log"; die "module build failed (see $RES/build.log)"; }
	fi
	# The product modules, and the test-only modules of selftests/hostile
	# and selftests/calib (never installed, but the lab loads them).
	while read -r ko; do
		modinfo -F vermagic "$ko" | grep -q "^$1 " ||
			die "$ko is not built for $1"
		cp "$ko" "$2/"
	done < <(find "$src" -name '*.ko' \( -not -path '*/selftests/*' -o \
		-path '*/selftests/hostile/*' -o -path '*/selftests/calib/*' \))
	log "modules: $(cd "$2" && echo *.ko)"
	rm -rf "$src"
	# Keep the ten newest builds.
	mkdir -p "$LAB_CACHE_ROOT/modules"
	tmp=$(mktemp -d "$cache.XXXXXX")
	cp "$2"/*.ko "$tmp/"
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

# pack IMAGES STAGE SCENARIOS...: the input disk, a plain tar.  IMAGES is
# the image the guests' base initramfs comes from; STAGE/modules holds
# dom0's modules, STAGE/guest-modules (if any) the guests', and
# STAGE/guest-vmlinuz and STAGE/guest-tree (if any) the guests' kernel and
# its in-tree modules (host/kernels.sh).
pack() {
	local img=$1 stage=$2 g gm=$2/modules
	shift 2
	[ -d "$stage/guest-modules" ] && gm=$stage/guest-modules
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
	cp "$gm"/*.ko "$g/lab/modules/" 2>/dev/null || true
	# Small tools the guests' busybox lacks (guest/tools/*.c), static.
	mkdir -p "$g/lab/bin"
	for c in "$LAB_DIR"/guest/tools/*.c; do
		[ -e "$c" ] || continue
		gcc -static -O2 -Wall -Wextra -Werror -o "$g/lab/bin/$(basename "$c" .c)" "$c" ||
			die "guest tool ${c##*/} does not build"
	done
	# Another kernel's in-tree modules, under /lib/modules/KVER (guest/init).
	[ ! -d "$stage/guest-tree" ] || cp -r "$stage/guest-tree/." "$g/"
	(cd "$g" && find . | cpio -o -H newc --quiet -R 0:0) >"$stage/guest-run.cpio"
	rm -rf "$g" "$stage/guest-modules" "$stage/guest-tree"
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

# backends: the backends of LAB_MODES, each once, in their first order.
backends() {
	# shellcheck disable=SC2086  # one mode a word
	printf '%s\n' $LAB_MODES | sed 's|.*/||' | awk '!seen[$0]++'
}

# frontends: the frontends of LAB_MODES, each once, in their first order.
frontends() {
	# shellcheck disable=SC2086  # one mode a word
	printf '%s\n' $LAB_MODES | sed 's|/.*||' | awk '!seen[$0]++'
}

# tests SCENARIO...: the test names the runner will report, one a line.
tests() {
	local s m
	for s in "$@"; do
		case $(header "$LAB_DIR/scenarios/$s.sh" modes 1) in
		4) for m in $LAB_MODES; do
			echo "$s:${m%/*}-fe/${m#*/}-be"
		done ;;
		be) backends | sed "s|.*|$s:&-be|" ;;
		fe) frontends | sed "s|.*|$s:&-fe|" ;;
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

# stage_guest_kernel IMAGES DOM0_IMAGES STAGE: the guests' kernel, when it
# is not dom0's: LAB_GUEST_KERNEL's pack, or (dom0 on LAB_DOM0_KERNEL) the
# default image's; with xsplit's modules built for it (see pack).
stage_guest_kernel() {
	local kpack chroot gkver
	if [ -n "${LAB_GUEST_KERNEL:-}" ]; then
		kpack=$(guest_kernel_pack "$LAB_GUEST_KERNEL") || exit 1
		chroot=$(kernels_chroot "$LAB_GUEST_KERNEL") || exit 1
		gkver=$(cat "$kpack/kver")
		build_modules "$gkver" "$3/guest-modules" "$chroot"
		cp "$kpack/vmlinuz" "$3/guest-vmlinuz"
		cp -r "$kpack/tree" "$3/guest-tree"
	elif [ "$1" != "$2" ]; then
		gkver=$(cat "$1/kver")
		build_modules "$gkver" "$3/guest-modules"
		cp "$1/vmlinuz" "$3/guest-vmlinuz"
	else
		gkver=$(cat "$1/kver")
	fi
	log "kernels: dom0 $(cat "$2/kver"), guests $gkver"
	echo "$gkver" >"$3/guest-kver"
	printf 'dom0 %s\nguest %s\n' "$(cat "$2/kver")" "$gkver" >"$RES/kernels"
}

# run_kernels: --kernels, one lab run per KERNEL_CONFIGS line (only those
# LAB_KERNEL_CONFIGS names, if set), each in its own results folder under
# one top folder; then one table of every test's verdict and time.
run_kernels() {
	local top name vars v rc=0 t0
	top=${LAB_RESULTS:-$REPO_DIR/results/kernels-lab-$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$top"
	while read -r name vars; do
		[ -z "${LAB_KERNEL_CONFIGS:-}" ] ||
			[[ " $LAB_KERNEL_CONFIGS " == *" $name "* ]] || continue
		log "kernels: $name: $vars"
		t0=$(date +%s)
		# shellcheck disable=SC2086  # word splitting wanted
		(
			for v in $vars; do
				v=${v//,/ }
				export "${v%%=*}=${v#*=}"
			done
			LAB_RESULTS=$top/$name exec "$LAB_DIR/lab.sh" $KERNEL_SCENARIOS
		) 2>&1 | tee "$top/$name.log" || rc=1
		# the run's time without its wait for the lab: QEMU's
		awk -v n="$name" -v t=$(( $(date +%s) - t0 )) -v k="$(paste -sd' ' "$top/$name/kernels" 2>/dev/null)" \
			'/QEMU ran/ { q = $NF }
			/^(PASS|FAIL|SKIP) / { printf "%-24s %-32s %-5s %s (QEMU %s, wall %ds)\n", n, $2, $1, k, q, t }' \
			"$top/$name.log" >>"$top/table.txt"
	done <<<"$KERNEL_CONFIGS"
	echo
	cat "$top/table.txt"
	echo "results: $top"
	return "$rc"
}

main() {
	local img dom0img kver scenarios deadline s t0 n chroot=""
	t0=$(date +%s)
	case ${1:-} in
	--list) basename -s .sh "$LAB_DIR"/scenarios/*.sh; exit 0 ;;
	--kernels) run_kernels; exit ;;
	--demo) scenarios="demo" ;;
	--full) scenarios=$(basename -s .sh "$LAB_DIR"/scenarios/*.sh | grep -vxE "demo|bench")
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
	dom0img=$img
	if [ -n "${LAB_DOM0_KERNEL:-}" ]; then
		dom0img=$(dom0_kernel_image "$LAB_DOM0_KERNEL") || exit 1
		chroot=$(kernels_chroot "$LAB_DOM0_KERNEL") || exit 1
	fi
	kver=$(cat "$dom0img/kver")
	rm -rf "$RES/stage"
	mkdir -p "$RES/stage"
	build_modules "$kver" "$RES/stage/modules" "$chroot"
	stage_guest_kernel "$img" "$dom0img" "$RES/stage"
	stage_deb "$RES/stage"
	# shellcheck disable=SC2086  # word splitting wanted
	pack "$img" "$RES/stage" $scenarios
	rm -rf "$RES/stage"
	choose_accel
	deadline=$BOOT_TIMEOUT
	for s in $scenarios; do
		case $(header "$LAB_DIR/scenarios/$s.sh" modes 1) in
		4) n=$(echo "$LAB_MODES" | wc -w) ;;
		be) n=$(backends | wc -l) ;;
		fe) n=$(frontends | wc -l) ;;
		*) n=1 ;;
		esac
		deadline=$((deadline + ($(header "$LAB_DIR/scenarios/$s.sh" timeout 300) + 30) * n))
	done
	log "booting Xen (deadline ${deadline}s)"
	run_lab "$dom0img" "$deadline"
	rm -f "$RES/in.tar"
	log "wall time $(( $(date +%s) - t0 ))s"
	# shellcheck disable=SC2046,SC2086  # word splitting wanted
	report $(tests $scenarios)
}

# On one line: bash reads scripts lazily, and others may run this file while
# it is being replaced.
main "$@"; exit

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the scenarios, sourced by every scenario script in dom0.
# The runner sets:
#   LAB       the unpacked input tarball (/run/lab)
#   LAB_OUT   this test's result folder (everything in it is kept)
#   LAB_FE, LAB_BE  intree|xsplit: the frontend/backend pair under test
#
# Every helper bounds its own wait; a scenario exits 0 (pass), 1 (fail) or
# 4 (skip, kselftest's KSFT_SKIP).  A skip names the lab limitation that
# forces it (skip KEY MESSAGE); the runner counts it as a skip only if the
# scenario declares that KEY in a "# lab: skips=KEY[,KEY...]" header line,
# and as a failure otherwise: a test that cannot run is not a pass.
#
# Pipelines fail if any of their commands does (guest/lib.sh, sourced
# below, sets pipefail for dom0 too).

KSFT_SKIP=4
LAB_FE=${LAB_FE:-intree}
LAB_BE=${LAB_BE:-intree}
KVER=$(uname -r)
# The guests' kernel: dom0's own, or the one lab.sh packed (LAB_GUEST_KERNEL,
# or the default image's when dom0 runs another: host/kernels.sh).
GUEST_KERNEL=/boot/vmlinuz-$KVER
[ ! -f "$LAB/guest-vmlinuz" ] || GUEST_KERNEL=$LAB/guest-vmlinuz
CONSOLE_DIR=/var/log/xen/console

# step: progress, in the test's log and live on the console (the host
# echoes LAB-STEP lines as they come).
step() { echo "LAB-STEP $(date +%T) $*" | tee /dev/console; }
fail() { echo "FAIL: $*"; exit 1; }
# skip KEY MESSAGE...: see above; KEY is one word, the limitation's name.
skip() {
	echo "$1" >"$LAB_OUT/skip"
	shift
	echo "SKIP: $*"
	exit "$KSFT_SKIP"
}

# now_ms: wall clock in milliseconds, for the timings we report.
now_ms() { date +%s%3N; }

# have_xsplit KIND: is there an xsplit module for KIND (blkback, netfront...)?
have_xsplit() { compgen -G "$LAB/modules/*$1*.ko" >/dev/null; }

# require_mode KIND...: fail unless every xsplit driver the current mode
# needs was built (all of them are: a missing one is a broken build, not
# a reason to skip).  KIND is blk or net.
require_mode() {
	local k
	for k in "$@"; do
		[ "$LAB_BE" = intree ] || have_xsplit "${k}back" ||
			fail "no xsplit ${k}back module was built"
		[ "$LAB_FE" = intree ] || have_xsplit "${k}front" ||
			fail "no xsplit ${k}front module was built"
	done
}

# loaded NAME: the module is in dom0's kernel.
loaded() { [ -d "/sys/module/$1" ]; }

# unload NAME...: remove these modules if loaded.  A guest that has just
# gone can hold its backend's module for a few seconds, so retry for a
# while; fail (naming them) if any stays.
unload() {
	local i m left
	for i in $(seq 30); do
		left=
		for m in "$@"; do
			loaded "$m" || continue
			rmmod "$m" 2>/dev/null || left="$left $m"
		done
		[ -z "$left" ] && return 0
		sleep 1
	done
	echo "still loaded:$left"
	return 1
}

# use_backends: bind vbd/vif in dom0 to the mode's backends, whatever an
# earlier scenario of the run left loaded.  The other kind must be gone
# first: whichever driver is registered for a device type takes its
# devices, so a leftover would silently serve the guest.  An "install ...
# /bin/false" line, unlike "blacklist", also stops the xenbus-triggered
# autoload of the in-tree driver.  DOM0_BE remembers the choice:
# guest_start checks every backend device in dom0 against it.
# LAB_BE=none (modes=fe) keeps every backend away: the scenario loads its
# own and sets DOM0_BE to match it.
use_backends() {
	local conf=/etc/modprobe.d/lab-no-intree-backends.conf m
	DOM0_BE=$LAB_BE
	if [ "$LAB_BE" = none ]; then
		# the scenario brings its own backend (modes=fe)
		printf 'install xen_blkback /bin/false\ninstall xen_netback /bin/false\n' >"$conf"
		unload xen_blkback xen_netback xsplit_blkback xsplit_netback ||
			fail "backends stay"
	elif [ "$LAB_BE" = xsplit ]; then
		printf 'install xen_blkback /bin/false\ninstall xen_netback /bin/false\n' >"$conf"
		unload xen_blkback xen_netback || fail "in-tree backends stay"
		loaded xsplit_core || insmod "$LAB/modules/xsplit_core.ko" ||
			fail "insmod xsplit_core"
		for m in "$LAB"/modules/*back*.ko; do
			loaded "$(basename "$m" .ko)" || insmod "$m" ||
				fail "insmod $m"
		done
		tx_zerocopy "${LAB_X_TX_ZEROCOPY:-0}"
	else
		rm -f "$conf"
		unload xsplit_blkback xsplit_netback || fail "xsplit backends stay"
		for m in xen-blkback xen-netback; do
			modprobe "$m" || fail "modprobe $m"
		done
	fi
}

# tx_zerocopy 0|1: xsplit_netback copies (0, its default) or grant-maps (1)
# guest transmit on the vifs connected from now on.  LAB_X_TX_ZEROCOPY=1
# has use_backends turn it on for a whole run.
# A tree from before the parameter (LAB_TREE) copies anyway: 0 is a no-op.
tx_zerocopy() {
	local p=/sys/module/xsplit_netback/parameters/tx_zerocopy
	[ -e "$p" ] || [ "$1" = 1 ] || return 0
	echo "$1" >"$p" || fail "xsplit_netback: tx_zerocopy=$1"
	echo "dom0: xsplit_netback tx_zerocopy=$1"
}

# set_params SETTINGS: write each module.param=value of SETTINGS (comma
# separated) to /sys/module; print the settings that undo it.  bench's
# backend variants and LAB_X_BLK_FIO_SET use it.
set_params() {
	local kv m p f old undo=
	for kv in ${1//,/ }; do
		m=${kv%%.*} p=${kv#*.}
		f=/sys/module/$m/parameters/${p%%=*}
		old=$(cat "$f") || fail "set $kv: no $f"
		echo "${p#*=}" >"$f" || fail "set $kv: cannot write $f"
		undo="$undo${undo:+,}$m.${p%%=*}=$old"
	done
	echo "$undo"
}

# linux_bridge: xenbr0, 10.0.0.1/24 (guests take .2); idempotent.
linux_bridge() {
	ip link show xenbr0 >/dev/null 2>&1 && return 0
	ip link add xenbr0 type bridge || fail "create xenbr0"
	ip addr add 10.0.0.1/24 dev xenbr0
	ip link set xenbr0 up
}

# ovs_bridge: Open vSwitch ovsbr0, 10.0.1.1/24; idempotent.  ovs-vswitchd
# may still be starting on a loaded host: give it two minutes.
ovs_bridge() {
	timeout 130 ovs-vsctl --timeout=120 --may-exist add-br ovsbr0 || fail "create ovsbr0"
	ip addr show dev ovsbr0 | grep -q 10.0.1.1 || ip addr add 10.0.1.1/24 dev ovsbr0
	ip link set ovsbr0 up
}

# bridges: both of the above.
bridges() {
	linux_bridge
	ovs_bridge
}

# guest_start NAME JOB [xl cfg lines...]: start PV guest NAME running the
# job script JOB (a file, run by the guest's busybox sh).  Extra arguments
# are xl config lines, e.g. "disk = ['phy:/dev/nullb0,xvdb,w']".
# GUEST_VCPUS (default 1) and GUEST_MEMORY (MiB, default 512) size it:
# two vCPUs give the frontends two queues to negotiate.  GUEST_CPIO names
# an extra cpio archive to put in its initramfs (a driver domain's tools);
# LAB_GUEST_TMP a folder for the ramdisk other than /run (a tmpfs of a
# few hundred MiB) when that archive is big; GUEST_CMDLINE more words for
# the guest kernel's command line.  GUEST_TYPE (default LAB_X_GUEST_TYPE,
# else pv) is xl's type: pv, or pvh (the same kernel and initramfs, booted
# directly in an HVM container: needs HAP, which Xen finds in QEMU's SVM
# under TCG); guest_wait fails a guest that reports another type.
# GUEST_PVGRUB=IMAGE boots a PV guest through GRUB instead (pvgrub_disk):
# the config must give IMAGE to the guest as its first disk (xvda).
guest_start() {
	local name=$1 job=$2 dir=$LAB_OUT/$1 tmp=${LAB_GUEST_TMP:-/run/lab-guests}/$1 t0 extra
	shift 2
	mkdir -p "$dir" "$tmp/job/lab"
	cp "$job" "$tmp/job/lab/job.sh"
	# The ramdisk: cached base + this run's /init and modules + the job.
	# Kept out of LAB_OUT: it is big and the results disk is not.
	(cd "$tmp/job" && find . | cpio -o -H newc --quiet -R 0:0) >"$tmp/job.cpio"
	cat "$LAB/guest-base.cpio.zst" "$LAB/guest-run.cpio" ${GUEST_CPIO:+"$GUEST_CPIO"} \
		"$tmp/job.cpio" >"$tmp/initrd"
	# loglevel=5: warnings (KERN_WARNING) and worse reach hvc0, whose log
	# the runner searches for kernel warnings after the test.
	extra="console=hvc0 loglevel=5 lab.fe=$LAB_FE lab.id=$name-$$"
	[ "$LAB_FE" = intree ] || extra="$extra module_blacklist=xen_blkfront,xen_netfront"
	extra="$extra${GUEST_CMDLINE:+ $GUEST_CMDLINE}"
	[ -z "${GUEST_PVGRUB:-}" ] ||
		pvgrub_disk "$GUEST_PVGRUB" "$tmp/initrd" "$extra" "$tmp/pvgrub"
	{
		echo "name = '$name'"
		echo "type = '$(guest_type)'"
		# A PVH (HVM) guest runs under SVM, which QEMU's TCG emulates
		# with a flaw: RDTSCP exits as an RDTSC intercept, with no
		# next-RIP.  Xen decodes the instruction, finds it is not RDTSC
		# ("Insn mismatch ... SVM Insn len emulation failed") and
		# crashes the guest at its first RDTSCP (~12 s into its boot).
		# Xen intercepts neither when the TSC is not emulated.
		[ "$(guest_type)" = pv ] || echo "tsc_mode = 'native'"
		if [ -n "${GUEST_PVGRUB:-}" ]; then
			echo "kernel = '$PVGRUB_BIN'"
		else
			echo "kernel = '$GUEST_KERNEL'"
			echo "ramdisk = '$tmp/initrd'"
			echo "extra = '$extra'"
		fi
		echo "memory = ${GUEST_MEMORY:-512}"
		echo "vcpus = ${GUEST_VCPUS:-1}"
		# A crashed guest must vanish, so guest_wait sees it at once;
		# so must one that reboots (an HVM container's triple fault is
		# a reboot): restarted, it would run its job again from the
		# start and could pass where the first boot died.
		echo "on_crash = 'destroy'"
		echo "on_reboot = 'destroy'"
		printf '%s\n' "$@"
	} >"$dir/$name.cfg"
	echo "$name-$$" >"$dir/id"
	guest_type >"$dir/type"
	rm -f "$CONSOLE_DIR/guest-$name.log"
	t0=$(now_ms)
	# On a loaded TCG host the vif hotplug scripts can outlast libxl's
	# fixed 40 s limit: xl create then fails before the guest runs at
	# all, which says nothing about the drivers.  One more try, logged.
	if ! timeout -k 5 120 xl create "$dir/$name.cfg" >"$dir/xl-create.log" 2>&1; then
		grep -q 'because of timeout' "$dir/xl-create.log" ||
			{ cat "$dir/xl-create.log"; fail "xl create $name"; }
		step "xl create $name: hotplug script timeout, one more try"
		cat "$dir/xl-create.log"
		timeout 30 xl destroy "$name" >/dev/null 2>&1
		sleep 2
		t0=$(now_ms)
		timeout -k 5 120 xl create "$dir/$name.cfg" >"$dir/xl-create.log" 2>&1 ||
			{ cat "$dir/xl-create.log"; fail "xl create $name"; }
	fi
	if svm_early_fault "$name"; then
		step "$name: triple fault in early boot under QEMU's emulated SVM (not a driver: none has run), one more try"
		# on_crash's destroy may still hold the name a while
		timeout 30 xl destroy "$name" >/dev/null 2>&1
		for _ in $(seq 15); do
			xl list 2>/dev/null | awk -v n="$name" '$1 == n { f = 1 } END { exit !f }' || break
			sleep 1
		done
		t0=$(now_ms)
		timeout -k 5 120 xl create "$dir/$name.cfg" >"$dir/xl-create.log" 2>&1 ||
			{ cat "$dir/xl-create.log"; fail "xl create $name"; }
	fi
	echo "$t0 $(now_ms)" >"$dir/t-create"
	step "$name created in $(( $(now_ms) - t0 )) ms"
	backends_bound "$name"
}

# QEMU's TCG emulation of SVM now and then hands a PVH guest a state with
# Xen's own RIP a few seconds into its boot, before any of its drivers
# ran: Xen logs "dNv0 Triple fault" with a hypervisor address as the
# guest's RIP, and on_crash destroys it.
SVM_FAULT_WAIT_S=15
# svm_early_fault NAME: true if the HVM-container guest NAME just died so
# (watched for SVM_FAULT_WAIT_S); false at once for a PV guest.
svm_early_fault() {
	local domid
	[ "$(guest_type)" != pv ] || return 1
	domid=$(xl domid "$1" 2>/dev/null) || return 1
	for _ in $(seq "$SVM_FAULT_WAIT_S"); do
		xl domid "$1" >/dev/null 2>&1 || break
		sleep 1
	done
	! xl domid "$1" >/dev/null 2>&1 &&
		xl dmesg | grep -q "d${domid}v[0-9]* Triple fault"
}

# Debian's pvgrub2 (grub-xen-host): GRUB built to run as a PV guest, with
# block and console drivers of its own.  It looks for /boot/grub/grub.cfg
# on the guest's disks and boots what that names.
PVGRUB_BIN=/usr/lib/grub-xen/grub-x86_64-xen.bin

# pvgrub_disk IMAGE RAMDISK CMDLINE STAGING: an ext2 image holding the
# guest kernel, RAMDISK and a grub.cfg that boots them with CMDLINE, for
# GRUB to read through whatever block backend serves IMAGE.
pvgrub_disk() {
	local img=$1 stage=$4 mb
	[ -f "$PVGRUB_BIN" ] || fail "no $PVGRUB_BIN (grub-xen-host)"
	rm -rf "$stage"
	mkdir -p "$stage/boot/grub"
	if ! cp "$GUEST_KERNEL" "$stage/vmlinuz" || ! cp "$2" "$stage/initrd"; then
		fail "pvgrub: stage the kernel and ramdisk"
	fi
	cat >"$stage/boot/grub/grub.cfg" <<-CFG
		set timeout=0
		menuentry 'xsplit lab guest' {
			linux /vmlinuz $3
			initrd /initrd
		}
	CFG
	# the files, and room for the file system's own blocks
	mb=$(( $(du -sm "$stage" | cut -f1) * 5 / 4 + 8 ))
	rm -f "$img"
	truncate -s "${mb}M" "$img"
	mke2fs -q -F -t ext2 -d "$stage" "$img" || fail "pvgrub: mke2fs $img"
	rm -rf "$stage"
}

# backends_bound NAME: every vbd and vif dom0 serves for guest NAME is
# bound to the driver of dom0's backend mode (use_backends' DOM0_BE,
# else LAB_BE): xsplit-vbd/xsplit-vif or the kernel's vbd/vif.  Devices
# a driver domain serves are its own to check (dd-init.sh).  A device
# gets 10 s to appear and bind.  Fails the test on a wrong binding.
backends_bound() {
	local name=$1 domid t j dev got want
	# A guest that is already gone is guest_wait's to report, console
	# and all.
	domid=$(xl domid "$name" 2>/dev/null) ||
		{ echo "guest $name gone before its backends were checked"; return 0; }
	for t in vbd vif; do
		want=$(want_driver "${DOM0_BE:-$LAB_BE}" "$t")
		for j in $(xenstore-list "/local/domain/0/backend/$t/$domid" 2>/dev/null); do
			dev=/sys/bus/xen-backend/devices/$t-$domid-$j
			for _ in $(seq 10); do
				[ -e "$dev/driver" ] && break
				sleep 1
			done
			got=$(bound_driver "$dev")
			if [ "$got" = "$want" ]; then
				echo "LAB-BIND dom0 ${dev##*/} $got"
			else
				echo "LAB-BIND-BAD dom0 ${dev##*/} bound to $got," \
					"backend mode ${DOM0_BE:-$LAB_BE} wants $want"
			fi
		done
	done | tee -a "$LAB_OUT/$name/bindings"
	grep -q '^LAB-BIND-BAD' "$LAB_OUT/$name/bindings" &&
		fail "guest $name: a backend device in dom0 is not served by the mode's driver"
	return 0
}

# guest_wait NAME [SECONDS]: wait for the guest's end marker, keep its
# console, destroy it.  Returns the job's exit code; a guest that does not
# finish in time fails the test with its console printed.  The default
# limit ends 20 s before the runner would kill the whole scenario.
guest_wait() {
	local name=$1 dir=$LAB_OUT/$1 limit id log t0 tw up rc
	limit=${2:-$(( ${LAB_DEADLINE:-$(( $(date +%s) + 320 ))} - 20 - $(date +%s) ))}
	id=$(cat "$dir/id")
	log=$CONSOLE_DIR/guest-$name.log
	read -r t0 _ <"$dir/t-create"
	tw=$(now_ms)
	up=""
	while ! grep -q "LAB-END $id " "$log" 2>/dev/null; do
		if [ -z "$up" ] && grep -q LAB-GUEST-UP "$log" 2>/dev/null; then
			up=$(( $(now_ms) - t0 ))
			step "$name userspace up $up ms after xl create"
			echo "$up" >"$dir/t-ready"
		fi
		if [ $(( $(now_ms) - tw )) -gt $(( limit * 1000 )) ]; then
			guest_collect "$name"
			echo "--- console of $name ---"; tail -n 60 "$dir/console.log"
			fail "guest $name: no end marker after ${limit}s"
		fi
		if ! xl domid "$name" >/dev/null 2>&1; then
			sleep 1	# console flush
			grep -q "LAB-END $id " "$log" 2>/dev/null && break
			guest_collect "$name"
			echo "--- console of $name ---"; tail -n 60 "$dir/console.log"
			xl dmesg | grep -A14 'Triple fault' | tail -n 15
			fail "guest $name died before its end marker"
		fi
		sleep 2
	done
	rc=$(sed -n "s/.*LAB-END $id rc=\\([0-9]*\\).*/\\1/p" "$log" | tail -n1)
	guest_collect "$name"
	guest_kernel_ok "$name"
	guest_type_ok "$name"
	return "${rc:-1}"
}

# guest_type: the xl type of the next guest (see guest_start).
guest_type() { echo "${GUEST_TYPE:-${LAB_X_GUEST_TYPE:-pv}}"; }

# guest_type_ok NAME: the guest ran as the type its config asked for, as
# its /init read it from /sys/hypervisor/guest_type (PV, PVH, HVM).
guest_type_ok() {
	local want got
	want=$(tr '[:lower:]' '[:upper:]' <"$LAB_OUT/$1/type")
	got=$(sed -n 's/.*LAB-GUEST-UP .*type=\([^ ]*\).*/\1/p' \
		"$LAB_OUT/$1/console.log" | head -n 1)
	[ -z "$got" ] || [ "$got" = "$want" ] ||
		fail "guest $1 ran as $got, its config asked for $want"
}

# guest_kernel_ok NAME: the guest ran the kernel lab.sh packed for guests
# ($LAB/guest-kver: LAB_GUEST_KERNEL's, else the default image's), as its
# /init reports it; a run that silently booted another is no test of it.
guest_kernel_ok() {
	local want got
	want=$(cat "$LAB/guest-kver" 2>/dev/null) || want=$KVER
	got=$(sed -n 's/.*LAB-GUEST-UP .*kernel=\([^ ]*\).*/\1/p' \
		"$LAB_OUT/$1/console.log" | head -n 1)
	[ -z "$got" ] || [ "$got" = "$want" ] ||
		fail "guest $1 ran kernel $got, the lab packed $want"
}

# guest_collect NAME: keep the console, make sure the domain is gone.
guest_collect() {
	local name=$1 i
	cp "$CONSOLE_DIR/guest-$name.log" "$LAB_OUT/$name/console.log" 2>/dev/null || true
	rm -rf "/run/lab-guests/$name"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		xl domid "$name" >/dev/null 2>&1 || return 0
		[ "$i" -gt 5 ] && timeout 30 xl destroy "$name"
		sleep 1
	done
}

# guest_run NAME JOB [cfg...]: start, wait, and print the guest's console.
guest_run() {
	local name=$1 rc=0
	guest_start "$@"
	guest_wait "$name" || rc=$?
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"
	return "$rc"
}

# check_leaks: after a test, dom0 must be back where it started: no guest,
# no backend left in XenStore, no vif, no kernel warning.
check_leaks() {
	local bad=0 n
	n=$(xl list | awk 'NR > 1 && $1 != "Domain-0"' | wc -l)
	[ "$n" = 0 ] || { echo "leak: $n domains left"; xl list; bad=1; }
	for n in vbd vif qdisk; do
		if xenstore-list "/local/domain/0/backend/$n" 2>/dev/null | grep -q .; then
			echo "leak: backend/$n entries left"
			xenstore-ls "/local/domain/0/backend/$n"
			bad=1
		fi
	done
	for n in /sys/class/net/vif*; do
		[ -e "$n" ] || continue
		echo "leak: netdev ${n##*/} left"
		bad=1
	done
	# Only what this test logged: the runner marks its start in dmesg
	# (and checks it again, with every guest's console, after the test).
	if dmesg | sed -n "\\|LAB-TEST-START $LAB_TEST\$|,\$p" >"$LAB_OUT/.dmesg" &&
		kernel_bad "$LAB_OUT/.dmesg" "$LAB_OUT/kernel-expected"; then
		echo "kernel warnings in dom0 dmesg"
		bad=1
	fi
	# With no guest left, no xsplit backend holds grants, requests, skbs.
	if ! xl list | awk 'NR > 1 && $1 != "Domain-0"' | grep -q .; then
		leak_live_settle || bad=1
	fi
	leak_since_start || bad=1
	[ "$bad" = 0 ] || fail "dom0 not clean after the test"
	echo "no leaks"
}

# kv KEY VALUE: a figure for the report (printed, never asserted).
kv() { echo "LAB-KV $LAB_TEST $1=$2" | tee -a "$LAB_OUT/figures"; }

# packaged_tool NAME DIR: unpack this run's xsplit-dkms package into DIR
# (emptied first) and print the path of its /usr/sbin/NAME, so that a
# scenario runs the tool as the package ships it.  On failure prints why
# (and the package's file list if the tool is missing) and returns 1.
packaged_tool() {
	local deb=$LAB/xsplit-dkms.deb
	[ -f "$deb" ] || { echo "no xsplit-dkms.deb staged"; return 1; }
	rm -rf "$2"
	dpkg-deb -x "$deb" "$2" || { echo "unpack xsplit-dkms.deb"; return 1; }
	if [ ! -f "$2/usr/sbin/$1" ]; then
		dpkg-deb -c "$deb" | grep -v /usr/src/
		echo "the package has no /usr/sbin/$1"
		return 1
	fi
	echo "$2/usr/sbin/$1"
}

# nullb NAME MB MEMORY_BACKED [ATTR=VALUE...]: make a null_blk disk through
# configfs and print its /dev path.  Memory-backed disks keep what is
# written (for fio verify); the others are the benchmark disk, free of
# memory copies.  Extra configfs attributes are set before power-on, e.g.
# discard=1 (memory-backed only: discarded sectors then read as zeroes) or
# cache_size=MB (a write cache, so the disk takes and needs flushes).
nullb() {
	local d=/sys/kernel/config/nullb/$1 dev a
	if [ ! -d /sys/kernel/config/nullb ]; then
		modprobe null_blk nr_devices=0 || fail "modprobe null_blk"
	fi
	if [ ! -d "$d" ]; then
		mkdir "$d" || fail "configfs nullb $1"
		echo "$2" >"$d/size"
		echo 4096 >"$d/blocksize"
		echo "$3" >"$d/memory_backed"
		shift 3
		for a in "$@"; do
			echo "${a#*=}" >"$d/${a%%=*}" || fail "nullb $a"
		done
		echo 1 >"$d/power" || fail "power on nullb"
	fi
	udevadm settle -t 10 >/dev/null 2>&1 || true
	# 6.1 names the disk nullb<index>; later kernels may use NAME.
	dev=/dev/nullb$(cat "$d/index")
	[ -b "/dev/${d##*/}" ] && dev=/dev/${d##*/}
	[ -b "$dev" ] || fail "no block device for nullb ${d##*/}"
	echo "$dev"
}

# shellcheck source=../guest/lib.sh
. "$LAB/guest/lib.sh"

# ---------------------------------------------------------------------
# Lifecycle scenarios: leak accounting and device-lifetime waits
# (check_leaks uses leak_live_settle)
#
# A snapshot is a file of "key value" lines: dom0's MemAvailable, Slab and
# SUnreclaim (KiB), the active objects of the bio and skb slab caches,
# and every xsplit module-wide counter in debugfs
# (xsplit_core/grants_*, xsplit_blkback/*, xsplit_netback/*).  Compare
# two snapshots taken in the same state (same guests, devices idle), the
# first after one warm-up cycle: what keeps growing from cycle to cycle is
# a leak, one-time growth (caches, kthread stacks) is not.
# ---------------------------------------------------------------------

LEAK_DEBUGFS=/sys/kernel/debug

# leak_counters: "module.counter value" for every xsplit live counter.
leak_counters() {
	local f m
	mountpoint -q "$LEAK_DEBUGFS" ||
		mount -t debugfs debugfs "$LEAK_DEBUGFS" 2>/dev/null
	for f in "$LEAK_DEBUGFS"/xsplit_*/*; do
		[ -f "$f" ] || continue
		m=${f%/*}
		echo "${m##*/}.${f##*/} $(cat "$f")"
	done
}

# leak_snapshot FILE: dom0's memory, slab and xsplit counters into FILE.
# Clean caches are dropped first so that the page cache is not counted.
leak_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	{
		awk '/^MemAvailable:/ { print "mem_available_kb", $2 }
			/^Slab:/ { print "slab_kb", $2 }
			/^SUnreclaim:/ { print "sunreclaim_kb", $2 }' /proc/meminfo
		# Active objects, all bio-<size> caches together.
		awk '$1 ~ /^bio-[0-9]+$/ { b += $2 }
			$1 == "skbuff_head_cache" || $1 == "skbuff_fclone_cache" { s += $2 }
			END { print "bio_objs", b + 0; print "skb_objs", s + 0 }' /proc/slabinfo
		leak_counters
	} >"$1"
}

# leak_value FILE KEY: one figure of a snapshot (empty if absent).
leak_value() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# leak_tally KEY: a counter that only grows while its module is loaded
# (a peak or a running total, core/stats.c), not something held: the
# leak checks skip it.
leak_tally() { case $1 in *_peak | *_total) true ;; *) false ;; esac; }

# leak_live_zero: with no guest left, every xsplit counter of things
# held (grants mapped, devices, rings, requests, bios, vifs, queues,
# skbs) must be 0.  grants_leaked counts since the core loaded, so one
# test's leak would fail every later one: leak_compare checks its delta.
# Prints the offenders; returns 1 if any.
leak_live_zero() {
	local key val bad=0
	while read -r key val; do
		[ "$val" = 0 ] && continue
		[ "${key##*.}" = grants_leaked ] && continue
		leak_tally "$key" && continue
		echo "leak: $key = $val with no guest left"
		bad=1
	done < <(leak_counters)
	return "$bad"
}

# leak_since_start: every xsplit counter is back to (or below) what it
# was when the test's lib.sh was sourced (LEAK_START; a counter absent
# then was 0).  This is what catches grants_leaked, which only grows.
leak_since_start() {
	local key val was bad=0
	while read -r key val; do
		leak_tally "$key" && continue
		was=$(leak_value "$LEAK_START" "$key")
		[ "$val" -gt "${was:-0}" ] || continue
		echo "leak: $key was ${was:-0} at the test's start, is $val"
		bad=1
	done < <(leak_counters)
	return "$bad"
}

# leak_live_settle: leak_live_zero, giving a guest that has just gone up
# to 15 s to be torn down (XenStore first, then the backend devices).
leak_live_settle() {
	local i
	for i in $(seq 15); do
		leak_live_zero >/dev/null && return 0
		sleep 1
	done
	leak_live_zero
}

# leak_compare FROM TO CYCLES: print the deltas FROM -> TO as figures,
# total and per cycle, and fail (return 1) on growth that is more than
# noise, i.e. both above a per-cycle rate and above a total: one quick
# cycle can only fail on a big jump, twenty cycles on a steady leak.
# The xsplit counters must not end above FROM's values (below is fine:
# idle persistent grants of a device still in use get unmapped).
leak_compare() {
	local from=$1 to=$2 n=$3 bad=0 key a b d per lim_c lim_t
	[ "$n" -ge 1 ] || n=1
	# key            per-cycle limit  total limit (growth; MemAvailable: drop)
	while read -r key lim_c lim_t; do
		a=$(leak_value "$from" "$key")
		b=$(leak_value "$to" "$key")
		{ [ -n "$a" ] && [ -n "$b" ]; } || continue
		d=$((b - a))
		[ "$key" = mem_available_kb ] && d=$((a - b))
		per=$((d / n))
		kv "leak.$key.delta" "$d"
		kv "leak.$key.per_cycle" "$per"
		if [ "$per" -gt "$lim_c" ] && [ "$d" -gt "$lim_t" ]; then
			echo "leak: $key grew by $d over $n cycles ($per per cycle)"
			bad=1
		fi
	done <<-LIMITS
		mem_available_kb 1024 16384
		slab_kb 256 4096
		sunreclaim_kb 128 2048
		bio_objs 32 256
		skb_objs 64 512
	LIMITS
	# Every xsplit counter of either snapshot (one the module did not
	# have yet counts as 0).
	while read -r key; do
		a=$(leak_value "$from" "$key")
		b=$(leak_value "$to" "$key")
		kv "leak.$key" "${a:-0}->${b:-0}"
		[ "${b:-0}" -gt "${a:-0}" ] || continue
		echo "leak: $key was ${a:-0}, is ${b:-0}"
		bad=1
	done < <(awk '$1 ~ /^xsplit_.*\./ { print $1 }' "$from" "$to" | sort -u)
	return "$bad"
}

# leak_unload: the final check of a lifecycle scenario in an xsplit
# backend mode: with no guest left the backends must unload.
leak_unload() {
	[ "$LAB_BE" = xsplit ] || return 0
	unload xsplit_blkback xsplit_netback ||
		{ echo "leak: xsplit backends do not unload"; return 1; }
	echo "xsplit backends unloaded"
}

# console_wait NAME TEXT SECONDS: wait for TEXT (a whole word sequence)
# on guest NAME's console; returns 1 if it does not come in time or the
# guest goes first.
console_wait() {
	local log=$CONSOLE_DIR/guest-$1.log _
	for _ in $(seq "$3"); do
		grep -q "$2\b" "$log" 2>/dev/null && return 0
		xl domid "$1" >/dev/null 2>&1 || break
		sleep 1
	done
	grep -q "$2\b" "$log" 2>/dev/null
}

# console_mark NAME TEXT SECONDS: console_wait, and fail, with the
# console, if the text does not come.
console_mark() {
	local name=$1
	console_wait "$@" && return 0
	guest_collect "$name"
	echo "--- console of $name ---"; tail -n 40 "$LAB_OUT/$name/console.log"
	fail "guest $name never printed '$2'"
}

# xs_gone PATH SECONDS: the XenStore directory must vanish in time.
xs_gone() {
	local _
	for _ in $(seq "$2"); do
		xenstore-exists "$1" 2>/dev/null || return 0
		sleep 1
	done
	xenstore-ls "$1"
	fail "$1 still in XenStore after $2 s"
}

# netdev_gone NAME SECONDS: the network device must vanish in time.
netdev_gone() {
	local _
	for _ in $(seq "$2"); do
		[ -e "/sys/class/net/$1" ] || return 0
		sleep 1
	done
	fail "netdev $1 still there after $2 s"
}

# leak_progress CYCLE N MS: one console line per cycle, so that a long
# run shows its figures as it goes: time, MemAvailable, SUnreclaim, the
# xsplit counters that are not 0.
leak_progress() {
	step "cycle $1/$2: $3 ms;" \
		"$(awk '/^MemAvailable:|^SUnreclaim:/ { printf "%s %s kB ", $1, $2 }' /proc/meminfo)" \
		"$(leak_counters | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"
}

# kernel_expect ERE: dom0 kernel lines matching ERE are the test's own
# doing, already counted by it: they do not fail it (see kernel_bad).
kernel_expect() { echo "$1" >>"$LAB_OUT/kernel-expected"; }

# leak_expect KEY N: N more of counter KEY (say xsplit_core.grants_leaked)
# are the test's own doing, already accounted for: leak_since_start
# allows them.
leak_expect() {
	local was
	was=$(leak_value "$LEAK_START" "$1")
	sed -i "/^$1 /d" "$LEAK_START"
	echo "$1 $(( ${was:-0} + $2 ))" >>"$LEAK_START"
}

# The xsplit counters as this test found them, for leak_since_start.
LEAK_START=${LAB_OUT:-/tmp}/counters-start
[ -f "$LEAK_START" ] || leak_counters >"$LEAK_START"

# ---------------------------------------------------------------------
# Block data checked from the other side: fio --verify in a guest passes
# with a backend that writes and reads the same wrong sector, so dom0
# writes patterns the guest must read back, and reads back what the guest
# wrote, on the backing device itself.  Regions: "SECTOR COUNT" (512-byte
# sectors), odd sizes at odd offsets, so requests start and end inside
# pages; 300-500 MiB into the disk, clear of blk-fio's fio regions.
# ---------------------------------------------------------------------
BLKPAT_DOM0="614401 1
620007 7
700003 4097
800011 15
900001 2049"
BLKPAT_GUEST="650003 3
750001 8191
850005 9
950007 1025
1000003 33"

# blkpat_write DEV: dom0's patterns onto DEV, written through and out of
# dom0's cache (the disk's 4 KiB blocks rule out O_DIRECT at odd sectors;
# the backend bypasses dom0's cache); prints "SECTOR COUNT SHA256" lines
# for the guest's job.
blkpat_write() {
	local off n f=/run/lab-blkpat
	while read -r off n; do
		head -c $((n * 512)) /dev/urandom >"$f" || return 1
		dd if="$f" of="$1" bs=512 seek="$off" count="$n" \
			conv=notrunc,fsync status=none || return 1
		echo "$off $n $(sha256sum <"$f" | cut -d' ' -f1)"
	done <<<"$BLKPAT_DOM0"
	rm -f "$f"
	blockdev --flushbufs "$1"
}

# blkpat_check DEV CONSOLE: the guest's "LAB-GPAT SECTOR COUNT SHA256"
# lines (what it wrote) against DEV as dom0 reads it; fails on a missing
# region or a mismatch.
blkpat_check() {
	local off n want got seen=0 bad=0
	# What dom0 cached of DEV predates the guest's writes: drop it.
	blockdev --flushbufs "$1" || return 1
	while read -r _ off n want; do
		got=$(dd if="$1" bs=512 skip="$off" count="$n" status=none |
			sha256sum | cut -d' ' -f1)
		seen=$((seen + 1))
		[ "$got" = "$want" ] && continue
		echo "blkpat: sectors $off+$n read $got in dom0, the guest wrote $want"
		bad=1
	done < <(tr -d '\r' <"$2" | grep '^LAB-GPAT ')
	kv blkpat.guest_regions_checked "$seen"
	[ "$seen" = "$(wc -l <<<"$BLKPAT_GUEST")" ] ||
		{ echo "blkpat: $seen of the guest's regions reported"; bad=1; }
	return "$bad"
}

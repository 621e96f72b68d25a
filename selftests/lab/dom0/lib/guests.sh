# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, guests: starting a guest with its job, waiting for its end
# marker, what it ran (type, kernel, drivers bound at both ends), its
# console.

# guest_start NAME JOB [xl cfg lines...]: start PV guest NAME running the
# job script JOB (a file, run by the guest's busybox sh).  Extra arguments
# are xl config lines, e.g. "disk = ['phy:/dev/nullb0,xvdb,w']".
# GUEST_VCPUS (default 1) and GUEST_MEMORY (MiB, default 512) size it:
# two vCPUs give the frontends two queues to negotiate.  GUEST_CPIO names
# an extra cpio archive to put in its initramfs (a driver domain's tools);
# LAB_GUEST_TMP a folder for the ramdisk other than /run (a tmpfs of a
# few hundred MiB) when that archive is big; GUEST_CMDLINE more words for
# the guest kernel's command line, after LAB_X_GUEST_CMDLINE's (words for
# every guest of a run, e.g. a frontend's module parameter: any scenario
# then runs with that variant).  GUEST_TYPE (default LAB_X_GUEST_TYPE,
# else pv) is xl's type: pv, or pvh (the same kernel and initramfs, booted
# directly in an HVM container: needs HAP, which Xen finds in QEMU's SVM
# under TCG); guest_wait fails a guest that reports another type.
# GUEST_PVGRUB=IMAGE boots a PV guest through GRUB instead (pvgrub_disk):
# the config must give IMAGE to the guest as its first disk (xvda).
guest_start() {
	local name=$1 job=$2 dir=$LAB_OUT/$1 tmp=${LAB_GUEST_TMP:-/run/lab-guests}/$1 t0 extra
	shift 2
	mkdir -p "$dir" "$tmp/job/lab"
	cp "$job" "$tmp/job/lab/job.sh" || fail "guest $name: no job '$job'"
	# The ramdisk: cached base + this run's /init and modules + the job.
	# Kept out of LAB_OUT: it is big and the results disk is not.
	(cd "$tmp/job" && find . | cpio -o -H newc --quiet -R 0:0) >"$tmp/job.cpio"
	cat "$LAB/guest-base.cpio.zst" "$LAB/guest-run.cpio" ${GUEST_CPIO:+"$GUEST_CPIO"} \
		"$tmp/job.cpio" >"$tmp/initrd"
	# loglevel=5: warnings (KERN_WARNING) and worse reach hvc0, whose log
	# the runner searches for kernel warnings after the test.
	extra="console=hvc0 loglevel=5 lab.fe=$LAB_FE lab.id=$name-$$"
	[ "$LAB_FE" = intree ] || extra="$extra module_blacklist=xen_blkfront,xen_netfront"
	extra="$extra${LAB_X_GUEST_CMDLINE:+ $LAB_X_GUEST_CMDLINE}"
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
		wait_for 15 "name $name free" name_free "$name" || true
		t0=$(now_ms)
		timeout -k 5 120 xl create "$dir/$name.cfg" >"$dir/xl-create.log" 2>&1 ||
			{ cat "$dir/xl-create.log"; fail "xl create $name"; }
	fi
	echo "$t0 $(now_ms)" >"$dir/t-create"
	step "$name created in $(( $(now_ms) - t0 )) ms"
	backends_bound "$name"
}

# guest_job NAME [VAR=VALUE...]: the guest job guest/jobs/NAME.sh with
# these settings in front (each VALUE quoted for the guest's sh, so it
# may hold spaces or lines), as $LAB_OUT/job-NAME.sh; prints that path,
# for guest_start or guest_run.  Nothing if there is no such job.
guest_job() {
	local name=$1 f=$LAB_OUT/job-$1.sh a q="'" v
	shift
	[ -f "$LAB/guest/jobs/$name.sh" ] ||
		{ echo "no guest job $name" >&2; return 1; }
	{
		for a in "$@"; do
			v=${a#*=}
			printf "%s='%s'\n" "${a%%=*}" "${v//$q/$q\\$q$q}"
		done
		cat "$LAB/guest/jobs/$name.sh"
	} >"$f"
	echo "$f"
}

# QEMU's TCG emulation of SVM now and then hands a PVH guest a state with
# Xen's own RIP a few seconds into its boot, before any of its drivers
# ran: Xen logs "dNv0 Triple fault" with a hypervisor address as the
# guest's RIP, and on_crash destroys it.
SVM_FAULT_WAIT_S=15
# name_free NAME: no domain is called NAME.
name_free() {
	! xl list 2>/dev/null | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'
}
# early_boot_over NAME: guest NAME is gone, or its userspace is up.
early_boot_over() {
	! xl domid "$1" >/dev/null 2>&1 ||
		grep -q LAB-GUEST-UP "$CONSOLE_DIR/guest-$1.log" 2>/dev/null
}
# svm_early_fault NAME: true if the HVM-container guest NAME just died so
# (watched for SVM_FAULT_WAIT_S, or until its userspace is up); false at
# once for a PV guest.
svm_early_fault() {
	local domid
	[ "$(guest_type)" != pv ] || return 1
	domid=$(xl domid "$1" 2>/dev/null) || return 1
	wait_for "$SVM_FAULT_WAIT_S" "$1 past its early boot" \
		early_boot_over "$1" >/dev/null || true
	! xl domid "$1" >/dev/null 2>&1 &&
		xl dmesg | grep "d${domid}v[0-9]* Triple fault" >/dev/null
}

# Debian's pvgrub2 (grub-xen-host): GRUB built to run as a PV guest, with
# block and console drivers of its own.  It looks for /boot/grub/grub.cfg
# on the guest's disks and boots what that names.
PVGRUB_BIN=/usr/lib/grub-xen/grub-x86_64-xen.bin
# The menu entry pvgrub_disk writes; GRUB says "Booting `ENTRY'" on it.
PVGRUB_ENTRY='xsplit lab guest'

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
		menuentry '$PVGRUB_ENTRY' {
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
			wait_for 10 "${dev##*/} bound" test -e "$dev/driver" ||
				true	# the check below says which driver, if any
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
	[ "$got" = "$want" ] ||
		fail "guest $1 ran as ${got:-what its console does not say}, its config asked for $want"
}

# guest_kernel_ok NAME: the guest ran the kernel lab.sh packed for guests
# ($LAB/guest-kver: LAB_GUEST_KERNEL's, else the default image's), as its
# /init reports it; a run that silently booted another is no test of it.
guest_kernel_ok() {
	local want got
	want=$(cat "$LAB/guest-kver" 2>/dev/null) || want=$KVER
	got=$(sed -n 's/.*LAB-GUEST-UP .*kernel=\([^ ]*\).*/\1/p' \
		"$LAB_OUT/$1/console.log" | head -n 1)
	[ "$got" = "$want" ] ||
		fail "guest $1 ran kernel ${got:-its console does not name}, the lab packed $want"
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

# console_wait NAME TEXT SECONDS: wait for TEXT (a whole word sequence)
# on guest NAME's console; returns 1 if it does not come in time or the
# guest goes first.
console_wait() {
	wait_for "$3" "'$2' on $1's console" console_over "$1" "$2" >/dev/null
	console_has "$1" "$2"
}
# console_has NAME TEXT: TEXT is on guest NAME's console.
console_has() { grep -q "$2\b" "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }
# console_over NAME TEXT: TEXT is there, or guest NAME is gone.
console_over() { console_has "$1" "$2" || ! xl domid "$1" >/dev/null 2>&1; }

# console_mark NAME TEXT SECONDS: console_wait, and fail, with the
# console, if the text does not come.
console_mark() {
	local name=$1
	console_wait "$@" && return 0
	guest_collect "$name"
	echo "--- console of $name ---"; tail -n 40 "$LAB_OUT/$name/console.log"
	fail "guest $name never printed '$2'"
}

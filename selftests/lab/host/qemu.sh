# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Choosing QEMU's accelerator and booting Xen + dom0.  Sourced by lab.sh.

# choose_accel: sets ACCEL_ARGS and prints the choice and the reason.
# Only hardware-assisted KVM helps Xen: on kvm_pvm (KVM in software, no
# VMX/SVM) Xen dies at its first RDSSP and would be slower than TCG anyway.
choose_accel() {
	local accel why
	if [ -n "${LAB_ACCEL:-}" ]; then
		accel=$LAB_ACCEL why="forced by LAB_ACCEL"
	elif [ -d /sys/module/kvm_pvm ]; then
		accel=tcg why="/dev/kvm is kvm_pvm (software KVM, no VMX/SVM): Xen cannot run on it"
	elif [ ! -w /dev/kvm ]; then
		accel=tcg why="no usable /dev/kvm"
	elif grep -Eqw 'vmx|svm' /proc/cpuinfo; then
		accel=kvm why="/dev/kvm with hardware virtualisation (VMX/SVM)"
	else
		accel=tcg why="/dev/kvm present but the CPU has no VMX/SVM"
	fi
	# shellcheck disable=SC2054  # the commas are QEMU's
	if [ "$accel" = kvm ]; then
		# Without -arch-capabilities QEMU aborts setting MSR 0x10a.
		ACCEL_ARGS=(-accel kvm -cpu host,-arch-capabilities)
	else
		# With these features on, TCG guests' user space segfaulted
		# intermittently (TLS loads returning 0).
		ACCEL_ARGS=(-accel tcg,thread=multi
			-cpu max,-xsave,-xsavec,-xsaves,-xsaveopt,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq)
	fi
	log "accelerator: $accel ($why)"
	echo "$accel: $why" >"$RES/accelerator"
}

# qemu_lock: one lab QEMU per host at a time.  Two TCG Xens on a 2-core
# host each run several times slower and both miss their deadlines, so a
# second run waits here for the first to end.  The lock fd stays open in
# this shell (and QEMU inherits it) until the run exits.
LAB_QEMU_LOCK=${LAB_QEMU_LOCK:-/tmp/xsplit-lab-qemu.lock}
qemu_lock() {
	exec {LAB_QEMU_LOCK_FD}>"$LAB_QEMU_LOCK"
	if ! flock -n "$LAB_QEMU_LOCK_FD"; then
		log "another lab run holds $LAB_QEMU_LOCK: waiting for it"
		flock "$LAB_QEMU_LOCK_FD"
	fi
}

# qemu_start IMAGES IN_TAR OUT_IMG: boot Xen with dom0 in the background;
# sets QEMU_PID.  The root disk is opened with snapshot=on, so the cached
# image is never written.  The disks are vda, vdb, vdc in -device order.
# 2 vCPUs and 4 GiB: other work shares this host.  -nodefaults: no VGA,
# CD-ROM or NIC for dom0 to probe at boot, which costs seconds under TCG.
qemu_start() {
	local img=$1 xen_cmd dom0_cmd
	qemu_lock
	# smap=0: under QEMU 7.2 TCG dom0 otherwise dies at its first fault.
	xen_cmd="dom0_mem=2048M,max:2048M dom0_max_vcpus=2 console=com1 com1=115200,8n1 noreboot smap=0 smep=0"
	dom0_cmd="root=/dev/vda ro console=hvc0 earlyprintk=xen net.ifnames=0"
	qemu-system-x86_64 "${ACCEL_ARGS[@]}" -smp 2 -m 4096 \
		-nodefaults -display none -no-reboot \
		-serial "file:$RES/console.log" \
		-kernel "$img/xen" -append "$xen_cmd" \
		-initrd "$img/vmlinuz $dom0_cmd,$img/initrd.img" \
		-drive "file=$img/rootfs.img,format=raw,if=none,id=root,snapshot=on" \
		-device virtio-blk-pci,drive=root \
		-drive "file=$2,format=raw,if=none,id=labin,readonly=on" \
		-device virtio-blk-pci,drive=labin,serial=labin \
		-drive "file=$3,format=raw,if=none,id=labout" \
		-device virtio-blk-pci,drive=labout,serial=labout \
		>"$RES/qemu.log" 2>&1 &
	QEMU_PID=$!
}

# qemu_stop: always called on exit; QEMU must never outlive the run.
qemu_stop() {
	[ -n "${QEMU_PID:-}" ] || return 0
	if kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null
		sleep 2
		kill -9 "$QEMU_PID" 2>/dev/null || true
	fi
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=""
}

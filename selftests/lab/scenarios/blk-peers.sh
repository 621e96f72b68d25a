#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Block peers that are not Linux (issue #17, item 9): the protocol as
# io/blkif.h defines it, spoken by other implementations on this host.
#   xvda  GRUB's PV block frontend (Debian's pvgrub2, grub-xen-host) reads
#         the guest's kernel and ramdisk from an ext2 image served by
#         dom0's backend of the mode (LAB_BE), then boots them.  GRUB
#         keeps one request in flight, single-segment, no indirect
#         descriptors or persistent grants, and closes the device before
#         Linux starts, which then connects its own frontend to it.
#   xvdb  QEMU's block backend (qemu-system-xen's xen-block, "qdisk"),
#         run in dom0 as the stock toolstack does for backendtype=qdisk,
#         serves a null_blk disk to the guest's frontend of the mode
#         (LAB_FE): fio writes and verifies it (crc32c), 4 KiB to 1 MiB.
# Pass: the guest booted through GRUB (its job ran, on the kernel the lab
# packed), the backend of xvda read at least the kernel and ramdisk, the
# qdisk device went Connected, fio verify had 0 errors, no leak.  Every
# mode; the kernel's drivers in the same pairings are the control.
# lab: modes=4 timeout=540
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
set -o pipefail

QDISK_MB=256
FIO_MB=64
QEMU_DM=/usr/libexec/xen-qemu-system-i386
QEMU_PID=/run/lab-qemu-dom0.pid
BOOT_IMG=/run/lab-guests/pvgrub.img
XVDA=$VBD_XVDA XVDB=$VBD_XVDB	# the devices' numbers (xvda, xvdb)
QDISK_CONNECT_S=120	# QEMU's backend of xvdb, from xl create on

require_mode blk
use_backends

qemu_stop() {
	[ -s "$QEMU_PID" ] && kill "$(cat "$QEMU_PID")" 2>/dev/null
	rm -f "$QEMU_PID" "$BOOT_IMG"
}
trap qemu_stop EXIT

# QEMU in dom0 as a pure backend (no guest of its own): it watches
# dom0's backend/qdisk directory and serves what the toolstack puts there,
# as Xen's xen-qemu-dom0-disk-backend service starts it.
[ -x "$QEMU_DM" ] || fail "no $QEMU_DM (qemu-system-xen)"
modprobe -a xen-gntdev xen-evtchn 2>/dev/null
qemu_stop
"$QEMU_DM" -xen-domid 0 -xen-attach -name dom0 -nographic -M xenpv \
	-daemonize -monitor /dev/null -serial /dev/null -parallel /dev/null \
	-nodefaults -no-user-config -pidfile "$QEMU_PID" ||
	fail "QEMU as dom0's qdisk backend did not start"
step "QEMU qdisk backend up, pid $(cat "$QEMU_PID")"

dev=$(nullb peers "$QDISK_MB" 1) || fail "$dev"

domid_of() { xl domid "$1" 2>/dev/null; }
GUEST_PVGRUB=$BOOT_IMG guest_start peers "$(guest_job blk-peers "FIO_MB=$FIO_MB")" \
	"disk = ['format=raw,vdev=xvda,access=ro,target=$BOOT_IMG', 'backendtype=qdisk,format=raw,vdev=xvdb,access=rw,target=$dev']"
domid=$(domid_of peers) || fail "peers guest gone at once"
qstate=/local/domain/0/backend/qdisk/$domid/$XVDB/state
wait_for "$QDISK_CONNECT_S" "xvdb's qdisk backend Connected" \
	xs_is "$qstate" "$XENBUS_CONNECTED" || true	# the check below says
q=$(xenstore-read "$qstate" 2>/dev/null)
kv qdisk_state "${q:-none}"
[ "$q" = "$XENBUS_CONNECTED" ] || fail "QEMU's backend of xvdb never went Connected (state ${q:-none})"
# xvda's backend counters once Linux runs (GRUB's reads, if the backend
# keeps its counters across a reconnect, plus Linux's): a figure only
console_mark peers LAB-PEERS 300
kv xvda_rd_sect "$(cat "/sys/bus/xen-backend/devices/vbd-$domid-$XVDA/statistics/rd_sect" 2>/dev/null)"
rc=0
guest_wait peers || rc=$?
grep -a 'LAB-PEERS' "$LAB_OUT/peers/console.log"
[ "$rc" = 0 ] || fail "the guest's job failed (rc $rc)"
# The guest had no kernel but GRUB: the kernel and ramdisk it ran (its
# job, its release: guest_wait checks) came only from xvda, read by
# GRUB's frontend through $LAB_BE's backend.
# GRUB's own word, not only the job's (which says so wherever it runs).
if ! grep -aF "Booting \`$PVGRUB_ENTRY'" "$LAB_OUT/peers/console.log" >/dev/null ||
	! grep -aq 'LAB-PEERS booted through GRUB' "$LAB_OUT/peers/console.log"; then
	fail "the guest did not boot through GRUB"
fi
t=$(cat "$LAB_OUT/peers/t-ready" 2>/dev/null)
kv pvgrub_boot_ms "${t:-none}"
grep -aq 'LAB-PEERS qdisk fio rc=0 errors=0' "$LAB_OUT/peers/console.log" ||
	fail "fio verify on QEMU's backend failed"
qemu_stop
check_leaks
echo "GRUB read its boot disk through $LAB_BE's blkback; $LAB_FE's blkfront verified $FIO_MB MiB on QEMU's qdisk"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PVH guests (issue 17, item 6), and which vbds a frontend takes by guest
# type.  Four guests at once on the mode's backend, one per {PV, PVH} x
# {xsplit's frontends, the kernel's}, each with the same three disks:
#   xvdb  a memory-backed disk named as a Xen disk (vdev 51728)
#   hdc   one named as an emulated IDE disk (vdev 5632, the guest's xvdc)
#   xvdd  a read-only disk given as a cdrom (devtype=cdrom, vdev 51760)
# A PV guest takes all three disks.  A PVH guest has no emulated
# devices, so its hdc is ours too; it takes no PV cdrom, because Linux's
# blkfront runs its HVM checks in PVH (xen_hvm_domain()) and declines
# every cdrom there: xsplit's does the same (lab.unbound tells the
# binding checks so).  Each guest checks that it runs as the type asked
# (/sys/hypervisor/guest_type), lists its disks against the expected set
# and runs fio verify on xvdb and xvdc.  The kernel's frontend is the
# reference: both must take the same disks.  Boot times (xl create, and
# the guest kernel's uptime when its /init starts) are printed per guest.
# Networking in PVH guests: net-iperf with LAB_X_GUEST_TYPE=pvh.
# Not in the quick suite: PVH runs on QEMU's emulation of SVM, and one
# PVH guest of the eight in results/20261206-153815 triple-faulted in its
# early boot (the kernel's frontend, before any driver): an emulator
# flake CI must not depend on.
# lab: modes=be timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

require_mode blk
use_backends

# job DISKS: the guest's job; DISKS is the expected list.
job() {
	cat <<JOB
EXPECT="$1"
JOB
	cat <<'JOB'
echo "LAB-TYPE $(cat /sys/hypervisor/guest_type 2>/dev/null)"
wait_dev /dev/xvdb 60 && wait_dev /dev/xvdc 60 || exit 1
case $EXPECT in *xvdd*) wait_dev /dev/xvdd 60 || exit 1 ;; *) sleep 5 ;; esac
got=$(ls /sys/block | grep '^xvd' | sort | tr '\n' ' ' | sed 's/ $//')
echo "LAB-DISKS $got (expected $EXPECT)"
dmesg | grep -iE 'xsplit_blkfront|xsplit_netfront|blkfront|vbd' | tail -n 12
[ "$got" = "$EXPECT" ] || { echo "disks differ"; exit 1; }
v="--direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1 --size=8M"
fio --name=xvdb --filename=/dev/xvdb $v --rw=randwrite --bs=4k --iodepth=16 >/tmp/f1 &&
	fio --name=xvdc --filename=/dev/xvdc $v --rw=write --bs=1M --iodepth=4 >/tmp/f2 ||
	{ cat /tmp/f1 /tmp/f2; exit 1; }
echo "fio verify on xvdb and xvdc: passed"
exit 0
JOB
}

guests=""
for t in pv pvh; do
	for fe in xsplit intree; do
		g=$t$fe
		b=$(nullb "${g}b" 64 1) || fail "$b"
		c=$(nullb "${g}c" 64 1) || fail "$c"
		d=$(nullb "${g}d" 16 0) || fail "$d"
		want="xvdb xvdc xvdd"
		unbound=""
		if [ "$t" = pvh ]; then
			want="xvdb xvdc"
			unbound="lab.unbound=vbd-$VBD_XVDD"
		fi
		job "$want" >"$LAB_OUT/job-$g.sh"
		LAB_FE=$fe GUEST_TYPE=$t GUEST_MEMORY=384 GUEST_CMDLINE=$unbound \
			guest_start "$g" "$LAB_OUT/job-$g.sh" \
			"disk = ['phy:$b,xvdb,w', 'phy:$c,hdc,w', 'format=raw,vdev=xvdd,access=ro,devtype=cdrom,target=$d']"
		guests="$guests $g"
	done
done

rc=0
for g in $guests; do
	guest_wait "$g" || { echo "guest $g: job failed"; rc=1; }
	grep -E 'LAB-GUEST-UP|LAB-TYPE|LAB-DISKS|LAB-BIND|fio verify|virtual-device|guest' \
		"$LAB_OUT/$g/console.log" | tr -d '\r' | sed "s/^/$g: /"
	# xl create's time, and the guest kernel's uptime when /init ran
	read -r t0 t1 <"$LAB_OUT/$g/t-create"
	kv "$g-create_ms" $((t1 - t0))
	kv "$g-init_uptime_s" "$(sed -n 's/.*LAB-GUEST-UP .*uptime=\([0-9.]*\).*/\1/p' \
		"$LAB_OUT/$g/console.log" | head -n 1)"
done
[ "$rc" = 0 ] || fail "a guest's disks or fio"
check_leaks

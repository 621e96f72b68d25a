#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit blkfront keeps requests across xl save / xl restore: the guest
# writes xvdb with fio --verify=crc32c at iodepth 32, dom0 saves and
# restores the guest in the middle of it, and the verify pass must find
# every block intact.  The in-tree blkback serves the disk.
# lab: timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

LAB_FE=xsplit
LAB_BE=intree
require_mode blk
use_backends
dev=$(nullb bfsave 256 1) || fail "$dev"

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1 --iodepth=32"
echo "FIO-START"
fio --name=acrosssave $v --rw=randwrite --bs=4k --size=24M || exit 1
echo "fio verify across save/restore: passed"
dmesg | grep -i 'xsplit\|xvd\|blkf' | tail -n 20
JOB
name=bfsave
guest_start "$name" "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']"
log=$CONSOLE_DIR/guest-$name.log
for _ in $(seq 1 90); do
	grep -q FIO-START "$log" 2>/dev/null && break
	sleep 2
done
grep -q FIO-START "$log" || { guest_collect "$name"; fail "fio never started"; }
sleep 8
step "saving $name during fio"
t0=$(now_ms)
timeout 240 xl save "$name" "/var/tmp/$name.save" >"$LAB_OUT/xl-save.log" 2>&1 ||
	{ cat "$LAB_OUT/xl-save.log"; guest_collect "$name"; fail "xl save"; }
step "saved in $(( $(now_ms) - t0 )) ms; restoring"
t0=$(now_ms)
timeout 240 xl restore "/var/tmp/$name.save" >"$LAB_OUT/xl-restore.log" 2>&1 ||
	{ cat "$LAB_OUT/xl-restore.log"; guest_collect "$name"; fail "xl restore"; }
step "restored in $(( $(now_ms) - t0 )) ms"
rm -f "/var/tmp/$name.save"
rc=0
guest_wait "$name" 400 || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"
[ "$rc" = 0 ] || fail "fio --verify across save/restore"
check_leaks

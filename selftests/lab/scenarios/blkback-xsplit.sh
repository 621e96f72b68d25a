#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit blkback served to the kernel's own blkfront, whatever the runner's
# mode: fio --verify=crc32c at 4k random and 1M sequential, iodepth 32, on a
# memory-backed null_blk; then the same disk attached read-only, where reads
# work and writes that reach the backend fail.
# lab: timeout=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

LAB_BE=xsplit
LAB_FE=intree
require_mode blk

use_backends
dev=$(nullb bbverify 512 1) || fail "$dev"

step "fio verify through xsplit blkback"
cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --iodepth=32 --verify=crc32c --verify_fatal=1"
set -e
fio --name=rand4k $v --rw=randwrite --bs=4k --size=32M
fio --name=seq1m $v --rw=write --bs=1M --size=256M
echo "fio verify: all passed"
JOB
guest_run bbrw "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" ||
	fail "fio --verify through xsplit blkback"

step "read-only vbd rejects writes"
cat >"$LAB_OUT/job-ro.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
cat /sys/block/xvdb/ro
fio --name=ro-read --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=read --bs=4k --size=1M || { echo "read failed"; exit 1; }
# Make the guest's block layer let writes through to the backend.
# Without it the guest refuses the write itself and the backend is never
# asked: the check below would pass for nothing.
blockdev --setrw /dev/xvdb || { echo "blockdev --setrw failed"; exit 1; }
if fio --name=ro-write --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=write --bs=4k --size=64k; then
	echo "write to a read-only vbd succeeded"
	exit 1
fi
echo "read-only: reads ok, writes refused"
JOB
guest_run bbro "$LAB_OUT/job-ro.sh" "disk = ['phy:$dev,xvdb,r']" ||
	fail "read-only vbd"
dmesg | grep xsplit_blkback | tail -n 20
check_leaks

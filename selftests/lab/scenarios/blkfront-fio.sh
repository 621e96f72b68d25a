#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit blkfront against the in-tree blkback: fio --verify=crc32c at 4k
# and 1M with iodepth 32 on a memory-backed xvdb (the 1M requests need
# indirect descriptors), then a read-only xvdc that must refuse writes
# and still serve reads.
# lab: modes=1 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# This scenario is about one pair, whatever the runner's mode.
LAB_FE=xsplit
LAB_BE=intree
require_mode blk
use_backends
dev=$(nullb bfverify 512 1) || fail "$dev"
ro=$(nullb bfro 64 1) || fail "$ro"

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
wait_dev /dev/xvdc 60 || exit 1
for q in max_segments max_hw_sectors_kb logical_block_size nr_requests; do
	echo "xvdb $q=$(cat /sys/block/xvdb/queue/$q)"
done
echo "xvdb hw queues: $(ls /sys/block/xvdb/mq | wc -l)"
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1 --iodepth=32"
set -e
fio --name=rand4k $v --rw=randwrite --bs=4k --size=32M
fio --name=seq1m $v --rw=write --bs=1M --size=256M
echo "fio verify: all passed"
set +e
echo "xvdc ro=$(cat /sys/block/xvdc/ro)"
[ "$(cat /sys/block/xvdc/ro)" = 1 ] || { echo "xvdc not read-only"; exit 1; }
if dd if=/dev/zero of=/dev/xvdc bs=4k count=1 oflag=direct 2>/tmp/dd.err; then
	echo "write to read-only xvdc succeeded"; exit 1
fi
echo "write to read-only xvdc refused: $(cat /tmp/dd.err | head -n1)"
dd if=/dev/xvdc of=/dev/null bs=4k count=256 iflag=direct || { echo "read of xvdc failed"; exit 1; }
echo "read-only: passed"
dmesg | grep -i 'xsplit\|xvd\|blkf' | tail -n 20
JOB
guest_run bfguest "$LAB_OUT/job.sh" \
	"disk = ['phy:$dev,xvdb,w', 'phy:$ro,xvdc,r']" ||
	fail "blkfront fio --verify / read-only in the guest"
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit blkfront against the in-tree blkback: fio --verify=crc32c at 4k
# and 1M with iodepth 32 on a memory-backed xvdb (the 1M requests need
# indirect descriptors), then a read-only xvdc that must refuse writes
# and still serve reads.  Three guests, one per way the data pages reach
# the backend: persistent grants (the backend's default), direct grants
# (backend without persistent grants) and bounced pages (the disk's
# "trusted" node set to 0).
# lab: timeout=900
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# This scenario is about one pair, whatever the runner's mode.
LAB_FE=xsplit
LAB_BE=intree
require_mode blk
use_backends
dev=$(nullb bfverify 512 1) || fail "$dev"
ro=$(nullb bfro 64 1) || fail "$ro"
BE_PERSISTENT=/sys/module/xen_blkback/parameters/feature_persistent

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
wait_dev /dev/xvdc 60 || exit 1
for q in max_segments max_hw_sectors_kb logical_block_size nr_requests; do
	echo "xvdb $q=$(cat /sys/block/xvdb/queue/$q)"
done
echo "xvdb hw queues: $(ls /sys/block/xvdb/mq | wc -l)"
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1 --iodepth=32"
set -e
fio --name=rand4k $v --rw=randwrite --bs=4k --size=16M
fio --name=seq1m $v --rw=write --bs=1M --size=128M
echo "fio verify: all passed"
set +e
echo "xvdc ro=$(cat /sys/block/xvdc/ro)"
[ "$(cat /sys/block/xvdc/ro)" = 1 ] || { echo "xvdc not read-only"; exit 1; }
if dd if=/dev/zero of=/dev/xvdc bs=4k count=1 oflag=direct 2>/tmp/dd.err; then
	echo "write to read-only xvdc succeeded"; exit 1
fi
echo "write to read-only xvdc refused: $(head -n1 /tmp/dd.err)"
dd if=/dev/xvdc of=/dev/null bs=4k count=256 iflag=direct || { echo "read of xvdc failed"; exit 1; }
echo "read-only: passed"
dmesg | grep -i 'xsplit\|xvd\|blkf' | tail -n 20
JOB

# run_guest NAME BACKEND_PERSISTENT TRUSTED
run_guest() {
	local name=$1 rc=0 domid
	echo "$2" >"$BE_PERSISTENT" || fail "set blkback feature_persistent"
	guest_start "$name" "$LAB_OUT/job.sh" \
		"disk = ['phy:$dev,xvdb,w', 'phy:$ro,xvdc,r']"
	if [ "$3" = 0 ]; then
		# before the guest boots far enough to load its frontend
		domid=$(xl domid "$name")
		xenstore-write "/local/domain/$domid/device/vbd/$VBD_XVDB/trusted" 0 ||
			fail "write trusted=0"
	fi
	guest_wait "$name" || rc=$?
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$name/console.log"
	echo 1 >"$BE_PERSISTENT"
	[ "$rc" = 0 ] || fail "$name: blkfront fio --verify / read-only in the guest"
	step "$name passed"
}

run_guest bfpersist 1 1
run_guest bfdirect 0 1
run_guest bfbounce 0 0
check_leaks

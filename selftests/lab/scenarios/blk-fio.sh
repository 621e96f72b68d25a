#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity through the block pair: a guest writes a memory-backed
# null_blk disk (its xvdb) with fio and reads every block back with
# --verify: 4k random (single-segment requests), 1M sequential (requests
# that need indirect descriptors) and mixed 4k-256k random sizes.
# lab: modes=4 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

require_mode blk
use_backends
dev=$(nullb verify 512 1) || fail "$dev"

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1"
set -e
fio --name=rand4k $v --rw=randwrite --bs=4k --iodepth=16 --size=4M
fio --name=seq1m $v --rw=write --bs=1M --iodepth=4 --size=32M
fio --name=mixed $v --rw=randwrite --bsrange=4k-256k --iodepth=8 --size=16M --offset=256M
echo "fio verify: all passed"
JOB
guest_run blkguest "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" ||
	fail "fio --verify in the guest"
check_leaks

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# blk-fio's guest (the quick run): dom0's block patterns read back from
# xvdb, the guest's own written for dom0 to check (blkpat_guest), then
# fio writes and verifies 4k random, 1M sequential and mixed sizes.
#   PATS   dom0's patterns, "SECTOR COUNT SHA256" a line
#   WRITE  where the guest writes its own, "SECTOR COUNT" a line
printf '%s\n' "$PATS" >/tmp/blkpat.exp
printf '%s\n' "$WRITE" >/tmp/blkpat.wr
wait_dev /dev/xvdb 60 || exit 1
blkpat_guest /dev/xvdb /tmp/blkpat.exp /tmp/blkpat.wr || exit 1
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c --verify_fatal=1"
set -e
fio --name=rand4k $v --rw=randwrite --bs=4k --iodepth=16 --size=4M
fio --name=seq1m $v --rw=write --bs=1M --iodepth=4 --size=32M
fio --name=mixed $v --rw=randwrite --bsrange=4k-256k --iodepth=8 --size=16M --offset=256M
echo "fio verify: all passed"

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# blk-peers' guest, booted through GRUB from xvda: fio verify of FIO_MB
# MiB on xvdb, which QEMU's qdisk backend serves.
echo "LAB-PEERS booted through GRUB: $(cat /proc/cmdline)"
wait_dev /dev/xvda 60 || exit 1
wait_dev /dev/xvdb 60 || exit 1
fio --name=qdisk --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=randwrite --bsrange=4k-1M --iodepth=8 --size=${FIO_MB}M \
	--verify=crc32c --verify_fatal=1 --output-format=terse >/tmp/fio.out 2>&1
rc=$?
cat /tmp/fio.out
echo "LAB-PEERS qdisk fio rc=$rc errors=$(cut -d';' -f5 /tmp/fio.out | head -n1)"
exit $rc

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# dd-foreign's well-behaved guest, after the refused maps: fio verify on
# xvdb, which the driver domain serves.
wait_dev /dev/xvdb 60 || exit 1
fio --name=after --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--verify=crc32c --verify_fatal=1 --rw=randwrite --bs=4k --size=4M

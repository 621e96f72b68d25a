# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# hostile-vbd's well-behaved guest (the kernel's frontend), after the
# hostile one: fio verify on the same disk.
wait_dev /dev/xvdb 60 || exit 1
fio --name=after --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--iodepth=8 --verify=crc32c --verify_fatal=1 --rw=randwrite \
	--bs=4k --size=1M

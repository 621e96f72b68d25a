# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# blk-fio's guest (LAB_X_FULL=1): 1 GiB of 4k random writes, then 1 GiB of
# 1M writes, iodepth 32, each verified with crc32c; two jobs, one per CPU
# and hw queue, each on its own 512 MiB half of xvdb.
wait_dev /dev/xvdb 60 || exit 1
echo "xvdb: $(cat /sys/block/xvdb/size) sectors, hw queues: $(ls /sys/block/xvdb/mq | wc -l), vcpus: $(nproc)"
# Two jobs, one per CPU (so one per hw queue), each on its own 512 MiB:
# 1 GiB written and verified in all.
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --iodepth=32
 --verify=crc32c --verify_fatal=1 --numjobs=2 --size=512M
 --offset_increment=512M --cpus_allowed=0-1 --cpus_allowed_policy=split
 --group_reporting --eta=never"
rc=0
for j in "rand4k --rw=randwrite --bs=4k" "seq1m --rw=write --bs=1M"; do
	name=${j%% *}
	t0=$(date +%s)
	# shellcheck disable=SC2086
	fio --name=$name $v ${j#* } --output=/tmp/$name.out
	r=$?
	t=$(( $(date +%s) - t0 ))
	grep -E 'err=|WRITE:|READ:|verify|error' /tmp/$name.out
	errs=$(sed -n 's/.*err= *\([0-9]*\).*/\1/p' /tmp/$name.out | head -n1)
	# io= of the WRITE: line: what was written (and then verified)
	io=$(sed -n 's/.*WRITE:.* io=\([^ ]*\) .*/\1/p' /tmp/$name.out)
	echo "LAB-FIG verify-$name written=${io:-?} seconds=$t fio_rc=$r err=${errs:-?}"
	[ "$r" = 0 ] && [ "${errs:-1}" = 0 ] || rc=1
done
[ "$rc" = 0 ] && echo "fio verify 2x1 GiB: all passed"
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The block protocol's optional features, end to end, in every fe/be pair:
#   flush       fio --fsync/--fdatasync and sync in the guest; the backend's
#               statistics/f_req grows (the disk has a write cache, so the
#               backend offers feature-flush-cache)
#   discard     blkdiscard of a range of a pattern: the range reads back as
#               zeroes, its neighbours keep the pattern, ds_req grows; then
#               fstrim on ext4 on the disk trims and ds_req grows again
#   read-only   a second disk attached 'r': the guest sees it read-only,
#               writes fail with an error, its content (checksummed in dom0
#               before and after, and read by the guest) is unchanged and
#               the backend saw no write request
#   multi-queue a 2-vCPU guest: what the frontend negotiated is read from
#               XenStore (2 queues asserted for xsplit/xsplit) and fio with
#               2 jobs, one per CPU, must make every ring's interrupt count
#               grow
#   ring order  last, an xsplit frontend is reloaded with
#               max_ring_page_order=2: XenStore must show order 2, and
#               fio --verify at iodepth 128 runs on the 4-page rings
# The read-only disk is read with O_DIRECT in dom0: its page cache would
# not show what the backend wrote.
# dom0 reads the backend's counters when the guest says "LAB-PHASE <name>"
# on its console (the guest then pauses a few seconds).
# lab: modes=4 timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

require_mode blk
use_backends
# Memory-backed, so discarded sectors read back as zeroes; a write cache,
# so the disk needs flushes and the backends offer them.
dev=$(nullb feat 256 1 discard=1 cache_size=32) || fail "$dev"
# A write cache here too: a backend must not offer (and then refuse) a
# flush of a disk the guest only reads.
ro=$(nullb featro 32 1 cache_size=8) || fail "$ro"
q=/sys/block/${dev#/dev/}/queue
echo "dom0 $dev: write_cache=$(cat "$q/write_cache")" \
	"discard_max_bytes=$(cat "$q/discard_max_bytes")" \
	"discard_granularity=$(cat "$q/discard_granularity")"
[ "$(cat "$q/discard_max_bytes")" -gt 0 ] || fail "null_blk $dev has no discard"
[ "$(cat "$q/write_cache")" = "write back" ] || fail "null_blk $dev has no write cache"
dd if=/dev/urandom of="$ro" bs=1M count=32 oflag=direct status=none ||
	fail "fill $ro"
ro_sum=$(dd if="$ro" bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1)
echo "read-only disk $ro md5 before: $ro_sum"

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
wait_dev /dev/xvdc 60 || exit 1
err=0
bad() { echo "GUEST-FAIL: $*"; err=1; }
# phase NAME: dom0 reads the backends' counters when it sees this line.
phase() { echo "LAB-PHASE $1"; sleep 5; }
# md5 FILE SKIP_MB COUNT_MB
md5() { dd if="$1" bs=1M skip="$2" count="$3" status=none | md5sum | cut -d' ' -f1; }
M=1048576

nq=$(ls /sys/block/xvdb/mq | wc -l)
echo "xvdb hw queues: $nq, vcpus: $(nproc)"
for f in write_cache fua discard_granularity discard_max_bytes \
	logical_block_size physical_block_size max_segments; do
	echo "xvdb queue/$f=$(cat /sys/block/xvdb/queue/$f)"
done
# HDIO_GETGEO: no real geometry, so 255 heads, 63 sectors a track and
# the cylinders the capacity makes (at most 0xffff), as Linux's blkfront
# answers fdisk and friends; the in-tree frontend is the control.
size=$(cat /sys/block/xvdb/size)
cyl=$(( size / (255 * 63) & 0xffff ))	# hd_geometry's is 16 bits
[ $(( (cyl + 1) * 255 * 63 )) -ge "$size" ] || cyl=65535
geo=$(/lab/bin/getgeo /dev/xvdb) || bad "HDIO_GETGEO on xvdb failed"
echo "xvdb geometry: $geo"
[ "$geo" = "heads=255 sectors=63 cylinders=$cyl start=0" ] ||
	bad "xvdb geometry $geo, want 255/63/$cyl"
phase start

echo "== flush"
[ "$(cat /sys/block/xvdb/queue/write_cache)" = "write back" ] ||
	bad "xvdb has no write cache: flushes would never be sent"
o="--filename=/dev/xvdb --rw=write --bs=4k --size=1M --ioengine=psync"
fio --name=fsync $o --fsync=1 --minimal >/dev/null || bad "fio --fsync=1"
fio --name=fdatasync $o --offset=1M --fdatasync=1 --minimal >/dev/null ||
	bad "fio --fdatasync=1"
dd if=/dev/urandom of=/dev/xvdb bs=4k count=16 seek=1024 status=none && sync ||
	bad "write + sync"
phase flushed

echo "== discard"
dd if=/dev/urandom of=/tmp/pat bs=1M count=16 status=none
dd if=/tmp/pat of=/dev/xvdb bs=1M seek=64 oflag=direct conv=fsync status=none ||
	bad "write pattern"
[ "$(md5 /dev/xvdb 64 16)" = "$(md5 /tmp/pat 0 16)" ] || bad "pattern not written"
# 8 MiB in the middle of the 16 MiB pattern
/sbin/blkdiscard -o $((68 * M)) -l $((8 * M)) /dev/xvdb || bad "blkdiscard"
dd if=/dev/xvdb of=/tmp/back bs=1M skip=64 count=16 iflag=direct status=none
z=$(dd if=/dev/zero bs=1M count=8 status=none | md5sum | cut -d' ' -f1)
[ "$(md5 /tmp/back 4 8)" = "$z" ] && echo "discarded range reads as zeroes" ||
	bad "discarded range does not read as zeroes"
[ "$(md5 /tmp/back 0 4)" = "$(md5 /tmp/pat 0 4)" ] &&
	[ "$(md5 /tmp/back 12 4)" = "$(md5 /tmp/pat 12 4)" ] &&
	echo "data around the range intact" || bad "data around the discarded range changed"
rm -f /tmp/pat /tmp/back
phase discarded

echo "== fstrim on ext4"
# ext4 and what it needs, unless built in (then there is no list)
if [ -e /lib/modules/fs/order ]; then
	while read -r m; do
		insmod "/lib/modules/fs/$m" || bad "insmod $m"
	done </lib/modules/fs/order
fi
mkdir -p /mnt
if mkfs.ext4 -q -F -E nodiscard /dev/xvdb && mount -t ext4 /dev/xvdb /mnt; then
	dd if=/dev/urandom of=/mnt/f bs=1M count=32 status=none && sync
	rm /mnt/f && sync
	out=$(/sbin/fstrim -v /mnt) || bad "fstrim"
	echo "$out"
	case $out in
	*"(0 bytes)"*|"") bad "fstrim trimmed nothing" ;;
	esac
	umount /mnt || bad "umount"
else
	bad "mkfs.ext4/mount"
fi
phase trimmed

echo "== multi-queue: fio 2 jobs, one per CPU"
# Each ring has its own event channel: a ring that carried I/O had its
# interrupt counts grow (xvdc is idle meanwhile).  Both frontends' ring
# interrupts are named blkif (Linux) or xsplit-blkf-<vdev>-<ring>.
irqs() { grep -E 'blkif|blkf|xvd' /proc/interrupts |
	awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i;
	       print $1, n }'; }
irqs >/tmp/irq0
# fio's own status decides, not the figure's awk
if fio --name=mq --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=randread --bs=4k --iodepth=16 --numjobs=2 --cpus_allowed=0-1 \
	--cpus_allowed_policy=split --runtime=10 --time_based --group_reporting \
	--minimal >/tmp/mq.out; then
	awk -F';' '{ printf "LAB-FIG mq-2jobs iops=%d\n", $8 }' /tmp/mq.out
else
	cat /tmp/mq.out
	bad "fio 2 jobs"
fi
irqs >/tmp/irq1
grep -E 'blkif|blkf|xvd' /proc/interrupts
n=$(awk 'NR == FNR { a[$1] = $2; next } $2 > a[$1] { n++ } END { print n + 0 }' \
	/tmp/irq0 /tmp/irq1)
echo "rings whose interrupts grew during fio: $n of $nq hw queues"
[ "$n" -ge "$nq" ] || bad "only $n ring interrupt(s) grew for $nq hw queues"

echo "== read-only"
r=$(cat /sys/block/xvdc/ro)
g=$(blockdev --getro /dev/xvdc)
echo "xvdc sysfs ro=$r blockdev --getro=$g"
[ "$r" = 1 ] && [ "$g" = 1 ] || bad "xvdc not read-only"
if dd if=/dev/zero of=/dev/xvdc bs=4k count=1 oflag=direct 2>/tmp/e; then
	bad "direct write to read-only xvdc succeeded"
else
	echo "direct write refused: $(head -n1 /tmp/e)"
fi
if dd if=/dev/zero of=/dev/xvdc bs=4k count=1 seek=8 conv=fsync 2>/tmp/e; then
	bad "buffered write to read-only xvdc succeeded"
else
	echo "buffered write refused: $(head -n1 /tmp/e)"
fi
# fsync() of a disk opened read-only: the block layer sends a flush if
# the disk has a write cache.  Linux's backend offers feature-flush-cache
# on a read-only vbd and refuses the flush (its frontend then logs "empty
# flush op failed" and stops flushing).  With an xsplit driver at either
# end, no flush is offered or sent: xvdc has no write cache in the guest.
wc=$(cat /sys/block/xvdc/queue/write_cache)
echo "xvdc write_cache=$wc" \
	"discard_max_bytes=$(cat /sys/block/xvdc/queue/discard_max_bytes)"
[ "$PAIR" = intree/intree ] || [ "$wc" = "write through" ] ||
	bad "read-only xvdc has a write cache: flushes would be sent and refused"
if sync /dev/xvdc 2>/tmp/e; then
	echo "fsync of read-only xvdc: ok"
else
	bad "fsync of read-only xvdc failed: $(head -n1 /tmp/e)"
fi
echo "ro-md5=$(dd if=/dev/xvdc bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1)"
phase end

echo "== multi-page rings: the frontend again, with max_ring_page_order=2"
# Only xsplit's.  XenBus holds a reference on a driver's module for each
# device bound to it (rmmod: EAGAIN), so the disks are unbound first:
# each frontend closes, its backend with it.
m=xsplit_blkfront ko=/lab/modules/xsplit_blkfront.ko
if [ "${PAIR%/*}" != xsplit ]; then
	echo "in-tree frontend: not reloaded"
elif ! xb_unbind_all xsplit-vbd || ! rmmod "$m"; then
	# the ring-order check cannot run: that fails it, it is not skipped
	bad "$m could not be unloaded: ring order 2 not checked"
elif insmod "$ko" max_ring_page_order=2 &&
	wait_dev /dev/xvdb 60 && wait_dev /dev/xvdc 60; then
	# 2 queues of 4-page rings: 128 requests each
	fio --name=ring2 --filename=/dev/xvdb --direct=1 --ioengine=libaio \
		--rw=randwrite --bs=4k --iodepth=128 --numjobs=2 --size=8M \
		--offset_increment=8M --cpus_allowed=0-1 --cpus_allowed_policy=split \
		--verify=crc32c --verify_fatal=1 --minimal >/dev/null ||
		bad "fio --verify on 4-page rings"
else
	bad "reload of $m with max_ring_page_order=2"
	# what each vbd's XenBus device says: bound or not, and its state
	for d in /sys/bus/xen/devices/vbd-*; do
		echo "${d##*/}: state=$(cat "$d/state" 2>/dev/null)" \
			"driver=$(basename "$(readlink "$d/driver" 2>/dev/null)")"
	done
	ls /sys/block
fi
phase ring2
dmesg | grep -i 'xvd\|blkfront\|xsplit' | tail -n 20
exit $err
JOB
sed -i "1i PAIR=$LAB_FE/$LAB_BE" "$LAB_OUT/job.sh"

# Every check is reported, not only the first that fails.
bad=0
nok() { echo "CHECK FAILED: $*"; bad=1; }

# snap PHASE: the backends' counters of both disks now.
declare -A S
snap() {
	local v s dir
	for v in $VBD_XVDB $VBD_XVDC; do
		dir=/sys/bus/xen-backend/devices/vbd-$domid-$v/statistics
		for s in f_req ds_req wr_req rd_req; do
			S[$1.$v.$s]=$(cat "$dir/$s" 2>/dev/null || echo -1)
		done
	done
	echo "LAB-STEP phase $1: xvdb f_req=${S[$1.$VBD_XVDB.f_req]} ds_req=${S[$1.$VBD_XVDB.ds_req]}" \
		"wr_req=${S[$1.$VBD_XVDB.wr_req]}; xvdc wr_req=${S[$1.$VBD_XVDC.wr_req]}" \
		"rd_req=${S[$1.$VBD_XVDC.rd_req]}"
}

# follow PHASE: wait (at most 240 s) for the guest to reach PHASE, then snap.
# The guest holds each phase 5 s for it.
follow() {
	console_wait blkfeat "LAB-PHASE $1" 240 ||
		{ echo "guest never reached phase $1"; return 1; }
	snap "$1"
}

GUEST_VCPUS=2 guest_start blkfeat "$LAB_OUT/job.sh" \
	"disk = ['phy:$dev,xvdb,w', 'phy:$ro,xvdc,r']"
domid=$(xl domid blkfeat) || fail "no domid"
phases_ok=1
if follow start; then
	fe=/local/domain/$domid/device/vbd/$VBD_XVDB
	be=/local/domain/0/backend/vbd/$domid/$VBD_XVDB
	echo "--- negotiated (frontend $fe) ---"
	xenstore-ls -f "$fe" | grep -E 'multi-queue|ring-page-order|ring-ref|event-channel|protocol|feature'
	echo "--- offered (backend $be) ---"
	xenstore-ls -f "$be" | grep -E 'multi-queue|ring-page-order|feature|discard|sector|info|mode'
	nq=$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null || echo 1)
	kv queues "$nq"
	kv ring_page_order "$(xenstore-read "$fe/ring-page-order" 2>/dev/null || echo 0)"
	if [ "$LAB_FE/$LAB_BE" = xsplit/xsplit ]; then
		[ "$nq" = 2 ] || nok "xsplit pair negotiated $nq queue(s), not 2"
		for i in 0 1; do
			xenstore-ls "$fe/queue-$i" | grep ring-ref >/dev/null ||
				nok "no queue-$i/ring-ref in $fe"
		done
	fi
	for p in flushed discarded trimmed end ring2; do
		follow "$p" || { phases_ok=0; break; }
	done
	order=$(xenstore-read "$fe/ring-page-order" 2>/dev/null || echo 0)
	echo "--- after the reload with max_ring_page_order=2 ---"
	xenstore-ls -f "$fe" | grep -E 'multi-queue|ring-page-order|ring-ref'
	kv ring_page_order_reload "$order"
else
	phases_ok=0
fi
rc=0
guest_wait blkfeat || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/blkfeat/console.log"

# st PHASE VBD STAT: a counter read at PHASE (-1: never read)
st() { echo "${S[$1.$2.$3]:--1}"; }
[ "$rc" = 0 ] || nok "guest checks failed (rc=$rc, GUEST-FAIL lines above)"
[ "$phases_ok" = 1 ] || nok "did not see every phase of the guest"

b=$VBD_XVDB
kv f_req_flush $(( $(st flushed $b f_req) - $(st start $b f_req) ))
kv ds_req_blkdiscard $(( $(st discarded $b ds_req) - $(st flushed $b ds_req) ))
kv ds_req_fstrim $(( $(st trimmed $b ds_req) - $(st discarded $b ds_req) ))
[ "$(st flushed $b f_req)" -gt "$(st start $b f_req)" ] ||
	nok "no flush reached the backend (f_req $(st start $b f_req) -> $(st flushed $b f_req))"
[ "$(st discarded $b ds_req)" -gt "$(st flushed $b ds_req)" ] ||
	nok "blkdiscard did not reach the backend (ds_req $(st flushed $b ds_req) -> $(st discarded $b ds_req))"
[ "$(st trimmed $b ds_req)" -gt "$(st discarded $b ds_req)" ] ||
	nok "fstrim did not reach the backend (ds_req $(st discarded $b ds_req) -> $(st trimmed $b ds_req))"

c=$VBD_XVDC
if [ "$(st start $c wr_req)" != 0 ] || [ "$(st end $c wr_req)" != 0 ]; then
	nok "read-only disk: backend wr_req $(st start $c wr_req) -> $(st end $c wr_req)"
fi
[ "$(st end $c rd_req)" -gt 0 ] || nok "read-only disk: backend served no read"
after=$(dd if="$ro" bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1)
echo "read-only disk $ro md5 after: $after"
[ "$after" = "$ro_sum" ] || nok "read-only disk changed in dom0"
grep -q "ro-md5=$ro_sum" "$LAB_OUT/blkfeat/console.log" ||
	nok "the guest read other data from the read-only disk"
if [ "$LAB_FE" = xsplit ] && [ "${order:-}" != 2 ]; then
	nok "frontend asked for ring order 2, negotiated ${order:-?}"
fi
[ "$bad" = 0 ] || fail "block features (CHECK FAILED lines above)"
echo "flush, discard, fstrim, read-only, $nq queue(s), 4-page rings: passed"
check_leaks

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Online resize (issue 17, item 3): the disk grows in dom0 under a running
# guest, which must see the new size within seconds, with fio verify
# running across the resize and on the new space afterwards.
#
# The disk is a loop device over a file in a tmpfs: 64 MiB, grown to
# 128 MiB by `truncate` and `losetup -c`, as an administrator does.  Each
# backend has to notice by itself (nothing tells a holder of a block
# device that it grew), write the new "sectors" and Connected again; the
# frontend then sets the disk's capacity.
#
# The guest writes and verifies (crc32c) its first 16 MiB in rounds until
# it sees the new size, then one round more; the round running when dom0
# grows the disk crosses the resize.  Then it writes and verifies every
# byte past the old end.  dom0 times, from its `losetup -c`, when the
# backend's "sectors" changes in XenStore and when the guest's console
# reports the new size (an upper bound: the console's own delay is in it).
# lab: modes=4 timeout=420
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

OLD_MB=64
NEW_MB=128
# 512-byte sectors per MiB
SPM=2048
MNT=/run/lab-resize
IMG=$MNT/disk.img
GUEST=resguest

require_mode blk
use_backends

loop=""
cleanup() {
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -f "$IMG"
	umount "$MNT" 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$MNT"
mountpoint -q "$MNT" ||
	mount -t tmpfs -o size=$((NEW_MB + 16))m tmpfs "$MNT" || fail "tmpfs $MNT"
truncate -s "${OLD_MB}M" "$IMG" || fail "truncate $IMG"
modprobe loop 2>/dev/null || true
loop=$(losetup -f --show "$IMG") || fail "losetup $IMG"
echo "dom0 disk: $loop over $IMG, $(blockdev --getsz "$loop") sectors"

cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
s0=$(cat /sys/block/xvdb/size)
echo "xvdb: $s0 sectors"
v="--filename=/dev/xvdb --direct=1 --ioengine=libaio --verify=crc32c
 --verify_fatal=1 --eta=never"
# fio_errs FILE: the error count of the job in fio's output (1 if none)
fio_errs() { sed -n 's/.*err= *\([0-9]*\).*/\1/p' "$1" | head -n 1 | grep . || echo 1; }
(
	n=0 bad=0
	while [ "$n" -lt 60 ]; do
		n=$((n + 1))
		last=0
		[ -e /tmp/seen ] && last=1
		# shellcheck disable=SC2086
		fio --name=across$n $v --rw=randwrite --bs=4k --iodepth=8 \
			--size=16M --output=/tmp/across.out
		r=$?
		e=$(fio_errs /tmp/across.out)
		echo "round $n: fio rc=$r err=$e"
		[ "$r" = 0 ] && [ "$e" = 0 ] || { bad=$((bad + 1)); cat /tmp/across.out; }
		[ "$last" = 1 ] && break
	done
	echo "$n $bad" >/tmp/across.res
) &
pid=$!
echo "LAB-RESIZE-READY sectors=$s0"
i=0
while [ "$(cat /sys/block/xvdb/size)" = "$s0" ] && [ "$i" -lt 1200 ]; do
	i=$((i + 1))
	usleep 100000
done
s1=$(cat /sys/block/xvdb/size)
echo "LAB-RESIZE-SEEN sectors=$s1"
touch /tmp/seen
wait "$pid"
read -r n bad </tmp/across.res
echo "LAB-FIG resize-across rounds=$n verified_mib=$((n * 16)) failed_rounds=$bad"
[ "$s1" != "$s0" ] || { echo "GUEST-FAIL: xvdb never changed size"; exit 1; }
# Every byte past the old end, written and verified: the backend must
# take requests there now.  A queue deeper than a one-page ring, so the
# ring fills (the backend's statistics/oo_req, read by dom0 at DONE).
# shellcheck disable=SC2086
fio --name=grown $v --rw=randwrite --bs=16k --iodepth=64 \
	--offset=$((s0 * 512)) --size=$(((s1 - s0) * 512)) --output=/tmp/grown.out
r=$?
e=$(fio_errs /tmp/grown.out)
echo "LAB-FIG resize-grown verified_mib=$(((s1 - s0) / 2048)) fio_rc=$r err=$e"
echo "LAB-RESIZE-DONE"
sleep 3
[ "$r" = 0 ] && [ "$e" = 0 ] || { cat /tmp/grown.out; exit 1; }
[ "$bad" = 0 ] || { echo "GUEST-FAIL: $bad round(s) failed verify"; exit 1; }
echo "resize: all verified"
JOB

guest_start "$GUEST" "$LAB_OUT/job.sh" "disk = ['phy:$loop,xvdb,w']"
console_mark "$GUEST" LAB-RESIZE-READY 240
sleep 3	# a verify round is under way
domid=$(xl domid "$GUEST") || fail "no domain $GUEST"
vbd=$(xenstore-list "/local/domain/0/backend/vbd/$domid" | head -n 1)
be=/local/domain/0/backend/vbd/$domid/$vbd
echo "backend $be: sectors=$(xenstore-read "$be/sectors") state=$(xenstore-read "$be/state")"
log=$CONSOLE_DIR/guest-$GUEST.log
want=$((NEW_MB * SPM))

step "growing $loop to $NEW_MB MiB"
t0=$(now_ms)
truncate -s "${NEW_MB}M" "$IMG" || fail "truncate $IMG"
losetup -c "$loop" || fail "losetup -c $loop"
be_ms="" fe_ms=""
while [ $(($(now_ms) - t0)) -lt 60000 ]; do
	if [ -z "$be_ms" ] &&
		[ "$(xenstore-read "$be/sectors" 2>/dev/null)" = "$want" ]; then
		be_ms=$(($(now_ms) - t0))
	fi
	if [ -z "$fe_ms" ] && grep -q LAB-RESIZE-SEEN "$log" 2>/dev/null; then
		fe_ms=$(($(now_ms) - t0))
	fi
	[ -n "$be_ms" ] && [ -n "$fe_ms" ] && break
	sleep 0.1
done
echo "dom0 $loop: $(blockdev --getsz "$loop") sectors;" \
	"backend state=$(xenstore-read "$be/state" 2>/dev/null)"
kv resize_backend_ms "${be_ms:-none}"
kv resize_guest_ms "${fe_ms:-none}"
if console_wait "$GUEST" LAB-RESIZE-DONE 240; then
	st=/sys/bus/xen-backend/devices/vbd-$domid-$vbd/statistics
	for c in oo_req rd_req wr_req; do
		kv "be_$c" "$(cat "$st/$c" 2>/dev/null || echo none)"
	done
	echo "ring-page-order=$(xenstore-read "/local/domain/$domid/device/vbd/$vbd/ring-page-order" 2>/dev/null || echo absent)"
fi

rc=0
guest_wait "$GUEST" || rc=$?
sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$GUEST/console.log"
[ -n "$be_ms" ] || fail "the backend never wrote sectors=$want"
[ -n "$fe_ms" ] || fail "the guest never saw the new size"
seen=$(sed -n 's/.*LAB-RESIZE-SEEN sectors=\([0-9]*\).*/\1/p' \
	"$LAB_OUT/$GUEST/console.log" | head -n 1)
[ "$seen" = "$want" ] || fail "the guest saw $seen sectors, want $want"
[ "$rc" = 0 ] || fail "fio verify across or after the resize (rc=$rc)"
cleanup
loop=""
check_leaks

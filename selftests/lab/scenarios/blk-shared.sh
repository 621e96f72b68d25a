#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared disks (issue 17, item 4): two guests use one disk at once.
#   xvdb  one read-only image ('r') given to both guests: each reads all of
#         it while the other is connected too; both read what dom0 wrote,
#         and dom0 finds it unchanged afterwards
#   xvdc  one writable disk shared with mode "w!": each guest writes and
#         verifies (fio crc32c) its own 16 MiB half, both at once
# A backend that opens its device exclusively fails the second guest's
# disk with EBUSY; Linux's blkback opens without a holder, and so must
# xsplit's.
#
# xl writes a disk's mode as "r" or "w" only (its access= takes no "w!"),
# so "w!" reaches the backend as older toolstacks wrote it: a hotplug
# script in front of the stock block script (script= in the disk spec)
# rewrites "mode" to "w!", and the stock script then skips its sharing
# check, as it does for any "w!" disk.
#
# The two guests hold their connections until dom0 has seen both backends
# of both guests Connected at the same time: dom0 then writes "GO" into
# the last 4 KiB of xvdc, which the guests poll with O_DIRECT reads.
# LAB_X_BLK_SHARED_MODES="fe/be ..." runs only those pairs (others skip).
# lab: modes=4 timeout=480
# lab: skips=modes-filter
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

RO_MB=32
RW_MB=64
SCRIPT=/etc/xen/scripts/block-lab-shared

require_mode blk
if [ -n "${LAB_X_BLK_SHARED_MODES:-}" ] &&
	[[ " $LAB_X_BLK_SHARED_MODES " != *" $LAB_FE/$LAB_BE "* ]]; then
	skip modes-filter "$LAB_FE/$LAB_BE not in LAB_X_BLK_SHARED_MODES"
fi
use_backends

trap 'rm -f "$SCRIPT"' EXIT
cat >"$SCRIPT" <<'EOF'
#!/bin/bash
# lab: the stock block script, for a disk shared with mode "w!"
if [ "$1" = add ]; then
	xenstore-write "$XENBUS_PATH/mode" 'w!' || exit 1
fi
exec "$(dirname "$0")/block" "$@"
EOF
chmod 755 "$SCRIPT"

ro=$(nullb sharedro "$RO_MB" 1) || fail "$ro"
rw=$(nullb sharedrw "$RW_MB" 1) || fail "$rw"
dd if=/dev/urandom of="$ro" bs=1M count="$RO_MB" oflag=direct status=none ||
	fail "fill $ro"
dd if=/dev/zero of="$rw" bs=1M count="$RW_MB" oflag=direct status=none ||
	fail "clear $rw"
ro_sum=$(dd if="$ro" bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1)
echo "read-only image $ro md5 $ro_sum; shared disk $rw"
# the mailbox: the last 4 KiB of the shared disk
box=$((RW_MB * 256 - 1))

# job OFFSET_MB: the guests' job, each on its own half of xvdc.
job() {
	cat <<JOB
off=$1
box=$box
JOB
	cat <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
wait_dev /dev/xvdc 60 || exit 1
sum=$(dd if=/dev/xvdb bs=1M iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
echo "LAB-SHARED-READ ro=$(cat /sys/block/xvdb/ro) md5=$sum"
GO_S=300	# dom0 starts the writers once every guest has read
# go: dom0 wrote GO in this guest's mailbox block of xvdc.
go() {
	dd if=/dev/xvdc of=/tmp/box bs=4k skip="$box" count=1 iflag=direct \
		2>/dev/null && grep -q GO /tmp/box
}
wait_for "$GO_S" "GO from dom0" go || { echo "GUEST-FAIL: no GO from dom0"; exit 1; }
echo "LAB-SHARED-GO"
fio --name=shared --filename=/dev/xvdc --direct=1 --ioengine=libaio \
	--verify=crc32c --verify_fatal=1 --rw=randwrite --bs=4k --iodepth=8 \
	--offset="${off}M" --size=16M --eta=never --output=/tmp/fio.out
r=$?
e=$(sed -n 's/.*err= *\([0-9]*\).*/\1/p' /tmp/fio.out | head -n 1)
echo "LAB-FIG shared-w verified_mib=16 fio_rc=$r err=${e:-?}"
[ "$r" = 0 ] && [ "${e:-1}" = 0 ] || { cat /tmp/fio.out; exit 1; }
echo "shared: verified"
JOB
}

disks="disk = ['phy:$ro,xvdb,r', 'format=raw,vdev=xvdc,access=rw,script=block-lab-shared,target=$rw']"
NDISKS=2	# each guest's: the read-only one and the w! one
job 0 >"$LAB_OUT/job-a.sh"
job 16 >"$LAB_OUT/job-b.sh"
guest_start sharea "$LAB_OUT/job-a.sh" "$disks"
guest_start shareb "$LAB_OUT/job-b.sh" "$disks"

# connected NAME: guest NAME has its NDISKS vbd backends, every one
# Connected (4); none listed is not all connected.
connected() {
	local d j domid n=0
	domid=$(xl domid "$1" 2>/dev/null) || return 1
	d=/local/domain/0/backend/vbd/$domid
	for j in $(xenstore-list "$d"); do
		[ "$(xenstore-read "$d/$j/state")" = 4 ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "$NDISKS" ]
}

# backends_show NAME: mode and state of each of the guest's vbd backends.
backends_show() {
	local d j domid
	domid=$(xl domid "$1" 2>/dev/null) || return 0
	d=/local/domain/0/backend/vbd/$domid
	for j in $(xenstore-list "$d"); do
		echo "$1 vbd $j: mode=$(xenstore-read "$d/$j/mode")" \
			"state=$(xenstore-read "$d/$j/state")" \
			"physical-device=$(xenstore-read "$d/$j/physical-device")"
	done
}

both=""
for _ in $(seq 150); do
	if console_wait sharea LAB-SHARED-READ 1 &&
		console_wait shareb LAB-SHARED-READ 1 &&
		connected sharea && connected shareb; then
		both=1
		break
	fi
	# a guest that gave up (its disk never came) ends the wait
	if ! xl domid sharea >/dev/null 2>&1 ||
		! xl domid shareb >/dev/null 2>&1; then
		break
	fi
done
backends_show sharea
backends_show shareb
if [ -z "$both" ]; then
	guest_collect sharea
	guest_collect shareb
	for g in sharea shareb; do
		echo "--- console of $g ---"
		tail -n 30 "$LAB_OUT/$g/console.log"
	done
	fail "the two guests were never connected to both disks at once"
fi
step "both guests connected to both disks; GO"
printf 'GO' | dd of="$rw" bs=4k seek="$box" count=1 conv=sync oflag=direct \
	status=none || fail "write GO"

rc=0
guest_wait sharea || rc=1
guest_wait shareb || rc=1
for g in sharea shareb; do
	sed -n '/LAB-GUEST-UP/,$p' "$LAB_OUT/$g/console.log"
	sum=$(sed -n 's/.*LAB-SHARED-READ ro=1 md5=\([0-9a-f]*\).*/\1/p' \
		"$LAB_OUT/$g/console.log" | head -n 1)
	[ "$sum" = "$ro_sum" ] ||
		fail "guest $g read '${sum:-nothing}' from the read-only disk (read-only: 1), want $ro_sum"
done
[ "$rc" = 0 ] || fail "fio verify on the w! disk"
after=$(dd if="$ro" bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1)
[ "$after" = "$ro_sum" ] || fail "the read-only image changed: $after"
echo "read-only image unchanged; both guests read it and wrote the w! disk at once"
check_leaks

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, block: dom0's null_blk disks, and data written on one side
# of the block pair and checked on the other.

# nullb NAME MB MEMORY_BACKED [ATTR=VALUE...]: make a null_blk disk through
# configfs and print its /dev path.  Memory-backed disks keep what is
# written (for fio verify); the others are the benchmark disk, free of
# memory copies.  Extra configfs attributes are set before power-on, e.g.
# discard=1 (memory-backed only: discarded sectors then read as zeroes) or
# cache_size=MB (a write cache, so the disk takes and needs flushes).
nullb() {
	local d=/sys/kernel/config/nullb/$1 dev a
	if [ ! -d /sys/kernel/config/nullb ]; then
		modprobe null_blk nr_devices=0 || fail "modprobe null_blk"
	fi
	if [ ! -d "$d" ]; then
		mkdir "$d" || fail "configfs nullb $1"
		echo "$2" >"$d/size"
		echo 4096 >"$d/blocksize"
		echo "$3" >"$d/memory_backed"
		shift 3
		for a in "$@"; do
			echo "${a#*=}" >"$d/${a%%=*}" || fail "nullb $a"
		done
		echo 1 >"$d/power" || fail "power on nullb"
	fi
	udevadm settle -t 10 >/dev/null 2>&1 || true
	# 6.1 names the disk nullb<index>; later kernels may use NAME.
	dev=/dev/nullb$(cat "$d/index")
	[ -b "/dev/${d##*/}" ] && dev=/dev/${d##*/}
	[ -b "$dev" ] || fail "no block device for nullb ${d##*/}"
	echo "$dev"
}

# ---------------------------------------------------------------------
# Block data checked from the other side: fio --verify in a guest passes
# with a backend that writes and reads the same wrong sector, so dom0
# writes patterns the guest must read back, and reads back what the guest
# wrote, on the backing device itself.  Regions: "SECTOR COUNT" (512-byte
# sectors), odd sizes at odd offsets, so requests start and end inside
# pages; 300-500 MiB into the disk, clear of blk-fio's fio regions.
# ---------------------------------------------------------------------
BLKPAT_DOM0="614401 1
620007 7
700003 4097
800011 15
900001 2049"
BLKPAT_GUEST="650003 3
750001 8191
850005 9
950007 1025
1000003 33"

# blkpat_write DEV: dom0's patterns onto DEV, written through and out of
# dom0's cache (the disk's 4 KiB blocks rule out O_DIRECT at odd sectors;
# the backend bypasses dom0's cache); prints "SECTOR COUNT SHA256" lines
# for the guest's job.
blkpat_write() {
	local off n f=/run/lab-blkpat
	while read -r off n; do
		head -c $((n * 512)) /dev/urandom >"$f" || return 1
		dd if="$f" of="$1" bs=512 seek="$off" count="$n" \
			conv=notrunc,fsync status=none || return 1
		echo "$off $n $(sha256sum <"$f" | cut -d' ' -f1)"
	done <<<"$BLKPAT_DOM0"
	rm -f "$f"
	blockdev --flushbufs "$1"
}

# blkpat_check DEV CONSOLE: the guest's "LAB-GPAT SECTOR COUNT SHA256"
# lines (what it wrote) against DEV as dom0 reads it; fails on a missing
# region or a mismatch.
blkpat_check() {
	local off n want got seen=0 bad=0
	# What dom0 cached of DEV predates the guest's writes: drop it.
	blockdev --flushbufs "$1" || return 1
	while read -r _ off n want; do
		got=$(dd if="$1" bs=512 skip="$off" count="$n" status=none |
			sha256sum | cut -d' ' -f1)
		seen=$((seen + 1))
		[ "$got" = "$want" ] && continue
		echo "blkpat: sectors $off+$n read $got in dom0, the guest wrote $want"
		bad=1
	done < <(tr -d '\r' <"$2" | grep '^LAB-GPAT ')
	kv blkpat.guest_regions_checked "$seen"
	[ "$seen" = "$(wc -l <<<"$BLKPAT_GUEST")" ] ||
		{ echo "blkpat: $seen of the guest's regions reported"; bad=1; }
	return "$bad"
}

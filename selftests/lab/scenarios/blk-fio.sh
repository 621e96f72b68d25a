#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity through the block pair: a guest writes a memory-backed
# null_blk disk (its xvdb) with fio and reads every block back with
# --verify: 4k random (single-segment requests), 1M sequential (requests
# that need indirect descriptors) and mixed 4k-256k random sizes.
#
# Full variant (LAB_X_FULL=1), the sizes: a 2-vCPU guest (two
# queues) on a 1 GiB + 64 MiB disk writes 1 GiB of random 4k blocks, then
# 1 GiB of 1M blocks, iodepth 32, each verified with crc32c; two fio jobs,
# one per CPU and queue, each on its own 512 MiB half.  Sizes, times and
# error counts are printed.  LAB_X_BLK_FIO_MODES="xsplit/xsplit ..." runs
# only those fe/be pairs (the others skip): 1 GiB of 4k under TCG is
# ~10-15 minutes per pair.  LAB_X_BLK_FIO_SET="module.param=value,..."
# sets those (writable) module parameters in dom0 for the run, e.g. a
# backend variant of the bench: it must verify too.  LAB_X_BLK_FIO_GUEST
# adds words to the guest's kernel command line, e.g. a frontend's
# parameters ("xen_blkfront.feature_persistent=0": the kernel's frontend
# granting bio pages per request, as xsplit's grant-copy backend serves).
# lab: modes=4 timeout=600 timeout_full=2700
# lab: skips=modes-filter
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

require_mode blk
if [ -n "${LAB_X_BLK_FIO_MODES:-}" ] &&
	[[ " $LAB_X_BLK_FIO_MODES " != *" $LAB_FE/$LAB_BE "* ]]; then
	skip modes-filter "$LAB_FE/$LAB_BE not in LAB_X_BLK_FIO_MODES"
fi
use_backends
if [ -n "${LAB_X_BLK_FIO_SET:-}" ]; then
	undo=$(set_params "$LAB_X_BLK_FIO_SET") || exit 1
	echo "dom0: $LAB_X_BLK_FIO_SET (undone after: $undo)"
	# the next scenario of the run must find the defaults
	trap 'set_params "$undo" >/dev/null' EXIT
fi

if [ "${LAB_X_FULL:-0}" != 1 ]; then
	dev=$(nullb verify 512 1) || fail "$dev"
	# Checked from the other side too (dom0/lib.sh, blkpat_*).
	pats=$(blkpat_write "$dev") || fail "dom0's block patterns"
	job=$(guest_job blk-fio "PATS=$pats" "WRITE=$BLKPAT_GUEST")
	GUEST_CMDLINE=${LAB_X_BLK_FIO_GUEST:-} \
		guest_run blkguest "$job" "disk = ['phy:$dev,xvdb,w']" ||
		fail "fio --verify in the guest"
	blkpat_check "$dev" "$LAB_OUT/blkguest/console.log" ||
		fail "what the guest wrote is not what dom0 reads"
	echo "blkpat: the guest's writes read back intact in dom0"
	check_leaks
	exit 0
fi

free -m
dev=$(nullb verifyfull 1088 1) || fail "$dev"
GUEST_VCPUS=2 GUEST_MEMORY=768 guest_run blkfull "$(guest_job blk-fio-full)" \
	"disk = ['phy:$dev,xvdb,w']" || fail "1 GiB fio --verify in the guest"
free -m
kv dom0_mem_available_mib "$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)"
check_leaks

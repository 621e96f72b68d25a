# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the scenarios, sourced by every scenario script in dom0.
# The runner sets:
#   LAB       the unpacked input tarball (/run/lab)
#   LAB_OUT   this test's result folder (everything in it is kept)
#   LAB_FE, LAB_BE  intree|xsplit: the frontend/backend pair under test
#
# Every helper bounds its own wait; a scenario exits 0 (pass), 1 (fail) or
# 4 (skip, kselftest's KSFT_SKIP).  A skip names the lab limitation that
# forces it (skip KEY MESSAGE); the runner counts it as a skip only if the
# scenario declares that KEY in a "# lab: skips=KEY[,KEY...]" header line,
# and as a failure otherwise: a test that cannot run is not a pass.
#
# Pipelines fail if any of their commands does (guest/lib.sh, sourced
# below, sets pipefail for dom0 too).  guest/lib.sh also brings wait_for,
# the one bounded wait of dom0 and the guests.

KSFT_SKIP=4
LAB_FE=${LAB_FE:-intree}
LAB_BE=${LAB_BE:-intree}
KVER=$(uname -r)
# The guests' kernel: dom0's own, or the one lab.sh packed (LAB_GUEST_KERNEL,
# or the default image's when dom0 runs another: host/kernels.sh).
GUEST_KERNEL=/boot/vmlinuz-$KVER
[ ! -f "$LAB/guest-vmlinuz" ] || GUEST_KERNEL=$LAB/guest-vmlinuz
CONSOLE_DIR=/var/log/xen/console
# The guests' disks by Xen's number (202 << 8 | 16 * N for xvd<a+N>), as
# their vbd devices are named in XenStore and sysfs.
# shellcheck disable=SC2034  # used by the scenarios
VBD_XVDA=51712 VBD_XVDB=51728 VBD_XVDC=51744 VBD_XVDD=51760
# The xenbus states a scenario waits for (xen/include/public/io/xenbus.h).
# shellcheck disable=SC2034  # used by the scenarios
XENBUS_INITWAIT=2 XENBUS_INITIALISED=3 XENBUS_CONNECTED=4
# shellcheck disable=SC2034
XENBUS_CLOSING=5 XENBUS_CLOSED=6

# step: progress, in the test's log and live on the console (the host
# echoes LAB-STEP lines as they come).
step() { echo "LAB-STEP $(date +%T) $*" | tee /dev/console; }
fail() { echo "FAIL: $*"; exit 1; }
# skip KEY MESSAGE...: see above; KEY is one word, the limitation's name.
skip() {
	echo "$1" >"$LAB_OUT/skip"
	shift
	echo "SKIP: $*"
	exit "$KSFT_SKIP"
}

# xs_is PATH VALUE: XenStore node PATH holds VALUE (a wait_for condition).
xs_is() { [ "$(xenstore-read "$1" 2>/dev/null)" = "$2" ]; }

# now_ms: wall clock in milliseconds, for the timings we report.
now_ms() { date +%s%3N; }

# kv KEY VALUE: a figure for the report (printed, never asserted).
kv() { echo "LAB-KV $LAB_TEST $1=$2" | tee -a "$LAB_OUT/figures"; }

# shellcheck source=../guest/lib.sh
. "$LAB/guest/lib.sh"
# The helpers by concern; the order matters only for leaks.sh, which
# snapshots the counters as it is sourced.
# shellcheck source=lib/modules.sh
. "$LAB/dom0/lib/modules.sh"
# shellcheck source=lib/net.sh
. "$LAB/dom0/lib/net.sh"
# shellcheck source=lib/guests.sh
. "$LAB/dom0/lib/guests.sh"
# shellcheck source=lib/block.sh
. "$LAB/dom0/lib/block.sh"
# shellcheck source=lib/bench.sh
. "$LAB/dom0/lib/bench.sh"
# shellcheck source=lib/leaks.sh
. "$LAB/dom0/lib/leaks.sh"

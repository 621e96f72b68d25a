# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# hostile-vbd's and blk-late's hostile guest: the test-only MODULE
# (xsplit_hostile_vbd) runs N rounds of its SCENARIO (default cycle:
# connect-corrupt-close) against dom0's blkback.  The
# module's own waits are bounded (30 s each); LIMIT (seconds) bounds the
# whole run.  The guest's view: the module's summary line, "HOSTILE:"
# lines for what went wrong here, HOSTILE-END; then dom0 destroys it.
summary() { dmesg | grep 'hostile-vbd: .* done scenario=' >/dev/null; }
insmod "/lab/modules/$MODULE.ko" scenario="${SCENARIO:-cycle}" cycles="$N" ||
	exit 1
wait_for "$LIMIT" "the module's summary" summary ||
	echo "HOSTILE: no summary after $LIMIT s"
dmesg | grep 'hostile-vbd:'
xb_unbind_all vbd
rmmod "$MODULE" || echo "HOSTILE: rmmod $MODULE failed"
dmesg >/tmp/dmesg.end && kernel_bad /tmp/dmesg.end &&
	echo "HOSTILE: the guest's kernel complained"
echo HOSTILE-END
sleep 3600

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# hostile-vif's hostile guest: one insmod of the test-only
# xsplit_hostile_vif per line of PLAN ("scenario param=value..." lines,
# ';' between them), each waiting for the module's summary line (its own
# waits are bounded too).  LIMIT (seconds) bounds the waits of all lines
# together.  "HOSTILE:" lines say what went wrong here; HOSTILE-END, then
# dom0 destroys the guest.
n=0
IFS=';'
# shellcheck disable=SC2086  # one plan line a field
for line in $PLAN; do
	IFS=' '
	# shellcheck disable=SC2086  # the line's words
	set -- $line
	s=$1
	shift
	done0=$(dmesg | grep -c 'hostile-vif: .* done scenario=')
	t0=$(cut -d. -f1 /proc/uptime)
	echo "HOSTILE-PLAN $s $*"
	insmod /lab/modules/xsplit_hostile_vif.ko scenario="$s" "$@" ||
		{ echo "HOSTILE: insmod $s failed"; continue; }
	# one budget for all lines: not a wait_for
	until [ "$(dmesg | grep -c 'hostile-vif: .* done scenario=')" -gt "$done0" ]; do
		n=$((n + 1))
		if [ "$n" -gt "$LIMIT" ]; then
			echo "HOSTILE: no summary for $s in time"
			break
		fi
		sleep 1
	done
	echo "HOSTILE-TIME $s $(( $(cut -d. -f1 /proc/uptime) - t0 ))s"
	xb_unbind_all vif
	rmmod xsplit_hostile_vif || echo "HOSTILE: rmmod failed"
	IFS=';'
done
echo "HOSTILE-PLAN end"
dmesg | grep 'hostile-vif:'
dmesg >/tmp/dmesg.end && kernel_bad /tmp/dmesg.end &&
	echo "HOSTILE: the guest's kernel complained"
echo HOSTILE-END
sleep 3600

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A driver domain's backends map only grants given to them.  The guest
# runs no frontend (lab.fe=none); dom0, which may write anywhere in
# XenStore, plays a hostile frontend and points the driver domain's xsplit
# blkback and netback at grant references the guest gave someone else:
# 0 and 1 are the console and XenStore rings the guest granted to dom0,
# 4000 was never granted.  Xen refuses every such map; the backends must
# say so, go Closing with an error node, and the driver domain must stay
# up and go on serving.
# lab: timeout=600
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
# shellcheck source=../dom0/dd.sh
. "$LAB/dom0/dd.sh"

LAB_FE=xsplit
LAB_BE=xsplit
require_mode blk net
LAB_BE=intree use_backends
linux_bridge
dd_start xsdd xsplit
ddid=$(xl domid xsdd)

# state_of PATH: a XenStore state node, or "gone".
state_of() { xenstore-read "$1/state" 2>/dev/null || echo gone; }

# state_in PATH STATES: PATH's state is one of STATES.
state_in() {
	case " $2 " in *" $(state_of "$1") "*) return 0 ;; esac
	return 1
}

# wait_state PATH STATES: until PATH's state is one of STATES, for at
# most STATE_WAIT_S.
STATE_WAIT_S=60
wait_state() {
	wait_for "$STATE_WAIT_S" "$1: state one of $2" state_in "$1" "$2" &&
		return 0
	echo "$1: state $(state_of "$1")"
	return 1
}

# hostile_frontend KIND REF...: one guest whose KIND device (vbd|vif) gets
# these ring references from "its frontend" (dom0); check the refusal.
hostile_frontend() {
	local kind=$1 ref=$2 name=hostile$1 gid fe be j err
	if [ "$kind" = vbd ]; then
		LAB_FE=none guest_start "$name" "$(guest_job idle)" \
			"disk = ['backend=xsdd,format=raw,vdev=xvdb,access=rw,target=/dev/nullb0']"
	else
		LAB_FE=none guest_start "$name" "$(guest_job idle)" \
			"vif = ['backend=xsdd,bridge=ddbr0']"
	fi
	gid=$(xl domid "$name")
	j=$(xenstore-list "/local/domain/$gid/device/$kind" | head -n1)
	fe=/local/domain/$gid/device/$kind/$j
	be=/local/domain/$ddid/backend/$kind/$gid/$j
	wait_state "$be" "$XENBUS_INITWAIT" || fail "$kind backend never reached InitWait"
	step "$kind: dom0 writes ring reference $ref as guest $gid's frontend"
	if [ "$kind" = vbd ]; then
		xenstore-write "$fe/ring-ref" "$ref" "$fe/event-channel" 9 \
			"$fe/protocol" x86_64-abi
	else
		xenstore-write "$fe/tx-ring-ref" "$ref" "$fe/rx-ring-ref" "$ref" \
			"$fe/event-channel" 9 "$fe/request-rx-copy" 1
	fi
	xenstore-write "$fe/state" "$XENBUS_INITIALISED"
	wait_state "$be" "$XENBUS_CLOSING $XENBUS_CLOSED" || fail "$kind backend did not refuse ring ref $ref"
	# xenbus_dev_fatal's node, for this device only.
	err=$(xenstore-read "/local/domain/$ddid/error/backend/$kind/$gid/$j/error" 2>/dev/null) ||
		fail "$kind: no error node for the refused map of ring-ref $ref"
	echo "$kind ring-ref $ref refused: $err"
	kv "refused_${kind}_$ref" "\"$err\""
	xl domid xsdd >/dev/null 2>&1 || fail "driver domain died"
	timeout 60 xl destroy "$name"
	guest_collect "$name"
}

for ref in 1 0 4000; do
	hostile_frontend vbd "$ref"
	hostile_frontend vif "$ref"
done
# After all that, the driver domain is healthy and still serves a guest.
cp "$CONSOLE_DIR/guest-xsdd.log" "$LAB_OUT/dd-console-so-far.log"
if kernel_bad "$LAB_OUT/dd-console-so-far.log"; then
	dd_stop xsdd
	fail "driver domain kernel complained"
fi
grep -i 'xsplit.*\(grant\|map\)' "$LAB_OUT/dd-console-so-far.log" | head -n 12
LAB_FE=xsplit guest_run okguest "$(guest_job dd-foreign)" \
	"disk = ['backend=xsdd,format=raw,vdev=xvdb,access=rw,target=/dev/nullb0']" ||
	{ dd_stop xsdd; fail "driver domain no longer serves"; }
dd_stop xsdd
check_leaks

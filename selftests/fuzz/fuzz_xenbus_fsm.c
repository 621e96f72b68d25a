// SPDX-License-Identifier: GPL-2.0
/*
 * The XenBus state machine (xenbus/fsm.c) driven by any sequence of
 * events, with the glue's bookkeeping of what is held, as a hostile other
 * end, a misbehaving toolstack and the driver's own error reports would
 * produce them.  Checked after every step, whatever came before:
 *   - the next state is inside the ABI and one the role uses, or Closing;
 *   - only known action bits are set;
 *   - no connection is started over one still held (the leak of issue
 *     14: a frontend's advertise or a backend's connect while live,
 *     without a disconnect planned first);
 *   - FATAL always leaves this end Closing or Closed, with nothing held;
 *   - a reconfigure (the frontend's Reconfiguring) comes only to a backend
 *     whose driver answers it, goes Reconfigured, and neither drops nor
 *     starts a connection;
 *   - a REMOVE lets go of everything, and leaves the state as it is (a
 *     live upgrade's hand-over) only for a backend that may hand over,
 *     with itself, its state node and the frontend Connected.
 *
 * Input: one byte of flags (role, hotplug, online, skip_initialised,
 * reconnect, reconfigure, rebind), then two bytes per step: the event (or
 * a write of our own state behind the machine's back), and a value: the
 * other end's state for REMOTE (any value, most of them outside the ABI),
 * the state written, our state node's for REMOVE and PROBED, or whether
 * the callbacks succeed.
 */
#include <stdlib.h>

#include "xenbus/fsm.h"

#define check(cond) do { if (!(cond)) abort(); } while (0)

#define ALL_ACTIONS ((XSPLIT_ACT_UNREGISTER << 1) - 1)
#define MAX_STEPS 4096

struct end {
	struct xsplit_fsm_in in;
	bool live;
};

#define CALLBACKS (XSPLIT_ACT_RENEGOTIATE | XSPLIT_ACT_ADVERTISE | \
		   XSPLIT_ACT_CONNECT)

/*
 * One step as the glue (xenbus/dispatch.c) carries it out: disconnect,
 * then the callbacks, whose result (@ok) is fed back at once as
 * CONNECT_OK or CONNECT_FAIL; the state is written only when no result
 * follows.  Returns the follow-up event, XSPLIT_EV_NR if none.
 */
static enum xsplit_fsm_event glue_step(struct end *e, enum xsplit_fsm_event ev,
				       bool ok)
{
	u32 starts = e->in.role == XSPLIT_ROLE_FRONTEND ?
		     XSPLIT_ACT_ADVERTISE : XSPLIT_ACT_CONNECT;
	struct xsplit_fsm_out out;

	e->in.live = e->live;
	out = xsplit_fsm_step(&e->in, ev);
	check(!(out.actions & ~(u32)ALL_ACTIONS));
	check(xsplit_fsm_state_valid(e->in.role, out.next) ||
	      out.next == e->in.local);
	if (out.actions & (XSPLIT_ACT_DISCONNECT | XSPLIT_ACT_FREE))
		e->live = false;
	check(!(e->live && (out.actions & starts)));
	if (out.actions & (starts | XSPLIT_ACT_CONNECT))
		e->live = true;
	if (out.actions & XSPLIT_ACT_RECONFIGURE) {
		check(e->in.role == XSPLIT_ROLE_BACKEND && e->in.reconfigure);
		check(out.next == XSPLIT_XS_RECONFIGURED);
		check(!(out.actions & (XSPLIT_ACT_DISCONNECT | CALLBACKS)));
	}
	if (ev == XSPLIT_EV_REMOVE) {
		check(!e->live);
		check(out.next == XSPLIT_XS_CLOSED ||
		      (e->in.rebind && e->in.role == XSPLIT_ROLE_BACKEND &&
		       e->in.local == XSPLIT_XS_CONNECTED &&
		       e->in.stored == XSPLIT_XS_CONNECTED &&
		       e->in.remote == XSPLIT_XS_CONNECTED &&
		       !(out.actions & XSPLIT_ACT_WRITE_STATE)));
	}
	if (ev == XSPLIT_EV_FATAL) {
		check(out.next == XSPLIT_XS_CLOSING ||
		      out.next == XSPLIT_XS_CLOSED);
		check(!e->live);
	}
	if ((out.actions & CALLBACKS) && !ok)
		return XSPLIT_EV_CONNECT_FAIL;
	if (out.actions & XSPLIT_ACT_CONNECT)
		return XSPLIT_EV_CONNECT_OK;
	e->in.local = out.next;
	return XSPLIT_EV_NR;
}

/* An event and its follow-ups; the glue bounds them the same way. */
static void glue_dispatch(struct end *e, enum xsplit_fsm_event ev, bool ok)
{
	int i;

	for (i = 0; i < 4 && ev != XSPLIT_EV_NR; i++)
		ev = glue_step(e, ev, ok);
	check(ev == XSPLIT_EV_NR);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct end e = { 0 };
	size_t i;
	u8 flags;

	if (len < 1)
		return 0;
	flags = data[0];
	e.in.role = flags & 1 ? XSPLIT_ROLE_FRONTEND : XSPLIT_ROLE_BACKEND;
	e.in.need_hotplug = flags & 2;
	e.in.hotplug_ok = flags & 4;
	e.in.online = flags & 8;
	e.in.skip_initialised = flags & 16;
	e.in.reconnect = flags & 32;
	e.in.reconfigure = flags & 64;
	e.in.rebind = flags & 128;
	e.in.local = XSPLIT_XS_INITIALISING;
	for (i = 1; i + 1 < len && i / 2 < MAX_STEPS; i += 2) {
		enum xsplit_fsm_event ev = data[i] % (XSPLIT_EV_NR + 1);

		/*
		 * The one value past the events: our own state written behind
		 * the machine's back, as the kernel's xenbus helpers do on
		 * their errors (xenbus_dev_fatal() inside them).
		 */
		if (ev == XSPLIT_EV_NR) {
			e.in.local = data[i + 1] % XSPLIT_XS_NR;
			continue;
		}
		if (ev == XSPLIT_EV_REMOTE)
			e.in.remote = data[i + 1] < 0x80 ? data[i + 1] % 10 :
				      0xffffff00U | data[i + 1];
		/* the glue reads our state node for these two only */
		e.in.stored = ev == XSPLIT_EV_REMOVE || ev == XSPLIT_EV_PROBED ?
			      data[i + 1] % XSPLIT_XS_NR : XSPLIT_XS_UNKNOWN;
		glue_dispatch(&e, ev, !(data[i + 1] & 0x40));
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Carry out what the state machine decides.  The machine is pure
 * (fsm.c); this file turns its actions into driver callbacks and XenStore
 * writes and feeds callback results back to it.
 */
#include "xenbus/internal.h"

/*
 * A step can trigger at most one follow-up (a CONNECT result), which
 * triggers none; the bound only guards against a table mistake.
 */
#define XSPLIT_XB_MAX_STEPS 4

void xsplit_xb_set_fatal(struct xsplit_xb_dev *dev, int err,
			 const char *what)
{
	dev->fatal_err = err;
	dev->fatal_what = what;
}

static bool dev_online(struct xsplit_xb_dev *dev)
{
	u32 online;

	if (xsplit_xb_read(dev, XBT_NIL, XSPLIT_KEY_ONLINE, 1, 0, 0, &online))
		return false;
	return online;
}

/*
 * Our state node as XenStore holds it, for the two events that hand a
 * connection over between driver instances (an unbind, a probe); other
 * events need not pay for the read.
 */
static unsigned int stored_state(struct xsplit_xb_dev *dev,
				 enum xsplit_fsm_event ev)
{
	if (dev->drv->role != XSPLIT_ROLE_BACKEND ||
	    (ev != XSPLIT_EV_REMOVE && ev != XSPLIT_EV_PROBED))
		return XSPLIT_XS_UNKNOWN;
	return xsplit_xenbus_own_state(dev->xdev);
}

static struct xsplit_fsm_in fsm_input(struct xsplit_xb_dev *dev,
				      enum xsplit_fsm_event ev)
{
	const struct xsplit_xb_driver *drv = dev->drv;

	return (struct xsplit_fsm_in){
		.role = drv->role,
		.local = dev->xdev->state,
		.remote = dev->remote,
		.need_hotplug = drv->wait_hotplug,
		.hotplug_ok = dev->hotplug_ok,
		.online = drv->role == XSPLIT_ROLE_BACKEND && dev_online(dev),
		.reconfigure = !!drv->ops->reconfigure,
		.skip_initialised = drv->skip_initialised,
		.reconnect = drv->reconnect,
		.live = dev->live,
		/* every backend can hand over: see xenbus/driver.c */
		.rebind = drv->role == XSPLIT_ROLE_BACKEND,
		.stored = stored_state(dev, ev),
	};
}

/**
 * xsplit_xb_peer_leaving - is the other end closing or closed?
 * @dev: the device, from a driver's disconnect (under the core's lock)
 *
 * A leaving peer still runs and may react to the last things it was sent
 * (blkback waits a little for the requests its answers release).
 */
bool xsplit_xb_peer_leaving(struct xsplit_xb_dev *dev)
{
	lockdep_assert_held(&dev->lock);
	return xsplit_fsm_closed_or_closing(dev->remote);
}
EXPORT_SYMBOL_GPL(xsplit_xb_peer_leaving);

static void do_disconnect(struct xsplit_xb_dev *dev)
{
	if (!dev->live)
		return;
	dev->live = false;
	if (dev->drv->ops->disconnect)
		dev->drv->ops->disconnect(dev);
	/* An error report about the connection just undone is moot. */
	xsplit_xb_fatal_clear(dev);
}

/*
 * A new connection over one whose resources are still held would leak
 * them (threads, channels, mappings, the disk): refuse it.  The machine
 * plans a disconnect first whenever we say we are live, so this is the
 * last line, not the mechanism.  A connection starts at a frontend's
 * advertise (its rings) and at a backend's connect.
 */
static bool still_held(struct xsplit_xb_dev *dev, u32 actions)
{
	u32 starts = dev->drv->role == XSPLIT_ROLE_FRONTEND ?
		     XSPLIT_ACT_ADVERTISE : XSPLIT_ACT_CONNECT;

	if (!(actions & starts) || !dev->live)
		return false;
	dev_err_ratelimited(&dev->xdev->dev,
			    "refusing to connect over a live connection\n");
	xsplit_xb_set_fatal(dev, -EBUSY, "connecting over a live connection");
	return true;
}

static int call(struct xsplit_xb_dev *dev, int (*op)(struct xsplit_xb_dev *),
		const char *what)
{
	int err = op ? op(dev) : 0;

	if (err)
		xsplit_xb_set_fatal(dev, err, what);
	return err;
}

/* Callbacks that can fail; returns the follow-up event or XSPLIT_EV_NR. */
static enum xsplit_fsm_event run_callbacks(struct xsplit_xb_dev *dev,
					   u32 actions)
{
	const struct xsplit_xb_ops *ops = dev->drv->ops;

	if (still_held(dev, actions))
		return XSPLIT_EV_CONNECT_FAIL;
	if ((actions & XSPLIT_ACT_RENEGOTIATE) &&
	    call(dev, ops->resume, "resuming"))
		return XSPLIT_EV_CONNECT_FAIL;
	if (actions & XSPLIT_ACT_ADVERTISE) {
		/* A frontend's advertise allocates rings: undo even a part. */
		if (dev->drv->role == XSPLIT_ROLE_FRONTEND)
			dev->live = true;
		if (call(dev, ops->advertise, "advertising"))
			return XSPLIT_EV_CONNECT_FAIL;
	}
	if (actions & XSPLIT_ACT_CONNECT) {
		dev->live = true;
		if (call(dev, ops->connect, "connecting"))
			return XSPLIT_EV_CONNECT_FAIL;
		return XSPLIT_EV_CONNECT_OK;
	}
	/* Cannot fail: a value missing or out of bounds takes its default. */
	if ((actions & XSPLIT_ACT_RECONFIGURE) && ops->reconfigure)
		ops->reconfigure(dev);
	return XSPLIT_EV_NR;
}

static void report_fatal(struct xsplit_xb_dev *dev)
{
	int err = dev->fatal_err ? dev->fatal_err : -EPROTO;
	const char *what = dev->fatal_what ? dev->fatal_what :
			   "unexpected state";

	xenbus_dev_fatal(dev->xdev, err, "%s (local %s, other end %s)", what,
			 xsplit_fsm_state_name(dev->xdev->state),
			 xsplit_fsm_state_name(dev->remote));
	xsplit_xb_set_fatal(dev, 0, NULL);
}

/* The actions after the callbacks: none of these feeds back. */
static void run_tail(struct xsplit_xb_dev *dev,
		     const struct xsplit_fsm_out *out)
{
	if ((out->actions & XSPLIT_ACT_WAIT_HOTPLUG) &&
	    xsplit_xb_hotplug_watch(dev)) {
		/* Without a watch we would wait forever: go on regardless. */
		dev_warn(&dev->xdev->dev, "no hotplug-status watch, not waiting\n");
		dev->hotplug_ok = true;
	}
	if ((out->actions & XSPLIT_ACT_REFRESH) && dev->drv->ops->refresh) {
		int err = dev->drv->ops->refresh(dev);

		if (err)
			dev_warn_ratelimited(&dev->xdev->dev,
					     "re-reading the other end: %d\n",
					     err);
	}
	if (out->actions & XSPLIT_ACT_FATAL)
		report_fatal(dev);
	if (out->actions & XSPLIT_ACT_WRITE_STATE)
		xenbus_switch_state(dev->xdev, out->next);
}

/* One step; returns the follow-up event, XSPLIT_EV_NR if none. */
static enum xsplit_fsm_event dispatch_one(struct xsplit_xb_dev *dev,
					  enum xsplit_fsm_event ev,
					  bool *unregister)
{
	struct xsplit_fsm_in in = fsm_input(dev, ev);
	struct xsplit_fsm_out out = xsplit_fsm_step(&in, ev);
	enum xsplit_fsm_event next;

	dev_dbg(&dev->xdev->dev, "event %d in %s, other end %s: -> %s, %#x\n",
		ev, xsplit_fsm_state_name(in.local),
		xsplit_fsm_state_name(in.remote),
		xsplit_fsm_state_name(out.next), out.actions);
	if ((out.actions & XSPLIT_ACT_SUSPEND) && dev->drv->ops->suspend)
		dev->drv->ops->suspend(dev);
	if (out.actions & XSPLIT_ACT_DISCONNECT)
		do_disconnect(dev);
	if ((out.actions & XSPLIT_ACT_FREE) && dev->drv->ops->free)
		dev->drv->ops->free(dev);
	next = run_callbacks(dev, out.actions);
	if (next != XSPLIT_EV_NR)
		return next;
	run_tail(dev, &out);
	if (out.actions & XSPLIT_ACT_UNREGISTER)
		*unregister = true;
	return XSPLIT_EV_NR;
}

/**
 * xsplit_xb_dispatch - run the state machine for one event
 * @dev: the device, its lock held
 * @ev: what happened
 *
 * Return: true when the device must be unregistered; the caller does it
 * after dropping the lock, since unregistering calls our remove.
 */
bool xsplit_xb_dispatch(struct xsplit_xb_dev *dev, enum xsplit_fsm_event ev)
{
	bool unregister = false;
	int i;

	lockdep_assert_held(&dev->lock);
	for (i = 0; i < XSPLIT_XB_MAX_STEPS && ev != XSPLIT_EV_NR; i++)
		ev = dispatch_one(dev, ev, &unregister);
	WARN_ON_ONCE(ev != XSPLIT_EV_NR);
	return unregister;
}

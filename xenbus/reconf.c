// SPDX-License-Identifier: GPL-2.0
/*
 * A frontend changes keys on a live connection and has the backend re-read
 * them (netif: xdp-headroom, when an XDP program comes or goes): the keys
 * written, then Reconfiguring; the backend's Reconfigured awaited; then
 * Connected again.  The state changes are the machine's (fsm.c,
 * RECONF_BEGIN and RECONF_END); this file is the waiting.
 *
 * The caller holds RTNL (ndo_bpf), which the driver's callbacks take under
 * the device lock.  So the lock is only ever tried here, within the
 * caller's bound, and the wait for the backend runs without it, reading
 * the backend's state itself: the watch that would report it may be stuck
 * behind our RTNL.  Every wait is bounded, whatever the backend does.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "xenbus/internal.h"

/* Between two looks at the backend's state when no watch event comes. */
#define XSPLIT_XB_RECONF_POLL (HZ / 20)
/* Between two tries of the device lock, in ms. */
#define XSPLIT_XB_RECONF_TRY_MS 5
/* Going back to Connected: how long the lock is tried before deferring. */
#define XSPLIT_XB_RECONF_END_WAIT (HZ / 2)

/* The device lock, unless someone holds it past @deadline. */
static bool lock_until(struct xsplit_xb_dev *dev, unsigned long deadline)
{
	while (!mutex_trylock(&dev->lock)) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(XSPLIT_XB_RECONF_TRY_MS);
	}
	return true;
}

/* Keys written, then Reconfiguring; only from Connected. */
static int reconf_begin(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
			void *arg, unsigned long deadline)
{
	int err;

	if (!lock_until(dev, deadline))
		return -EBUSY;
	err = -ENOTCONN;
	if (dev->xdev->state != XenbusStateConnected)
		goto unlock;
	err = xsplit_xb_transact(dev, fn, arg);
	if (err)
		goto unlock;
	/* RECONF_BEGIN never asks to unregister. */
	WARN_ON_ONCE(xsplit_xb_dispatch(dev, XSPLIT_EV_RECONF_BEGIN));
	/* xenbus_switch_state() failed (and said so) */
	if (dev->xdev->state != XenbusStateReconfiguring)
		err = -EIO;
unlock:
	mutex_unlock(&dev->lock);
	return err;
}

/* The backend's answer, read from XenStore at each event and poll. */
static int reconf_wait(struct xsplit_xb_dev *dev, unsigned long deadline)
{
	for (;;) {
		int gen = atomic_read(&dev->remote_gen);
		long left;
		u32 state;

		if (xsplit_xb_read_top(dev, XSPLIT_KEY_STATE, &state))
			state = XenbusStateUnknown;
		switch (xsplit_fsm_reconf_wait(state)) {
		case XSPLIT_RECONF_DONE:
			return 0;
		case XSPLIT_RECONF_GONE:
			return -ENOTCONN;
		case XSPLIT_RECONF_WAIT:
			break;
		}
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		wait_event_timeout(dev->reconf_wq,
				   atomic_read(&dev->remote_gen) != gen,
				   min_t(long, left, XSPLIT_XB_RECONF_POLL));
	}
}

static void reconf_end_locked(struct xsplit_xb_dev *dev)
{
	WARN_ON_ONCE(xsplit_xb_dispatch(dev, XSPLIT_EV_RECONF_END));
}

/* The device was busy when the caller finished: Connected from here. */
static void reconf_work(struct work_struct *work)
{
	struct xsplit_xb_dev *dev = container_of(work, struct xsplit_xb_dev,
						 reconf_work);

	mutex_lock(&dev->lock);
	reconf_end_locked(dev);
	mutex_unlock(&dev->lock);
}

static void reconf_end(struct xsplit_xb_dev *dev)
{
	if (!lock_until(dev, jiffies + XSPLIT_XB_RECONF_END_WAIT)) {
		schedule_work(&dev->reconf_work);
		return;
	}
	reconf_end_locked(dev);
	mutex_unlock(&dev->lock);
}

/**
 * xsplit_xb_reconfigure - frontend: change keys on a live connection
 * @dev: the device, Connected
 * @fn: writes the changed keys, in one transaction, before Reconfiguring
 * @arg: passed to @fn
 * @timeout: most jiffies spent waiting for the device lock and the
 *           backend's answer, together
 *
 * May be called with RTNL held.  Whatever the outcome, once Reconfiguring
 * was written the device goes back to Connected (at once, or from a work
 * item if the device is busy then), unless it is closing meanwhile.
 *
 * Return: 0 when the backend answered Reconfigured; -ETIMEDOUT when it did
 * not in time (the keys stay written: the caller decides what to do);
 * -ENOTCONN when not connected, or the backend left meanwhile; -EBUSY
 * when the device was busy (connecting, closing) throughout; @fn's or
 * XenStore's error, with the state unchanged.
 */
int xsplit_xb_reconfigure(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
			  void *arg, unsigned long timeout)
{
	unsigned long deadline = jiffies + timeout;
	int err;

	if (WARN_ON_ONCE(dev->drv->role != XSPLIT_ROLE_FRONTEND))
		return -EINVAL;
	err = reconf_begin(dev, fn, arg, deadline);
	if (err)
		return err;
	err = reconf_wait(dev, deadline);
	reconf_end(dev);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_reconfigure);

void xsplit_xb_reconf_init(struct xsplit_xb_dev *dev)
{
	init_waitqueue_head(&dev->reconf_wq);
	atomic_set(&dev->remote_gen, 0);
	INIT_WORK(&dev->reconf_work, reconf_work);
}

/* The other end wrote its state: wake a reconfiguring caller. */
void xsplit_xb_reconf_kick(struct xsplit_xb_dev *dev)
{
	atomic_inc(&dev->remote_gen);
	wake_up_all(&dev->reconf_wq);
}

/* After the last disconnect, without the device lock (the work takes it). */
void xsplit_xb_reconf_cancel(struct xsplit_xb_dev *dev)
{
	cancel_work_sync(&dev->reconf_work);
}

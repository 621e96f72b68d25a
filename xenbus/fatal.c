// SPDX-License-Identifier: GPL-2.0
/*
 * Errors a driver finds at run time: a frontend that corrupts its ring, a
 * backend that answers what was never asked.  They are found where the
 * device lock cannot be taken (a ring thread the disconnect will stop, an
 * interrupt handler), so the report is only recorded here and a work item
 * feeds it to the state machine under the lock: the disconnect and the
 * Closing that follow are the ones every other close runs, and nothing of
 * the broken connection outlives it.
 *
 * One report per connection counts: the first reason is the one the other
 * end and the log see, and a report still pending when the connection is
 * taken down anyway (the other end closed first) is dropped with it, so it
 * cannot close the next connection.
 */
#include "xenbus/internal.h"

static void fatal_work(struct work_struct *work)
{
	struct xsplit_xb_dev *dev = container_of(work, struct xsplit_xb_dev,
						 fatal_work);
	const char *what;
	int err;

	mutex_lock(&dev->lock);
	spin_lock_irq(&dev->fatal_lock);
	err = dev->async_err;
	what = dev->async_what;
	spin_unlock_irq(&dev->fatal_lock);
	if (err) {
		xsplit_xb_set_fatal(dev, err, what);
		/* FATAL never asks to unregister. */
		WARN_ON_ONCE(xsplit_xb_dispatch(dev, XSPLIT_EV_FATAL));
		xsplit_xb_set_fatal(dev, 0, NULL);
		xsplit_xb_fatal_clear(dev);
	}
	mutex_unlock(&dev->lock);
}

/**
 * xsplit_xb_fatal - the connection is broken: take the device down
 * @dev: the device
 * @err: negative errno for the error node (-EIO if 0)
 * @what: what went wrong, a string that lives as long as the module
 *
 * Safe from any context, interrupt handlers and the threads the
 * disconnect stops included.  The device is disconnected and goes Closing
 * soon after, through the state machine; the caller stops using the
 * connection at once.
 */
void xsplit_xb_fatal(struct xsplit_xb_dev *dev, int err, const char *what)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&dev->fatal_lock, flags);
	first = !dev->async_err;
	if (first) {
		dev->async_err = err ? err : -EIO;
		dev->async_what = what;
	}
	spin_unlock_irqrestore(&dev->fatal_lock, flags);
	if (first)
		schedule_work(&dev->fatal_work);
}
EXPORT_SYMBOL_GPL(xsplit_xb_fatal);

/* Forget a pending report: its connection is gone.  Device lock held. */
void xsplit_xb_fatal_clear(struct xsplit_xb_dev *dev)
{
	lockdep_assert_held(&dev->lock);
	spin_lock_irq(&dev->fatal_lock);
	dev->async_err = 0;
	dev->async_what = NULL;
	spin_unlock_irq(&dev->fatal_lock);
}

void xsplit_xb_fatal_init(struct xsplit_xb_dev *dev)
{
	spin_lock_init(&dev->fatal_lock);
	INIT_WORK(&dev->fatal_work, fatal_work);
}

/* After the last disconnect, without the device lock (the work takes it). */
void xsplit_xb_fatal_cancel(struct xsplit_xb_dev *dev)
{
	cancel_work_sync(&dev->fatal_work);
}

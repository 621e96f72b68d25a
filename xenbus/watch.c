// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded XenStore watches (see xsplit_watch.h).  Registered directly, not
 * through xenbus_watch_path(), which on failure calls xenbus_dev_fatal()
 * and so moves the device's state behind our state machine's back: a
 * caller decides itself what a missing watch means.
 */
#include <linux/slab.h>
#include <xen/xenbus.h>

#include "xenbus/xsplit_watch.h"

atomic_t xsplit_xb_watch_peak = ATOMIC_INIT(0);
atomic_t xsplit_xb_watch_dropped = ATOMIC_INIT(0);

/*
 * Called by the xenbus reader under its watches lock, for every event of
 * the watch.  nr_pending changes under the events lock, which we do not
 * hold: a stale read can only let one more event in or keep one out while
 * an event of the watch is queued, whose callback then reads the node.
 * The watches lock is global: the peak needs no compare-and-swap.
 */
static bool xsplit_xb_watch_will_handle(struct xenbus_watch *w,
					const char *path, const char *token)
{
	unsigned int pending = READ_ONCE(w->nr_pending);

	if (!xsplit_xb_watch_accept(pending)) {
		atomic_inc(&xsplit_xb_watch_dropped);
		return false;
	}
	if (pending + 1 > (unsigned int)atomic_read(&xsplit_xb_watch_peak))
		atomic_set(&xsplit_xb_watch_peak, pending + 1);
	return true;
}

/**
 * xsplit_xb_watch_bounded - watch a node with at most one event queued
 * @w: the watch; its node must be NULL (not registered)
 * @fn: the callback; it must re-read the node (events are dropped)
 * @fmt: printf format of the node's path
 *
 * The callback runs once at once, as for any XenStore watch.
 *
 * Return: 0, or a negative errno with @w left unregistered (node NULL).
 */
int xsplit_xb_watch_bounded(struct xenbus_watch *w, xsplit_xb_watch_fn fn,
			    const char *fmt, ...)
{
	va_list ap;
	char *node;
	int err;

	va_start(ap, fmt);
	node = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	if (!node)
		return -ENOMEM;
	w->node = node;
	w->will_handle = xsplit_xb_watch_will_handle;
	w->callback = fn;
	err = register_xenbus_watch(w);
	if (err) {
		w->node = NULL;
		kfree(node);
	}
	return err;
}

/**
 * xsplit_xb_unwatch - unregister a watch; idempotent
 * @w: the watch
 *
 * Waits for a running callback: not under a lock the callback takes.
 */
void xsplit_xb_unwatch(struct xenbus_watch *w)
{
	if (!w->node)
		return;
	unregister_xenbus_watch(w);
	kfree(w->node);
	w->node = NULL;
}
EXPORT_SYMBOL_GPL(xsplit_xb_unwatch);

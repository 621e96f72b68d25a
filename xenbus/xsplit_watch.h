/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded XenStore watches, for nodes the other end can write.  The xenbus
 * reader queues one event per write to a watched node until the watch
 * thread runs its callback; a guest rewriting a node in a loop would grow
 * that queue in dom0 without bound (XSA-349).  A bounded watch keeps at
 * most XSPLIT_XB_WATCH_MAX_PENDING events queued and drops the rest, as
 * the kernel's backend bus does for the frontend's state node.  Nothing is
 * lost as long as the callback re-reads the node, never trusts the path or
 * a count of events: the queued event's callback runs after the drop and
 * reads the latest value.
 *
 * The rule is free of kernel calls so the unit tests check it in user space.
 */
#ifndef XSPLIT_WATCH_H
#define XSPLIT_WATCH_H

#include "xsplit_types.h"

/* Events a bounded watch keeps queued, besides the one being handled. */
#define XSPLIT_XB_WATCH_MAX_PENDING 1U

/* Queue one more event of a watch that has @nr_pending queued? */
static inline bool xsplit_xb_watch_accept(unsigned int nr_pending)
{
	return nr_pending < XSPLIT_XB_WATCH_MAX_PENDING;
}

#ifdef __KERNEL__
#include <linux/atomic.h>

struct xenbus_watch;

/*
 * What the bound does, for the lab (core/stats.c shows them): the most
 * events one bounded watch had queued at once (the one just accepted
 * included), and the events dropped.
 */
extern atomic_t xsplit_xb_watch_peak;
extern atomic_t xsplit_xb_watch_dropped;

typedef void (*xsplit_xb_watch_fn)(struct xenbus_watch *w, const char *path,
				   const char *token);

__printf(3, 4)
int xsplit_xb_watch_bounded(struct xenbus_watch *w, xsplit_xb_watch_fn fn,
			    const char *fmt, ...);
void xsplit_xb_unwatch(struct xenbus_watch *w);
#endif /* __KERNEL__ */

#endif /* XSPLIT_WATCH_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit event channels: one object per channel (a split tx/rx pair is two
 * objects).  Bindings are late-EOI: the driver's handler runs in hard-IRQ
 * context and returns an enum xsplit_evtchn_ret; unless it returns
 * XSPLIT_EVTCHN_DEFERRED the core sends the EOI, flagged spurious when no
 * work was found.  A driver that defers (to a thread or NAPI) must call
 * xsplit_evtchn_eoi() exactly once per deferred event, after the work;
 * until then Xen delivers no further event on that channel.
 */
#ifndef XSPLIT_EVTCHN_H
#define XSPLIT_EVTCHN_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <xen/interface/event_channel.h>

#include "evtchn/eoi.h"

struct xenbus_device;
struct xsplit_evtchn;

typedef enum xsplit_evtchn_ret (*xsplit_evtchn_fn)(struct xsplit_evtchn *ch,
						   void *data);

/* Long enough for "<driver>-<devid>-<queue>-tx" style names. */
#define XSPLIT_EVTCHN_NAME_LEN 32

struct xsplit_evtchn {
	struct xenbus_device *dev;
	xsplit_evtchn_fn fn;
	void *data;
	struct xsplit_evtchn_stats stats;
	atomic_long_t notifies;	/* kicks sent; any context may send */
	evtchn_port_t port;	/* frontend: the port to publish */
	int irq;		/* < 0 when not bound */
	char name[XSPLIT_EVTCHN_NAME_LEN];
};

int xsplit_evtchn_bind_backend(struct xsplit_evtchn *ch,
			       struct xenbus_device *dev,
			       evtchn_port_t remote_port, const char *name,
			       xsplit_evtchn_fn fn, void *data);
int xsplit_evtchn_alloc_frontend(struct xsplit_evtchn *ch,
				 struct xenbus_device *dev, const char *name,
				 xsplit_evtchn_fn fn, void *data);
void xsplit_evtchn_unbind(struct xsplit_evtchn *ch);
void xsplit_evtchn_notify(struct xsplit_evtchn *ch);
void xsplit_evtchn_eoi(struct xsplit_evtchn *ch, bool found_work);
void xsplit_evtchn_get_stats(const struct xsplit_evtchn *ch,
			     struct xsplit_evtchn_stats *out);

/* Notifications sent on the channel since it was set up. */
static inline unsigned long
xsplit_evtchn_notifies(const struct xsplit_evtchn *ch)
{
	return atomic_long_read(&ch->notifies);
}

static inline bool xsplit_evtchn_bound(const struct xsplit_evtchn *ch)
{
	return READ_ONCE(ch->irq) >= 0;
}

#endif /* XSPLIT_EVTCHN_H */

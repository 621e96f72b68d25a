// SPDX-License-Identifier: GPL-2.0
/*
 * Event-channel binding, notification and late EOI.  The accounting that
 * decides the EOI flag is in eoi.c; this file is the kernel plumbing.
 */
#include <linux/interrupt.h>
#include <linux/module.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "compat/xsplit_compat_xen.h"
#include "evtchn/xsplit_evtchn.h"
#include "fault/xsplit_fault.h"

static_assert(XSPLIT_EOI_SPURIOUS == XEN_EOI_FLAG_SPURIOUS,
	      "eoi.c must produce the kernel's flag value");

static irqreturn_t xsplit_evtchn_interrupt(int irq, void *dev_id)
{
	struct xsplit_evtchn *ch = dev_id;
	enum xsplit_evtchn_ret ret;

	/*
	 * The first event can arrive before the bind call has returned and
	 * stored the IRQ; an EOI lost then would silence the channel.
	 */
	if (unlikely(READ_ONCE(ch->irq) != irq))
		WRITE_ONCE(ch->irq, irq);
	ret = ch->fn(ch, ch->data);

	if (xsplit_evtchn_eoi_now(ret))
		xsplit_evtchn_eoi(ch, ret == XSPLIT_EVTCHN_WORK);
	return IRQ_HANDLED;
}

static void xsplit_evtchn_setup(struct xsplit_evtchn *ch,
				struct xenbus_device *dev, const char *name,
				xsplit_evtchn_fn fn, void *data)
{
	memset(ch, 0, sizeof(*ch));
	ch->dev = dev;
	ch->fn = fn;
	ch->data = data;
	ch->irq = -1;
	/* request_irq keeps the name pointer: it must live in @ch. */
	strscpy(ch->name, name, sizeof(ch->name));
}

/**
 * xsplit_evtchn_bind_backend - bind the frontend's port with a late-EOI handler
 * @ch: the channel object, owned by the caller
 * @dev: the backend's xenbus device (the peer's domain)
 * @remote_port: port the frontend published; validated by Xen
 * @name: shown in /proc/interrupts; copied
 * @fn: handler, hard-IRQ context
 * @data: handed to @fn
 */
int xsplit_evtchn_bind_backend(struct xsplit_evtchn *ch,
			       struct xenbus_device *dev,
			       evtchn_port_t remote_port, const char *name,
			       xsplit_evtchn_fn fn, void *data)
{
	int irq;

	xsplit_evtchn_setup(ch, dev, name, fn, data);
	irq = xsplit_bind_interdomain_lateeoi(dev, remote_port,
					      xsplit_evtchn_interrupt, 0,
					      ch->name, ch);
	if (irq < 0) {
		pr_warn_ratelimited("%s: cannot bind port %u: %d\n",
				    ch->name, remote_port, irq);
		return irq;
	}
	WRITE_ONCE(ch->irq, irq);
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_bind_backend);

/**
 * xsplit_evtchn_alloc_frontend - allocate an unbound port and bind it
 * @ch: the channel object; ch->port is the port to publish in XenStore
 * @dev: the frontend's xenbus device (the backend's domain)
 * @name: shown in /proc/interrupts; copied
 * @fn: handler, hard-IRQ context
 * @data: handed to @fn
 */
int xsplit_evtchn_alloc_frontend(struct xsplit_evtchn *ch,
				 struct xenbus_device *dev, const char *name,
				 xsplit_evtchn_fn fn, void *data)
{
	int err, irq;

	xsplit_evtchn_setup(ch, dev, name, fn, data);
	err = xenbus_alloc_evtchn(dev, &ch->port);
	if (err)
		return err;
	irq = bind_evtchn_to_irqhandler_lateeoi(ch->port,
						xsplit_evtchn_interrupt, 0,
						ch->name, ch);
	if (irq < 0) {
		err = irq;
		goto free_port;
	}
	WRITE_ONCE(ch->irq, irq);
	return 0;

free_port:
	/* Not bound, so nothing else will close the port. */
	xenbus_free_evtchn(dev, ch->port);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_alloc_frontend);

/**
 * xsplit_evtchn_unbind - free the IRQ and close the port; idempotent
 * @ch: the channel
 *
 * unbind_from_irqhandler() closes the port as well, also a port the
 * frontend allocated, so no xenbus_free_evtchn() here: closing it twice
 * could close a port number already reused by someone else.
 */
void xsplit_evtchn_unbind(struct xsplit_evtchn *ch)
{
	if (!xsplit_evtchn_bound(ch))
		return;
	unbind_from_irqhandler(ch->irq, ch);
	ch->irq = -1;
	ch->port = 0;
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_unbind);

/**
 * xsplit_evtchn_notify - kick the other end
 * @ch: the channel
 */
void xsplit_evtchn_notify(struct xsplit_evtchn *ch)
{
	/* A lost event: the peer must cope with the next one. */
	if (xsplit_fault(XSPLIT_FAULT_EVENT))
		return;
	if (likely(xsplit_evtchn_bound(ch))) {
		notify_remote_via_irq(ch->irq);
		/* Atomic: two contexts may kick one channel at once. */
		atomic_long_inc(&ch->notifies);
	}
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_notify);

/**
 * xsplit_evtchn_eoi - end a deferred event
 * @ch: the channel
 * @found_work: false makes Xen treat the event as spurious and back off
 */
void xsplit_evtchn_eoi(struct xsplit_evtchn *ch, bool found_work)
{
	unsigned int flags = xsplit_evtchn_account(&ch->stats, found_work);
	int irq = READ_ONCE(ch->irq);

	if (likely(irq >= 0))
		xen_irq_lateeoi(irq, flags);
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_eoi);

/**
 * xsplit_evtchn_get_stats - events and spurious events so far
 * @ch: the channel
 * @out: filled with a snapshot
 */
void xsplit_evtchn_get_stats(const struct xsplit_evtchn *ch,
			     struct xsplit_evtchn_stats *out)
{
	xsplit_evtchn_stats_read(&ch->stats, out);
}
EXPORT_SYMBOL_GPL(xsplit_evtchn_get_stats);

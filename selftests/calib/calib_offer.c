// SPDX-License-Identifier: GPL-2.0
/*
 * role=offer, in a guest: what dom0 times its grant and event operations
 * against.  The pages are granted writable (a read's data path), the event
 * channel echoes each event straight back, so dom0 can time a full round
 * trip: its send hypercall, Xen, the guest's upcall and handler, the
 * guest's send, and its own upcall.
 */
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/xenbus.h>
#include <asm/xen/hypercall.h>

#include "calib.h"
#include "grant/xsplit_grant.h"

/* "<ref> " per page, refs being at most 10 digits */
#define CALIB_REFS_LEN		(CALIB_PAGES * 11 + 1)

struct calib_offer {
	struct page *pages[CALIB_PAGES];
	grant_ref_t refs[CALIB_PAGES];
	evtchn_port_t port;
	int irq;
	atomic_t echoed;
};

static irqreturn_t calib_echo(int irq, void *data)
{
	struct calib_offer *offer = data;

	atomic_inc(&offer->echoed);
	notify_remote_via_evtchn(offer->port);
	return IRQ_HANDLED;
}

/* An unbound port dom0 may bind, echoing whatever arrives on it. */
static int calib_offer_port(struct calib_offer *offer)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = 0,
	};
	struct evtchn_close close;
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (err)
		return err;
	offer->port = alloc.port;
	offer->irq = bind_evtchn_to_irqhandler(offer->port, calib_echo, 0,
					       "xsplit-calib", offer);
	if (offer->irq >= 0)
		return 0;
	close.port = offer->port;
	WARN_ON(HYPERVISOR_event_channel_op(EVTCHNOP_close, &close));
	return offer->irq;
}

static int calib_offer_publish(struct calib_offer *offer)
{
	unsigned int i, len = 0;
	char *refs;
	int err;

	refs = kmalloc(CALIB_REFS_LEN, GFP_KERNEL);
	if (!refs)
		return -ENOMEM;
	for (i = 0; i < CALIB_PAGES; i++)
		len += scnprintf(refs + len, CALIB_REFS_LEN - len, "%u ",
				 offer->refs[i]);
	err = xenbus_write(XBT_NIL, CALIB_XS_DIR, CALIB_XS_REFS, refs);
	kfree(refs);
	if (err)
		return err;
	return xenbus_printf(XBT_NIL, CALIB_XS_DIR, CALIB_XS_PORT, "%u",
			     offer->port);
}

static void calib_offer_free_pages(struct calib_offer *offer,
				   unsigned int n)
{
	while (n--)
		__free_page(offer->pages[n]);
}

struct calib_offer *calib_offer_start(void)
{
	struct calib_offer *offer;
	unsigned int i;
	int err = -ENOMEM;

	offer = kzalloc(sizeof(*offer), GFP_KERNEL);
	if (!offer)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < CALIB_PAGES; i++) {
		offer->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!offer->pages[i])
			goto free_pages;
	}
	err = xsplit_gnt_grant_pages(0, offer->pages, CALIB_PAGES, false,
				     offer->refs);
	if (err)
		goto free_pages;
	err = calib_offer_port(offer);
	if (err)
		goto revoke;
	err = calib_offer_publish(offer);
	if (err)
		goto unbind;
	pr_info("offer: %u pages granted to dom0, port %u\n", CALIB_PAGES,
		offer->port);
	return offer;

unbind:
	unbind_from_irqhandler(offer->irq, offer);
revoke:
	/* the grants end before the pages go back: dom0 never mapped them */
	xsplit_gnt_revoke_pages(offer->refs, NULL, CALIB_PAGES);
free_pages:
	calib_offer_free_pages(offer, i);
	kfree(offer);
	return ERR_PTR(err);
}

void calib_offer_stop(struct calib_offer *offer)
{
	unbind_from_irqhandler(offer->irq, offer);
	/* a page dom0 still maps is freed by the grant code once it lets go */
	xsplit_gnt_revoke_pages(offer->refs, offer->pages, CALIB_PAGES);
	pr_info("offer: stopped after %d echoes\n",
		atomic_read(&offer->echoed));
	kfree(offer);
}

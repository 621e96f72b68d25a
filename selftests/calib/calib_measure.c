// SPDX-License-Identifier: GPL-2.0
/*
 * role=measure, in dom0: the grant and event operations a backend pays,
 * timed against the pages and the event channel a guest offered (role=offer).
 * Grant copies and maps go through the core's helpers (grant/), so the
 * figures are what xsplit's drivers pay; a map is timed twice, once as the
 * core does it (unpopulated pages allocated and freed per map) and once
 * bare, into a page held across the loop, to show what that costs.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <asm/xen/hypercall.h>

#include "calib.h"
#include "grant/xsplit_grant.h"

#define CALIB_ROLE		"dom0"
/* Maps per hypercall in the core (XSPLIT_GNT_CHUNK): its batched case. */
#define CALIB_MAP_BATCH		16
#define CALIB_PATH_MAX		64
/* Echoes of the send loop that may still arrive: let them land first. */
#define CALIB_DRAIN_MS		200

struct calib_peer {
	domid_t domid;
	evtchn_port_t port;
	grant_ref_t refs[CALIB_PAGES];
	struct page *pages[CALIB_PAGES];	/* copy destinations */
	struct completion echo;
};

static unsigned int calib_batch_reps(void)
{
	return max(calib_reps / (CALIB_PAGES / CALIB_MAP_BATCH), 1U);
}

/* The guest's refs and port, as it published them; each field checked. */
static int calib_read_peer(struct calib_peer *peer)
{
	char dir[CALIB_PATH_MAX], *refs, *pos, *tok;
	unsigned int i, val;
	int err = -EINVAL;

	snprintf(dir, sizeof(dir), "/local/domain/%u/%s", peer->domid,
		 CALIB_XS_DIR);
	if (xenbus_scanf(XBT_NIL, dir, CALIB_XS_PORT, "%u", &val) != 1)
		return -ENOENT;
	peer->port = val;
	refs = xenbus_read(XBT_NIL, dir, CALIB_XS_REFS, NULL);
	if (IS_ERR(refs))
		return PTR_ERR(refs);
	pos = refs;
	for (i = 0; i < CALIB_PAGES; i++) {
		do {
			tok = strsep(&pos, " ");
		} while (tok && !*tok);
		if (!tok || kstrtouint(tok, 10, &val))
			goto out;
		peer->refs[i] = val;
	}
	err = 0;
out:
	kfree(refs);
	return err;
}

static void calib_copy_op(struct calib_peer *peer, unsigned int i,
			  struct gnttab_copy *op)
{
	memset(op, 0, sizeof(*op));
	op->source.u.ref = peer->refs[i];
	op->source.domid = peer->domid;
	op->dest.u.gmfn = xen_page_to_gfn(peer->pages[i]);
	op->dest.domid = DOMID_SELF;
	op->len = XEN_PAGE_SIZE;
	op->flags = GNTCOPY_source_gref;
}

/* @per ops per hypercall, @reps hypercalls; 0 or -EIO. */
static int calib_copy(struct calib_peer *peer, struct xsplit_gnt_copy_batch *b,
		      unsigned int per, unsigned int reps, const char *name)
{
	unsigned int r, i, failed = 0;
	struct calib_watch w;
	struct gnttab_copy op;

	calib_start(&w, CALIB_ROLE);
	for (r = 0; r < reps; r++) {
		for (i = 0; i < per; i++) {
			calib_copy_op(peer, i, &op);
			failed += xsplit_gnt_copy_add(b, &op, NULL);
		}
		failed += xsplit_gnt_copy_flush(b);
	}
	calib_report(&w, name, reps);
	if (failed)
		pr_err("%s: %u copies failed\n", name, failed);
	return failed ? -EIO : 0;
}

static int calib_copies(struct calib_peer *peer)
{
	struct xsplit_gnt_copy_batch b;
	int err;

	err = xsplit_gnt_copy_init(&b, CALIB_PAGES, NULL, NULL);
	if (err)
		return err;
	err = calib_copy(peer, &b, 1, calib_reps, "gntcopy_1x4k");
	if (!err)
		err = calib_copy(peer, &b, CALIB_PAGES, calib_batch_reps(),
				 "gntcopy_256x4k");
	xsplit_gnt_copy_free(&b);
	return err;
}

/* Map and unmap @n grants @reps times through the core; 0 or -EIO. */
static int calib_map_core(struct calib_peer *peer, unsigned int n,
			  unsigned int reps, const char *name)
{
	struct xsplit_gnt_map maps[CALIB_MAP_BATCH];
	struct calib_watch w;
	unsigned int r, i;
	int err = 0;

	calib_start(&w, CALIB_ROLE);
	for (r = 0; r < reps && !err; r++) {
		for (i = 0; i < n; i++) {
			maps[i].gref = peer->refs[i];
			maps[i].domid = peer->domid;
			maps[i].readonly = false;
		}
		err = xsplit_gnt_map(maps, n);
		xsplit_gnt_unmap(maps, n);
	}
	calib_report(&w, name, r);
	if (err)
		pr_err("%s: map failed: %d\n", name, err);
	return err;
}

/* Map and unmap one grant into a page held across the loop. */
static int calib_map_bare(struct calib_peer *peer)
{
	struct gnttab_unmap_grant_ref unmap;
	struct gnttab_map_grant_ref map;
	struct calib_watch w;
	unsigned long vaddr;
	struct page *page;
	unsigned int r;
	int err;

	err = gnttab_alloc_pages(1, &page);
	if (err)
		return err;
	vaddr = (unsigned long)pfn_to_kaddr(page_to_pfn(page));
	calib_start(&w, CALIB_ROLE);
	for (r = 0; r < calib_reps; r++) {
		gnttab_set_map_op(&map, vaddr, GNTMAP_host_map, peer->refs[0],
				  peer->domid);
		err = gnttab_map_refs(&map, NULL, &page, 1);
		if (err || map.status != GNTST_okay) {
			err = err ?: -EIO;
			break;
		}
		gnttab_set_unmap_op(&unmap, vaddr, GNTMAP_host_map, map.handle);
		err = gnttab_unmap_refs(&unmap, NULL, &page, 1);
		if (err || unmap.status != GNTST_okay) {
			/* the page may still map the guest's: never reuse it */
			pr_err("map_unmap_1_bare: unmap failed, page kept\n");
			return err ?: -EIO;
		}
	}
	calib_report(&w, "map_unmap_1_bare", r);
	gnttab_free_pages(1, &page);
	return err;
}

static int calib_maps(struct calib_peer *peer)
{
	int err;

	err = calib_map_core(peer, 1, calib_reps, "map_unmap_1_core");
	if (!err)
		err = calib_map_core(peer, CALIB_MAP_BATCH, calib_batch_reps(),
				     "map_unmap_16_core");
	if (!err)
		err = calib_map_bare(peer);
	return err;
}

static irqreturn_t calib_echoed(int irq, void *data)
{
	struct calib_peer *peer = data;

	complete(&peer->echo);
	return IRQ_HANDLED;
}

/* Sends alone, then round trips one at a time (the guest echoes each). */
static int calib_events_timed(struct calib_peer *peer, evtchn_port_t local)
{
	unsigned long tmo = msecs_to_jiffies(CALIB_ECHO_MS);
	struct calib_watch w;
	unsigned int r;

	calib_start(&w, CALIB_ROLE);
	for (r = 0; r < calib_reps; r++)
		notify_remote_via_evtchn(local);
	calib_report(&w, "evtchn_send", r);

	msleep(CALIB_DRAIN_MS);
	calib_start(&w, CALIB_ROLE);
	for (r = 0; r < calib_reps; r++) {
		reinit_completion(&peer->echo);
		notify_remote_via_evtchn(local);
		if (!wait_for_completion_timeout(&peer->echo, tmo)) {
			pr_err("event %u: no echo in %u ms\n", r,
			       CALIB_ECHO_MS);
			return -ETIMEDOUT;
		}
	}
	calib_report(&w, "evtchn_round_trip", r);
	return 0;
}

static int calib_events(struct calib_peer *peer)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = peer->domid,
		.remote_port = peer->port,
	};
	struct evtchn_close close;
	int irq, err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (err)
		return err;
	init_completion(&peer->echo);
	irq = bind_evtchn_to_irqhandler(bind.local_port, calib_echoed, 0,
					"xsplit-calib", peer);
	if (irq < 0) {
		close.port = bind.local_port;
		WARN_ON(HYPERVISOR_event_channel_op(EVTCHNOP_close, &close));
		return irq;
	}
	err = calib_events_timed(peer, bind.local_port);
	/* closes the port too */
	unbind_from_irqhandler(irq, peer);
	return err;
}

/**
 * calib_measure - time grant copies, maps and events against a guest
 * @domid: the guest running role=offer
 *
 * Return: 0, or the first error (and the figures taken before it).
 */
int calib_measure(domid_t domid)
{
	struct calib_peer *peer;
	unsigned int i;
	int err;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return -ENOMEM;
	peer->domid = domid;
	err = calib_read_peer(peer);
	if (err) {
		pr_err("dom%u offers nothing under %s: %d\n", domid,
		       CALIB_XS_DIR, err);
		goto free_peer;
	}
	for (i = 0; i < CALIB_PAGES; i++) {
		peer->pages[i] = alloc_page(GFP_KERNEL);
		if (!peer->pages[i]) {
			err = -ENOMEM;
			goto free_pages;
		}
	}
	err = calib_copies(peer);
	if (!err)
		err = calib_maps(peer);
	if (!err)
		err = calib_events(peer);
free_pages:
	while (i--)
		__free_page(peer->pages[i]);
free_peer:
	kfree(peer);
	return err;
}

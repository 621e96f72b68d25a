// SPDX-License-Identifier: GPL-2.0
/*
 * The shared rings of one disk: granted and announced when the backend
 * waits for us (advertise), given their request tables when it connects,
 * emptied and taken back when it goes away.  Requests still on a ring that
 * goes away are handed back to blk-mq to be issued again after the next
 * connect, to this backend or a new one.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <xen/interface/io/protocols.h>

#include "blkfront/blkfront.h"

static void ring_init(struct xsplit_blkf_info *info, unsigned int idx)
{
	struct xsplit_blkf_ring *ring = &info->rings[idx];

	ring->info = info;
	ring->idx = idx;
	spin_lock_init(&ring->lock);
	ring->evtchn.irq = -1;	/* not bound: unbind is a no-op */
	snprintf(ring->name, sizeof(ring->name), "xsplit-blkf-%u-%u",
		 info->handle, idx);
}

static int ring_setup(struct xsplit_blkf_info *info,
		      struct xsplit_blkf_ring *ring)
{
	struct xsplit_xb_dev *dev = info->dev;
	int err;

	err = xsplit_xb_ring_grant(dev, info->ring_order, &ring->xr);
	if (err)
		return err;
	err = xsplit_blkif_sring_init(ring->xr.vaddr, info->ring_order);
	if (!err)
		err = xsplit_blkif_front_attach(&ring->front, ring->xr.vaddr,
						info->ring_order, 0);
	if (err)
		return err;
	return xsplit_evtchn_alloc_frontend(&ring->evtchn, dev->xdev,
					    ring->name,
					    xsplit_blkf_ring_interrupt, ring);
}

/**
 * xsplit_blkf_rings_alloc - grant info->nr_rings rings and bind their ports
 * @info: the disk; nr_rings and ring_order chosen
 *
 * On error the rings set up so far stay; xsplit_blkf_rings_free() takes
 * them back (the core calls disconnect after a failed advertise).
 */
int xsplit_blkf_rings_alloc(struct xsplit_blkf_info *info)
{
	unsigned int i;
	int err;

	info->rings = kcalloc(info->nr_rings, sizeof(*info->rings),
			      GFP_KERNEL);
	if (!info->rings)
		return -ENOMEM;
	for (i = 0; i < info->nr_rings; i++)
		ring_init(info, i);
	for (i = 0; i < info->nr_rings; i++) {
		err = ring_setup(info, &info->rings[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Write ring-page-order, the queue count, every ring-ref and port. */
int xsplit_blkf_rings_publish(struct xsplit_blkf_info *info,
			      struct xenbus_transaction xbt)
{
	struct xsplit_xb_dev *dev = info->dev;
	unsigned int i, n = info->nr_rings;
	int err;

	err = xsplit_xb_ring_publish_order(dev, xbt, info->ring_order);
	if (err)
		return err;
	err = xsplit_xb_mq_publish(dev, xbt, n);
	for (i = 0; !err && i < n; i++) {
		err = xsplit_xb_ring_publish(dev, xbt, XSPLIT_KEY_RING_REF, n,
					     i, &info->rings[i].xr);
		if (!err)
			err = xsplit_xb_evtchn_publish(dev, xbt, n, i, false,
						       info->rings[i].evtchn.port,
						       0);
	}
	return err;
}

static void ring_tables_free(struct xsplit_blkf_ring *ring)
{
	if (ring->pool && xsplit_gnt_pool_destroy(ring->pool))
		WARN_ONCE(1, "%s: pool pages still out\n", ring->name);
	ring->pool = NULL;
	kvfree(ring->gpages);
	kvfree(ring->shadow);
	kvfree(ring->tab_busy);
	kvfree(ring->tab_free);
	kvfree(ring->tab_ent);
	ring->gpages = NULL;
	ring->shadow = NULL;
	ring->tab_busy = NULL;
	ring->tab_free = NULL;
	ring->tab_ent = NULL;
}

static int ring_tables_alloc(struct xsplit_blkf_ring *ring)
{
	struct xsplit_blkf_info *info = ring->info;
	u32 i, n = ring->front.r.nr_ents, cap = info->seg_cap;

	ring->tab_ent = kvcalloc(n, sizeof(*ring->tab_ent), GFP_KERNEL);
	ring->tab_free = kvcalloc(n, sizeof(*ring->tab_free), GFP_KERNEL);
	ring->tab_busy = kvcalloc(n, sizeof(*ring->tab_busy), GFP_KERNEL);
	ring->shadow = kvcalloc(n, sizeof(*ring->shadow), GFP_KERNEL);
	ring->gpages = kvcalloc((size_t)n * cap, sizeof(*ring->gpages),
				GFP_KERNEL);
	if (!ring->tab_ent || !ring->tab_free || !ring->tab_busy ||
	    !ring->shadow || !ring->gpages)
		goto free;
	for (i = 0; i < n; i++)
		ring->shadow[i].data = &ring->gpages[(size_t)i * cap];
	if (info->gmode == XSPLIT_BLKF_PERSISTENT) {
		u32 most = n * (cap + XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);

		ring->pool = xsplit_gnt_pool_create(info->dev->xdev->otherend_id,
						    most);
		if (IS_ERR(ring->pool)) {
			ring->pool = NULL;
			goto free;
		}
	}
	return xsplit_blkf_tab_init(&ring->tab, ring->tab_ent, ring->tab_free,
				    ring->tab_busy, n);
free:
	ring_tables_free(ring);
	return -ENOMEM;
}

/* Connect: request tables sized by what was negotiated; then accept I/O. */
int xsplit_blkf_rings_start(struct xsplit_blkf_info *info)
{
	struct xsplit_blkf_ring *ring;
	unsigned int i;
	int err;

	for (i = 0; i < info->nr_rings; i++) {
		ring = &info->rings[i];
		err = ring_tables_alloc(ring);
		if (err)
			return err;
		spin_lock_irq(&ring->lock);
		ring->broken = false;
		ring->up = true;
		spin_unlock_irq(&ring->lock);
	}
	return 0;
}

/* Take every request off a ring; the ones whose last part it was go on @list. */
static void ring_harvest(struct xsplit_blkf_ring *ring, struct list_head *list)
{
	struct xsplit_blkf_shadow *sh;
	struct xsplit_blkf_pdu *pdu;
	bool leaked = false;
	u32 id;

	spin_lock_irq(&ring->lock);
	ring->up = false;
	for (id = 0; ring->shadow && id < ring->tab.ids.nr; id++) {
		if (!xsplit_blkf_tab_busy(&ring->tab, id))
			continue;
		sh = &ring->shadow[id];
		xsplit_blkf_part_release(ring, sh, false, &leaked);
		xsplit_blkf_tab_release(&ring->tab, id);
		pdu = blk_mq_rq_to_pdu(sh->rq);
		if (!--pdu->parts)
			list_add_tail(&sh->rq->queuelist, list);
		sh->rq = NULL;
	}
	spin_unlock_irq(&ring->lock);
	if (leaked)
		dev_warn(&ring->info->dev->xdev->dev,
			 "backend kept pages mapped while going away\n");
}

/**
 * xsplit_blkf_rings_stop - stop I/O and hand in-flight requests back
 * @info: the disk; its queue is quiesced, so nothing new comes in
 *
 * The requests wait on blk-mq's requeue list until the disk resumes.
 */
void xsplit_blkf_rings_stop(struct xsplit_blkf_info *info)
{
	struct request *rq, *tmp;
	unsigned int i;
	LIST_HEAD(list);

	for (i = 0; info->rings && i < info->nr_rings; i++)
		ring_harvest(&info->rings[i], &list);
	list_for_each_entry_safe(rq, tmp, &list, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_requeue_request(rq, false);
	}
	/* nothing is in flight now: let a running timeout handler finish */
	if (info->gd)
		blk_sync_queue(info->gd->queue);
}

/* Unbind, drop the tables, revoke the ring pages; for partial setups too. */
void xsplit_blkf_rings_free(struct xsplit_blkf_info *info)
{
	struct xsplit_blkf_ring *ring;
	unsigned int i;

	for (i = 0; info->rings && i < info->nr_rings; i++) {
		ring = &info->rings[i];
		/* after this the interrupt handler is not running */
		xsplit_evtchn_unbind(&ring->evtchn);
		ring_tables_free(ring);
		xsplit_xb_ring_ungrant(&ring->xr);
	}
	kfree(info->rings);
	info->rings = NULL;
}

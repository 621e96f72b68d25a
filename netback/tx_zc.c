// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy guest transmit: what tx.c does not copy of a guest packet
 * (it copies the first slot and the first XSPLIT_NB_TX_LINEAR bytes, the
 * protocol headers) is grant-mapped read-only, one data slot per page of
 * a per-queue pool, and given to the stack as skb frags.
 *
 * The skb carries a ubuf_info (in the pool slot of the packet's first
 * mapped slot).  The stack calls its callback once it is done with the
 * frags: when the skb is freed, or when it copies them away
 * (skb_copy_ubufs(): local delivery to a socket, tun, taps and other
 * clones, segmentation, ...).  The callback, in
 * whatever context the stack is in, only queues the packet's slots; the
 * queue's work item unmaps them in one batch, and only then answers them
 * to the guest, which may reuse its pages as soon as it sees the answer.
 *
 * Bounds: the pool is smaller than the tx ring by the most slots one
 * packet may use, so skbs stuck in the stack can hold back at most the
 * pool's slots and the guest can always send more, which we copy while
 * the pool is empty.  Nothing here blocks NAPI or drops a packet for want
 * of pool pages.  Teardown waits (bounded, logged) for the stack to let
 * go; past the bound the pool lives on, detached from the queue and
 * pinning the module, until the last page comes back.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "netback/common.h"
#include "netback/tx_zc.h"
#include "ring/xsplit_ids.h"

/* Teardown waits this long past the guest-receive drain timeout. */
#define ZC_TEARDOWN_GRACE_MS	5000U
/* While it waits, it says so this often. */
#define ZC_LOG_EVERY_MS		5000U
/* After the last callback, the stack drops its page references. */
#define ZC_PAGE_REF_WAIT_MS	1000U
#define ZC_PAGE_REF_POLL_MS	10U

/* One pool page and the guest slot mapped into it. */
struct zc_slot {
	struct ubuf_info ubuf;		/* the packet's, in its head slot */
	struct xsplit_nb_zc *zc;
	struct page *page;		/* NULL: leaked, unmap failed */
	grant_handle_t handle;		/* invalid: not mapped */
	grant_ref_t gref;
	u16 id;				/* the request to answer */
	u16 next;			/* next slot of the packet */
	u16 offset;
	u16 size;
	s16 status;			/* answer once unmapped */
	bool head;			/* the packet's first data slot */
	bool map_failed;		/* head: some slot did not map */
	bool copied;			/* head: the stack copied the frags */
};

struct xsplit_nb_zc {
	/*
	 * The worker's use of q vs detach; a spinlock, not a mutex: its
	 * unlock is one store, so whoever decides to free the pool under it
	 * never races the other side's unlock.
	 */
	spinlock_t q_lock;
	struct xsplit_nb_queue *q;	/* NULL once detached */
	bool notify;			/* the event channel is still bound */
	bool detached;
	domid_t domid;
	char name[IFNAMSIZ + 8];
	u32 nr;
	struct zc_slot *slots;

	spinlock_t lock;		/* free and done */
	struct xsplit_ids free;		/* NAPI takes, worker returns */
	struct xsplit_nb_idx_ring done;	/* callbacks add, worker takes */
	atomic_t held;			/* slots off the free ring */
	wait_queue_head_t idle_wq;
	struct work_struct work;
	struct work_struct free_work;	/* detached: the last page is back */

	/* NAPI: this poll's map batch */
	struct xsplit_gnt_batch mapb;
	u16 *map_slot;			/* per op of mapb: its slot */

	/* worker */
	struct xsplit_gnt_batch unmapb;
	u16 *unmap_slot;		/* per op of unmapb: its slot */
	u16 *batch;

	u32 *free_ids;
	u8 *free_busy;
	u16 *done_idx;
};

static struct workqueue_struct *zc_wq;
/* Pools detached from their queue, waiting for the stack's last page. */
static atomic_t zc_detached = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(zc_detached_wq);

static u16 zc_index(struct xsplit_nb_zc *zc, struct zc_slot *s)
{
	return s - zc->slots;
}

/* ---- the stack's side ---- */

/* Any context: queue the packet's slots for the worker. */
static void zc_complete(struct sk_buff *skb, struct ubuf_info *ubuf,
			bool success)
{
	struct zc_slot *head = container_of(ubuf, struct zc_slot, ubuf);
	struct xsplit_nb_zc *zc = head->zc;
	unsigned long flags;
	u16 i;

	if (!success)
		WRITE_ONCE(head->copied, true);
	/* Clones of the frags (skb_zerocopy_clone) hold references too. */
	if (!refcount_dec_and_test(&ubuf->refcnt))
		return;
	spin_lock_irqsave(&zc->lock, flags);
	for (i = zc_index(zc, head); i != XSPLIT_NB_ZC_NONE;
	     i = zc->slots[i].next)
		WARN_ON_ONCE(!xsplit_nb_idx_put(&zc->done, i));
	/* Under the lock: the worker cannot free us before this returns. */
	queue_work(zc_wq, &zc->work);
	spin_unlock_irqrestore(&zc->lock, flags);
}

/* zc_ubuf_init(): zc_complete() as this kernel calls it back (compat/) */
XSPLIT_UBUF_INIT(zc_ubuf_init, zc_complete)

/* ---- NAPI's side ---- */

/* Pool slot @idx is to map @req, less its first @skip bytes (copied). */
static void zc_prepare(struct xsplit_nb_zc *zc, u16 idx,
		       const struct xsplit_netif_tx_request *req, u32 skip)
{
	struct zc_slot *s = &zc->slots[idx];
	unsigned int op;

	s->gref = req->gref;
	s->id = req->id;
	s->offset = req->offset + skip;
	s->size = req->size - skip;
	s->handle = XSPLIT_GNT_INVALID_HANDLE;
	s->status = XSPLIT_NETIF_RSP_ERROR;
	s->map_failed = false;
	s->copied = false;
	op = xsplit_gnt_batch_map_add(&zc->mapb, s->page, s->gref, zc->domid,
				      true);
	zc->map_slot[op] = idx;
}

/**
 * xsplit_nb_zc_take - reserve pool pages and queue the maps of a packet
 * @zc: the queue's pool
 * @pkt: the packet being built; gets its chain head in ->zc_head
 * @v: the validated packet
 * @first: its first data slot to map (those before are copied whole)
 * @skip: bytes of that slot that are copied, not mapped
 * @copy_frags: skb frags the copied bytes use
 *
 * Return: false if the packet is to be copied instead (nothing taken).
 */
bool xsplit_nb_zc_take(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
		       const struct xsplit_nb_txv *v, u32 first, u32 skip,
		       u32 copy_frags)
{
	struct xsplit_nb_zc_shape shape = {
		.copy_frags = copy_frags,
		.nr_map = v->nr_frags - first,
		.max_frags = MAX_SKB_FRAGS,
	};
	u16 idx[XSPLIT_NB_FATAL_SLOTS_MAX];
	unsigned int i, n = shape.nr_map;
	unsigned long flags;

	/* irqsave: netpoll runs NAPI with interrupts off. */
	spin_lock_irqsave(&zc->lock, flags);
	shape.pool_free = zc->free.nr_free;
	if (!xsplit_nb_zc_eligible(&shape)) {
		spin_unlock_irqrestore(&zc->lock, flags);
		return false;
	}
	/* eligible: pool_free >= n, so every get succeeds */
	for (i = 0; i < n; i++)
		idx[i] = (u16)xsplit_ids_get(&zc->free);
	spin_unlock_irqrestore(&zc->lock, flags);
	atomic_add(n, &zc->held);

	for (i = 0; i < n; i++) {
		zc_prepare(zc, idx[i], &v->frags[first + i], i ? 0 : skip);
		zc->slots[idx[i]].head = !i;
		zc->slots[idx[i]].next = i + 1 < n ? idx[i + 1] :
					 XSPLIT_NB_ZC_NONE;
	}
	pkt->zc_head = idx[0];
	pkt->nr_copied_frags = first;
	return true;
}

/* All maps of this poll in one batch; per-op statuses decide. */
void xsplit_nb_zc_map_flush(struct xsplit_nb_zc *zc)
{
	unsigned int i;

	if (!zc->mapb.nr)
		return;
	xsplit_gnt_batch_map(&zc->mapb);
	for (i = 0; i < zc->mapb.nr; i++)
		zc->slots[zc->map_slot[i]].handle =
			xsplit_gnt_batch_handle(&zc->mapb, i);
	xsplit_gnt_batch_reset(&zc->mapb);
}

/* Give a packet's slots to the worker without the stack ever seeing them. */
static void zc_release_now(struct xsplit_nb_zc *zc, u16 head)
{
	struct zc_slot *s = &zc->slots[head];

	s->map_failed = true;
	refcount_set(&s->ubuf.refcnt, 1);
	zc_complete(NULL, &s->ubuf, true);
}

/**
 * xsplit_nb_zc_attach - add the mapped slots to the skb as frags
 * @zc: the queue's pool
 * @pkt: the packet, ->zc_head from xsplit_nb_zc_take()
 * @skb: its skb, holding the copied first slot
 *
 * Return: 0, or -EIO when some slot did not map: then every slot of the
 * packet is on its way to be unmapped and answered with an error, and the
 * caller answers the rest of the packet and frees the skb.
 */
int xsplit_nb_zc_attach(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
			struct sk_buff *skb)
{
	struct zc_slot *head = &zc->slots[pkt->zc_head];
	struct zc_slot *s;
	u16 i;

	for (i = pkt->zc_head; i != XSPLIT_NB_ZC_NONE; i = zc->slots[i].next) {
		if (zc->slots[i].handle == XSPLIT_GNT_INVALID_HANDLE) {
			zc_release_now(zc, pkt->zc_head);
			return -EIO;
		}
	}
	for (i = pkt->zc_head; i != XSPLIT_NB_ZC_NONE; i = s->next) {
		s = &zc->slots[i];
		/* An empty slot is still answered at the end, but no frag. */
		if (!s->size)
			continue;
		/* The stack puts the page when it drops the frag. */
		get_page(s->page);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, s->page,
				s->offset, s->size, s->size);
	}
	zc_ubuf_init(&head->ubuf);
	skb_shinfo(skb)->destructor_arg = &head->ubuf;
	return 0;
}

/**
 * xsplit_nb_zc_handoff - the skb leaves tx.c's hands
 * @zc: the queue's pool
 * @pkt: the packet
 * @skb: its skb, to be delivered or freed right after this
 * @status: what the guest is told for the mapped slots once unmapped
 *
 * Only now does the skb say it is zero-copy: until here tx.c may pull or
 * free it without the callback running under its feet.
 */
void xsplit_nb_zc_handoff(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
			  struct sk_buff *skb, s16 status)
{
	u16 i;

	for (i = pkt->zc_head; i != XSPLIT_NB_ZC_NONE; i = zc->slots[i].next)
		zc->slots[i].status = status;
	xsplit_skb_zcopy_enable(skb);
}

/* ---- the worker ---- */

static u32 zc_grab(struct xsplit_nb_zc *zc)
{
	u32 n = 0;

	spin_lock_irq(&zc->lock);
	while (n < zc->nr && xsplit_nb_idx_get(&zc->done, &zc->batch[n]))
		n++;
	spin_unlock_irq(&zc->lock);
	return n;
}

static void zc_unmap(struct xsplit_nb_zc *zc, u32 n)
{
	struct zc_slot *s;
	unsigned int op;
	u32 i;

	for (i = 0; i < n; i++) {
		s = &zc->slots[zc->batch[i]];
		if (s->handle == XSPLIT_GNT_INVALID_HANDLE)
			continue;
		op = xsplit_gnt_batch_unmap_add(&zc->unmapb, s->page, s->handle);
		zc->unmap_slot[op] = zc->batch[i];
	}
	xsplit_gnt_batch_unmap(&zc->unmapb);
	for (i = 0; i < zc->unmapb.nr; i++) {
		s = &zc->slots[zc->unmap_slot[i]];
		s->handle = XSPLIT_GNT_INVALID_HANDLE;
		if (xsplit_gnt_batch_unmapped(&zc->unmapb, i))
			continue;
		/* Still mapped to the guest's frame: never reuse the page. */
		pr_warn_ratelimited("%s: unmap of grant %u failed, page leaked\n",
				    zc->name, s->gref);
		s->page = NULL;
	}
	xsplit_gnt_batch_reset(&zc->unmapb);
}

/* Caller holds q_lock and q is set: answer every slot, then kick. */
static void zc_answer(struct xsplit_nb_zc *zc, struct xsplit_nb_queue *q,
		      u32 n)
{
	struct xsplit_netif_tx_response rsp;
	unsigned long flags;
	struct zc_slot *s;
	bool notify;
	u32 i;

	spin_lock_irqsave(&q->tx_rsp_lock, flags);
	for (i = 0; i < n; i++) {
		s = &zc->slots[zc->batch[i]];
		rsp.id = s->id;
		rsp.status = s->status;
		WARN_ON_ONCE(xsplit_netif_tx_back_put_rsp(&q->tx, &rsp));
	}
	notify = xsplit_back_push_rsps(&q->tx.r);
	spin_unlock_irqrestore(&q->tx_rsp_lock, flags);
	if (notify && zc->notify)
		xsplit_evtchn_notify(&q->tx_ch);
}

/* Per packet, counted at its head slot; the worker is their one writer. */
static void zc_count(struct xsplit_nb_zc *zc, struct xsplit_nb_queue *q,
		     u32 n)
{
	struct zc_slot *s;
	u32 i;

	for (i = 0; i < n; i++) {
		s = &zc->slots[zc->batch[i]];
		if (!s->head)
			continue;
		if (s->map_failed || READ_ONCE(s->copied))
			q->stats.tx_zerocopy_fail++;
		else if (s->status == XSPLIT_NETIF_RSP_OKAY)
			q->stats.tx_zerocopy_success++;
	}
}

/* Unmapped pages back to the pool; leaked ones are gone for good. */
static void zc_recycle(struct xsplit_nb_zc *zc, u32 n)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&zc->lock, flags);
	for (i = 0; i < n; i++)
		if (zc->slots[zc->batch[i]].page)
			xsplit_ids_put(&zc->free, zc->batch[i]);
	spin_unlock_irqrestore(&zc->lock, flags);
}

static void zc_work(struct work_struct *work)
{
	struct xsplit_nb_zc *zc = container_of(work, struct xsplit_nb_zc, work);
	bool last;
	u32 n;

	while ((n = zc_grab(zc))) {
		zc_unmap(zc, n);
		spin_lock(&zc->q_lock);
		if (zc->q) {
			zc_answer(zc, zc->q, n);
			zc_count(zc, zc->q, n);
		}
		zc_recycle(zc, n);
		/* Decided under q_lock, as detach decides: one of us frees. */
		last = atomic_sub_and_test(n, &zc->held) && zc->detached;
		spin_unlock(&zc->q_lock);
		wake_up(&zc->idle_wq);
		if (last) {
			queue_work(zc_wq, &zc->free_work);
			return;
		}
	}
}

/* ---- pool life ---- */

static void zc_free_arrays(struct xsplit_nb_zc *zc)
{
	kvfree(zc->slots);
	xsplit_gnt_batch_free(&zc->mapb);
	kvfree(zc->map_slot);
	xsplit_gnt_batch_free(&zc->unmapb);
	kvfree(zc->unmap_slot);
	kvfree(zc->batch);
	kvfree(zc->free_ids);
	kvfree(zc->free_busy);
	kvfree(zc->done_idx);
}

static int zc_alloc_arrays(struct xsplit_nb_zc *zc, u32 ring_size)
{
	u32 n = zc->nr;

	if (xsplit_gnt_batch_init(&zc->mapb, n) ||
	    xsplit_gnt_batch_init(&zc->unmapb, n))
		return -ENOMEM;
	zc->slots = kvcalloc(n, sizeof(*zc->slots), GFP_KERNEL);
	zc->map_slot = kvcalloc(n, sizeof(*zc->map_slot), GFP_KERNEL);
	zc->unmap_slot = kvcalloc(n, sizeof(*zc->unmap_slot), GFP_KERNEL);
	zc->batch = kvcalloc(n, sizeof(*zc->batch), GFP_KERNEL);
	zc->free_ids = kvcalloc(n, sizeof(*zc->free_ids), GFP_KERNEL);
	zc->free_busy = kvcalloc(n, sizeof(*zc->free_busy), GFP_KERNEL);
	zc->done_idx = kvcalloc(ring_size, sizeof(u16), GFP_KERNEL);
	if (!zc->slots || !zc->map_slot || !zc->unmap_slot ||
	    !zc->batch || !zc->free_ids || !zc->free_busy || !zc->done_idx)
		return -ENOMEM;
	return 0;
}

/* Pages whose unmap failed stay allocated: they still show guest memory. */
static void zc_free_pages(struct xsplit_nb_zc *zc)
{
	u32 i;

	for (i = 0; i < zc->nr; i++)
		if (zc->slots[i].page)
			gnttab_free_pages(1, &zc->slots[i].page);
}

static int zc_alloc_pages(struct xsplit_nb_zc *zc)
{
	u32 i;

	for (i = 0; i < zc->nr; i++) {
		if (gnttab_alloc_pages(1, &zc->slots[i].page)) {
			zc->slots[i].page = NULL;
			return -ENOMEM;
		}
		zc->slots[i].zc = zc;
		zc->slots[i].handle = XSPLIT_GNT_INVALID_HANDLE;
	}
	return 0;
}

static void zc_free(struct xsplit_nb_zc *zc)
{
	if (zc->slots)
		zc_free_pages(zc);
	zc_free_arrays(zc);
	kfree(zc);
}

/* The last frag reference goes right after the callback: wait for it. */
static void zc_wait_page_refs(struct xsplit_nb_zc *zc)
{
	unsigned int waited = 0;
	u32 i;

	for (i = 0; i < zc->nr; i++) {
		struct page *page = zc->slots[i].page;

		while (page && page_ref_count(page) > 1 &&
		       waited < ZC_PAGE_REF_WAIT_MS) {
			msleep(ZC_PAGE_REF_POLL_MS);
			waited += ZC_PAGE_REF_POLL_MS;
		}
		if (page && page_ref_count(page) > 1) {
			pr_warn("%s: pool page still referenced, leaked\n",
				zc->name);
			zc->slots[i].page = NULL;
		}
	}
}

/* Detached: the last page came back after teardown gave up waiting. */
static void zc_free_work(struct work_struct *work)
{
	struct xsplit_nb_zc *zc = container_of(work, struct xsplit_nb_zc,
					       free_work);

	cancel_work_sync(&zc->work);
	zc_wait_page_refs(zc);
	pr_info("%s: the stack returned the last mapped tx page; pool freed\n",
		zc->name);
	zc_free(zc);
	if (atomic_dec_and_test(&zc_detached))
		wake_up(&zc_detached_wq);
	module_put(THIS_MODULE);
}

/**
 * xsplit_nb_zc_create - the queue's pool, if tx_zerocopy is on
 * @q: the queue, its tx ring attached
 *
 * A pool that cannot be had (no memory, no ballooned pages) leaves the
 * queue copying, with a warning: the vif still connects.
 */
void xsplit_nb_zc_create(struct xsplit_nb_queue *q)
{
	u32 ring_size = q->tx.r.nr_ents;
	struct xsplit_nb_zc *zc;

	q->zc = NULL;
	if (!READ_ONCE(xsplit_nb_tx_zerocopy))
		return;
	zc = kzalloc(sizeof(*zc), GFP_KERNEL);
	if (!zc)
		goto fail;
	spin_lock_init(&zc->q_lock);
	spin_lock_init(&zc->lock);
	init_waitqueue_head(&zc->idle_wq);
	INIT_WORK(&zc->work, zc_work);
	INIT_WORK(&zc->free_work, zc_free_work);
	zc->q = q;
	zc->notify = true;
	zc->domid = q->vif->domid;
	strscpy(zc->name, q->name, sizeof(zc->name));
	zc->nr = xsplit_nb_zc_pool_size(ring_size, XSPLIT_NB_FATAL_SLOTS_MAX);
	if (!zc->nr || zc_alloc_arrays(zc, ring_size))
		goto free;
	/* every slot free: the pages come next, or the pool is not made */
	xsplit_ids_init(&zc->free, zc->free_ids, zc->free_busy, zc->nr);
	xsplit_nb_idx_init(&zc->done, zc->done_idx, ring_size);
	if (zc_alloc_pages(zc))
		goto free;
	q->zc = zc;
	netdev_info(q->vif->dev, "%s: zero-copy transmit, %u pool pages\n",
		    q->name, zc->nr);
	return;

free:
	zc_free(zc);
fail:
	netdev_warn(q->vif->dev, "%s: no zero-copy pool, transmit copied\n",
		    q->name);
}

/* Before the event channel goes: the worker stops kicking it. */
void xsplit_nb_zc_stop_notify(struct xsplit_nb_queue *q)
{
	struct xsplit_nb_zc *zc = q->zc;

	if (!zc)
		return;
	spin_lock(&zc->q_lock);
	zc->notify = false;
	spin_unlock(&zc->q_lock);
}

static void zc_wait_idle(struct xsplit_nb_zc *zc)
{
	unsigned long end = jiffies +
		msecs_to_jiffies(READ_ONCE(xsplit_nb_rx_drain_timeout_msecs) +
				 ZC_TEARDOWN_GRACE_MS);
	unsigned long step = msecs_to_jiffies(ZC_LOG_EVERY_MS);
	int held = atomic_read(&zc->held);

	if (!held)
		return;
	pr_info("%s: waiting up to %u ms for %d mapped tx pages the stack holds\n",
		zc->name, jiffies_to_msecs(end - jiffies), held);
	while (!wait_event_timeout(zc->idle_wq, !atomic_read(&zc->held),
				   step)) {
		if (time_after_eq(jiffies, end))
			return;
		pr_info("%s: still %d mapped tx pages held by the stack\n",
			zc->name, atomic_read(&zc->held));
	}
	pr_info("%s: all mapped tx pages returned\n", zc->name);
}

/**
 * xsplit_nb_zc_destroy - wait for the stack, then free the pool
 * @q: the queue; NAPI already disabled, the tx ring still mapped
 *
 * Every mapped page is unmapped and answered before this returns, unless
 * the stack holds some past the bound: then the pool is detached from the
 * queue (no more answers: the ring goes) and frees itself when the last
 * page comes back, holding the module until then.
 */
void xsplit_nb_zc_destroy(struct xsplit_nb_queue *q)
{
	struct xsplit_nb_zc *zc = q->zc;
	int held;

	if (!zc)
		return;
	q->zc = NULL;
	zc_wait_idle(zc);
	spin_lock(&zc->q_lock);
	zc->q = NULL;
	zc->detached = true;
	held = atomic_read(&zc->held);
	if (held) {
		atomic_inc(&zc_detached);
		__module_get(THIS_MODULE);
		pr_err("%s: gave up waiting: %d mapped tx pages stay with the stack; their slots go unanswered and the pool is freed when they come back\n",
		       zc->name, held);
	}
	spin_unlock(&zc->q_lock);
	/* Once unlocked, a detached pool is the worker's to free. */
	if (held)
		return;
	cancel_work_sync(&zc->work);
	zc_wait_page_refs(zc);
	zc_free(zc);
}

int xsplit_nb_zc_init(void)
{
	zc_wq = alloc_workqueue("xsplit_nb_zc", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return zc_wq ? 0 : -ENOMEM;
}

/*
 * At module exit every queue is gone, but a detached pool's callback is
 * still our code, in skbs the stack holds: no bound is safe here, so wait
 * and say so.  destroy_workqueue() then waits for the last free to return.
 */
void xsplit_nb_zc_exit(void)
{
	unsigned long step = msecs_to_jiffies(ZC_LOG_EVERY_MS);

	while (!wait_event_timeout(zc_detached_wq, !atomic_read(&zc_detached),
				   step))
		pr_warn("module exit waits for %d zero-copy pools the stack still holds pages of\n",
			atomic_read(&zc_detached));
	destroy_workqueue(zc_wq);
}

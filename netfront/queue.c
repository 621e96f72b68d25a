// SPDX-License-Identifier: GPL-2.0
/*
 * One netfront queue: a tx ring, an rx ring, their event channel(s) and
 * one NAPI context.
 *
 * Shared channel (the default protocol): the event handler only schedules
 * NAPI, which serves both rings; the late EOI is sent when NAPI has
 * drained them, so a backend that floods events gets at most one poll per
 * EOI.
 *
 * Split channels (the backend offers feature-split-event-channels and
 * separate_tx_rx_irq allows it): the rx channel works as above for rx
 * alone; the tx channel's handler reaps tx completions itself, in hard-IRQ
 * context as Linux's netfront does, and lets the core send the EOI right
 * away, flagged spurious when there was nothing to reap.
 */
#include <linux/slab.h>
#include <linux/netdevice.h>

#include "netfront/netfront.h"
#include "grant/xsplit_grant.h"

/*
 * tx_rsp_batch: the tx event is asked for only once up to that many more
 * slots are answered, never more than half of those published and not
 * answered (xsplit_front_final_check_batch()).  Rx is never batched: its
 * answers come as packets arrive, which nothing in flight bounds.  What
 * waits longer for its answer:
 * - a copied packet's fresh pages; its skb was consumed at xmit;
 * - with a trusted backend, an skb whose fragments are granted in place:
 *   its socket's send buffer and TCP small queues budget come back at the
 *   answer, so a flow held by them waits on at most half its slots.  No
 *   BQL here: no byte count waits on completions;
 * - a stopped queue: xmit stops it once a packet may not fit (tx_room()),
 *   with all but XSPLIT_NF_TX_STOP_THRESH slots, or ids, in flight, all
 *   published (XDP pushes its frames before NAPI ends).  The backend
 *   answers those, the event asked for is among them, and each drain
 *   frees what came, wakes the queue once a packet fits, else asks again
 *   while anything is in flight: no deadlock at any batch.
 * The watchdog knows answers short of a batch are owed no event
 * (xsplit_front_rsp_event_owed()).
 */

/* Pending tx responses (after asking to be notified), or < 0. */
static int tx_final_check(struct xsplit_nf_queue *q, u32 batch)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&q->tx_lock, flags);
	ret = xsplit_front_final_check_batch(&q->tx.r, batch);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return ret;
}

/* Pending responses on the ring(s) NAPI serves, or < 0. */
static int queue_final_check(struct xsplit_nf_queue *q)
{
	int tx, rx;

	tx = q->split ? 0 :
	     tx_final_check(q, READ_ONCE(xsplit_nf_tx_rsp_batch));
	rx = xsplit_front_final_check(&q->rx.r);
	if (tx < 0 || rx < 0)
		return XSPLIT_RING_CORRUPT;
	return tx + rx;
}

static void queue_eoi(struct xsplit_nf_queue *q, bool found_work)
{
	if (!q->eoi_pending)
		return;
	q->eoi_pending = false;
	xsplit_evtchn_eoi(xsplit_nf_rx_ch(q), found_work);
}

static int queue_poll(struct napi_struct *napi, int budget)
{
	struct xsplit_nf_queue *q = container_of(napi, struct xsplit_nf_queue,
						 napi);
	bool tx_work;
	int done;

	/* A broken queue sends no EOI: the backend's events stay masked. */
	if (unlikely(q->broken)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	/* With split channels tx completions are the tx handler's. */
	tx_work = !q->split && xsplit_nf_tx_complete(q);
	done = xsplit_nf_rx_poll(q, budget);
	if (done >= budget)
		return budget;
	if (!napi_complete_done(napi, done))
		return done;
	queue_eoi(q, tx_work || done);
	switch (queue_final_check(q)) {
	case 0:
		break;
	case XSPLIT_RING_CORRUPT:
		xsplit_nf_queue_broken(q, "corrupt ring index");
		break;
	default:
		napi_schedule(napi);
	}
	return done;
}

/* The shared channel, or the rx one when split: NAPI does the work. */
static enum xsplit_evtchn_ret queue_event(struct xsplit_evtchn *ch,
					  void *data)
{
	struct xsplit_nf_queue *q = data;

	q->eoi_pending = true;
	napi_schedule(&q->napi);
	return XSPLIT_EVTCHN_DEFERRED;
}

/*
 * Split channels: reap tx until the backend has nothing more for us, and
 * ask for an event on its next response (the final check).  Each turn
 * takes responses to requests we made, so the backend alone cannot keep
 * us here.  Returns whether there was any; false as well once broken.
 */
static bool tx_reap(struct xsplit_nf_queue *q)
{
	u32 batch = READ_ONCE(xsplit_nf_tx_rsp_batch);
	bool work = false;
	int more;

	while (!READ_ONCE(q->broken)) {
		work |= xsplit_nf_tx_complete(q);
		more = tx_final_check(q, batch);
		if (more < 0)
			xsplit_nf_queue_broken(q, "corrupt ring index");
		else if (!more)
			break;
	}
	return work;
}

/* The split tx channel's handler. */
static enum xsplit_evtchn_ret tx_event(struct xsplit_evtchn *ch, void *data)
{
	struct xsplit_nf_queue *q = data;
	bool work = tx_reap(q);

	/* A broken queue sends no EOI: the backend's events stay masked. */
	if (READ_ONCE(q->broken))
		return XSPLIT_EVTCHN_DEFERRED;
	return work ? XSPLIT_EVTCHN_WORK : XSPLIT_EVTCHN_NO_WORK;
}

/*
 * Has @r had responses waiting that an event was owed for, none consumed,
 * since the last look?  Then no event is coming for them: the backend
 * notifies only when we ask again, and we ask only after consuming.
 * Answers short of a tx batch asked for are not stalled: the rest of the
 * batch, in flight, brings the event.
 */
static bool ring_stalled(const struct xsplit_front_ring *r, u32 *seen)
{
	u32 cons = READ_ONCE(r->rsp_cons);
	bool stalled = cons == *seen && xsplit_front_rsp_event_owed(r);

	*seen = cons;
	return stalled;
}

/*
 * Transmits out, none answered since the last look (@seen) and no
 * answer waiting: the backend may have missed our notification.
 */
static bool tx_unheard(struct xsplit_nf_queue *q, u32 seen)
{
	unsigned long flags;
	bool unheard;

	spin_lock_irqsave(&q->tx_lock, flags);
	unheard = q->tx.r.rsp_cons == seen &&
		  xsplit_front_outstanding(&q->tx.r) &&
		  !xsplit_front_rsps_waiting(&q->tx.r);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return unheard;
}

/*
 * Every XSPLIT_NF_WATCHDOG_DELAY while NAPI is on: a ring stalled by a
 * lost notification is polled as its event would have done, and a
 * backend that seems not to have heard of our transmits is notified
 * again.  A ring that moves is never touched, so a busy queue costs a
 * few index reads.
 */
static void queue_watchdog(struct timer_list *t)
{
	struct xsplit_nf_queue *q = timer_container_of(q, t, watchdog);
	u32 tx_seen = q->wd_tx_cons;
	bool tx = ring_stalled(&q->tx.r, &q->wd_tx_cons);
	bool rx = ring_stalled(&q->rx.r, &q->wd_rx_cons);

	if (READ_ONCE(q->broken))
		goto rearm;
	if (!tx && tx_unheard(q, tx_seen)) {
		xsplit_nf_count(q, &q->stats.lost_events, 1);
		xsplit_evtchn_notify(&q->tx_ch);
	}
	if (!(tx || rx))
		goto rearm;
	xsplit_nf_count(q, &q->stats.lost_events, 1);
	if (net_ratelimit())
		netdev_warn(q->nf->netdev, "queue %u: %s%s%s responses came without an event; polling\n",
			    q->id, tx ? "tx" : "", tx && rx ? " and " : "",
			    rx ? "rx" : "");
	/*
	 * With split channels tx completions are reaped outside NAPI, and
	 * so is the event for the next one asked for (only reaping would
	 * leave the ring to the watchdog for good).
	 */
	if (tx && q->split)
		tx_reap(q);
	if (rx || !q->split)
		napi_schedule(&q->napi);
rearm:
	mod_timer(&q->watchdog,
		  round_jiffies(jiffies + XSPLIT_NF_WATCHDOG_DELAY));
}

/**
 * xsplit_nf_queue_broken - stop trusting a queue's backend
 * @q: the queue
 * @why: for the log
 *
 * Called from NAPI or xmit: marks the queue, drops the carrier and leaves
 * the device's teardown (to Closing) to process context.
 */
void xsplit_nf_queue_broken(struct xsplit_nf_queue *q, const char *why)
{
	struct xsplit_nf *nf = q->nf;

	xsplit_nf_count(q, &q->stats.bad_responses, 1);
	if (q->broken)
		return;
	q->broken = true;
	netdev_err(nf->netdev, "queue %u: backend %s, disabling\n", q->id,
		   why);
	netif_carrier_off(nf->netdev);
	xsplit_xb_fatal(nf->xb, -EPROTO, "backend broke the protocol");
}

static int queue_rings(struct xsplit_nf *nf, struct xsplit_nf_queue *q)
{
	int err;

	err = xsplit_xb_ring_grant(nf->xb, 0, &q->tx_mem);
	if (err)
		return err;
	err = xsplit_xb_ring_grant(nf->xb, 0, &q->rx_mem);
	if (err)
		goto ungrant_tx;
	xsplit_netif_tx_sring_init(q->tx_mem.vaddr, 0);
	xsplit_netif_rx_sring_init(q->rx_mem.vaddr, 0);
	xsplit_netif_tx_front_attach(&q->tx, q->tx_mem.vaddr, 0, 0);
	xsplit_netif_rx_front_attach(&q->rx, q->rx_mem.vaddr, 0, 0);
	return 0;

ungrant_tx:
	xsplit_xb_ring_ungrant(&q->tx_mem);
	return err;
}

/* A tx and an rx channel, named "<queue>-tx" and "<queue>-rx". */
static int queue_events_split(struct xenbus_device *xdev,
			      struct xsplit_nf_queue *q)
{
	char name[XSPLIT_EVTCHN_NAME_LEN];
	int err;

	snprintf(name, sizeof(name), "%s-tx", q->name);
	err = xsplit_evtchn_alloc_frontend(&q->tx_ch, xdev, name, tx_event, q);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s-rx", q->name);
	err = xsplit_evtchn_alloc_frontend(&q->rx_ch, xdev, name, queue_event,
					   q);
	if (err)
		goto unbind_tx;
	q->split = true;
	return 0;

unbind_tx:
	xsplit_evtchn_unbind(&q->tx_ch);
	return err;
}

/*
 * Split channels if asked, else one shared channel; like Linux's netfront,
 * fall back to a shared one when the pair cannot be had (the backend reads
 * whichever layout we publish).
 */
static int queue_events(struct xsplit_nf *nf, struct xsplit_nf_queue *q,
			bool split)
{
	struct xenbus_device *xdev = nf->xb->xdev;
	int err;

	if (split) {
		err = queue_events_split(xdev, q);
		if (!err)
			return 0;
		netdev_warn(nf->netdev,
			    "queue %u: no split event channels (%d), sharing one\n",
			    q->id, err);
	}
	return xsplit_evtchn_alloc_frontend(&q->tx_ch, xdev, q->name,
					    queue_event, q);
}

static void queue_events_free(struct xsplit_nf_queue *q)
{
	xsplit_evtchn_unbind(&q->rx_ch);
	xsplit_evtchn_unbind(&q->tx_ch);
	q->split = false;
}

/*
 * rx_page_pool: the queue's rx pages come from a pool of its own, which
 * keeps as many returned pages as the ring has slots, on the device's
 * node (a vif has none: then the node of the CPU that runs NAPI, which
 * both allocates and recycles).
 */
static int queue_pool(struct xsplit_nf *nf, struct xsplit_nf_queue *q,
		      bool pool)
{
	struct page_pool *pp;

	if (!pool)
		return 0;
	pp = xsplit_page_pool_create(q->rx.r.nr_ents,
				     dev_to_node(&nf->netdev->dev), &q->napi);
	if (IS_ERR(pp))
		return PTR_ERR(pp);
	q->pool = pp;
	return 0;
}

/*
 * After every rx buffer came back.  Pages the stack or a redirect still
 * holds come back later: the pool waits for them before it goes.
 */
static void queue_pool_destroy(struct xsplit_nf_queue *q)
{
	if (!q->pool)
		return;
	page_pool_destroy(q->pool);
	q->pool = NULL;
}

/*
 * What XDP knows of the queue: our device and queue, and the memory of
 * its packets, whole pages of their own: returned with put_page(), or to
 * the queue's pool (rx_page_pool).
 */
static int queue_xdp_rxq(struct xsplit_nf *nf, struct xsplit_nf_queue *q)
{
	int err;

	err = xsplit_xdp_rxq_info_reg(&q->xdp_rxq, nf->netdev, q->id,
				      q->napi.napi_id);
	if (err)
		return err;
	err = xdp_rxq_info_reg_mem_model(&q->xdp_rxq, q->pool ?
					 MEM_TYPE_PAGE_POOL :
					 MEM_TYPE_PAGE_ORDER0, q->pool);
	if (err)
		xdp_rxq_info_unreg(&q->xdp_rxq);
	return err;
}

static int queue_init(struct xsplit_nf *nf, struct xsplit_nf_queue *q,
		      unsigned int id, bool split, bool pool)
{
	int err;

	q->nf = nf;
	q->id = id;
	/* Unbound until queue_events(); unbinding one never bound is a no-op. */
	q->tx_ch.irq = -1;
	q->rx_ch.irq = -1;
	spin_lock_init(&q->tx_lock);
	u64_stats_init(&q->syncp);
	xsplit_nf_txids_init(&q->txids, XSPLIT_NF_TX_RING_SIZE);
	timer_setup(&q->refill, xsplit_nf_rx_refill_timer, 0);
	timer_setup(&q->watchdog, queue_watchdog, 0);
	snprintf(q->name, sizeof(q->name), "%s-q%u", nf->netdev->name, id);
	err = queue_rings(nf, q);
	if (err)
		return err;
	/* NAPI first: the event handler schedules it, the pool names it. */
	xsplit_netif_napi_add(nf->netdev, &q->napi, queue_poll);
	err = queue_pool(nf, q, pool);
	if (err)
		goto del_napi;
	err = queue_xdp_rxq(nf, q);
	if (err)
		goto destroy_pool;
	err = queue_events(nf, q, split);
	if (err)
		goto unreg_rxq;
	return 0;

unreg_rxq:
	xdp_rxq_info_unreg(&q->xdp_rxq);
destroy_pool:
	queue_pool_destroy(q);
del_napi:
	netif_napi_del(&q->napi);
	xsplit_xb_ring_ungrant(&q->rx_mem);
	xsplit_xb_ring_ungrant(&q->tx_mem);
	return err;
}

/*
 * The mirror of queue_init(); NAPI must be disabled already.  Unbinding
 * first also waits for a tx handler still reaping on another CPU.  The
 * rx buffers go back before their pool, the pool before the NAPI it
 * names.
 */
static void queue_fini(struct xsplit_nf_queue *q)
{
	timer_delete_sync(&q->watchdog);
	queue_events_free(q);
	timer_delete_sync(&q->refill);
	xdp_rxq_info_unreg(&q->xdp_rxq);
	xsplit_nf_tx_release(q);
	xsplit_nf_rx_release(q);
	queue_pool_destroy(q);
	netif_napi_del(&q->napi);
	xsplit_xb_ring_ungrant(&q->rx_mem);
	xsplit_xb_ring_ungrant(&q->tx_mem);
}

/*
 * rx_page_pool, read once for all the queues; on a kernel whose skbs
 * cannot give their pages back to a pool, left off, and said once per
 * module load (the parameter is on by default).
 */
static bool queues_want_pool(void)
{
	if (!READ_ONCE(xsplit_nf_rx_page_pool))
		return false;
	if (XSPLIT_SKB_RECYCLE)
		return true;
	pr_info_once("rx_page_pool has no effect: this kernel cannot recycle the pages of skbs (5.14 can)\n");
	return false;
}

/**
 * xsplit_nf_queues_create - rings, event channels and NAPI for @nr queues
 * @nf: the device, not connected
 * @nr: queues negotiated with the backend
 * @split: separate tx and rx event channels per queue
 *
 * Return: 0 or a negative errno, with nothing left allocated.
 */
int xsplit_nf_queues_create(struct xsplit_nf *nf, unsigned int nr,
			    bool split)
{
	bool pool = queues_want_pool();
	unsigned int i;
	int err;

	nf->queues = kvcalloc(nr, sizeof(*nf->queues), GFP_KERNEL);
	if (!nf->queues)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		err = queue_init(nf, &nf->queues[i], i, split, pool);
		if (err)
			goto fini;
	}
	nf->nr_queues = nr;
	return 0;

fini:
	while (i--)
		queue_fini(&nf->queues[i]);
	kvfree(nf->queues);
	nf->queues = NULL;
	return err;
}

/* rtnl held; ndo_get_stats64 may still be reading under RCU. */
void xsplit_nf_queues_destroy(struct xsplit_nf *nf)
{
	struct xsplit_nf_queue *queues = nf->queues;
	unsigned int i, nr = nf->nr_queues;

	WRITE_ONCE(nf->nr_queues, 0);
	WRITE_ONCE(nf->queues, NULL);
	synchronize_net();
	for (i = 0; i < nr; i++)
		queue_fini(&queues[i]);
	kvfree(queues);
}

/* Ring references and event channels, under queue-N/ when multi-queue. */
int xsplit_nf_queues_publish(struct xsplit_nf *nf,
			     struct xenbus_transaction xbt)
{
	unsigned int i, nr = nf->nr_queues;
	int err;

	for (i = 0; i < nr; i++) {
		struct xsplit_nf_queue *q = &nf->queues[i];

		err = xsplit_xb_ring_publish(nf->xb, xbt, XSPLIT_KEY_TX_RING_REF,
					     nr, i, &q->tx_mem);
		if (!err)
			err = xsplit_xb_ring_publish(nf->xb, xbt,
						     XSPLIT_KEY_RX_RING_REF,
						     nr, i, &q->rx_mem);
		if (!err)
			err = xsplit_xb_evtchn_publish(nf->xb, xbt, nr, i,
						       q->split, q->tx_ch.port,
						       q->rx_ch.port);
		if (err)
			return err;
	}
	return 0;
}

/* Queues with split event channels (a queue may have fallen back). */
unsigned int xsplit_nf_queues_split(const struct xsplit_nf *nf)
{
	unsigned int i, n = 0;

	for (i = 0; i < nf->nr_queues; i++)
		n += nf->queues[i].split;
	return n;
}

/* Post the rx buffers; NAPI is not running yet, so no lock is needed. */
void xsplit_nf_queues_start(struct xsplit_nf *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++)
		xsplit_nf_rx_refill(&nf->queues[i]);
}

/* NAPI on or off for every queue; rtnl held, device running. */
void xsplit_nf_queues_napi(struct xsplit_nf *nf, bool on)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++) {
		struct xsplit_nf_queue *q = &nf->queues[i];

		if (on) {
			napi_enable(&q->napi);
			/* events that came while NAPI was off */
			napi_schedule(&q->napi);
			mod_timer(&q->watchdog,
				  jiffies + XSPLIT_NF_WATCHDOG_DELAY);
		} else {
			/* it re-arms itself: stop it before NAPI */
			timer_delete_sync(&q->watchdog);
			napi_disable(&q->napi);
		}
	}
}

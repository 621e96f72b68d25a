// SPDX-License-Identifier: GPL-2.0
/*
 * One queue: map its tx and rx rings, bind its event channel(s) with
 * late EOI, start its NAPI context and rx thread; and the exact reverse.
 *
 * Late EOI: a handler that finds work defers the EOI to whoever does the
 * work (NAPI for tx, the thread for rx) and marks it in eoi_pending.  A
 * shared channel owes one EOI for both halves: the half that clears the
 * last pending bit sends it (the rule is in eoi.h).  Until then Xen
 * delivers nothing more on the channel, so a frontend cannot make us spin
 * by kicking; and an event that came to nothing is EOIed as spurious, so
 * Xen backs off a frontend that kicks without giving us anything to do.
 */
#include <linux/kthread.h>

#include "netback/common.h"

/**
 * xsplit_nb_eoi - a half is done with the event it was handed, if any
 * @q: the queue
 * @bit: the half, XSPLIT_NB_EOI_TX or XSPLIT_NB_EOI_RX
 * @found: the half did work since the event (else it was spurious)
 */
void xsplit_nb_eoi(struct xsplit_nb_queue *q, unsigned int bit, bool found)
{
	struct xsplit_evtchn *ch = q->split && bit == XSPLIT_NB_EOI_RX ?
				   &q->rx_ch : &q->tx_ch;
	unsigned int mask = xsplit_nb_eoi_done_mask(bit, found);
	enum xsplit_nb_eoi_act act;
	unsigned int now, clear;

	/* Only this half clears its bit: it cannot go under our feet. */
	if (!(atomic_read(&q->eoi_pending) & bit))
		return;
	now = atomic_fetch_xor(mask, &q->eoi_pending) ^ mask;
	act = xsplit_nb_eoi_settle(now, bit, q->split, &clear);
	if (act == XSPLIT_NB_EOI_NONE)
		return;
	/* Before the EOI: the next event starts with no work found. */
	atomic_andnot(clear, &q->eoi_pending);
	xsplit_evtchn_eoi(ch, act == XSPLIT_NB_EOI_WORK);
}

/* A grant copy failed: the cookie is the packet's "failed" flag. */
void xsplit_nb_copy_failed(void *ctx, void *cookie,
			   const struct gnttab_copy *op)
{
	*(bool *)cookie = true;
}

static void kick_tx(struct xsplit_nb_queue *q)
{
	atomic_or(XSPLIT_NB_EOI_TX, &q->eoi_pending);
	napi_schedule(&q->napi);
}

static void kick_rx(struct xsplit_nb_queue *q)
{
	atomic_or(XSPLIT_NB_EOI_RX, &q->eoi_pending);
	wake_up(&q->wq);
}

static enum xsplit_evtchn_ret tx_interrupt(struct xsplit_evtchn *ch,
					   void *data)
{
	struct xsplit_nb_queue *q = data;

	if (!xsplit_nb_tx_has_work(q))
		return XSPLIT_EVTCHN_NO_WORK;
	kick_tx(q);
	return XSPLIT_EVTCHN_DEFERRED;
}

static enum xsplit_evtchn_ret rx_interrupt(struct xsplit_evtchn *ch,
					   void *data)
{
	struct xsplit_nb_queue *q = data;

	if (!xsplit_nb_rx_has_work(q))
		return XSPLIT_EVTCHN_NO_WORK;
	kick_rx(q);
	return XSPLIT_EVTCHN_DEFERRED;
}

static enum xsplit_evtchn_ret common_interrupt(struct xsplit_evtchn *ch,
					       void *data)
{
	struct xsplit_nb_queue *q = data;
	bool tx = xsplit_nb_tx_has_work(q);
	bool rx = xsplit_nb_rx_has_work(q);

	if (!tx && !rx)
		return XSPLIT_EVTCHN_NO_WORK;
	/* Both bits before either kick: neither half may EOI early. */
	atomic_or((tx ? XSPLIT_NB_EOI_TX : 0) | (rx ? XSPLIT_NB_EOI_RX : 0),
		  &q->eoi_pending);
	if (tx)
		napi_schedule(&q->napi);
	if (rx)
		wake_up(&q->wq);
	return XSPLIT_EVTCHN_DEFERRED;
}

static int map_rings(struct xsplit_nb_queue *q, unsigned int nr)
{
	struct xsplit_xb_dev *xb = q->vif->xb;
	int err;

	err = xsplit_xb_ring_map(xb, XSPLIT_KEY_TX_RING_REF, nr, q->id, 0,
				 &q->tx_map);
	if (err)
		return err;
	err = xsplit_xb_ring_map(xb, XSPLIT_KEY_RX_RING_REF, nr, q->id, 0,
				 &q->rx_map);
	if (err)
		goto unmap_tx;
	/* Where the frontend has them: 0, or past a live upgrade's hand-over. */
	err = xsplit_netif_tx_back_rejoin(&q->tx, q->tx_map.vaddr, 0);
	if (!err)
		err = xsplit_netif_rx_back_rejoin(&q->rx, q->rx_map.vaddr, 0);
	if (err)
		goto unmap_rx;
	return 0;

unmap_rx:
	xsplit_xb_ring_unmap(xb, &q->rx_map);
unmap_tx:
	xsplit_xb_ring_unmap(xb, &q->tx_map);
	return err;
}

static void unmap_rings(struct xsplit_nb_queue *q)
{
	xsplit_xb_ring_unmap(q->vif->xb, &q->rx_map);
	xsplit_xb_ring_unmap(q->vif->xb, &q->tx_map);
}

/* Split channels when the frontend wrote both ports, else one. */
static int bind_events(struct xsplit_nb_queue *q, unsigned int nr)
{
	struct xsplit_xb_dev *xb = q->vif->xb;
	evtchn_port_t tx, rx;
	char name[XSPLIT_EVTCHN_NAME_LEN];
	int err;

	q->split = !xsplit_xb_evtchn_read(xb, nr, q->id, true, &tx, &rx);
	if (!q->split) {
		err = xsplit_xb_evtchn_read(xb, nr, q->id, false, &tx, &rx);
		if (err)
			return err;
		snprintf(name, sizeof(name), "%s", q->name);
		return xsplit_evtchn_bind_backend(&q->tx_ch, xb->xdev, tx, name,
						  common_interrupt, q);
	}
	snprintf(name, sizeof(name), "%s-tx", q->name);
	err = xsplit_evtchn_bind_backend(&q->tx_ch, xb->xdev, tx, name,
					 tx_interrupt, q);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s-rx", q->name);
	err = xsplit_evtchn_bind_backend(&q->rx_ch, xb->xdev, rx, name,
					 rx_interrupt, q);
	if (err)
		xsplit_evtchn_unbind(&q->tx_ch);
	return err;
}

static void unbind_events(struct xsplit_nb_queue *q)
{
	xsplit_evtchn_unbind(&q->rx_ch);
	xsplit_evtchn_unbind(&q->tx_ch);
}

static int alloc_batches(struct xsplit_nb_queue *q)
{
	int err;

	q->tx_pkts = kvcalloc(XSPLIT_NB_NAPI_WEIGHT, sizeof(*q->tx_pkts),
			      GFP_KERNEL);
	q->rx_pkts = kvcalloc(XSPLIT_NB_RX_BATCH, sizeof(*q->rx_pkts),
			      GFP_KERNEL);
	if (!q->tx_pkts || !q->rx_pkts)
		goto free_pkts;
	err = xsplit_gnt_copy_init(&q->tx_copy, XSPLIT_NB_COPY_OPS,
				   xsplit_nb_copy_failed, q);
	if (err)
		goto free_pkts;
	err = xsplit_gnt_copy_init(&q->rx_copy, XSPLIT_NB_COPY_OPS,
				   xsplit_nb_copy_failed, q);
	if (err)
		goto free_tx_copy;
	return 0;

free_tx_copy:
	xsplit_gnt_copy_free(&q->tx_copy);
free_pkts:
	kvfree(q->rx_pkts);
	kvfree(q->tx_pkts);
	q->rx_pkts = NULL;
	q->tx_pkts = NULL;
	return -ENOMEM;
}

static void free_batches(struct xsplit_nb_queue *q)
{
	xsplit_gnt_copy_free(&q->rx_copy);
	xsplit_gnt_copy_free(&q->tx_copy);
	kvfree(q->rx_pkts);
	kvfree(q->tx_pkts);
	q->rx_pkts = NULL;
	q->tx_pkts = NULL;
}

static void init_state(struct xsplit_nb_queue *q)
{
	q->tx_ch.irq = -1;
	q->rx_ch.irq = -1;
	atomic_set(&q->eoi_pending, 0);
	spin_lock_init(&q->tx_rsp_lock);
	skb_queue_head_init(&q->rx_queue);
	init_waitqueue_head(&q->wq);
	timer_setup(&q->credit_timer, xsplit_nb_credit_timer, 0);
	q->rx_last_ok = jiffies;
	snprintf(q->name, sizeof(q->name), "%s-q%u", q->vif->dev->name, q->id);
}

/**
 * xsplit_nb_queue_connect - bring one queue up
 * @q: the queue; ->vif and ->id set, the rest zeroed
 * @nr: the number of queues (key layout)
 *
 * Return: 0 or a negative errno, with nothing left to undo.
 */
int xsplit_nb_queue_connect(struct xsplit_nb_queue *q, unsigned int nr)
{
	int err;

	init_state(q);
	err = alloc_batches(q);
	if (err)
		return err;
	err = map_rings(q, nr);
	if (err)
		goto free_batches;
	xsplit_nb_zc_create(q);
	xsplit_netif_napi_add(q->vif->dev, &q->napi, xsplit_nb_tx_poll);
	q->napi_added = true;
	napi_enable(&q->napi);
	q->task = kthread_run(xsplit_nb_rx_thread, q, "%s-guest-rx", q->name);
	if (IS_ERR(q->task)) {
		err = PTR_ERR(q->task);
		q->task = NULL;
		goto del_napi;
	}
	err = bind_events(q, nr);
	if (err)
		goto stop_task;
	/* Requests posted before we bound saw no port: look once now. */
	local_bh_disable();
	napi_schedule(&q->napi);
	local_bh_enable();
	atomic_inc(&xsplit_nb_live.queues);
	return 0;

stop_task:
	kthread_stop(q->task);
	q->task = NULL;
del_napi:
	napi_disable(&q->napi);
	netif_napi_del(&q->napi);
	q->napi_added = false;
	xsplit_nb_zc_destroy(q);
	unmap_rings(q);
free_batches:
	free_batches(q);
	return err;
}

/*
 * Only after the queue is unreachable from xmit (RCU grace period), and
 * only on a queue xsplit_nb_queue_connect() brought up.
 */
void xsplit_nb_queue_disconnect(struct xsplit_nb_queue *q)
{
	xsplit_nb_zc_stop_notify(q);
	/*
	 * The rx thread and NAPI stop before the channels go: either may be
	 * notifying the guest through them right now.  An event that comes
	 * in meanwhile finds NAPI disabled and the thread gone: a no-op.
	 */
	if (q->task) {
		kthread_stop(q->task);
		q->task = NULL;
	}
	if (q->napi_added) {
		napi_disable(&q->napi);
		/* NAPI re-arms the timer; once it is off, stop the timer. */
		timer_delete_sync(&q->credit_timer);
		netif_napi_del(&q->napi);
		q->napi_added = false;
	}
	unbind_events(q);
	atomic_sub(skb_queue_len(&q->rx_queue), &xsplit_nb_live.skbs);
	skb_queue_purge(&q->rx_queue);
	/* Answers the mapped slots: the tx ring must still be there. */
	xsplit_nb_zc_destroy(q);
	unmap_rings(q);
	free_batches(q);
	atomic_dec(&xsplit_nb_live.queues);
}

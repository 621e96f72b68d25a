// SPDX-License-Identifier: GPL-2.0
/*
 * Guest receive: ndo_start_xmit queues packets per queue (bounded in
 * bytes: past the bound the netdev queue stops, and a queue stopped longer
 * than rx_drain_timeout is flushed), a kthread per queue copies them into
 * the buffers the guest posted on its rx ring (batched grant copy) and
 * answers.  A guest that posts no buffers for rx_stall_timeout is stalled:
 * its packets are dropped and the carrier goes off until it posts again.
 *
 * Slot layout of one packet: data slot 0 (at the XDP headroom), then the
 * extra-info slots (GSO, hash, XDP: each if any), then the other data
 * slots.  The headroom is read once per packet: the frontend may change it
 * at any time (Reconfiguring), and the slot count, the copies and the
 * responses of one packet must agree on it.
 */
#include <linux/kthread.h>
#include <xen/page.h>
#include <xen/grant_table.h>

#include "netback/common.h"
#include "netback/rxstall.h"
#include "netback/rxreq.h"
#include "netif/pacing.h"

#define RX_POLL_INTERVAL (HZ / 10)

static struct xsplit_evtchn *rx_channel(struct xsplit_nb_queue *q)
{
	return q->split ? &q->rx_ch : &q->tx_ch;
}

/*
 * From the event handler: a lying req_prod only wakes the thread, whose
 * validated read of it then takes the vif down.
 */
bool xsplit_nb_rx_has_work(struct xsplit_nb_queue *q)
{
	u32 posted = READ_ONCE(q->rx.r.sring->req_prod) -
		     READ_ONCE(q->rx.r.req_cons);

	return xsplit_nb_rx_event_work(!skb_queue_empty_lockless(&q->rx_queue),
				       READ_ONCE(q->rx_stalled), posted,
				       READ_ONCE(q->rx_need));
}

static void rx_drop(struct xsplit_nb_queue *q, struct sk_buff *skb)
{
	q->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
}

/* ---- queueing, from the stack ---- */

static bool mcast_filtered(struct xsplit_nb_vif *vif, struct sk_buff *skb)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;

	if (!READ_ONCE(vif->mcast_ctrl) || skb_headlen(skb) < ETH_HLEN)
		return false;
	if (!is_multicast_ether_addr(eth->h_dest) ||
	    is_broadcast_ether_addr(eth->h_dest))
		return false;
	return !xsplit_nb_mcast_allowed(vif, eth->h_dest);
}

netdev_tx_t xsplit_nb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);
	u16 idx = skb_get_queue_mapping(skb);
	struct xsplit_nb_queue *q;
	unsigned long flags;
	unsigned int n;

	n = READ_ONCE(vif->nr_queues);
	smp_rmb(); /* pairs with the publication in xenbus.c */
	if (idx >= n || READ_ONCE(vif->disabled)) {
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = &READ_ONCE(vif->queues)[idx];
	if (mcast_filtered(vif, skb) || READ_ONCE(q->rx_stalled)) {
		rx_drop(q, skb);
		return NETDEV_TX_OK;
	}
	/* held until copied: let a local socket queue more (netif/pacing.h) */
	xsplit_netif_tx_pacing(skb, READ_ONCE(xsplit_nb_tx_pacing_shift));
	spin_lock_irqsave(&q->rx_queue.lock, flags);
	__skb_queue_tail(&q->rx_queue, skb);
	atomic_inc(&xsplit_nb_live.skbs);
	q->rx_queue_bytes += skb->len;
	if (q->rx_queue_bytes > XSPLIT_NB_RX_QUEUE_BYTES &&
	    !netif_tx_queue_stopped(netdev_get_tx_queue(dev, idx))) {
		netif_tx_stop_queue(netdev_get_tx_queue(dev, idx));
		q->rx_stopped_at = jiffies;
	}
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);
	wake_up(&q->wq);
	return NETDEV_TX_OK;
}

static struct sk_buff *rx_dequeue(struct xsplit_nb_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->vif->dev, q->id);
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&q->rx_queue.lock, flags);
	skb = __skb_dequeue(&q->rx_queue);
	if (skb) {
		q->rx_queue_bytes -= skb->len;
		atomic_dec(&xsplit_nb_live.skbs);
	}
	if (q->rx_queue_bytes <= XSPLIT_NB_RX_QUEUE_BYTES / 2 &&
	    netif_tx_queue_stopped(txq))
		netif_tx_wake_queue(txq);
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);
	return skb;
}

static void rx_purge(struct xsplit_nb_queue *q)
{
	struct sk_buff *skb;

	while ((skb = rx_dequeue(q)))
		rx_drop(q, skb);
}

/* ---- slot accounting ---- */

static unsigned int data_slots(u32 len, u16 headroom)
{
	u32 first = XSPLIT_RING_PAGE_SIZE - headroom;

	if (len <= first)
		return 1;
	return 1 + DIV_ROUND_UP(len - first, XSPLIT_RING_PAGE_SIZE);
}

/* Can the frontend take this packet at all?  0 if it never could. */
static unsigned int slots_needed(struct xsplit_nb_queue *q,
				 struct sk_buff *skb, u16 headroom)
{
	struct xsplit_nb_vif *vif = q->vif;
	unsigned int data = data_slots(skb->len, headroom);
	unsigned int gso = skb_shinfo(skb)->gso_type;

	if (data > XSPLIT_NB_RX_MAX_SLOTS || (data > 1 && !vif->feat.sg))
		return 0;
	/* Room for a hash extra whether or not one is sent: simpler. */
	if (READ_ONCE(vif->ctrl))
		data++;
	if (headroom)
		data++;		/* the XDP extra */
	if (!skb_is_gso(skb))
		return data;
	if (((gso & SKB_GSO_TCPV4) && !vif->feat.gso_tcpv4) ||
	    ((gso & SKB_GSO_TCPV6) && !vif->feat.gso_tcpv6) ||
	    !(gso & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
		return 0;
	return data + 1;
}

/*
 * Buffers posted; when short, ask to be kicked once @need are there.  The
 * read of req_prod that says how many also bounds the takes (rx_end).
 */
static int rx_avail(struct xsplit_nb_queue *q, unsigned int need)
{
	int avail = xsplit_nb_rx_posted(&q->rx, &q->rx_end);

	if (avail < 0 || avail >= need)
		return avail;
	WRITE_ONCE(q->rx.r.sring->req_event, q->rx.r.req_cons + need);
	virt_mb(); /* publish req_event before re-reading req_prod */
	return xsplit_nb_rx_posted(&q->rx, &q->rx_end);
}

/* ---- building: grant copies into the guest's buffers ---- */

struct rx_dest {
	struct xsplit_nb_queue *q;
	struct xsplit_nb_rx_pkt *pkt;
	grant_ref_t gref;
	u32 off;
};

/*
 * The next posted buffer, below what rx_avail() saw: never fails, for
 * slots_needed() counts every slot that rx_build() takes.
 */
static u16 take_req(struct rx_dest *d)
{
	struct xsplit_netif_rx_request req = { 0 };

	if (WARN_ON_ONCE(!xsplit_nb_rx_take(&d->q->rx, d->q->rx_end, &req)))
		d->pkt->failed = true;
	d->gref = req.gref;
	return req.id;
}

static void next_slot(struct rx_dest *d)
{
	struct xsplit_nb_rx_pkt *pkt = d->pkt;

	pkt->ids[pkt->nr_slots] = take_req(d);
	pkt->lens[pkt->nr_slots++] = 0;
	d->off = 0;
}

static void copy_chunk(struct rx_dest *d, struct page *page, u32 off,
		       u32 len)
{
	struct gnttab_copy op = {
		.source.domid = DOMID_SELF,
		.source.u.gmfn = xen_page_to_gfn(page),
		.dest.domid = d->q->vif->domid,
		.flags = GNTCOPY_dest_gref,
	};
	struct xen_page_foreign *foreign = xen_page_foreign(page);
	u32 chunk;

	/* A page another backend mapped from a guest: copy from its grant. */
	if (foreign) {
		op.source.domid = foreign->domid;
		op.source.u.ref = foreign->gref;
		op.flags |= GNTCOPY_source_gref;
	}
	while (len) {
		if (d->off == XSPLIT_RING_PAGE_SIZE)
			next_slot(d);
		chunk = min(len, XSPLIT_RING_PAGE_SIZE - d->off);
		op.source.offset = off;
		op.dest.u.ref = d->gref;
		op.dest.offset = d->off;
		op.len = chunk;
		xsplit_gnt_copy_add(&d->q->rx_copy, &op, &d->pkt->failed);
		d->pkt->lens[d->pkt->nr_slots - 1] += chunk;
		d->off += chunk;
		off += chunk;
		len -= chunk;
	}
}

/* Split [page + off, + len) at 4 KiB frame boundaries. */
static void copy_range(struct rx_dest *d, struct page *page, u32 off,
		       u32 len)
{
	u32 n;

	while (len) {
		page = xsplit_nth_page(page, off / PAGE_SIZE);
		off %= PAGE_SIZE;
		n = min_t(u32, len, PAGE_SIZE - off);
		copy_chunk(d, page, off, n);
		off += n;
		len -= n;
	}
}

static void copy_skb(struct rx_dest *d, struct sk_buff *skb)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int i;

	if (skb_headlen(skb))
		copy_range(d, virt_to_page(skb->data),
			   offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < sh->nr_frags; i++)
		copy_range(d, skb_frag_page(&sh->frags[i]),
			   skb_frag_off(&sh->frags[i]),
			   skb_frag_size(&sh->frags[i]));
}

static u16 csum_flags(const struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return XSPLIT_NETRXF_CSUM_BLANK | XSPLIT_NETRXF_DATA_VALIDATED;
	if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		return XSPLIT_NETRXF_DATA_VALIDATED;
	return 0;
}

static void add_gso(struct xsplit_nb_rx_pkt *pkt, struct sk_buff *skb)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	pkt->extras[pkt->nr_extras++] = (struct xsplit_netif_extra_info){
		.type = XSPLIT_NETIF_EXTRA_TYPE_GSO,
		.u.gso.size = sh->gso_size,
		.u.gso.type = (sh->gso_type & SKB_GSO_TCPV4) ?
			      XSPLIT_NETIF_GSO_TYPE_TCPV4 :
			      XSPLIT_NETIF_GSO_TYPE_TCPV6,
	};
}

/*
 * The headroom also rides in an XDP extra, as Linux's netback sends it:
 * Linux's netfront takes its data offset from there when present.
 */
static void add_xdp(struct xsplit_nb_rx_pkt *pkt)
{
	pkt->extras[pkt->nr_extras++] = (struct xsplit_netif_extra_info){
		.type = XSPLIT_NETIF_EXTRA_TYPE_XDP,
		.u.xdp.headroom = pkt->headroom,
	};
}

/* The extras, chained by FLAG_MORE; each takes a buffer of its own. */
static void plan_extras(struct rx_dest *d, struct sk_buff *skb)
{
	struct xsplit_nb_rx_pkt *pkt = d->pkt;
	unsigned int i;

	pkt->nr_extras = 0;
	if (skb_is_gso(skb))
		add_gso(pkt, skb);
	if (xsplit_nb_rx_hash(d->q->vif, skb, &pkt->extras[pkt->nr_extras]))
		pkt->nr_extras++;
	if (pkt->headroom)
		add_xdp(pkt);
	for (i = 0; i < pkt->nr_extras; i++) {
		take_req(d);
		if (i + 1 < pkt->nr_extras)
			pkt->extras[i].flags |= XSPLIT_NETIF_EXTRA_FLAG_MORE;
	}
}

static void rx_build(struct xsplit_nb_queue *q, struct sk_buff *skb,
		     u16 headroom)
{
	struct xsplit_nb_rx_pkt *pkt = &q->rx_pkts[q->nr_rx_pkts++];
	struct rx_dest d = { .q = q, .pkt = pkt };
	grant_ref_t first;

	pkt->skb = skb;
	pkt->failed = false;
	pkt->nr_slots = 0;
	pkt->flags = csum_flags(skb);
	pkt->headroom = headroom;
	next_slot(&d);
	d.off = headroom;
	/* The extra slots follow data slot 0 on the ring. */
	first = d.gref;
	plan_extras(&d, skb);
	d.gref = first;
	copy_skb(&d, skb);
}

/* ---- responses ---- */

static void put_rsp(struct xsplit_nb_queue *q, u16 id, u16 off, u16 flags,
		    s16 status)
{
	struct xsplit_netif_rx_response rsp = {
		.id = id, .offset = off, .flags = flags, .status = status,
	};

	/* Cannot fail: one response per buffer taken. */
	WARN_ON_ONCE(xsplit_netif_rx_back_put_rsp(&q->rx, &rsp));
}

static void put_extra(struct xsplit_nb_queue *q,
		      const struct xsplit_netif_extra_info *extra)
{
	struct xsplit_netif_rx_response rsp;

	memcpy(&rsp, extra, sizeof(*extra));
	WARN_ON_ONCE(xsplit_netif_rx_back_put_rsp(&q->rx, &rsp));
}

static void rx_respond(struct xsplit_nb_queue *q, struct xsplit_nb_rx_pkt *pkt)
{
	u16 flags = pkt->flags;
	unsigned int i, e;
	s16 status;

	if (pkt->nr_slots > 1)
		flags |= XSPLIT_NETRXF_MORE_DATA;
	if (pkt->nr_extras)
		flags |= XSPLIT_NETRXF_EXTRA_INFO;
	for (i = 0; i < pkt->nr_slots; i++) {
		status = pkt->failed ? XSPLIT_NETIF_RSP_ERROR : pkt->lens[i];
		put_rsp(q, pkt->ids[i], i ? 0 : pkt->headroom, flags, status);
		for (e = 0; !i && e < pkt->nr_extras; e++)
			put_extra(q, &pkt->extras[e]);
		flags = i + 2 < pkt->nr_slots ? XSPLIT_NETRXF_MORE_DATA : 0;
	}
	if (pkt->failed) {
		rx_drop(q, pkt->skb);
		return;
	}
	q->stats.tx_packets++;
	q->stats.tx_bytes += pkt->skb->len;
	dev_consume_skb_any(pkt->skb);
}

static void rx_copy_and_answer(struct xsplit_nb_queue *q)
{
	unsigned int i;

	if (!q->nr_rx_pkts)
		return;
	xsplit_gnt_copy_flush(&q->rx_copy);
	for (i = 0; i < q->nr_rx_pkts; i++)
		rx_respond(q, &q->rx_pkts[i]);
	q->nr_rx_pkts = 0;
	if (xsplit_back_push_rsps(&q->rx.r))
		xsplit_evtchn_notify(rx_channel(q));
}

/* ---- the thread ---- */

/* Copy as many queued packets as the guest has buffers for; how many. */
static unsigned int rx_action(struct xsplit_nb_queue *q)
{
	unsigned int need, built = 0;
	struct sk_buff *skb;
	u16 headroom;
	int avail;

	while (q->nr_rx_pkts < XSPLIT_NB_RX_BATCH) {
		skb = skb_peek(&q->rx_queue);
		if (!skb)
			break;
		headroom = READ_ONCE(q->vif->xdp_headroom);
		need = slots_needed(q, skb, headroom);
		if (!need) {
			rx_drop(q, rx_dequeue(q));
			continue;
		}
		avail = rx_avail(q, need);
		if (avail < 0) {
			xsplit_nb_vif_fatal(q->vif, "rx ring indices corrupt");
			break;
		}
		if (avail < need) {
			WRITE_ONCE(q->rx_need, need);
			break;
		}
		q->rx_last_ok = jiffies;
		WRITE_ONCE(q->rx_need, 1);
		rx_build(q, rx_dequeue(q), headroom);
		built++;
	}
	rx_copy_and_answer(q);
	return built;
}

/*
 * The stall rule is in rxstall.h; this feeds it and acts on its answer.
 * Returns true when the queue left a stall: the guest's buffers were work.
 */
static bool rx_check_stall(struct xsplit_nb_queue *q)
{
	struct xsplit_nb_vif *vif = q->vif;
	int posted = xsplit_back_reqs_pending(&q->rx.r);
	struct xsplit_nb_stall_in in = {
		.stalled = q->rx_stalled,
		.queued = !skb_queue_empty(&q->rx_queue),
		.posted = max(posted, 0),
		.need = q->rx_need,
		.timeout = vif->stall_timeout,
	};

	if (xsplit_nb_stall_has_room(in.queued, in.posted, in.need))
		q->rx_last_ok = jiffies;
	in.idle = jiffies - q->rx_last_ok;
	switch (xsplit_nb_stall_check(&in)) {
	case XSPLIT_NB_STALL_ENTER:
		WRITE_ONCE(q->rx_stalled, true);
		q->stats.rx_stalls++;
		atomic_inc(&vif->stalled_queues);
		netdev_info(vif->dev, "queue %u: guest rx stalled\n", q->id);
		rx_purge(q);
		xsplit_nb_vif_carrier(vif);
		break;
	case XSPLIT_NB_STALL_LEAVE:
		WRITE_ONCE(q->rx_stalled, false);
		q->rx_last_ok = jiffies;
		atomic_dec(&vif->stalled_queues);
		netdev_info(vif->dev, "queue %u: guest rx ready\n", q->id);
		xsplit_nb_vif_carrier(vif);
		return true;
	case XSPLIT_NB_STALL_NONE:
		break;
	}
	return false;
}

/* A queue stopped too long: the guest is not keeping up, drop its backlog. */
static void rx_check_drain(struct xsplit_nb_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->vif->dev, q->id);

	if (netif_tx_queue_stopped(txq) &&
	    time_after(jiffies, q->rx_stopped_at + q->vif->drain_timeout))
		rx_purge(q);
}

/*
 * @timeout is the wait this condition ends: an untimed one (nothing was
 * queued when it began) must end at the first packet, or a guest with no
 * buffers left would keep the thread asleep with no stall or drain clock
 * running, the backlog held for as long as the guest pleases.
 */
static bool rx_should_run(struct xsplit_nb_queue *q, long timeout)
{
	u32 posted;

	if (kthread_should_stop() ||
	    (atomic_read(&q->eoi_pending) & XSPLIT_NB_EOI_RX))
		return true;
	if (skb_queue_empty_lockless(&q->rx_queue))
		return false;
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		return true;
	posted = READ_ONCE(q->rx.r.sring->req_prod) - q->rx.r.req_cons;
	return posted >= q->rx_need;
}

static long rx_timeout(struct xsplit_nb_queue *q)
{
	if (skb_queue_empty_lockless(&q->rx_queue) && !q->rx_stalled)
		return MAX_SCHEDULE_TIMEOUT;
	if (!q->vif->rx_notify)
		return msecs_to_jiffies(XSPLIT_NB_POLL_DRAIN_MS);
	return RX_POLL_INTERVAL;
}

int xsplit_nb_rx_thread(void *data)
{
	struct xsplit_nb_queue *q = data;
	unsigned int built;
	long timeout;
	bool left;

	WRITE_ONCE(q->rx_need, 1);
	while (!kthread_should_stop()) {
		timeout = rx_timeout(q);
		wait_event_interruptible_timeout(q->wq,
						 rx_should_run(q, timeout),
						 timeout);
		if (kthread_should_stop())
			break;
		if (READ_ONCE(q->vif->disabled)) {
			/* No EOI: a broken frontend gets no more events. */
			atomic_andnot(XSPLIT_NB_EOI_RX, &q->eoi_pending);
			rx_purge(q);
			continue;
		}
		built = rx_action(q);
		left = rx_check_stall(q);
		rx_check_drain(q);
		xsplit_nb_eoi(q, XSPLIT_NB_EOI_RX, built || left);
		cond_resched();
	}
	rx_purge(q);
	return 0;
}

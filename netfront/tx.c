// SPDX-License-Identifier: GPL-2.0
/*
 * netfront tx.  Every packet is copied into freshly allocated pages that
 * hold nothing but its bytes (the tail of the last page zeroed), and only
 * those pages are granted, read-only.  Granting the skb's own pages would
 * also expose whatever else the kernel keeps on them (the skb head shares
 * its page with other allocations), so we never do, trusted backend or not.
 *
 * Slot layout of one packet (netif.h): first data slot (size = whole
 * packet, NETTXF_EXTRA_INFO if a GSO slot follows, NETTXF_MORE_DATA if more
 * data slots follow), the GSO extra slot, then one slot per further page.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/highmem.h>

#include "netfront/netfront.h"
#include "grant/xsplit_grant.h"

/* One packet being prepared: its pages and grants, before any id. */
struct tx_pages {
	unsigned int nr;
	struct xsplit_nf_tx_buf bufs[XSPLIT_NF_TX_MAX_SLOTS];
};

static void tx_buf_put(struct xsplit_nf_tx_buf *buf)
{
	if (xsplit_gnt_try_revoke(buf->ref))
		__free_page(buf->page);
	else	/* freed once the backend lets go */
		xsplit_gnt_revoke_page(buf->ref, buf->page);
	buf->page = NULL;
}

static void tx_pages_put(struct tx_pages *tp)
{
	while (tp->nr)
		tx_buf_put(&tp->bufs[--tp->nr]);
}

/* @page, holding @len bytes of a packet, zeroed after them and granted. */
static int tx_buf_grant(struct xsplit_nf_queue *q, struct page *page,
			unsigned int len, struct xsplit_nf_tx_buf *buf)
{
	int ref;

	memset(page_address(page) + len, 0, PAGE_SIZE - len);
	ref = xsplit_gnt_grant_page(xsplit_nf_domid(q->nf), page, true);
	if (ref < 0)
		return ref;
	buf->page = page;
	buf->ref = ref;
	return 0;
}

/* Copy @skb into pages and grant them; all or nothing. */
static int tx_pages_fill(struct xsplit_nf_queue *q, struct sk_buff *skb,
			 struct tx_pages *tp)
{
	unsigned int off, len;
	struct page *page;

	tp->nr = 0;
	for (off = 0; off < skb->len; off += PAGE_SIZE) {
		len = min_t(unsigned int, skb->len - off, PAGE_SIZE);
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!page)
			goto put;
		if (skb_copy_bits(skb, off, page_address(page), len) ||
		    tx_buf_grant(q, page, len, &tp->bufs[tp->nr]))
			goto free_page;
		tp->nr++;
	}
	return 0;

free_page:
	__free_page(page);
put:
	tx_pages_put(tp);
	return -ENOMEM;
}

static u16 tx_csum_flags(const struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return XSPLIT_NETTXF_CSUM_BLANK | XSPLIT_NETTXF_DATA_VALIDATED;
	if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		return XSPLIT_NETTXF_DATA_VALIDATED;
	return 0;
}

static void tx_put_gso(struct xsplit_nf_queue *q, const struct sk_buff *skb)
{
	struct xsplit_netif_extra_info x = { .type = XSPLIT_NETIF_EXTRA_TYPE_GSO };
	struct xsplit_netif_tx_request req;

	x.u.gso.size = skb_shinfo(skb)->gso_size;
	x.u.gso.type = (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6) ?
		       XSPLIT_NETIF_GSO_TYPE_TCPV6 : XSPLIT_NETIF_GSO_TYPE_TCPV4;
	memset(&req, 0, sizeof(req));
	memcpy(&req, &x, sizeof(x));
	xsplit_netif_tx_front_put_req(&q->tx, &req);
}

/* Put the prepared pages on the ring; tx_lock held, room checked. */
static void tx_put_reqs(struct xsplit_nf_queue *q, struct sk_buff *skb,
			struct tx_pages *tp)
{
	bool gso = skb_is_gso(skb);
	unsigned int i;

	for (i = 0; i < tp->nr; i++) {
		struct xsplit_netif_tx_request req = { 0 };
		int id = xsplit_nf_txid_get(&q->txids);

		/* Room on the ring means a free id: ids <= ring slots. */
		if (WARN_ON_ONCE(id < 0))
			id = 0;
		q->tx_bufs[id] = tp->bufs[i];
		req.gref = tp->bufs[i].ref;
		req.id = id;
		req.size = i ? min_t(unsigned int, skb->len - i * PAGE_SIZE,
				     PAGE_SIZE) : skb->len;
		if (i + 1 < tp->nr)
			req.flags |= XSPLIT_NETTXF_MORE_DATA;
		if (!i) {
			req.flags |= tx_csum_flags(skb);
			if (gso)
				req.flags |= XSPLIT_NETTXF_EXTRA_INFO;
		}
		xsplit_netif_tx_front_put_req(&q->tx, &req);
		if (!i && gso)
			tx_put_gso(q, skb);
	}
	tp->nr = 0;
}

static bool tx_room(const struct xsplit_nf_queue *q)
{
	return xsplit_front_free_reqs(&q->tx.r) >= XSPLIT_NF_TX_STOP_THRESH &&
	       q->txids.nr_free >= XSPLIT_NF_TX_MAX_SLOTS;
}

static bool tx_acceptable(const struct sk_buff *skb)
{
	if (skb->len < ETH_HLEN || skb->len > XSPLIT_NETIF_MAX_TX_SIZE)
		return false;
	if (skb_is_gso(skb) &&
	    !(skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
		return false;
	return true;
}

static void tx_count(struct xsplit_nf_queue *q, const struct sk_buff *skb)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&q->syncp);

	q->stats.tx_packets++;
	q->stats.tx_bytes += skb->len;
	q->stats.tx_gso += skb_is_gso(skb);
	q->stats.tx_csum_partial += skb->ip_summed == CHECKSUM_PARTIAL;
	u64_stats_update_end_irqrestore(&q->syncp, flags);
}

netdev_tx_t xsplit_nf_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct xsplit_nf_queue *q;
	unsigned long flags;
	struct tx_pages tp;
	bool notify;

	/* Queues are stopped before they go away and woken after creation. */
	if (unlikely(qi >= nf->nr_queues))
		goto drop_noq;
	q = &nf->queues[qi];
	if (unlikely(q->broken || !tx_acceptable(skb) ||
		     tx_pages_fill(q, skb, &tp)))
		goto drop;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!tx_room(q))) {
		/*
		 * Stopped at the threshold, so only XDP (XDP_TX, redirects
		 * to us) taking the last room meanwhile gets here.
		 */
		spin_unlock_irqrestore(&q->tx_lock, flags);
		tx_pages_put(&tp);
		netif_tx_stop_queue(txq);
		goto drop;
	}
	tx_put_reqs(q, skb, &tp);
	notify = xsplit_front_push_reqs(&q->tx.r);
	if (!tx_room(q))
		netif_tx_stop_queue(txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (notify)
		xsplit_evtchn_notify(&q->tx_ch);
	tx_count(q, skb);
	skb_tx_timestamp(skb);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	xsplit_nf_count(q, &q->stats.tx_dropped, 1);
drop_noq:
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/**
 * xsplit_nf_tx_frame - queue one XDP frame (not pushed: xsplit_nf_tx_push())
 * @q: the queue
 * @data: the frame, copied here: the caller may free it on success
 * @len: its length, a page at most
 *
 * The frame goes through the grant path of every packet: a fresh page
 * holding it alone, granted read-only.  No offloads: its checksums are
 * what the program left.
 *
 * Return: 0, or -EINVAL, -ENOMEM or -ENOSPC (ring full) with nothing
 * queued.
 */
int xsplit_nf_tx_frame(struct xsplit_nf_queue *q, const void *data,
		       unsigned int len)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->nf->netdev, q->id);
	struct xsplit_netif_tx_request req = { 0 };
	struct xsplit_nf_tx_buf buf;
	unsigned long flags;
	struct page *page;
	int id;

	if (unlikely(READ_ONCE(q->broken) || len < ETH_HLEN || len > PAGE_SIZE))
		return -EINVAL;
	page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
	if (!page)
		return -ENOMEM;
	memcpy(page_address(page), data, len);
	if (tx_buf_grant(q, page, len, &buf)) {
		__free_page(page);
		return -ENOMEM;
	}
	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!tx_room(q))) {
		spin_unlock_irqrestore(&q->tx_lock, flags);
		tx_buf_put(&buf);
		return -ENOSPC;
	}
	id = xsplit_nf_txid_get(&q->txids);
	/* Room on the ring means a free id: ids <= ring slots. */
	if (WARN_ON_ONCE(id < 0))
		id = 0;
	q->tx_bufs[id] = buf;
	req.gref = buf.ref;
	req.id = id;
	req.size = len;
	xsplit_netif_tx_front_put_req(&q->tx, &req);
	/* as xmit does: the stack's packets wait for room */
	if (!tx_room(q))
		netif_tx_stop_queue(txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	xsplit_nf_count(q, &q->stats.tx_packets, 1);
	xsplit_nf_count(q, &q->stats.tx_bytes, len);
	return 0;
}

/* Make the frames xsplit_nf_tx_frame() queued visible, notify if due. */
void xsplit_nf_tx_push(struct xsplit_nf_queue *q)
{
	unsigned long flags;
	bool notify;

	spin_lock_irqsave(&q->tx_lock, flags);
	notify = xsplit_front_push_reqs(&q->tx.r);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (notify)
		xsplit_evtchn_notify(&q->tx_ch);
}

/* One answered id: end the grant and free the page. */
static void tx_done(struct xsplit_nf_queue *q, u16 id)
{
	struct xsplit_nf_tx_buf *buf = &q->tx_bufs[id];

	if (unlikely(!xsplit_gnt_try_revoke(buf->ref))) {
		/* The backend answered but still maps the page. */
		xsplit_gnt_revoke_page(buf->ref, buf->page);
		xsplit_nf_queue_broken(q, "still maps a tx page");
	} else {
		__free_page(buf->page);
	}
	buf->page = NULL;
	xsplit_nf_txid_put(&q->txids, id);
}

/* Handle one response; false if the backend broke the protocol. */
static bool tx_response(struct xsplit_nf_queue *q,
			const struct xsplit_netif_tx_response *rsp)
{
	switch (xsplit_nf_tx_check(&q->txids, rsp)) {
	case XSPLIT_NF_TX_NULL:
		return true;
	case XSPLIT_NF_TX_ERR:
		xsplit_nf_count(q, &q->stats.tx_errors, 1);
		fallthrough;
	case XSPLIT_NF_TX_OK:
		tx_done(q, rsp->id);
		return true;
	default:
		return false;
	}
}

/**
 * xsplit_nf_tx_complete - free what the backend has answered
 * @q: the queue, from its NAPI poll or (split channels) its tx event
 *     handler in hard-IRQ context
 *
 * Return: true if there was any response.
 */
bool xsplit_nf_tx_complete(struct xsplit_nf_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->nf->netdev, q->id);
	struct xsplit_netif_tx_response rsp;
	unsigned long flags;
	bool any = false;
	int ret;

	spin_lock_irqsave(&q->tx_lock, flags);
	while ((ret = xsplit_netif_tx_front_copy_rsp(&q->tx, &rsp)) > 0) {
		any = true;
		if (!tx_response(q, &rsp)) {
			xsplit_nf_queue_broken(q, "answered a tx id it does not hold");
			break;
		}
	}
	if (ret < 0)
		xsplit_nf_queue_broken(q, "corrupt tx ring");
	/* A split tx channel reaps while the device is down, too. */
	if (!q->broken && netif_tx_queue_stopped(txq) && tx_room(q) &&
	    netif_carrier_ok(q->nf->netdev) && netif_running(q->nf->netdev))
		netif_tx_wake_queue(txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return any;
}

/* Take back every outstanding tx page; rings disconnected, NAPI off. */
void xsplit_nf_tx_release(struct xsplit_nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q->tx_bufs); i++) {
		if (!q->tx_bufs[i].page)
			continue;
		tx_buf_put(&q->tx_bufs[i]);
		xsplit_nf_txid_put(&q->txids, i);
	}
}

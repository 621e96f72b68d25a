// SPDX-License-Identifier: GPL-2.0
/*
 * netfront tx.  What the backend is given to read depends on whether we
 * trust it (nf->bounce, decided per device at connect: the `trusted`
 * parameter and the toolstack's `trusted` key, see xenbus.c).
 *
 * Untrusted backend (bounce): every packet is copied into freshly
 * allocated pages that hold nothing but its bytes (the tail of the last
 * page zeroed), and only those pages are granted, read-only.  Granting the
 * skb's own pages would also expose whatever else the kernel keeps on them.
 *
 * Trusted backend: the linear head is still copied into a fresh page (its
 * page holds other kernel allocations, and it is small: the headers), but
 * the fragments' pages are granted read-only where they lie, one slot per
 * piece of a fragment within one page (txplan.c).  Each such slot holds a
 * reference to the skb until the backend's response ends the grant, so the
 * pages (and a zero-copy sender's buffers) stay until the backend is done.
 * A packet that would need more slots than every backend takes, or that
 * has a frag list, is copied whole as for an untrusted backend.
 *
 * Slot layout of one packet (netif.h): first data slot (size = whole
 * packet, NETTXF_EXTRA_INFO if a GSO slot follows, NETTXF_MORE_DATA if more
 * data slots follow), the GSO extra slot, then one slot per further piece.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include "netif/pacing.h"

#include "netfront/netfront.h"
#include "netfront/txplan.h"
#include "grant/xsplit_grant.h"

static_assert(XSPLIT_NF_TX_PLAN_SLOTS == XSPLIT_NF_TX_MAX_SLOTS);

/* One packet being prepared: its slots, before any id. */
struct tx_pages {
	unsigned int nr;
	u32 copied;	/* bytes copied into fresh pages */
	u32 granted;	/* bytes granted where they lie */
	struct xsplit_nf_tx_buf bufs[XSPLIT_NF_TX_MAX_SLOTS];
	struct tx_ext {
		unsigned int off;
		unsigned int len;
	} ext[XSPLIT_NF_TX_MAX_SLOTS];
};

/*
 * End the backend's access to one slot's page and let the page go: a
 * fresh page is freed, an skb's page loses the reference its slot held on
 * the skb.  Returns false if the backend still maps the page: a fresh page
 * is then freed once it lets go; an skb is kept for good, since the grant
 * code cannot take a reference to a page of another's skb for us.
 */
static bool tx_buf_put(struct xsplit_nf_tx_buf *buf)
{
	bool ended = xsplit_gnt_try_revoke(buf->ref);

	if (buf->skb) {
		if (ended)
			dev_consume_skb_any(buf->skb);
	} else if (ended) {
		__free_page(buf->page);
	} else {
		xsplit_gnt_revoke_page(buf->ref, buf->page);
	}
	buf->page = NULL;
	buf->skb = NULL;
	return ended;
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
	buf->skb = NULL;
	return 0;
}

/* Copy the first @n bytes of @skb into fresh pages and grant them. */
static int tx_copy(struct xsplit_nf_queue *q, struct sk_buff *skb, u32 n,
		   struct tx_pages *tp)
{
	unsigned int off, len;
	struct page *page;

	for (off = 0; off < n; off += PAGE_SIZE) {
		len = min_t(unsigned int, n - off, PAGE_SIZE);
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!page)
			return -ENOMEM;
		if (skb_copy_bits(skb, off, page_address(page), len) ||
		    tx_buf_grant(q, page, len, &tp->bufs[tp->nr])) {
			__free_page(page);
			return -ENOMEM;
		}
		tp->ext[tp->nr] = (struct tx_ext){ .off = 0, .len = len };
		tp->nr++;
	}
	tp->copied = n;
	return 0;
}

/* Grant the planned pieces of @skb's fragments, each holding the skb. */
static int tx_grant(struct xsplit_nf_queue *q, struct sk_buff *skb,
		    const struct xsplit_nf_tx_plan *pl, struct tx_pages *tp)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int i;

	for (i = 0; i < pl->nr; i++) {
		const struct xsplit_nf_tx_piece *p = &pl->p[i];
		struct xsplit_nf_tx_buf *buf = &tp->bufs[tp->nr];
		struct page *page;
		int ref;

		page = xsplit_nth_page(skb_frag_page(&sh->frags[p->frag]),
				       p->page);
		ref = xsplit_gnt_grant_page(xsplit_nf_domid(q->nf), page, true);
		if (ref < 0)
			return ref;
		buf->page = page;
		buf->ref = ref;
		buf->skb = skb_get(skb);
		tp->ext[tp->nr] = (struct tx_ext){ .off = p->off, .len = p->len };
		tp->nr++;
		tp->granted += p->len;
	}
	return 0;
}

/* Which bytes of @skb a trusted backend gets in place; an error: none. */
static int tx_plan(const struct sk_buff *skb, struct xsplit_nf_tx_plan *pl)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	struct xsplit_nf_tx_frag f[XSPLIT_NF_TX_MAX_SLOTS];
	unsigned int i;

	/* each non-empty fragment takes a slot at least */
	if (skb_has_frag_list(skb) || sh->nr_frags > ARRAY_SIZE(f))
		return -E2BIG;
	for (i = 0; i < sh->nr_frags; i++) {
		f[i].off = skb_frag_off(&sh->frags[i]);
		f[i].len = skb_frag_size(&sh->frags[i]);
	}
	return xsplit_nf_tx_plan(pl, skb_headlen(skb), f, sh->nr_frags,
				 ETH_HLEN, PAGE_SIZE, XSPLIT_NF_TX_MAX_SLOTS);
}

/* Copy or grant @skb's bytes (see the top of the file); all or nothing. */
static int tx_pages_fill(struct xsplit_nf_queue *q, struct sk_buff *skb,
			 struct tx_pages *tp)
{
	struct xsplit_nf_tx_plan pl;
	int err;

	tp->nr = 0;
	tp->copied = 0;
	tp->granted = 0;
	if (READ_ONCE(q->nf->bounce) || tx_plan(skb, &pl))
		err = tx_copy(q, skb, skb->len, tp);
	else
		err = tx_copy(q, skb, pl.copy, tp) ?: tx_grant(q, skb, &pl, tp);
	if (err) {
		tx_pages_put(tp);
		return -ENOMEM;
	}
	return 0;
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
		int id = xsplit_ids_get(&q->txids.ids);

		/* Room on the ring means a free id: ids <= ring slots. */
		if (WARN_ON_ONCE(id < 0))
			id = 0;
		q->tx_bufs[id] = tp->bufs[i];
		req.gref = tp->bufs[i].ref;
		req.id = id;
		req.offset = tp->ext[i].off;
		req.size = i ? tp->ext[i].len : skb->len;
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
	       q->txids.ids.nr_free >= XSPLIT_NF_TX_MAX_SLOTS;
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

static void tx_count(struct xsplit_nf_queue *q, const struct sk_buff *skb,
		     const struct tx_pages *tp)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&q->syncp);

	q->stats.tx_packets++;
	q->stats.tx_bytes_copied += tp->copied;
	q->stats.tx_bytes_granted += tp->granted;
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
	/* held until answered (granted in place): its socket may queue more */
	xsplit_netif_tx_pacing(skb, READ_ONCE(xsplit_nf_tx_pacing_shift));
	tx_count(q, skb, &tp);
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
	id = xsplit_ids_get(&q->txids.ids);
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
	xsplit_nf_count(q, &q->stats.tx_bytes_copied, len);
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

/* One answered id: end the grant, free the page or drop the skb. */
static void tx_done(struct xsplit_nf_queue *q, u16 id)
{
	/* The backend answered but still maps the page. */
	if (unlikely(!tx_buf_put(&q->tx_bufs[id])))
		xsplit_nf_queue_broken(q, "still maps a tx page");
	xsplit_ids_put(&q->txids.ids, id);
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

/* Take back every outstanding tx slot; rings disconnected, NAPI off. */
void xsplit_nf_tx_release(struct xsplit_nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q->tx_bufs); i++) {
		if (!q->tx_bufs[i].page)
			continue;
		tx_buf_put(&q->tx_bufs[i]);
		xsplit_ids_put(&q->txids.ids, i);
	}
}

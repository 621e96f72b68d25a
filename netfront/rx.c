// SPDX-License-Identifier: GPL-2.0
/*
 * netfront rx: the backend copies each packet into pages we granted
 * (request-rx-copy), one page per slot.  Request i always carries the
 * buffer rx_bufs[i mod ring size]; a buffer whose response carried no data
 * (an extra-info slot, an error, a dropped packet) stays granted where it is
 * and goes out again with the next request at that index.  A buffer that
 * did carry data has its grant ended before we read a byte of it, and its
 * page goes to the XDP program if one is attached (xdp.c), and becomes an
 * skb fragment unless the program kept it.
 *
 * Pages come from the page allocator and go back to it, or, with
 * rx_page_pool, from a page pool of the queue's own, marked so that the
 * stack (or XDP) gives them back to that pool once done: no trip through
 * the page allocator per 4 KiB received.  A page leaves its pool for good
 * only when the backend still maps it (rx_page_revoke()).
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "netfront/netfront.h"
#include "grant/xsplit_grant.h"

static u16 rx_index(const struct xsplit_nf_queue *q, u32 idx)
{
	return idx & (q->rx.r.nr_ents - 1);
}

/**
 * xsplit_nf_rx_page_free - give back an rx page that is ours again
 * @q: the queue it was allocated for
 * @page: the page, its grant ended (or never made)
 * @in_napi: from @q's NAPI poll, where a pool page may go straight into
 *           the pool's own cache, without its lock
 */
void xsplit_nf_rx_page_free(struct xsplit_nf_queue *q, struct page *page,
			    bool in_napi)
{
	if (q->pool)
		page_pool_put_full_page(q->pool, page, in_napi);
	else
		__free_page(page);
}

/*
 * End the grant of an rx page; if the backend still maps it, the grant
 * core frees the page with put_page() once it lets go.  A pool page must
 * leave its pool before that: the pool would count it in flight for ever
 * (its destroy never done) and the page allocator would take a page still
 * marked as the pool's for a leak.  With a second reference held, the
 * pool lets the page go (unmarked, counted returned) instead of recycling
 * it, and the grant core keeps the last reference, as for any page.
 */
static void rx_page_revoke(struct xsplit_nf_queue *q, grant_ref_t ref,
			   struct page *page)
{
	if (q->pool) {
		get_page(page);
		page_pool_put_full_page(q->pool, page, false);
	}
	xsplit_gnt_revoke_page(ref, page);
}

/* A page from the queue's pool; counted, and whether the pool made it. */
static struct page *rx_pool_alloc(struct xsplit_nf_queue *q)
{
	u32 made = xsplit_page_pool_pages_made(q->pool);
	struct page *page = page_pool_dev_alloc_pages(q->pool);
	unsigned long flags;

	made = xsplit_page_pool_pages_made(q->pool) - made;
	flags = u64_stats_update_begin_irqsave(&q->syncp);
	q->stats.rx_pool_fresh += made;
	q->stats.rx_pool_pages += !!page;
	u64_stats_update_end_irqrestore(&q->syncp, flags);
	return page;
}

/*
 * A page for an rx buffer, zeroed if @zero.  One from the pool may hold
 * an earlier packet whatever the pool's page allocator did: cleared here.
 */
static struct page *rx_page_alloc(struct xsplit_nf_queue *q, bool zero)
{
	struct page *page;

	if (!q->pool)
		return alloc_page(GFP_ATOMIC | __GFP_NOWARN |
				  (zero ? __GFP_ZERO : 0));
	page = rx_pool_alloc(q);
	if (page && zero)
		clear_page(page_address(page));
	return page;
}

/*
 * A page granted writable.  Zeroed first for a backend we do not trust:
 * it sees none of our data then.  A trusted one may see what the page held
 * before; it is about to overwrite it anyway.
 */
static int rx_buf_alloc(struct xsplit_nf_queue *q,
			struct xsplit_nf_rx_buf *buf)
{
	bool zero = READ_ONCE(q->nf->bounce);
	struct page *page;
	int ref;

	page = rx_page_alloc(q, zero);
	if (!page)
		return -ENOMEM;
	if (zero)
		xsplit_nf_count(q, &q->stats.rx_pages_zeroed, 1);
	ref = xsplit_gnt_grant_page(xsplit_nf_domid(q->nf), page, false);
	if (ref < 0) {
		/* also before NAPI runs (the first refill): not in_napi */
		xsplit_nf_rx_page_free(q, page, false);
		return ref;
	}
	buf->page = page;
	buf->ref = ref;
	return 0;
}

/**
 * xsplit_nf_rx_refill - post a buffer in every free rx request slot
 * @q: the queue; from NAPI, or before NAPI is enabled
 *
 * On an allocation failure the ring stays partly empty and a timer retries.
 */
void xsplit_nf_rx_refill(struct xsplit_nf_queue *q)
{
	struct xsplit_netif_rx_request req = { 0 };
	u32 posted = 0;

	while (!xsplit_front_full(&q->rx.r)) {
		u16 id = rx_index(q, q->rx.r.req_prod_pvt);
		struct xsplit_nf_rx_buf *buf = &q->rx_bufs[id];

		if (!buf->page && rx_buf_alloc(q, buf)) {
			xsplit_nf_count(q, &q->stats.rx_nomem, 1);
			mod_timer(&q->refill, jiffies + XSPLIT_NF_REFILL_DELAY);
			break;
		}
		req.id = id;
		req.gref = buf->ref;
		xsplit_netif_rx_front_put_req(&q->rx, &req);
		posted++;
	}
	if (posted && xsplit_front_push_reqs(&q->rx.r))
		xsplit_evtchn_notify(xsplit_nf_rx_ch(q));
}

void xsplit_nf_rx_refill_timer(struct timer_list *t)
{
	struct xsplit_nf_queue *q = timer_container_of(q, t, refill);

	napi_schedule(&q->napi);
}

/* End the grant of a buffer that holds data; the page is then ours. */
static struct page *rx_buf_take(struct xsplit_nf_queue *q, u16 id)
{
	struct xsplit_nf_rx_buf *buf = &q->rx_bufs[id];
	struct page *page = buf->page;

	buf->page = NULL;
	if (WARN_ON_ONCE(!page))
		return NULL;
	if (likely(xsplit_gnt_try_revoke(buf->ref)))
		return page;
	/* A copying backend never maps our page: this one does, or lies. */
	rx_page_revoke(q, buf->ref, page);
	xsplit_nf_queue_broken(q, "still maps an rx buffer");
	return NULL;
}

/* The data slots of one packet, out of the ring: their pages are ours. */
struct rx_frags {
	unsigned int nr;
	struct rx_frag {
		struct page *page;
		u16 off;
		u16 len;
	} f[XSPLIT_NF_RX_MAX_DATA];
};

/* From NAPI, as every user of an rx_frags. */
static void rx_frags_free(struct xsplit_nf_queue *q, struct rx_frags *fr)
{
	while (fr->nr)
		xsplit_nf_rx_page_free(q, fr->f[--fr->nr].page, true);
}

static void rx_take(struct xsplit_nf_queue *q, struct rx_frags *fr,
		    struct xsplit_nf_rx_pkt *p, u16 id, u16 off, u16 len)
{
	struct page *page = rx_buf_take(q, id);

	if (!page) {
		p->err = p->err ? p->err : -EBUSY;
		return;
	}
	/* The parser takes at most max_data slots of a packet. */
	if (WARN_ON_ONCE(fr->nr >= ARRAY_SIZE(fr->f))) {
		xsplit_nf_rx_page_free(q, page, true);
		p->err = p->err ? p->err : -EMSGSIZE;
		return;
	}
	fr->f[fr->nr++] = (struct rx_frag){ .page = page, .off = off,
					    .len = len };
}

/*
 * A packet the backend got wrong is dropped with a line, rate-limited:
 * the counter alone would hide a broken or hostile backend.  Not for a
 * slot the backend itself reported failed (-EIO) nor for a page we had
 * no memory for (-EBUSY).
 */
static void rx_malformed(struct xsplit_nf_queue *q, int err)
{
	if (err == -EIO || err == -EBUSY || !net_ratelimit())
		return;
	netdev_warn(q->nf->netdev,
		    "rx queue %u: dropped a malformed packet from the backend (%d)\n",
		    q->id, err);
}

/* Consume one packet's slots; whether it is good, its pages in @fr. */
static bool rx_collect(struct xsplit_nf_queue *q, struct xsplit_nf_rx_pkt *p,
		       struct rx_frags *fr)
{
	struct xsplit_netif_rx_response rsp;
	u16 id, off, len;
	int ret;

	fr->nr = 0;
	xsplit_nf_rx_begin(p, XSPLIT_NF_RX_MAX_DATA);
	while (!xsplit_nf_rx_done(p)) {
		id = rx_index(q, q->rx.r.rsp_cons);
		ret = xsplit_netif_rx_front_copy_rsp(&q->rx, &rsp);
		if (ret <= 0) {
			if (ret < 0)
				xsplit_nf_queue_broken(q, "corrupt rx ring");
			xsplit_nf_rx_truncated(p);
			break;
		}
		if (xsplit_nf_rx_feed(p, &rsp, id, &off, &len) ==
		    XSPLIT_NF_RX_TAKE)
			rx_take(q, fr, p, id, off, len);
	}
	if (xsplit_nf_rx_finish(p)) {
		xsplit_nf_count(q, &q->stats.rx_dropped, 1);
		rx_malformed(q, p->err);
		rx_frags_free(q, fr);
		return false;
	}
	return true;
}

/*
 * Past the headroom a backend left (see xsplit_nf_rx_xdp_data()); whether
 * the packet is kept.  Also with no program attached: the headroom may
 * still be set, just before an attach or after a detach.
 */
static bool rx_headroom(struct xsplit_nf_queue *q,
			const struct xsplit_nf_rx_pkt *p, struct rx_frags *fr)
{
	int err = xsplit_nf_rx_xdp_data(p, fr->nr, &fr->f[0].off,
					&fr->f[0].len);

	if (!err)
		return true;
	if (err == -EMSGSIZE) {
		xsplit_nf_count(q, &q->stats.xdp_oversize, 1);
	} else {
		xsplit_nf_count(q, &q->stats.rx_dropped, 1);
		rx_malformed(q, err);
	}
	rx_frags_free(q, fr);
	return false;
}

/*
 * The attached program's verdict, if any: whether the stack gets the
 * packet.  Only a packet in one page, with room after it, goes to the
 * program (see xdp.c); the others are dropped while one is attached.
 */
static bool rx_xdp(struct xsplit_nf_queue *q, struct rx_frags *fr,
		   bool *flush)
{
	struct bpf_prog *prog = rcu_dereference(q->nf->xdp_prog);
	struct rx_frag *f = &fr->f[0];

	if (!prog)
		return true;
	if (!xsplit_nf_xdp_fits(fr->nr, f->off, f->len, PAGE_SIZE,
				XSPLIT_NF_XDP_TAILROOM)) {
		xsplit_nf_count(q, &q->stats.xdp_oversize, 1);
		rx_frags_free(q, fr);
		return false;
	}
	if (xsplit_nf_xdp_rx(q, prog, f->page, &f->off, &f->len, flush) ==
	    XDP_PASS)
		return true;
	fr->nr = 0;	/* the program's verdict took care of the page */
	return false;
}

/* What the programs' verdicts left for the end of the poll. */
static void rx_xdp_finish(struct xsplit_nf_queue *q, bool flush)
{
	if (flush)
		xdp_do_flush();
	if (q->xdp_tx_pending) {
		q->xdp_tx_pending = false;
		xsplit_nf_tx_push(q);
	}
}

/*
 * An skb with the packet's pages as fragments, marked to give pool pages
 * back to the pool when freed; NULL (pages freed) on ENOMEM.
 */
static struct sk_buff *rx_build(struct xsplit_nf_queue *q,
				struct rx_frags *fr)
{
	struct sk_buff *skb = napi_alloc_skb(&q->napi, XSPLIT_NF_RX_PULL);
	unsigned int i;

	if (!skb) {
		xsplit_nf_count(q, &q->stats.rx_nomem, 1);
		rx_frags_free(q, fr);
		return NULL;
	}
	for (i = 0; i < fr->nr; i++) {
		skb_add_rx_frag(skb, i, fr->f[i].page, fr->f[i].off,
				fr->f[i].len, PAGE_SIZE);
		if (q->pool)
			xsplit_skb_mark_for_recycle(skb, fr->f[i].page,
						    q->pool);
	}
	fr->nr = 0;
	return skb;
}

static void rx_set_gso(struct sk_buff *skb,
		       const struct xsplit_netif_extra_info *gso)
{
	skb_shinfo(skb)->gso_size = gso->u.gso.size;
	skb_shinfo(skb)->gso_type =
		(gso->u.gso.type == XSPLIT_NETIF_GSO_TYPE_TCPV4 ?
		 SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
	skb_shinfo(skb)->gso_segs = 0;
}

/*
 * Checksum state from the flags.  A blank checksum (or a GSO packet, which
 * the stack must be able to resegment) needs the offsets found by parsing
 * the headers; a GSO packet whose checksum is complete gets its pseudo-header
 * sum recomputed so it can be treated as partial.
 */
static int rx_set_csum(struct xsplit_nf_queue *q, struct sk_buff *skb,
		       const struct xsplit_nf_rx_pkt *p, bool gso)
{
	bool blank = p->flags & XSPLIT_NETRXF_CSUM_BLANK;

	if (blank || gso) {
		xsplit_nf_count(q, &q->stats.rx_csum_partial, 1);
		if (!blank)
			xsplit_nf_count(q, &q->stats.rx_gso_checksum_fixup, 1);
		return skb_checksum_setup(skb, !blank);
	}
	if (p->flags & XSPLIT_NETRXF_DATA_VALIDATED)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

static void rx_deliver(struct xsplit_nf_queue *q, struct sk_buff *skb,
		       const struct xsplit_nf_rx_pkt *p)
{
	bool gso = p->extra_mask & BIT(XSPLIT_NETIF_EXTRA_TYPE_GSO);
	unsigned int len = skb->len;
	unsigned long flags;

	if (!__pskb_pull_tail(skb, min_t(unsigned int, len,
					 XSPLIT_NF_RX_PULL)))
		goto drop;
	skb->protocol = eth_type_trans(skb, q->nf->netdev);
	skb_reset_network_header(skb);
	if (gso)
		rx_set_gso(skb, &p->extra[XSPLIT_NETIF_EXTRA_TYPE_GSO]);
	if (rx_set_csum(q, skb, p, gso))
		goto drop;
	skb_record_rx_queue(skb, q->id);
	flags = u64_stats_update_begin_irqsave(&q->syncp);
	q->stats.rx_packets++;
	q->stats.rx_bytes += len;
	q->stats.rx_gso += gso;
	u64_stats_update_end_irqrestore(&q->syncp, flags);
	napi_gro_receive(&q->napi, skb);
	return;

drop:
	xsplit_nf_count(q, &q->stats.rx_dropped, 1);
	kfree_skb(skb);
}

/**
 * xsplit_nf_rx_poll - receive up to @budget packets, then refill
 * @q: the queue, from its NAPI poll
 * @budget: NAPI budget
 *
 * Return: packets consumed (delivered or dropped).
 */
int xsplit_nf_rx_poll(struct xsplit_nf_queue *q, int budget)
{
	struct xsplit_nf_rx_pkt p;
	struct rx_frags fr;
	bool flush = false;
	struct sk_buff *skb;
	int done = 0;

	rcu_read_lock();	/* the XDP program */
	while (done < budget && !q->broken) {
		int pending = xsplit_front_rsps_pending(&q->rx.r);

		if (pending <= 0) {
			if (pending < 0)
				xsplit_nf_queue_broken(q, "corrupt rx ring");
			break;
		}
		done++;
		if (!rx_collect(q, &p, &fr) || !rx_headroom(q, &p, &fr) ||
		    !rx_xdp(q, &fr, &flush))
			continue;
		skb = rx_build(q, &fr);
		if (skb)
			rx_deliver(q, skb, &p);
	}
	rx_xdp_finish(q, flush);
	rcu_read_unlock();
	if (!q->broken)
		xsplit_nf_rx_refill(q);
	return done;
}

/* Take every rx buffer back; rings disconnected, NAPI off. */
void xsplit_nf_rx_release(struct xsplit_nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q->rx_bufs); i++) {
		struct xsplit_nf_rx_buf *buf = &q->rx_bufs[i];

		if (!buf->page)
			continue;
		if (xsplit_gnt_try_revoke(buf->ref))
			xsplit_nf_rx_page_free(q, buf->page, false);
		else	/* freed once the backend lets go */
			rx_page_revoke(q, buf->ref, buf->page);
		buf->page = NULL;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest transmit, in NAPI context: take whole packets off the tx ring
 * through the validator (txval.c), build an skb for each, fill it by grant
 * copy (the first XSPLIT_NB_TX_LINEAR bytes into the linear area, the rest
 * into page frags), issue the copies of a whole poll in few hypercalls,
 * then answer every slot and hand the good packets to the stack.
 *
 * With the tx_zerocopy parameter off (the default) everything is copied
 * and the tx_zerocopy_* counters stay 0.  With it on at the queue's
 * connect, the first slot and the protocol headers (the first
 * XSPLIT_NB_TX_LINEAR bytes, from however many slots they span: we parse
 * them, and the guest must not change them under us) are still copied;
 * the rest of the data slots is grant-mapped by tx_zc.c and attached as
 * frags, and those slots are answered by tx_zc.c's worker once the stack
 * let go and they are unmapped.  A packet the pool cannot take is copied
 * whole.
 *
 * Phases of one poll: parse + build + queue copies and maps (per packet),
 * flush both, finish (per packet: attach maps, responses, checksum/GSO
 * setup, delivery), then the ring's final check and the deferred EOI.
 * Responses are produced under tx_rsp_lock, shared with that worker.
 */
#include <linux/if_vlan.h>
#include <xen/page.h>

#include "netback/common.h"
#include "fault/xsplit_fault.h"

/* parse_packet() results besides the validator's verdicts. */
#define TX_EMPTY	(-1)
#define TX_THROTTLED	(-2)

bool xsplit_nb_tx_has_work(struct xsplit_nb_queue *q)
{
	return READ_ONCE(q->stashed) ||
	       READ_ONCE(q->tx.r.sring->req_prod) != READ_ONCE(q->tx.r.req_cons);
}

/* ---- credit-based rate limit (toolstack key "rate") ---- */

static void add_credit(struct xsplit_nb_queue *q)
{
	unsigned long max_burst = max(XSPLIT_NB_CREDIT_BURST, q->credit_bytes);
	unsigned long max_credit = q->remaining_credit + q->credit_bytes;

	if (max_credit < q->remaining_credit)
		max_credit = ULONG_MAX;
	q->remaining_credit = min(max_credit, max_burst);
}

void xsplit_nb_credit_timer(struct timer_list *t)
{
	struct xsplit_nb_queue *q = timer_container_of(q, t, credit_timer);

	add_credit(q);
	napi_schedule(&q->napi);
}

void xsplit_nb_rate_set(struct xsplit_nb_queue *q, unsigned long bytes,
			unsigned long usec)
{
	WRITE_ONCE(q->credit_bytes, bytes);
	WRITE_ONCE(q->credit_usec, usec);
	if (q->remaining_credit > bytes)
		q->remaining_credit = bytes;
	q->credit_window = jiffies;
}

/* May a packet of @size bytes go now?  If not, the timer reschedules us. */
static bool credit_ok(struct xsplit_nb_queue *q, u32 size)
{
	unsigned long next;

	if (!READ_ONCE(q->credit_usec) || size <= q->remaining_credit)
		goto take;
	if (timer_pending(&q->credit_timer))
		return false;
	next = q->credit_window + usecs_to_jiffies(q->credit_usec);
	if (time_after_eq(jiffies, next)) {
		q->credit_window = jiffies;
		add_credit(q);
	}
	if (size > q->remaining_credit) {
		q->credit_window = next;
		mod_timer(&q->credit_timer, next);
		q->stats.tx_credit_waits++;
		return false;
	}
take:
	if (q->credit_usec)
		q->remaining_credit -= size;
	return true;
}

/* ---- responses ---- */

/*
 * Only tx_zc.c's worker answers beside NAPI, so a copying queue (q->zc
 * fixed NULL for its life) skips the lock.  irqsave: netpoll runs NAPI
 * with interrupts off.
 */
static unsigned long rsp_lock(struct xsplit_nb_queue *q)
{
	unsigned long flags = 0;

	if (q->zc)
		spin_lock_irqsave(&q->tx_rsp_lock, flags);
	return flags;
}

static void rsp_unlock(struct xsplit_nb_queue *q, unsigned long flags)
{
	if (q->zc)
		spin_unlock_irqrestore(&q->tx_rsp_lock, flags);
}

static void tx_respond(struct xsplit_nb_queue *q, u16 id, s16 status)
{
	struct xsplit_netif_tx_response rsp = { .id = id, .status = status };
	unsigned long flags = rsp_lock(q);

	/* Cannot fail: one response per request consumed. */
	WARN_ON_ONCE(xsplit_netif_tx_back_put_rsp(&q->tx, &rsp));
	rsp_unlock(q, flags);
}

/* First slot, a NULL answer per extra slot, then the data slots. */
static void respond_all(struct xsplit_nb_queue *q, u16 first_id,
			unsigned int nr_extras, const u16 *ids,
			unsigned int nr_frags, s16 status)
{
	unsigned int i;

	tx_respond(q, first_id, status);
	for (i = 0; i < nr_extras; i++)
		tx_respond(q, 0, XSPLIT_NETIF_RSP_NULL);
	for (i = 0; i < nr_frags; i++)
		tx_respond(q, ids[i], status);
}

static void respond_txv(struct xsplit_nb_queue *q, s16 status)
{
	const struct xsplit_nb_txv *v = &q->txv;
	u16 ids[XSPLIT_NB_FATAL_SLOTS_MAX];
	unsigned int i;

	for (i = 0; i < v->nr_frags; i++)
		ids[i] = v->frags[i].id;
	respond_all(q, v->first.id, v->nr_extras, ids, v->nr_frags, status);
}

/* ---- parsing ---- */

static int next_req(struct xsplit_nb_queue *q,
		    struct xsplit_netif_tx_request *req)
{
	if (q->stashed) {
		*req = q->stash;
		q->stashed = false;
		return 1;
	}
	return xsplit_netif_tx_back_copy_req(&q->tx, req);
}

static int tx_fatal(struct xsplit_nb_queue *q, const char *why)
{
	xsplit_nb_vif_fatal(q->vif, why);
	return XSPLIT_NB_TXV_FATAL;
}

/* One packet off the ring, each request copied once, or why not. */
static int parse_packet(struct xsplit_nb_queue *q)
{
	struct xsplit_netif_tx_request req;
	int ret = next_req(q, &req);
	int verdict;

	if (ret < 0)
		return tx_fatal(q, "tx ring indices corrupt");
	if (!ret)
		return TX_EMPTY;
	if (!credit_ok(q, req.size)) {
		q->stash = req;
		q->stashed = true;
		return TX_THROTTLED;
	}
	xsplit_nb_txv_init(&q->txv, XSPLIT_NB_MAX_SLOTS_DEFAULT,
			   READ_ONCE(xsplit_nb_fatal_skb_slots));
	verdict = xsplit_nb_txv_feed(&q->txv, &req);
	while (verdict == XSPLIT_NB_TXV_MORE) {
		ret = next_req(q, &req);
		if (ret <= 0)
			return tx_fatal(q, ret ? "tx ring indices corrupt" :
					"packet ends past the requests given");
		verdict = xsplit_nb_txv_feed(&q->txv, &req);
	}
	if (verdict == XSPLIT_NB_TXV_FATAL) {
		xsplit_nb_xstat_reject(q);
		return tx_fatal(q, xsplit_nb_txv_reason_name(q->txv.reason));
	}
	return verdict;
}

/* ---- building: grant copies into a fresh skb ---- */

/* Where byte @pos of the packet goes: frame number, offset, room. */
static void dest_of(struct sk_buff *skb, u32 pos, xen_pfn_t *gfn, u32 *off,
		    u32 *room)
{
	u32 headlen = skb_headlen(skb);
	skb_frag_t *frag;
	u8 *virt;

	if (pos < headlen) {
		virt = skb->data + pos;
		*gfn = virt_to_gfn(virt);
		*off = xen_offset_in_page(virt);
		*room = min_t(u32, headlen - pos, XEN_PAGE_SIZE - *off);
		return;
	}
	pos -= headlen;
	frag = &skb_shinfo(skb)->frags[pos / PAGE_SIZE];
	*gfn = xen_page_to_gfn(skb_frag_page(frag));
	*off = pos % PAGE_SIZE;
	*room = skb_frag_size(frag) - *off;
}

static void copy_segment(struct xsplit_nb_queue *q,
			 struct xsplit_nb_tx_pkt *pkt, u32 *pos,
			 const struct xsplit_netif_tx_request *req, u32 len)
{
	struct gnttab_copy op = {
		.source.u.ref = req->gref,
		.source.domid = q->vif->domid,
		.source.offset = req->offset,
		.dest.domid = DOMID_SELF,
		.flags = GNTCOPY_source_gref,
	};
	u32 off, room, chunk;
	xen_pfn_t gfn;

	while (len) {
		dest_of(pkt->skb, *pos, &gfn, &off, &room);
		chunk = min(len, room);
		op.dest.u.gmfn = gfn;
		op.dest.offset = off;
		op.len = chunk;
		xsplit_gnt_copy_add(&q->tx_copy, &op, &pkt->failed);
		op.source.offset += chunk;
		*pos += chunk;
		len -= chunk;
	}
}

static int add_frags(struct sk_buff *skb, u32 rest)
{
	unsigned int i = 0;
	struct page *page;
	u32 size;

	while (rest) {
		size = min_t(u32, rest, PAGE_SIZE);
		page = alloc_page(GFP_ATOMIC);
		if (!page)
			return -ENOMEM;
		skb_add_rx_frag(skb, i++, page, 0, size, PAGE_SIZE);
		rest -= size;
	}
	return 0;
}

static struct sk_buff *alloc_tx_skb(struct xsplit_nb_queue *q, u32 len)
{
	u32 linear = min_t(u32, len, XSPLIT_NB_TX_LINEAR);
	struct sk_buff *skb;

	if (DIV_ROUND_UP(len - linear, PAGE_SIZE) > MAX_SKB_FRAGS) {
		q->stats.tx_frag_overflow++;
		return NULL;
	}
	if (xsplit_fault(XSPLIT_FAULT_ALLOC))
		return NULL;
	skb = napi_alloc_skb(&q->napi, linear);
	if (!skb)
		return NULL;
	skb_put(skb, linear);
	if (add_frags(skb, len - linear)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

static void fill_pkt(struct xsplit_nb_tx_pkt *pkt,
		     const struct xsplit_nb_txv *v)
{
	const struct xsplit_netif_extra_info *gso =
		xsplit_nb_txv_extra(v, XSPLIT_NETIF_EXTRA_TYPE_GSO);
	const struct xsplit_netif_extra_info *hash =
		xsplit_nb_txv_extra(v, XSPLIT_NETIF_EXTRA_TYPE_HASH);
	unsigned int i;

	pkt->failed = false;
	pkt->zc_head = XSPLIT_NB_ZC_NONE;
	pkt->nr_copied_frags = 0;
	pkt->first_id = v->first.id;
	pkt->flags = v->first.flags;
	pkt->len = v->len;
	pkt->nr_extras = v->nr_extras;
	pkt->nr_frags = v->nr_frags;
	for (i = 0; i < v->nr_frags; i++)
		pkt->frag_ids[i] = v->frags[i].id;
	pkt->has_gso = gso;
	if (gso)
		pkt->gso = gso->u.gso;
	pkt->hash_level = XSPLIT_NETIF_HASH_NONE;
	if (hash) {
		pkt->hash_level = xsplit_netif_hash_level(hash->u.hash.type);
		pkt->hash = get_unaligned_le32(hash->u.hash.value);
	}
}

/*
 * Zero-copy: the first XSPLIT_NB_TX_LINEAR bytes (the protocol headers,
 * from as many slots as they span) and the rest of the first slot are
 * copied, the rest of the data slots mapped.  Reserve the maps before
 * queuing any copy: a packet the pool refuses frees its skb untouched.
 */
static bool build_mapped(struct xsplit_nb_queue *q,
			 struct xsplit_nb_tx_pkt *pkt)
{
	const struct xsplit_nb_txv *v = &q->txv;
	u32 want = min_t(u32, v->len, XSPLIT_NB_TX_LINEAR);
	u16 sizes[XSPLIT_NB_FATAL_SLOTS_MAX];
	u32 i, whole, skip, pos = 0;

	for (i = 0; i < v->nr_frags; i++)
		sizes[i] = v->frags[i].size;
	whole = xsplit_nb_zc_header_split(v->first_len, sizes, v->nr_frags,
					  want, &skip);
	pkt->skb = alloc_tx_skb(q, max(v->first_len, want));
	if (!pkt->skb)
		return false;
	if (!xsplit_nb_zc_take(q->zc, pkt, v, whole, skip,
			       skb_shinfo(pkt->skb)->nr_frags)) {
		kfree_skb(pkt->skb);
		return false;
	}
	copy_segment(q, pkt, &pos, &v->first, v->first_len);
	for (i = 0; i < whole; i++)
		copy_segment(q, pkt, &pos, &v->frags[i], v->frags[i].size);
	if (skip)
		copy_segment(q, pkt, &pos, &v->frags[whole], skip);
	return true;
}

static void build_packet(struct xsplit_nb_queue *q)
{
	const struct xsplit_nb_txv *v = &q->txv;
	struct xsplit_nb_tx_pkt *pkt = &q->tx_pkts[q->nr_tx_pkts];
	u32 pos = 0;
	unsigned int i;

	fill_pkt(pkt, v);
	if (q->zc && build_mapped(q, pkt)) {
		q->nr_tx_pkts++;
		return;
	}
	pkt->skb = alloc_tx_skb(q, v->len);
	if (!pkt->skb) {
		q->stats.rx_errors++;
		respond_txv(q, XSPLIT_NETIF_RSP_ERROR);
		return;
	}
	copy_segment(q, pkt, &pos, &v->first, v->first_len);
	for (i = 0; i < v->nr_frags; i++)
		copy_segment(q, pkt, &pos, &v->frags[i], v->frags[i].size);
	q->nr_tx_pkts++;
}

static void tx_act_on(struct xsplit_nb_queue *q, int verdict)
{
	const struct xsplit_netif_extra_info *e;
	int err = 0;

	switch (verdict) {
	case XSPLIT_NB_TXV_PACKET:
		build_packet(q);
		return;
	case XSPLIT_NB_TXV_MCAST_ADD:
		e = xsplit_nb_txv_extra(&q->txv, XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD);
		err = xsplit_nb_mcast_add(q->vif, e->u.mcast.addr);
		break;
	case XSPLIT_NB_TXV_MCAST_DEL:
		e = xsplit_nb_txv_extra(&q->txv, XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL);
		xsplit_nb_mcast_del(q->vif, e->u.mcast.addr);
		break;
	default:
		q->stats.rx_errors++;
		xsplit_nb_xstat_reject(q);
		net_dbg_ratelimited("%s: dropped guest packet: %s\n", q->name,
				    xsplit_nb_txv_reason_name(q->txv.reason));
		err = -EINVAL;
		break;
	}
	respond_txv(q, err ? XSPLIT_NETIF_RSP_ERROR : XSPLIT_NETIF_RSP_OKAY);
}

/* ---- finishing: after the copies ---- */

static int checksum_setup(struct xsplit_nb_queue *q, struct sk_buff *skb,
			  u16 flags)
{
	bool recalc = false;

	if (flags & XSPLIT_NETTXF_CSUM_BLANK)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (flags & XSPLIT_NETTXF_DATA_VALIDATED)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	else
		skb->ip_summed = CHECKSUM_NONE;
	/* GSO needs a partial checksum; some frontends forget to say so. */
	if (skb_is_gso(skb)) {
		recalc = true;
		if (skb->ip_summed != CHECKSUM_PARTIAL) {
			q->stats.rx_gso_checksum_fixup++;
			skb->ip_summed = CHECKSUM_PARTIAL;
		}
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	/* Also pulls the IP and TCP/UDP headers into the linear area. */
	return skb_checksum_setup(skb, recalc);
}

static_assert(XSPLIT_NB_GSO_BY_FRAGS == GSO_BY_FRAGS);

/* The size is one the validator checked and raised (txval.h). */
static void set_gso(struct sk_buff *skb, const struct xsplit_netif_extra_gso *gso)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	sh->gso_size = gso->size;
	sh->gso_type = (gso->type == XSPLIT_NETIF_GSO_TYPE_TCPV4 ?
			SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
	sh->gso_segs = 0;
}

/* Answer what NAPI answers: all slots, or those copied whole. */
static void respond_pkt(struct xsplit_nb_queue *q,
			const struct xsplit_nb_tx_pkt *pkt, s16 status)
{
	bool mapped = pkt->zc_head != XSPLIT_NB_ZC_NONE;

	respond_all(q, pkt->first_id, pkt->nr_extras, pkt->frag_ids,
		    mapped ? pkt->nr_copied_frags : pkt->nr_frags, status);
}

/* The mapped slots learn their answer; the skb becomes zero-copy. */
static void handoff(struct xsplit_nb_queue *q, struct xsplit_nb_tx_pkt *pkt,
		    s16 status)
{
	if (pkt->zc_head == XSPLIT_NB_ZC_NONE)
		return;
	xsplit_nb_zc_handoff(q->zc, pkt, pkt->skb, status);
	if (status == XSPLIT_NETIF_RSP_OKAY)
		q->stats.tx_zerocopy_sent++;
}

static void finish_packet(struct xsplit_nb_queue *q,
			  struct xsplit_nb_tx_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;

	if (pkt->zc_head != XSPLIT_NB_ZC_NONE &&
	    xsplit_nb_zc_attach(q->zc, pkt, skb)) {
		/* tx_zc.c unmaps and answers the data slots. */
		goto drop_unmapped;
	}
	if (pkt->failed)
		goto drop;
	skb->protocol = eth_type_trans(skb, q->vif->dev);
	skb_reset_network_header(skb);
	if (pkt->has_gso)
		set_gso(skb, &pkt->gso);
	/* The guest's hash saves ours (RPS, queue selection further on). */
	if (pkt->hash_level != XSPLIT_NETIF_HASH_NONE)
		skb_set_hash(skb, pkt->hash,
			     pkt->hash_level == XSPLIT_NETIF_HASH_L4 ?
			     PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);
	if (checksum_setup(q, skb, pkt->flags))
		goto drop;
	skb_record_rx_queue(skb, q->id);
	q->stats.rx_packets++;
	q->stats.rx_bytes += pkt->len;
	respond_pkt(q, pkt, XSPLIT_NETIF_RSP_OKAY);
	handoff(q, pkt, XSPLIT_NETIF_RSP_OKAY);
	/* Mapped frags skip GRO, as in Linux; copied packets too, in order. */
	if (q->zc)
		netif_receive_skb(skb);
	else
		napi_gro_receive(&q->napi, skb);
	return;

drop:
	handoff(q, pkt, XSPLIT_NETIF_RSP_ERROR);
drop_unmapped:
	q->stats.rx_errors++;
	kfree_skb(skb);
	respond_pkt(q, pkt, XSPLIT_NETIF_RSP_ERROR);
}

static void finish_all(struct xsplit_nb_queue *q)
{
	unsigned long flags;
	unsigned int i;
	bool notify;

	xsplit_gnt_copy_flush(&q->tx_copy);
	if (q->zc)
		xsplit_nb_zc_map_flush(q->zc);
	for (i = 0; i < q->nr_tx_pkts; i++)
		finish_packet(q, &q->tx_pkts[i]);
	q->nr_tx_pkts = 0;
	flags = rsp_lock(q);
	notify = xsplit_back_push_rsps(&q->tx.r);
	rsp_unlock(q, flags);
	if (notify)
		xsplit_evtchn_notify(&q->tx_ch);
}

/* Done for now: re-arm the ring's event, then EOI or poll again. */
static void tx_complete(struct xsplit_nb_queue *q, int done, bool throttled)
{
	int more;

	if (!napi_complete_done(&q->napi, done) || throttled)
		return;
	more = xsplit_back_final_check(&q->tx.r);
	if (more < 0) {
		xsplit_nb_vif_fatal(q->vif, "tx ring indices corrupt");
		return;
	}
	if (more)
		napi_schedule(&q->napi);
	else	/* tx_has_work() saw requests, which NAPI consumed: work */
		xsplit_nb_eoi(q, XSPLIT_NB_EOI_TX, true);
}

int xsplit_nb_tx_poll(struct napi_struct *napi, int budget)
{
	struct xsplit_nb_queue *q = container_of(napi, struct xsplit_nb_queue,
						 napi);
	int done = 0, ret = TX_EMPTY;

	if (READ_ONCE(q->vif->disabled)) {
		napi_complete(napi);
		return 0;
	}
	budget = min(budget, XSPLIT_NB_NAPI_WEIGHT);
	while (done < budget) {
		ret = parse_packet(q);
		if (ret == TX_EMPTY || ret == TX_THROTTLED ||
		    ret == XSPLIT_NB_TXV_FATAL)
			break;
		tx_act_on(q, ret);
		done++;
	}
	finish_all(q);
	if (ret == XSPLIT_NB_TXV_FATAL) {
		napi_complete(napi);
		return done;
	}
	if (done < budget)
		tx_complete(q, done, ret == TX_THROTTLED);
	return done;
}

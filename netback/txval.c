// SPDX-License-Identifier: GPL-2.0
/*
 * Tx packet validator: a small state machine fed one copied request at a
 * time (see txval.h for the packet layout and the verdicts).  Its phases:
 * the first slot, then the extra-info chain, then the data slots.  Once a
 * packet is known to be dropped the rest of its chain is still consumed,
 * so the ring stays in step with the frontend.
 */
#include "netback/txval.h"

enum {
	PHASE_FIRST,
	PHASE_EXTRA,
	PHASE_DATA,
	PHASE_DONE,
};

static const char *const reason_names[XSPLIT_NB_TXR_NR] = {
	[XSPLIT_NB_TXR_NONE] = "none",
	[XSPLIT_NB_TXR_BAD_FLAGS] = "unknown flags",
	[XSPLIT_NB_TXR_SHORT] = "shorter than an Ethernet header",
	[XSPLIT_NB_TXR_ZERO_SLOT] = "empty data slot",
	[XSPLIT_NB_TXR_OVERSIZE_SLOT] = "slot larger than the packet",
	[XSPLIT_NB_TXR_TOO_MANY_SLOTS] = "too many slots",
	[XSPLIT_NB_TXR_DUP_EXTRA] = "repeated extra info",
	[XSPLIT_NB_TXR_BAD_MCAST] = "malformed multicast request",
	[XSPLIT_NB_TXR_FATAL_SLOTS] = "slot count over fatal_skb_slots",
	[XSPLIT_NB_TXR_CROSS_PAGE] = "slot crosses its page",
	[XSPLIT_NB_TXR_BAD_EXTRA] = "invalid extra-info type",
	[XSPLIT_NB_TXR_BAD_GSO] = "invalid GSO type or size",
};

const char *xsplit_nb_txv_reason_name(unsigned int reason)
{
	return reason < XSPLIT_NB_TXR_NR ? reason_names[reason] : "?";
}

void xsplit_nb_txv_init(struct xsplit_nb_txv *v, u32 max_slots,
			u32 fatal_slots)
{
	memset(v, 0, sizeof(*v));
	if (fatal_slots > XSPLIT_NB_FATAL_SLOTS_MAX)
		fatal_slots = XSPLIT_NB_FATAL_SLOTS_MAX;
	if (!fatal_slots)
		fatal_slots = 1;
	if (!max_slots || max_slots > fatal_slots)
		max_slots = fatal_slots;
	v->max_slots = max_slots;
	v->fatal_slots = fatal_slots;
	v->phase = PHASE_FIRST;
	v->verdict = XSPLIT_NB_TXV_MORE;
}

static enum xsplit_nb_txv_verdict fatal(struct xsplit_nb_txv *v, u8 reason)
{
	v->phase = PHASE_DONE;
	v->reason = reason;
	v->verdict = XSPLIT_NB_TXV_FATAL;
	return XSPLIT_NB_TXV_FATAL;
}

/* Remember the first reason only; the chain is still consumed. */
static void drop(struct xsplit_nb_txv *v, u8 reason)
{
	if (!v->reason)
		v->reason = reason;
}

static enum xsplit_nb_txv_verdict mcast_verdict(struct xsplit_nb_txv *v)
{
	const u32 add = 1U << (XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD - 1);
	const u32 del = 1U << (XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL - 1);
	u32 ops = v->extra_mask & (add | del);

	if (!ops)
		return XSPLIT_NB_TXV_PACKET;
	/* A filter update carries no data and does one thing. */
	if (ops == (add | del) || v->nr_frags) {
		drop(v, XSPLIT_NB_TXR_BAD_MCAST);
		return XSPLIT_NB_TXV_DROP;
	}
	return ops == add ? XSPLIT_NB_TXV_MCAST_ADD : XSPLIT_NB_TXV_MCAST_DEL;
}

/* The whole chain is in: what is left of the length is the first slot's. */
static enum xsplit_nb_txv_verdict finish(struct xsplit_nb_txv *v)
{
	enum xsplit_nb_txv_verdict verdict;

	v->phase = PHASE_DONE;
	v->first_len = v->remaining;
	verdict = v->reason ? XSPLIT_NB_TXV_DROP : mcast_verdict(v);
	if (verdict == XSPLIT_NB_TXV_PACKET) {
		if (!xsplit_netif_in_page(v->first.offset, v->first_len))
			return fatal(v, XSPLIT_NB_TXR_CROSS_PAGE);
		if (v->len < XSPLIT_NB_ETH_HLEN) {
			drop(v, XSPLIT_NB_TXR_SHORT);
			verdict = XSPLIT_NB_TXV_DROP;
		}
	}
	v->verdict = verdict;
	return verdict;
}

static enum xsplit_nb_txv_verdict after_extras(struct xsplit_nb_txv *v)
{
	if (v->first.flags & XSPLIT_NETTXF_MORE_DATA) {
		v->phase = PHASE_DATA;
		return XSPLIT_NB_TXV_MORE;
	}
	return finish(v);
}

static enum xsplit_nb_txv_verdict
feed_first(struct xsplit_nb_txv *v, const struct xsplit_netif_tx_request *req)
{
	v->first = *req;
	v->len = req->size;
	v->remaining = req->size;
	if (!xsplit_netif_tx_flags_valid(req->flags))
		drop(v, XSPLIT_NB_TXR_BAD_FLAGS);
	if (req->flags & XSPLIT_NETTXF_EXTRA_INFO) {
		v->phase = PHASE_EXTRA;
		return XSPLIT_NB_TXV_MORE;
	}
	return after_extras(v);
}

static bool gso_valid(const struct xsplit_netif_extra_info *extra)
{
	return xsplit_netif_gso_type_valid(extra->u.gso.type) &&
	       extra->u.gso.size &&
	       extra->u.gso.size != XSPLIT_NB_GSO_BY_FRAGS;
}

static enum xsplit_nb_txv_verdict
feed_extra(struct xsplit_nb_txv *v, const struct xsplit_netif_tx_request *req)
{
	struct xsplit_netif_extra_info extra;
	u32 bit;

	xsplit_netif_tx_extra(&extra, req);
	if (!xsplit_netif_extra_type_valid(extra.type))
		return fatal(v, XSPLIT_NB_TXR_BAD_EXTRA);
	if (extra.type == XSPLIT_NETIF_EXTRA_TYPE_GSO) {
		if (!gso_valid(&extra))
			return fatal(v, XSPLIT_NB_TXR_BAD_GSO);
		if (extra.u.gso.size < XSPLIT_NB_MIN_GSO_SIZE)
			extra.u.gso.size = XSPLIT_NB_MIN_GSO_SIZE;
	}
	v->nr_extras++;
	bit = 1U << (extra.type - 1);
	if (v->extra_mask & bit)
		drop(v, XSPLIT_NB_TXR_DUP_EXTRA);
	v->extra_mask |= bit;
	v->extras[extra.type - 1] = extra;
	/* Each type at most once, so a longer chain cannot be valid. */
	if ((extra.flags & XSPLIT_NETIF_EXTRA_FLAG_MORE) &&
	    v->nr_extras >= XSPLIT_NB_MAX_EXTRAS)
		return fatal(v, XSPLIT_NB_TXR_BAD_EXTRA);
	if (extra.flags & XSPLIT_NETIF_EXTRA_FLAG_MORE)
		return XSPLIT_NB_TXV_MORE;
	return after_extras(v);
}

static enum xsplit_nb_txv_verdict
feed_data(struct xsplit_nb_txv *v, const struct xsplit_netif_tx_request *req)
{
	/* The first slot counts too. */
	if (v->nr_frags + 1 >= v->fatal_slots)
		return fatal(v, XSPLIT_NB_TXR_FATAL_SLOTS);
	if (!xsplit_netif_in_page(req->offset, req->size))
		return fatal(v, XSPLIT_NB_TXR_CROSS_PAGE);
	if (v->nr_frags + 1 >= v->max_slots)
		drop(v, XSPLIT_NB_TXR_TOO_MANY_SLOTS);
	if (!req->size)
		drop(v, XSPLIT_NB_TXR_ZERO_SLOT);
	if (req->size > v->remaining) {
		/* A frontend that sent >= 64 KiB wrapped the first size. */
		drop(v, XSPLIT_NB_TXR_OVERSIZE_SLOT);
		v->remaining = 0;
	} else {
		v->remaining -= req->size;
	}
	v->frags[v->nr_frags++] = *req;
	if (req->flags & XSPLIT_NETTXF_MORE_DATA)
		return XSPLIT_NB_TXV_MORE;
	return finish(v);
}

/**
 * xsplit_nb_txv_feed - consume the next request of the packet
 * @v: parse state from xsplit_nb_txv_init()
 * @req: private copy of the request
 *
 * Return: XSPLIT_NB_TXV_MORE while the packet goes on, then its verdict.
 * Feeding a finished packet changes nothing and returns its verdict.
 */
enum xsplit_nb_txv_verdict
xsplit_nb_txv_feed(struct xsplit_nb_txv *v,
		   const struct xsplit_netif_tx_request *req)
{
	switch (v->phase) {
	case PHASE_FIRST:
		return feed_first(v, req);
	case PHASE_EXTRA:
		return feed_extra(v, req);
	case PHASE_DATA:
		return feed_data(v, req);
	default:
		return v->verdict;
	}
}

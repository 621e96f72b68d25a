/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure bookkeeping of zero-copy guest transmit (tx_zc.c), free of kernel
 * calls so the unit tests exercise it in user space:
 *
 *  - a ring of slot indices: the pool's free slots, and the slots the
 *    stack has let go of and that wait for their unmap and response;
 *  - the rule deciding whether one guest packet is mapped or copied.
 *
 * The caller serializes each ring (tx_zc.c: one spinlock for both).
 */
#ifndef XSPLIT_NB_TX_ZC_RING_H
#define XSPLIT_NB_TX_ZC_RING_H

#include "xsplit_types.h"

/* Chain end and "not a zero-copy packet". */
#define XSPLIT_NB_ZC_NONE	0xffffU

struct xsplit_nb_idx_ring {
	u16 *idx;
	u32 size;	/* power of two, at least the indices ever held */
	u32 prod;	/* free-running */
	u32 cons;
};

static inline void xsplit_nb_idx_init(struct xsplit_nb_idx_ring *r, u16 *idx,
				      u32 size)
{
	r->idx = idx;
	r->size = size;
	r->prod = 0;
	r->cons = 0;
}

static inline u32 xsplit_nb_idx_count(const struct xsplit_nb_idx_ring *r)
{
	return r->prod - r->cons;
}

/* False (and nothing stored) when full: a caller bug, never a peer's. */
static inline bool xsplit_nb_idx_put(struct xsplit_nb_idx_ring *r, u16 i)
{
	if (xsplit_nb_idx_count(r) >= r->size)
		return false;
	r->idx[r->prod++ & (r->size - 1)] = i;
	return true;
}

static inline bool xsplit_nb_idx_get(struct xsplit_nb_idx_ring *r, u16 *i)
{
	if (!xsplit_nb_idx_count(r))
		return false;
	*i = r->idx[r->cons++ & (r->size - 1)];
	return true;
}

/*
 * Pool pages for a tx ring of @ring_slots slots.  The pool stays smaller
 * than the ring by @reserve slots (the most one packet may use): were
 * every pool page held by skbs stuck somewhere in the stack, their slots
 * stay unanswered, and the guest still has the reserve to send packets
 * that we then copy.  A tiny ring keeps half for the same reason.
 */
static inline u32 xsplit_nb_zc_pool_size(u32 ring_slots, u32 reserve)
{
	if (ring_slots > 2 * reserve)
		return ring_slots - reserve;
	return ring_slots / 2;
}

/* One guest packet, as far as the mapped-or-copied rule cares. */
struct xsplit_nb_zc_shape {
	u32 first_len;		/* bytes in the first slot (copied) */
	u32 linear;		/* of which go to the skb's linear area */
	u32 page_size;		/* size of one frag page of the copy */
	u32 nr_data;		/* slots after the first (mapped) */
	u32 max_frags;		/* MAX_SKB_FRAGS */
	u32 pool_free;		/* pool pages free right now */
};

/*
 * Map the data slots of this packet?  Only if there are any, they fit the
 * skb's frags beside the first slot's copied rest, and the pool has a
 * page for each; otherwise the packet is copied as a whole (never
 * blocked, never dropped for want of pool pages).
 */
static inline bool xsplit_nb_zc_eligible(const struct xsplit_nb_zc_shape *s)
{
	u32 rest = s->first_len > s->linear ? s->first_len - s->linear : 0;
	u32 copy_frags = (rest + s->page_size - 1) / s->page_size;

	if (!s->nr_data || s->nr_data > s->pool_free)
		return false;
	return copy_frags + s->nr_data <= s->max_frags;
}

#endif /* XSPLIT_NB_TX_ZC_RING_H */

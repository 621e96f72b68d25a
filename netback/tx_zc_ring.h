/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure bookkeeping of zero-copy guest transmit (tx_zc.c), free of kernel
 * calls so the unit tests exercise it in user space:
 *
 *  - a ring of slot indices: the slots the stack has let go of and that
 *    wait for their unmap and response, in the order they came back (the
 *    pool's free slots are outstanding ids, ring/xsplit_ids.h);
 *  - which slots the copied headers use up, and whether the rest of one
 *    guest packet is mapped or the whole packet copied.
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

/*
 * The protocol headers are copied into the skb's linear area even when
 * they span slots (a frontend may put only a few bytes in the first):
 * the first @want bytes of the packet, @first_len of them in the first
 * slot, the rest from the data slots of @sizes.  Returns how many data
 * slots that copy uses up whole; *@skip is how many bytes of the next
 * one it takes (0: none), the rest of which is still mapped.
 */
static inline u32 xsplit_nb_zc_header_split(u32 first_len, const u16 *sizes,
					    u32 nr, u32 want, u32 *skip)
{
	u32 pos = first_len, k = 0, c;

	*skip = 0;
	while (pos < want && k < nr) {
		c = sizes[k] < want - pos ? sizes[k] : want - pos;
		pos += c;
		if (c < sizes[k]) {
			*skip = c;
			break;
		}
		k++;
	}
	return k;
}

/* One guest packet, as far as the mapped-or-copied rule cares. */
struct xsplit_nb_zc_shape {
	u32 copy_frags;		/* frags the copied bytes already use */
	u32 nr_map;		/* data slots left to map */
	u32 max_frags;		/* MAX_SKB_FRAGS */
	u32 pool_free;		/* pool pages free right now */
};

/*
 * Map the rest of this packet?  Only if there is any, it fits the skb's
 * frags beside what was copied, and the pool has a page for each slot;
 * otherwise the packet is copied as a whole (never blocked, never
 * dropped for want of pool pages).
 */
static inline bool xsplit_nb_zc_eligible(const struct xsplit_nb_zc_shape *s)
{
	if (!s->nr_map || s->nr_map > s->pool_free)
		return false;
	return s->copy_frags + s->nr_map <= s->max_frags;
}

#endif /* XSPLIT_NB_TX_ZC_RING_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netfront tx for a trusted backend: which bytes of a packet are copied and
 * which are granted where they lie, as pure code that also builds in user
 * space (unit tests).
 *
 * The skb's linear head shares its page with other kernel allocations, so
 * it is always copied into fresh pages (at least @min_copy bytes, so that
 * the first slot holds a whole Ethernet header even when the head is
 * shorter).  The fragments' bytes after that are granted in place, read-only:
 * one slot per piece of a fragment that lies in one page (a fragment may
 * span several pages of a compound page, and a piece never crosses a page
 * boundary, since one grant names one page).  A packet that would need more
 * slots than @max_slots is not planned at all: the caller copies it whole.
 */
#ifndef XSPLIT_NETFRONT_TXPLAN_H
#define XSPLIT_NETFRONT_TXPLAN_H

#include "ring/netif.h"

/* Slots one planned packet may take: what every backend accepts. */
#define XSPLIT_NF_TX_PLAN_SLOTS XSPLIT_NETIF_NR_SLOTS_MIN

/* One fragment of the skb, as skb_frag_off() and skb_frag_size() give it. */
struct xsplit_nf_tx_frag {
	u32 off;	/* from the start of the fragment's first page */
	u32 len;
};

/* One granted slot: a piece of fragment @frag, within one page. */
struct xsplit_nf_tx_piece {
	u16 frag;	/* index of the fragment */
	u16 off;	/* offset in that page, < page size */
	u16 len;	/* > 0, off + len <= page size */
	u32 page;	/* which page of the fragment, counted from its first */
};

struct xsplit_nf_tx_plan {
	u32 copy;		/* bytes copied into fresh pages, from byte 0 */
	u16 copy_slots;		/* fresh pages they fill, one slot each */
	u16 nr;			/* granted pieces, after the copied slots */
	struct xsplit_nf_tx_piece p[XSPLIT_NF_TX_PLAN_SLOTS];
};

int xsplit_nf_tx_plan(struct xsplit_nf_tx_plan *pl, u32 headlen,
		      const struct xsplit_nf_tx_frag *frags,
		      unsigned int nr_frags, u32 min_copy, u32 page_size,
		      unsigned int max_slots);

#endif /* XSPLIT_NETFRONT_TXPLAN_H */

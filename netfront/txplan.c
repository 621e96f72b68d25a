// SPDX-License-Identifier: GPL-2.0
/*
 * netfront: the slot plan of a packet sent to a trusted backend (see
 * txplan.h).  Pure code: no kernel calls, so the unit tests run exactly
 * this file.
 */
#include "netfront/txplan.h"

/* Add the pieces of [off, off + len) of fragment @frag to @pl. */
static int plan_frag(struct xsplit_nf_tx_plan *pl, u16 frag, u32 off,
		     u32 len, u32 page_size, unsigned int max_slots)
{
	while (len) {
		u32 in_page = off % page_size;
		u32 n = page_size - in_page;
		struct xsplit_nf_tx_piece *p;

		if (n > len)
			n = len;
		if (pl->copy_slots + pl->nr >= max_slots)
			return -E2BIG;
		p = &pl->p[pl->nr++];
		p->frag = frag;
		p->page = off / page_size;
		p->off = (u16)in_page;
		p->len = (u16)n;
		off += n;
		len -= n;
	}
	return 0;
}

/**
 * xsplit_nf_tx_plan - the slots of one packet for a trusted backend
 * @pl: filled in
 * @headlen: bytes in the skb's linear head
 * @frags: its fragments, in order
 * @nr_frags: how many
 * @min_copy: copy at least this much (or the whole packet if shorter)
 * @page_size: bytes in a page, at most 65536
 * @max_slots: the most slots the packet may take, at most
 *             XSPLIT_NF_TX_PLAN_SLOTS
 *
 * Return: 0; -E2BIG if the packet needs more slots than @max_slots;
 * -EINVAL if it is no packet the ring can carry (empty, longer than a
 * request's size field, a bad @page_size or @max_slots).
 */
int xsplit_nf_tx_plan(struct xsplit_nf_tx_plan *pl, u32 headlen,
		      const struct xsplit_nf_tx_frag *frags,
		      unsigned int nr_frags, u32 min_copy, u32 page_size,
		      unsigned int max_slots)
{
	u64 len = headlen;
	u32 skip;
	unsigned int i;
	int err;

	memset(pl, 0, offsetof(struct xsplit_nf_tx_plan, p));
	if (!page_size || page_size > 65536 || !max_slots ||
	    max_slots > XSPLIT_NF_TX_PLAN_SLOTS || nr_frags > 0xffff)
		return -EINVAL;
	for (i = 0; i < nr_frags; i++)
		len += frags[i].len;
	if (!len || len > XSPLIT_NETIF_MAX_TX_SIZE)
		return -EINVAL;
	pl->copy = headlen;
	if (pl->copy < min_copy)
		pl->copy = len < min_copy ? (u32)len : min_copy;
	pl->copy_slots = (pl->copy + page_size - 1) / page_size;
	if (pl->copy_slots > max_slots)
		return -E2BIG;
	/* The fragments' bytes the copy already took. */
	skip = pl->copy - headlen;
	for (i = 0; i < nr_frags; i++) {
		u32 off = frags[i].off, flen = frags[i].len;

		if (skip >= flen) {
			skip -= flen;
			continue;
		}
		err = plan_frag(pl, (u16)i, off + skip, flen - skip, page_size,
				max_slots);
		if (err)
			return err;
		skip = 0;
	}
	return 0;
}

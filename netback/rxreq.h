/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taking the guest's rx buffers against one validated snapshot of its
 * req_prod.  Free of kernel calls so the unit tests run it on a ring in
 * user space.
 *
 * The thread decides how many buffers a packet may use from one read of
 * req_prod; every buffer it takes then gets a response.  Were each take to
 * re-read req_prod (as the ring's copy_req does), a guest moving it back
 * in between would make a take fail after the slot was already counted,
 * and the responses would outnumber the requests consumed.  So the read
 * that decides is also the one that bounds the takes: @end below.
 */
#ifndef XSPLIT_NB_RXREQ_H
#define XSPLIT_NB_RXREQ_H

#include "xsplit_types.h"
#include "ring/netif.h"

/**
 * xsplit_nb_rx_posted - buffers the guest posted, from one read of req_prod
 * @b: the rx ring's back end
 * @end: set to the index below which every request is validated
 *
 * Return: the number of buffers, or XSPLIT_RING_CORRUPT (*end untouched).
 */
static inline int xsplit_nb_rx_posted(struct xsplit_netif_rx_back *b,
				      u32 *end)
{
	int avail = xsplit_back_reqs_pending(&b->r);

	if (avail >= 0)
		*end = b->r.req_cons + (u32)avail;
	return avail;
}

/**
 * xsplit_nb_rx_take - copy out the next buffer request below @end
 * @b: the rx ring's back end
 * @end: from xsplit_nb_rx_posted(); req_prod is not read again
 * @req: the private copy
 *
 * Return: false when the snapshot is used up (a caller's bug: it takes
 * no more than it was given).
 */
static inline bool xsplit_nb_rx_take(struct xsplit_netif_rx_back *b, u32 end,
				     struct xsplit_netif_rx_request *req)
{
	struct xsplit_back_ring *r = &b->r;
	const void *slot;

	if (r->req_cons == end)
		return false;
	slot = xsplit_ring_slot(r->sring, r->nr_ents, r->slot_size,
				r->req_cons);
	memcpy(req, slot, sizeof(*req));
	virt_rmb(); /* the copy is final: never re-read the slot */
	r->req_cons++;
	return true;
}

#endif /* XSPLIT_NB_RXREQ_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the guest-receive buffer takes (netback/rxreq.h) against a guest
 * that posts buffers, takes its responses and writes req_prod at will.
 * Each input byte is an operation, some followed by argument bytes; the
 * guest may move req_prod between the backend's read and its takes.
 * Whatever the guest does, every buffer the backend decided to use must
 * be taken and answered (a failed take or an unanswerable response is the
 * WARN of issue #14, item 4); a corrupt ring only stops the backend.
 */
#include <stdlib.h>

#include "netback/rxreq.h"

/* Most buffers one guest-bound packet takes (MAX_SKB_FRAGS + 2, extras). */
#define MAX_NEED 21

enum { OP_POST, OP_LIE, OP_SERVE, OP_REAP, OP_NR };

struct rig {
	void *page;
	struct xsplit_netif_rx_front f;
	struct xsplit_netif_rx_back b;
	bool broken;
};

static void post(struct rig *g, u8 n)
{
	struct xsplit_netif_rx_request req = { .id = n, .gref = n };

	while (n-- && !xsplit_netif_rx_front_put_req(&g->f, &req))
		req.id++;
	xsplit_front_push_reqs(&g->f.r);
}

/*
 * The backend's rx_action() for one packet of @need buffers; the guest
 * moves req_prod by @delta just before take number @lie_at, if any.
 */
static void serve(struct rig *g, u32 need, u32 lie_at, s8 delta)
{
	struct xsplit_sring *s = g->page;
	struct xsplit_netif_rx_request req;
	struct xsplit_netif_rx_response rsp = { 0 };
	int avail;
	u32 end, i;

	avail = xsplit_nb_rx_posted(&g->b, &end);
	if (avail < 0) {
		g->broken = true;
		return;
	}
	if ((u32)avail < need)
		return;
	for (i = 0; i < need; i++) {
		if (i == lie_at)
			WRITE_ONCE(s->req_prod, s->req_prod + delta);
		if (!xsplit_nb_rx_take(&g->b, end, &req))
			abort();
	}
	for (i = 0; i < need; i++)
		if (xsplit_netif_rx_back_put_rsp(&g->b, &rsp))
			abort();
	xsplit_back_push_rsps(&g->b.r);
}

static void reap(struct rig *g)
{
	struct xsplit_netif_rx_response rsp;

	while (xsplit_netif_rx_front_copy_rsp(&g->f, &rsp) > 0)
		;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct rig g = { 0 };
	size_t pos = 0;
	u32 v;

	g.page = aligned_alloc(XSPLIT_RING_PAGE_SIZE, XSPLIT_RING_PAGE_SIZE);
	if (!g.page || xsplit_netif_rx_sring_init(g.page, 0) ||
	    xsplit_netif_rx_front_attach(&g.f, g.page, 0, 0) ||
	    xsplit_netif_rx_back_attach(&g.b, g.page, 0, 0))
		abort();
	while (pos < size && !g.broken) {
		switch (data[pos++] % OP_NR) {
		case OP_POST:
			post(&g, pos < size ? data[pos++] : 1);
			break;
		case OP_LIE:
			v = 0;
			if (pos + sizeof(v) <= size)
				memcpy(&v, data + pos, sizeof(v));
			pos += sizeof(v);
			/* small moves either way mostly, any value sometimes */
			if (v & 1)
				v = ((struct xsplit_sring *)g.page)->req_prod +
				    (s8)(v >> 8);
			WRITE_ONCE(((struct xsplit_sring *)g.page)->req_prod, v);
			break;
		case OP_SERVE:
			if (pos + 3 > size)
				break;
			serve(&g, data[pos] % MAX_NEED + 1, data[pos + 1] % 32,
			      (s8)data[pos + 2]);
			pos += 3;
			break;
		case OP_REAP:
			reap(&g);
			break;
		}
	}
	free(g.page);
	return 0;
}

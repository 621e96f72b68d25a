// SPDX-License-Identifier: GPL-2.0
/*
 * A back end consuming requests from a shared ring that a hostile front end
 * controls completely: the page contents, the producer index at any moment,
 * the slots after we copied them.  Checked: no access outside the ring (the
 * page is allocated at its exact size, ASan watches), never more than a
 * ring's worth of requests taken without answering, every request seen is
 * the slot's content at the time of the copy, and a broken ring stays
 * broken.
 *
 * Input: [ring kind, order, start index (4), initial req_prod (4)] then one
 * byte per step; the same input also fills the shared page.
 */
#include <stdlib.h>

#include "ring/xsplit_ring.h"
#include "ring/blkif.h"
#include "ring/netif.h"

#define HDR_LEN 10

/* Not assert(): a fuzzer must check whatever NDEBUG says. */
#define check(cond) do { if (!(cond)) abort(); } while (0)

enum step {
	STEP_DRAIN,		/* copy requests until none or error */
	STEP_COPY_ONE,
	STEP_ANSWER,		/* answer one request and push */
	STEP_SET_PROD,		/* peer: req_prod = next 4 bytes */
	STEP_BUMP_PROD,		/* peer: req_prod += next byte */
	STEP_SCRIBBLE,		/* peer: rewrite a slot byte */
	STEP_FINAL_CHECK,
	STEP_NR,
};

struct input {
	const u8 *data;
	size_t len, pos;
};

static u8 next_u8(struct input *in)
{
	return in->pos < in->len ? in->data[in->pos++] : 0;
}

static u32 next_u32(struct input *in)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | next_u8(in);
	return v;
}

/* One typed back end; its copy function hides behind a pointer. */
struct back {
	struct xsplit_back_ring *r;
	int (*copy)(struct back *b, void *dst);
	int (*answer)(struct back *b);
	size_t req_size;
	union {
		struct xsplit_blkif_back blk;
		struct xsplit_blkif_x86_32_back blk32;
		struct xsplit_netif_tx_back tx;
	} u;
};

static int copy_blk(struct back *b, void *dst)
{
	return xsplit_blkif_back_copy_req(&b->u.blk, dst);
}

static int copy_blk32(struct back *b, void *dst)
{
	return xsplit_blkif_x86_32_back_copy_req(&b->u.blk32, dst);
}

static int copy_tx(struct back *b, void *dst)
{
	return xsplit_netif_tx_back_copy_req(&b->u.tx, dst);
}

static int answer_blk(struct back *b)
{
	struct xsplit_blkif_response rsp = { .status = -1 };

	return xsplit_blkif_back_put_rsp(&b->u.blk, &rsp);
}

static int answer_blk32(struct back *b)
{
	struct xsplit_blkif_x86_32_response rsp = { .status = -1 };

	return xsplit_blkif_x86_32_back_put_rsp(&b->u.blk32, &rsp);
}

static int answer_tx(struct back *b)
{
	struct xsplit_netif_tx_response rsp = { .status = -1 };

	return xsplit_netif_tx_back_put_rsp(&b->u.tx, &rsp);
}

static int back_attach(struct back *b, u8 kind, void *page,
		       unsigned int order, u32 idx)
{
	switch (kind % 3) {
	case 0:
		b->r = &b->u.blk.r;
		b->copy = copy_blk;
		b->answer = answer_blk;
		b->req_size = sizeof(struct xsplit_blkif_request);
		return xsplit_blkif_back_attach(&b->u.blk, page, order, idx);
	case 1:
		b->r = &b->u.blk32.r;
		b->copy = copy_blk32;
		b->answer = answer_blk32;
		b->req_size = sizeof(struct xsplit_blkif_x86_32_request);
		return xsplit_blkif_x86_32_back_attach(&b->u.blk32, page,
						       order, idx);
	default:
		b->r = &b->u.tx.r;
		b->copy = copy_tx;
		b->answer = answer_tx;
		b->req_size = sizeof(struct xsplit_netif_tx_request);
		return xsplit_netif_tx_back_attach(&b->u.tx, page, order, idx);
	}
}

/* Copy one request and check it is the slot as it was at that moment. */
static int copy_checked(struct back *b)
{
	u8 req[sizeof(union xsplit_blkif_slot)];
	u32 idx = b->r->req_cons;
	const u8 *slot = xsplit_ring_slot(b->r->sring, b->r->nr_ents,
					  b->r->slot_size, idx);
	int ret = b->copy(b, req);

	check(ret == 1 || ret == 0 || ret == -EIO);
	if (ret == 1) {
		check(b->r->req_cons == idx + 1);
		check(!memcmp(req, slot, b->req_size));
	} else {
		check(b->r->req_cons == idx);
	}
	check(xsplit_back_unanswered(b->r) <= b->r->nr_ents);
	return ret;
}

static void drain(struct back *b)
{
	u32 room = b->r->nr_ents - xsplit_back_unanswered(b->r);
	u32 n = 0;

	while (copy_checked(b) == 1)
		check(++n <= room);
}

static void step(struct back *b, struct input *in, u8 *page, size_t bytes)
{
	bool was_broken = xsplit_back_broken(b->r);
	size_t off;

	switch (next_u8(in) % STEP_NR) {
	case STEP_DRAIN:
		drain(b);
		break;
	case STEP_COPY_ONE:
		copy_checked(b);
		break;
	case STEP_ANSWER:
		if (b->answer(b) == 0)
			xsplit_back_push_rsps(b->r);
		break;
	case STEP_SET_PROD:
		b->r->sring->req_prod = next_u32(in);
		break;
	case STEP_BUMP_PROD:
		b->r->sring->req_prod += next_u8(in);
		break;
	case STEP_SCRIBBLE:
		off = (next_u32(in) % bytes);
		page[off] = next_u8(in);
		break;
	case STEP_FINAL_CHECK:
		check(xsplit_back_final_check(b->r) >= -EIO);
		break;
	}
	/* once corrupt, always corrupt */
	if (was_broken) {
		check(xsplit_back_broken(b->r));
		check(xsplit_back_reqs_pending(b->r) == -EIO);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct input in = { .data = data, .len = len };
	struct back b;
	unsigned int order;
	size_t bytes, i;
	u8 kind, *page;
	u32 start;

	if (len < HDR_LEN)
		return 0;
	kind = next_u8(&in);
	order = next_u8(&in) % (XSPLIT_RING_MAX_ORDER + 1);
	start = next_u32(&in);
	bytes = XSPLIT_RING_BYTES(order);
	page = malloc(bytes);
	check(page);
	for (i = 0; i < bytes; i++)
		page[i] = data[i % len];
	if (back_attach(&b, kind, page, order, start))
		abort();
	b.r->sring->req_prod = next_u32(&in);
	while (in.pos < in.len)
		step(&b, &in, page, bytes);
	drain(&b);
	free(page);
	return 0;
}

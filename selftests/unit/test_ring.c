// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ring/xsplit_ring.h: both ends of one ring on one page in one
 * process.  The "peer" is the test itself writing the shared header, which
 * is how corruption, wrap-around and lost notifications are reproduced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "table.h"

#include "ring/xsplit_ring.h"
#include "ring/blkif.h"
#include "ring/netif.h"

/* A test ring whose entries carry a sequence number we can check. */
struct t_req {
	u32 seq;
	u32 val[3];
};

struct t_rsp {
	u32 seq;
	s32 status;
};

XSPLIT_DEFINE_RING(t_ring, struct t_req, struct t_rsp)

struct pair {
	void *page;
	unsigned int order;
	struct t_ring_front f;
	struct t_ring_back b;
};

/* Both ends attached to a fresh ring whose indices all start at idx. */
static struct pair *pair_new(unsigned int order, u32 idx)
{
	struct pair *p = calloc(1, sizeof(*p));
	struct xsplit_sring *s;

	assert_non_null(p);
	p->order = order;
	/* exact size, so ASan flags any access past the ring */
	p->page = aligned_alloc(XSPLIT_RING_PAGE_SIZE, XSPLIT_RING_BYTES(order));
	assert_non_null(p->page);
	assert_int_equal(t_ring_sring_init(p->page, order), 0);
	s = p->page;
	s->req_prod = idx;
	s->rsp_prod = idx;
	s->req_event = idx + 1;
	s->rsp_event = idx + 1;
	assert_int_equal(t_ring_front_attach(&p->f, p->page, order, idx), 0);
	assert_int_equal(t_ring_back_attach(&p->b, p->page, order, idx), 0);
	return p;
}

static void pair_free(struct pair *p)
{
	free(p->page);
	free(p);
}

static struct xsplit_sring *sring(struct pair *p)
{
	return p->page;
}

static void put_reqs(struct pair *p, u32 n, u32 first_seq)
{
	struct t_req req = { 0 };
	u32 i;

	for (i = 0; i < n; i++) {
		req.seq = first_seq + i;
		req.val[1] = ~req.seq;
		assert_int_equal(t_ring_front_put_req(&p->f, &req), 0);
	}
}

/* Back end takes n requests, checks their order, and answers each. */
static void serve_reqs(struct pair *p, u32 n, u32 first_seq)
{
	struct t_req req;
	struct t_rsp rsp = { 0 };
	u32 i;

	for (i = 0; i < n; i++) {
		assert_int_equal(t_ring_back_copy_req(&p->b, &req), 1);
		assert_int_equal(req.seq, first_seq + i);
		assert_int_equal(req.val[1], ~(first_seq + i));
		rsp.seq = req.seq;
		assert_int_equal(t_ring_back_put_rsp(&p->b, &rsp), 0);
	}
}

static void take_rsps(struct pair *p, u32 n, u32 first_seq)
{
	struct t_rsp rsp;
	u32 i;

	for (i = 0; i < n; i++) {
		assert_int_equal(t_ring_front_copy_rsp(&p->f, &rsp), 1);
		assert_int_equal(rsp.seq, first_seq + i);
	}
}

/* ---- sizes ---- */

struct size_case {
	const char *ring;
	size_t slot;
	u32 ents[XSPLIT_RING_MAX_ORDER + 1];	/* per order 0..4 */
};

/* (4096 << order) - 64 bytes of slots, rounded down to a power of two. */
static const struct size_case size_cases[] = {
	{ "blkif",	  112, { 32, 64, 128, 256, 512 } },
	{ "blkif x86_32", 108, { 32, 64, 128, 256, 512 } },
	{ "netif tx",	  12,  { 256, 512, 1024, 2048, 4096 } },
	{ "netif rx",	  8,   { 256, 512, 1024, 2048, 4096 } },
	{ "netif ctrl",	  16,  { 128, 256, 512, 1024, 2048 } },
	{ "t_ring",	  16,  { 128, 256, 512, 1024, 2048 } },
	{ "one byte",	  1,   { 2048, 4096, 8192, 16384, 32768 } },
	{ "whole page",	  4032, { 1, 2, 4, 8, 16 } },
};

static void test_slot_sizes(void **state)
{
	assert_int_equal(sizeof(union xsplit_blkif_slot), 112);
	assert_int_equal(sizeof(union xsplit_blkif_x86_32_slot), 108);
	assert_int_equal(sizeof(union xsplit_blkif_x86_64_slot), 112);
	assert_int_equal(sizeof(union xsplit_netif_tx_slot), 12);
	assert_int_equal(sizeof(union xsplit_netif_rx_slot), 8);
	assert_int_equal(sizeof(union xsplit_netif_ctrl_slot), 16);
	assert_int_equal(sizeof(union t_ring_slot), 16);
	assert_int_equal(offsetof(struct xsplit_sring, req_prod), 0);
	assert_int_equal(offsetof(struct xsplit_sring, req_event), 4);
	assert_int_equal(offsetof(struct xsplit_sring, rsp_prod), 8);
	assert_int_equal(offsetof(struct xsplit_sring, rsp_event), 12);
	assert_int_equal(offsetof(struct xsplit_sring, slots), 64);
}

static void test_nr_ents_per_order(void **state)
{
	size_t i;
	unsigned int order;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];

		for (order = 0; order <= XSPLIT_RING_MAX_ORDER; order++) {
			case_equal(i * 10 + order,
				   xsplit_ring_nr_ents(order, c->slot),
				   c->ents[order]);
			case_equal(i * 10 + order,
				   XSPLIT_RING_SIZE(c->slot, order),
				   c->ents[order]);
		}
	}
}

static void test_attach_every_order(void **state)
{
	unsigned int order;

	for (order = 0; order <= XSPLIT_RING_MAX_ORDER; order++) {
		struct pair *p = pair_new(order, 0);
		u32 n = size_cases[5].ents[order];

		assert_int_equal(p->f.r.nr_ents, n);
		assert_int_equal(p->b.r.nr_ents, n);
		/* fill the whole ring: touches the last slot of the last page */
		put_reqs(p, n, 0);
		xsplit_front_push_reqs(&p->f.r);
		serve_reqs(p, n, 0);
		xsplit_back_push_rsps(&p->b.r);
		take_rsps(p, n, 0);
		pair_free(p);
	}
}

/*
 * A new back end takes over a live ring (the driver reloaded under a
 * connected front end): the old one served some requests and left; the
 * front end queued more meanwhile.  Per case: where the ring started,
 * requests served by the old back end, requests queued after it left.
 */
struct rejoin_case {
	u32 start;
	u32 served;
	u32 queued;
};

static const struct rejoin_case rejoin_cases[] = {
	{ 0, 0, 0 },			/* fresh ring */
	{ 0, 5, 0 },			/* idle when taken over */
	{ 0, 5, 7 },			/* requests waiting */
	{ 0, 0, 128 },			/* a full ring waiting */
	{ 0xfffffff0, 10, 20 },		/* indices wrap while away */
	{ 0xffffffff, 1, 31 },
};

static void test_back_rejoin(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rejoin_cases); i++) {
		const struct rejoin_case *c = &rejoin_cases[i];
		struct pair *p = pair_new(0, c->start);

		put_reqs(p, c->served, 0);
		xsplit_front_push_reqs(&p->f.r);
		serve_reqs(p, c->served, 0);
		xsplit_back_push_rsps(&p->b.r);
		memset(&p->b, 0xa5, sizeof(p->b));	/* the old one is gone */
		take_rsps(p, c->served, 0);
		put_reqs(p, c->queued, c->served);
		xsplit_front_push_reqs(&p->f.r);
		assert_int_equal(t_ring_back_rejoin(&p->b, p->page, 0), 0);
		assert_int_equal(p->b.r.req_cons, c->start + c->served);
		assert_int_equal(p->b.r.rsp_prod_pvt, c->start + c->served);
		assert_int_equal(xsplit_back_reqs_pending(&p->b.r), c->queued);
		serve_reqs(p, c->queued, c->served);
		xsplit_back_push_rsps(&p->b.r);
		take_rsps(p, c->queued, c->served);
		pair_free(p);
	}
}

/* A header with more requests than slots is refused, not attached. */
static void test_back_rejoin_overfull(void **state)
{
	struct pair *p = pair_new(0, 0xfffffff8);
	u32 n = p->b.r.nr_ents;
	struct t_ring_back b;

	sring(p)->req_prod = 0xfffffff8 + n + 1;
	assert_int_equal(t_ring_back_rejoin(&b, p->page, 0), -EIO);
	sring(p)->req_prod = 0xfffffff8 - 1;	/* behind rsp_prod */
	assert_int_equal(t_ring_back_rejoin(&b, p->page, 0), -EIO);
	sring(p)->req_prod = 0xfffffff8 + n;	/* exactly full */
	assert_int_equal(t_ring_back_rejoin(&b, p->page, 0), 0);
	assert_int_equal(xsplit_back_rejoin(&b.r, p->page, 0, 0), -EINVAL);
	pair_free(p);
}

struct bad_attach {
	unsigned int order;
	size_t slot;
};

static const struct bad_attach bad_attach[] = {
	{ XSPLIT_RING_MAX_ORDER + 1, 16 },
	{ 31, 16 },
	{ 0, 0 },
	{ 0, XSPLIT_RING_PAGE_SIZE - XSPLIT_RING_HDR_SIZE + 1 },
	{ 0, XSPLIT_RING_PAGE_SIZE },
	{ 4, (XSPLIT_RING_PAGE_SIZE << 4) },
};

static void test_attach_invalid(void **state)
{
	static u8 page[XSPLIT_RING_PAGE_SIZE];
	struct xsplit_front_ring f;
	struct xsplit_back_ring b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_attach); i++) {
		const struct bad_attach *c = &bad_attach[i];

		case_equal(i, xsplit_ring_nr_ents(c->order, c->slot), 0);
		assert_int_equal(xsplit_front_attach(&f, page, c->order,
						     c->slot, 0), -EINVAL);
		assert_int_equal(xsplit_back_attach(&b, page, c->order,
						    c->slot, 0), -EINVAL);
		assert_int_equal(xsplit_sring_init(page, c->order, c->slot),
				 -EINVAL);
	}
}

/* ---- init ---- */

static void test_init_clears_everything(void **state)
{
	size_t bytes = XSPLIT_RING_BYTES(2);
	u8 *page = malloc(bytes);
	struct xsplit_sring *s = (struct xsplit_sring *)page;
	size_t i;

	assert_non_null(page);
	memset(page, 0xa5, bytes);
	assert_int_equal(t_ring_sring_init(page, 2), 0);
	assert_int_equal(s->req_prod, 0);
	assert_int_equal(s->rsp_prod, 0);
	assert_int_equal(s->req_event, 1);
	assert_int_equal(s->rsp_event, 1);
	for (i = offsetof(struct xsplit_sring, pad); i < bytes; i++)
		assert_int_equal(page[i], 0);
	free(page);
}

/* ---- full / empty ---- */

static void test_empty_ring(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_req req;
	struct t_rsp rsp;

	assert_int_equal(xsplit_front_free_reqs(&p->f.r), 128);
	assert_false(xsplit_front_full(&p->f.r));
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), 0);
	assert_int_equal(t_ring_front_copy_rsp(&p->f, &rsp), 0);
	assert_int_equal(xsplit_back_reqs_pending(&p->b.r), 0);
	assert_int_equal(xsplit_front_rsps_pending(&p->f.r), 0);
	/* nothing consumed: there is no request to answer */
	rsp.seq = 0;
	assert_int_equal(t_ring_back_put_rsp(&p->b, &rsp), -ENOSPC);
	pair_free(p);
}

static void test_full_ring(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_req req = { .seq = 99 };

	put_reqs(p, 127, 0);
	assert_int_equal(xsplit_front_free_reqs(&p->f.r), 1);
	put_reqs(p, 1, 127);
	assert_true(xsplit_front_full(&p->f.r));
	assert_int_equal(t_ring_front_put_req(&p->f, &req), -ENOSPC);
	xsplit_front_push_reqs(&p->f.r);
	/* consumed but unanswered requests still occupy their slots */
	serve_reqs(p, 1, 0);
	assert_true(xsplit_front_full(&p->f.r));
	xsplit_back_push_rsps(&p->b.r);
	take_rsps(p, 1, 0);
	assert_int_equal(xsplit_front_free_reqs(&p->f.r), 1);
	assert_int_equal(t_ring_front_put_req(&p->f, &req), 0);
	assert_int_equal(t_ring_front_put_req(&p->f, &req), -ENOSPC);
	pair_free(p);
}

/*
 * Occupancy for statistics: slots holding unanswered requests, consumed
 * or not, across the wrap; a hostile req_prod is clamped to the ring.
 */
static void test_back_occupancy(void **state)
{
	struct pair *p = pair_new(0, 0xfffffff0);

	assert_int_equal(xsplit_back_occupancy(&p->b.r), 0);
	put_reqs(p, 40, 0);
	xsplit_front_push_reqs(&p->f.r);
	assert_int_equal(xsplit_back_occupancy(&p->b.r), 40);
	serve_reqs(p, 30, 0);	/* answered, not yet pushed: free anyway */
	assert_int_equal(xsplit_back_occupancy(&p->b.r), 10);
	xsplit_back_push_rsps(&p->b.r);
	assert_int_equal(xsplit_back_occupancy(&p->b.r), 10);
	sring(p)->req_prod = p->b.r.rsp_prod_pvt + 1000;
	assert_int_equal(xsplit_back_occupancy(&p->b.r), 128);
	sring(p)->req_prod = p->b.r.rsp_prod_pvt - 1;
	assert_int_equal(xsplit_back_occupancy(&p->b.r), 128);
	pair_free(p);
}

/* ---- wrap-around at 2^32 ---- */

static const u32 wrap_starts[] = {
	0, 1, 0x7fffffff, 0xffffff00, 0xfffffff0, 0xffffffc0 + 1,
	0xfffffffe, 0xffffffff,
};

static void test_wraparound(void **state)
{
	size_t i;
	int round;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		struct pair *p = pair_new(0, wrap_starts[i]);
		u32 seq = 0;

		/* three passes of uneven batches cross 2^32 from any start */
		for (round = 0; round < 6; round++) {
			u32 n = round % 2 ? 128 : 77;

			put_reqs(p, n, seq);
			xsplit_front_push_reqs(&p->f.r);
			assert_int_equal(xsplit_back_reqs_pending(&p->b.r), n);
			serve_reqs(p, n, seq);
			xsplit_back_push_rsps(&p->b.r);
			assert_int_equal(xsplit_front_rsps_pending(&p->f.r), n);
			take_rsps(p, n, seq);
			seq += n;
		}
		assert_int_equal(p->f.r.rsp_cons, (u32)(wrap_starts[i] + seq));
		assert_int_equal(sring(p)->req_prod,
				 (u32)(wrap_starts[i] + seq));
		assert_false(xsplit_front_broken(&p->f.r));
		assert_false(xsplit_back_broken(&p->b.r));
		pair_free(p);
	}
}

/* Slot of index i is i mod nr_ents, also across the wrap. */
static void test_slot_mapping_across_wrap(void **state)
{
	struct pair *p = pair_new(0, 0xfffffffe);
	struct t_req req = { .seq = 0xabcd };
	const struct t_req *slots = (const struct t_req *)sring(p)->slots;

	put_reqs(p, 1, 1);	/* index 0xfffffffe -> slot 126 */
	put_reqs(p, 1, 2);	/* index 0xffffffff -> slot 127 */
	assert_int_equal(t_ring_front_put_req(&p->f, &req), 0); /* slot 0 */
	assert_int_equal(slots[126].seq, 1);
	assert_int_equal(slots[127].seq, 2);
	assert_int_equal(slots[0].seq, 0xabcd);
	pair_free(p);
}

/* ---- notification ---- */

struct notify_case {
	u32 old, new, event;
	bool notify;
};

static const struct notify_case notify_cases[] = {
	{ 0, 1, 1, true },		/* first entry, peer waits for it */
	{ 0, 5, 1, true },		/* event inside the batch */
	{ 0, 5, 5, true },		/* event at the last new entry */
	{ 0, 5, 6, false },		/* peer wants a later one */
	{ 4, 5, 4, false },		/* event already passed before */
	{ 5, 5, 5, false },		/* nothing new */
	{ 5, 5, 6, false },
	{ 0xfffffffe, 2, 0xffffffff, true },	/* batch crosses 2^32 */
	{ 0xfffffffe, 2, 0, true },
	{ 0xfffffffe, 2, 2, true },
	{ 0xfffffffe, 2, 3, false },
	{ 0xfffffffe, 2, 0xfffffffe, false },
	{ 0xffffffff, 0, 0, true },
	{ 0xffffffff, 0, 1, false },
	{ 10, 20, 0x80000000, false },	/* event far away */
};

static void test_need_notify_table(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(notify_cases); i++) {
		const struct notify_case *c = &notify_cases[i];

		case_equal(i, xsplit_ring_need_notify(c->old, c->new, c->event),
			   c->notify);
	}
}

/* The front end notifies when the back end asked, and only then. */
static void test_front_push_notify(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		struct pair *p = pair_new(0, wrap_starts[i]);

		put_reqs(p, 2, 0);
		/* fresh ring: req_event = start + 1 */
		assert_true(xsplit_front_push_reqs(&p->f.r));
		put_reqs(p, 2, 2);
		/* back end has not re-armed: no second notification */
		assert_false(xsplit_front_push_reqs(&p->f.r));
		/* pushing nothing never notifies */
		assert_false(xsplit_front_push_reqs(&p->f.r));
		serve_reqs(p, 4, 0);
		assert_int_equal(xsplit_back_final_check(&p->b.r), 0);
		assert_int_equal(sring(p)->req_event,
				 (u32)(wrap_starts[i] + 5));
		put_reqs(p, 1, 4);
		assert_true(xsplit_front_push_reqs(&p->f.r));
		pair_free(p);
	}
}

static void test_back_push_notify(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		struct pair *p = pair_new(0, wrap_starts[i]);

		put_reqs(p, 8, 0);
		xsplit_front_push_reqs(&p->f.r);
		serve_reqs(p, 3, 0);
		assert_true(xsplit_back_push_rsps(&p->b.r));
		serve_reqs(p, 3, 3);
		assert_false(xsplit_back_push_rsps(&p->b.r));
		take_rsps(p, 6, 0);
		assert_int_equal(xsplit_front_final_check(&p->f.r), 0);
		assert_int_equal(sring(p)->rsp_event,
				 (u32)(wrap_starts[i] + 7));
		serve_reqs(p, 1, 6);
		assert_true(xsplit_back_push_rsps(&p->b.r));
		pair_free(p);
	}
}

/* A consumer that asks for a later event is notified only there. */
static void test_batched_event(void **state)
{
	struct pair *p = pair_new(0, 0xfffffffc);

	sring(p)->req_event = 0xfffffffc + 3;	/* wake me at the 3rd */
	put_reqs(p, 2, 0);
	assert_false(xsplit_front_push_reqs(&p->f.r));
	put_reqs(p, 1, 2);
	assert_true(xsplit_front_push_reqs(&p->f.r));
	pair_free(p);
}

/*
 * Published one by one, notified once: the decision after a batch covers
 * every request published since the previous decision, so an event the
 * back end asked for in the middle of the batch is not lost.
 */
static void test_front_batch_notify(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		struct pair *p = pair_new(0, wrap_starts[i]);

		sring(p)->req_event = wrap_starts[i] + 2;
		put_reqs(p, 1, 0);
		xsplit_front_publish_reqs(&p->f.r);
		put_reqs(p, 1, 1);
		xsplit_front_publish_reqs(&p->f.r);
		put_reqs(p, 1, 2);
		xsplit_front_publish_reqs(&p->f.r);
		/* published without a decision: the back end sees all three */
		assert_int_equal(sring(p)->req_prod, (u32)(wrap_starts[i] + 3));
		assert_true(xsplit_front_check_notify(&p->f.r));
		/* nothing published since: no second event */
		assert_false(xsplit_front_check_notify(&p->f.r));
		/* asked for at the fifth: not yet after the fourth ... */
		sring(p)->req_event = wrap_starts[i] + 5;
		put_reqs(p, 1, 3);
		xsplit_front_publish_reqs(&p->f.r);
		assert_false(xsplit_front_check_notify(&p->f.r));
		/* ... but after a batch that reaches it */
		put_reqs(p, 2, 4);
		xsplit_front_publish_reqs(&p->f.r);
		assert_true(xsplit_front_check_notify(&p->f.r));
		pair_free(p);
	}
}

/* A held response event: the decision covers what was published since. */
static void test_back_deferred_notify(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		struct pair *p = pair_new(0, wrap_starts[i]);

		put_reqs(p, 4, 0);
		xsplit_front_push_reqs(&p->f.r);
		serve_reqs(p, 2, 0);
		xsplit_back_publish_rsps(&p->b.r);
		serve_reqs(p, 2, 2);
		xsplit_back_publish_rsps(&p->b.r);
		assert_int_equal(xsplit_back_unchecked(&p->b.r), 4);
		/* fresh ring: rsp_event = start + 1, inside the four */
		assert_true(xsplit_back_check_notify(&p->b.r));
		assert_int_equal(xsplit_back_unchecked(&p->b.r), 0);
		pair_free(p);
	}
}

/* The front end took the held responses by itself: no event is due. */
static void test_back_deferred_taken(void **state)
{
	struct pair *p = pair_new(0, 0xfffffffe);

	put_reqs(p, 3, 0);
	xsplit_front_push_reqs(&p->f.r);
	serve_reqs(p, 3, 0);
	xsplit_back_publish_rsps(&p->b.r);
	take_rsps(p, 3, 0);
	assert_int_equal(xsplit_front_final_check(&p->f.r), 0);
	assert_false(xsplit_back_check_notify(&p->b.r));
	pair_free(p);
}

/*
 * A front end that asks for one event per batch of answers: the event
 * comes at the batch's last answer, never for more than half of what is
 * in flight, and once all is answered the plain check is back.
 */
static void test_front_batched_rsp_event(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		u32 start = wrap_starts[i];
		struct pair *p = pair_new(0, start);

		put_reqs(p, 20, 0);
		xsplit_front_push_reqs(&p->f.r);
		/* 20 in flight: a batch of 8 is asked for whole */
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		assert_int_equal(sring(p)->rsp_event, (u32)(start + 8));
		serve_reqs(p, 7, 0);
		assert_false(xsplit_back_push_rsps(&p->b.r));
		serve_reqs(p, 1, 7);
		assert_true(xsplit_back_push_rsps(&p->b.r));
		take_rsps(p, 8, 0);
		/* 12 in flight: at most 6 */
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		assert_int_equal(sring(p)->rsp_event, (u32)(start + 14));
		/* work already there is taken, the index left alone */
		serve_reqs(p, 11, 8);
		xsplit_back_publish_rsps(&p->b.r);
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 11);
		assert_int_equal(sring(p)->rsp_event, (u32)(start + 14));
		take_rsps(p, 11, 8);
		/* one in flight, then none: the next answer wakes us */
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		assert_int_equal(sring(p)->rsp_event, (u32)(start + 20));
		serve_reqs(p, 1, 19);
		assert_true(xsplit_back_push_rsps(&p->b.r));
		take_rsps(p, 1, 19);
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		assert_int_equal(sring(p)->rsp_event, (u32)(start + 21));
		pair_free(p);
	}
}

/*
 * The watchdog's look: answers short of a batch asked for are owed no
 * event; once the batch is in, or with the plain check, they are; so is
 * a rsp_prod the back end moved outside what it could have answered.
 */
static void test_front_rsp_event_owed(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
		u32 start = wrap_starts[i];
		struct pair *p = pair_new(0, start);

		put_reqs(p, 20, 0);
		xsplit_front_push_reqs(&p->f.r);
		assert_false(xsplit_front_rsp_event_owed(&p->f.r));
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		serve_reqs(p, 7, 0);
		xsplit_back_publish_rsps(&p->b.r);
		assert_false(xsplit_front_rsp_event_owed(&p->f.r));
		serve_reqs(p, 1, 7);
		xsplit_back_publish_rsps(&p->b.r);
		assert_true(xsplit_front_rsp_event_owed(&p->f.r));
		take_rsps(p, 8, 0);
		assert_false(xsplit_front_rsp_event_owed(&p->f.r));
		/* the plain check: any answer is owed its event */
		assert_int_equal(xsplit_front_final_check(&p->f.r), 0);
		serve_reqs(p, 1, 8);
		xsplit_back_publish_rsps(&p->b.r);
		assert_true(xsplit_front_rsp_event_owed(&p->f.r));
		take_rsps(p, 1, 8);
		/* consumed past the index asked for, not asked again */
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 2), 0);
		serve_reqs(p, 4, 9);
		xsplit_back_publish_rsps(&p->b.r);
		take_rsps(p, 3, 9);
		assert_true(xsplit_front_rsp_event_owed(&p->f.r));
		take_rsps(p, 1, 12);
		/* a batch asked for, rsp_prod moved back or far ahead */
		assert_int_equal(xsplit_front_final_check_batch(&p->f.r, 8), 0);
		sring(p)->rsp_prod = p->f.r.rsp_cons - 1;
		assert_true(xsplit_front_rsp_event_owed(&p->f.r));
		sring(p)->rsp_prod = p->f.r.rsp_cons + 1000;
		assert_true(xsplit_front_rsp_event_owed(&p->f.r));
		pair_free(p);
	}
}

/* ---- final check ---- */

static void test_final_check_with_work(void **state)
{
	struct pair *p = pair_new(0, 0);

	put_reqs(p, 3, 0);
	xsplit_front_push_reqs(&p->f.r);
	sring(p)->req_event = 77;
	assert_int_equal(xsplit_back_final_check(&p->b.r), 3);
	/* work pending: the event index is left alone */
	assert_int_equal(sring(p)->req_event, 77);
	serve_reqs(p, 3, 0);
	xsplit_back_push_rsps(&p->b.r);
	sring(p)->rsp_event = 77;
	assert_int_equal(xsplit_front_final_check(&p->f.r), 3);
	assert_int_equal(sring(p)->rsp_event, 77);
	take_rsps(p, 3, 0);
	assert_int_equal(xsplit_front_final_check(&p->f.r), 0);
	assert_int_equal(sring(p)->rsp_event, 4);
	pair_free(p);
}

static void test_final_check_across_wrap(void **state)
{
	struct pair *p = pair_new(0, 0xffffffff);

	assert_int_equal(xsplit_back_final_check(&p->b.r), 0);
	assert_int_equal(sring(p)->req_event, 0);
	assert_int_equal(xsplit_front_final_check(&p->f.r), 0);
	assert_int_equal(sring(p)->rsp_event, 0);
	pair_free(p);
}

/* ---- overflow: the back end facing a bad front end ---- */

struct back_overflow_case {
	u32 start;
	u32 served;	/* requests consumed and answered first */
	u32 held;	/* requests consumed, not answered */
	u32 ahead;	/* peer's req_prod minus our req_cons */
	int expect;	/* pending count, or -EIO */
};

static const struct back_overflow_case back_overflow_cases[] = {
	{ 0, 0, 0, 128, 128 },
	{ 0, 0, 0, 129, -EIO },
	{ 0, 0, 0, 0xffffffff, -EIO },		/* req_prod went backwards */
	{ 0, 0, 0, 0x80000000, -EIO },
	{ 0, 0, 5, 123, 123 },			/* 5 slots still ours */
	{ 0, 0, 5, 124, -EIO },
	{ 0, 10, 0, 128, 128 },
	{ 0, 10, 0, 129, -EIO },
	{ 0xfffffff0, 0, 0, 128, 128 },
	{ 0xfffffff0, 0, 0, 129, -EIO },
	{ 0xfffffff0, 0, 20, 108, 108 },	/* held crosses 2^32 */
	{ 0xfffffff0, 0, 20, 109, -EIO },
	{ 0xfffffff0, 20, 0, 0xfffffffe, -EIO },
	{ 0xffffffff, 0, 1, 127, 127 },
	{ 0xffffffff, 0, 1, 128, -EIO },
};

static void test_back_overflow(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(back_overflow_cases); i++) {
		const struct back_overflow_case *c = &back_overflow_cases[i];
		struct pair *p = pair_new(0, c->start);
		struct t_req req;
		u32 k;

		put_reqs(p, c->served + c->held, 0);
		xsplit_front_push_reqs(&p->f.r);
		serve_reqs(p, c->served, 0);
		for (k = 0; k < c->held; k++)
			assert_int_equal(t_ring_back_copy_req(&p->b, &req), 1);
		sring(p)->req_prod = p->b.r.req_cons + c->ahead;
		case_equal(i, xsplit_back_reqs_pending(&p->b.r), c->expect);
		if (c->expect < 0) {
			/* sticky: even a repaired index is not trusted again */
			assert_true(xsplit_back_broken(&p->b.r));
			sring(p)->req_prod = p->b.r.req_cons;
			assert_int_equal(t_ring_back_copy_req(&p->b, &req),
					 -EIO);
			assert_int_equal(xsplit_back_final_check(&p->b.r),
					 -EIO);
		}
		pair_free(p);
	}
}

/*
 * A consumer loop over everything on offer ends after at most nr_ents
 * copies without answers; a peer that keeps producing gets -EIO, not a loop.
 */
static void test_back_consumer_is_bounded(void **state)
{
	struct pair *p = pair_new(0, 0xffffff80);
	struct t_req req;
	u32 n = 0;
	int ret;

	sring(p)->req_prod = p->b.r.req_cons + p->b.r.nr_ents;
	while ((ret = t_ring_back_copy_req(&p->b, &req)) == 1)
		assert_true(++n <= p->b.r.nr_ents);
	assert_int_equal(n, p->b.r.nr_ents);
	assert_int_equal(ret, 0);
	assert_false(xsplit_back_broken(&p->b.r));
	/* every slot is ours until answered: one more request is a lie */
	sring(p)->req_prod += 1;
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), -EIO);
	pair_free(p);
}

/* ---- overflow: the front end facing a bad back end ---- */

struct front_overflow_case {
	u32 start;
	u32 outstanding;	/* requests made */
	u32 ahead;		/* back end's rsp_prod minus our rsp_cons */
	int expect;
};

static const struct front_overflow_case front_overflow_cases[] = {
	{ 0, 0, 0, 0 },
	{ 0, 0, 1, -EIO },			/* response to nothing */
	{ 0, 5, 5, 5 },
	{ 0, 5, 6, -EIO },
	{ 0, 128, 128, 128 },
	{ 0, 128, 129, -EIO },
	{ 0, 5, 0xffffffff, -EIO },		/* rsp_prod went backwards */
	{ 0xfffffffd, 10, 10, 10 },
	{ 0xfffffffd, 10, 11, -EIO },
	{ 0xffffffff, 1, 1, 1 },
	{ 0xffffffff, 1, 2, -EIO },
};

static void test_front_overflow(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(front_overflow_cases); i++) {
		const struct front_overflow_case *c = &front_overflow_cases[i];
		struct pair *p = pair_new(0, c->start);
		struct t_rsp rsp;

		put_reqs(p, c->outstanding, 0);
		xsplit_front_push_reqs(&p->f.r);
		sring(p)->rsp_prod = p->f.r.rsp_cons + c->ahead;
		case_equal(i, xsplit_front_rsps_pending(&p->f.r), c->expect);
		if (c->expect < 0) {
			assert_true(xsplit_front_broken(&p->f.r));
			sring(p)->rsp_prod = p->f.r.rsp_cons;
			assert_int_equal(t_ring_front_copy_rsp(&p->f, &rsp),
					 -EIO);
			assert_int_equal(xsplit_front_final_check(&p->f.r),
					 -EIO);
		}
		pair_free(p);
	}
}

/* Responses are bounded by outstanding requests, after partial takes too. */
static void test_front_overflow_after_consuming(void **state)
{
	struct pair *p = pair_new(0, 0xfffffff8);

	put_reqs(p, 20, 0);
	xsplit_front_push_reqs(&p->f.r);
	serve_reqs(p, 20, 0);
	xsplit_back_push_rsps(&p->b.r);
	take_rsps(p, 15, 0);
	assert_int_equal(xsplit_front_rsps_pending(&p->f.r), 5);
	sring(p)->rsp_prod += 1;
	assert_int_equal(xsplit_front_rsps_pending(&p->f.r), -EIO);
	pair_free(p);
}

/* ---- copy once ---- */

static void test_copy_req_once(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_req *slot = (struct t_req *)sring(p)->slots;
	struct t_req req;

	put_reqs(p, 1, 42);
	xsplit_front_push_reqs(&p->f.r);
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), 1);
	/* the peer rewrites the slot after we copied it */
	slot->seq = 0xdead;
	slot->val[1] = 0xbeef;
	assert_int_equal(req.seq, 42);
	assert_int_equal(req.val[1], ~42U);
	/* and the slot is consumed: it is not handed out again */
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), 0);
	assert_int_equal(req.seq, 42);
	pair_free(p);
}

static void test_copy_rsp_once(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_rsp *slot = (struct t_rsp *)sring(p)->slots;
	struct t_rsp rsp;

	put_reqs(p, 1, 7);
	xsplit_front_push_reqs(&p->f.r);
	serve_reqs(p, 1, 7);
	xsplit_back_push_rsps(&p->b.r);
	assert_int_equal(t_ring_front_copy_rsp(&p->f, &rsp), 1);
	slot->seq = 0xdead;
	slot->status = -99;
	assert_int_equal(rsp.seq, 7);
	assert_int_equal(rsp.status, 0);
	assert_int_equal(t_ring_front_copy_rsp(&p->f, &rsp), 0);
	pair_free(p);
}

/* A response is written only into a slot of a consumed request. */
static void test_put_rsp_needs_request(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_req req;
	struct t_rsp rsp = { .seq = 1 };

	put_reqs(p, 2, 0);
	xsplit_front_push_reqs(&p->f.r);
	assert_int_equal(t_ring_back_put_rsp(&p->b, &rsp), -ENOSPC);
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), 1);
	assert_int_equal(xsplit_back_unanswered(&p->b.r), 1);
	assert_int_equal(t_ring_back_put_rsp(&p->b, &rsp), 0);
	assert_int_equal(t_ring_back_put_rsp(&p->b, &rsp), -ENOSPC);
	pair_free(p);
}

/* Unpushed requests are invisible to the back end. */
static void test_unpushed_invisible(void **state)
{
	struct pair *p = pair_new(0, 0);
	struct t_req req;

	put_reqs(p, 4, 0);
	assert_int_equal(t_ring_back_copy_req(&p->b, &req), 0);
	assert_int_equal(xsplit_front_outstanding(&p->f.r), 4);
	xsplit_front_push_reqs(&p->f.r);
	assert_int_equal(xsplit_back_reqs_pending(&p->b.r), 4);
	pair_free(p);
}

/* The typed blkif and netif rings move real wire structs. */
static void test_typed_blkif_ring(void **state)
{
	void *page = aligned_alloc(XSPLIT_RING_PAGE_SIZE,
				   XSPLIT_RING_BYTES(1));
	struct xsplit_blkif_front f;
	struct xsplit_blkif_back b;
	struct xsplit_blkif_request req = { .operation = XSPLIT_BLKIF_OP_READ };
	struct xsplit_blkif_response rsp = { .id = 5, .status = -1 };

	assert_non_null(page);
	assert_int_equal(xsplit_blkif_sring_init(page, 1), 0);
	assert_int_equal(xsplit_blkif_front_attach(&f, page, 1, 0), 0);
	assert_int_equal(xsplit_blkif_back_attach(&b, page, 1, 0), 0);
	assert_int_equal(f.r.nr_ents, 64);
	req.u.rw.id = 5;
	req.u.rw.nr_segments = 11;
	req.u.rw.seg[10].last_sect = 7;
	assert_int_equal(xsplit_blkif_front_put_req(&f, &req), 0);
	xsplit_front_push_reqs(&f.r);
	memset(&req, 0, sizeof(req));
	assert_int_equal(xsplit_blkif_back_copy_req(&b, &req), 1);
	assert_int_equal(req.u.rw.id, 5);
	assert_int_equal(req.u.rw.seg[10].last_sect, 7);
	assert_int_equal(xsplit_blkif_back_put_rsp(&b, &rsp), 0);
	xsplit_back_push_rsps(&b.r);
	memset(&rsp, 0, sizeof(rsp));
	assert_int_equal(xsplit_blkif_front_copy_rsp(&f, &rsp), 1);
	assert_int_equal(rsp.id, 5);
	assert_int_equal(rsp.status, -1);
	free(page);
}

static void test_typed_netif_ring(void **state)
{
	void *page = aligned_alloc(XSPLIT_RING_PAGE_SIZE, XSPLIT_RING_BYTES(0));
	struct xsplit_netif_tx_front f;
	struct xsplit_netif_tx_back b;
	struct xsplit_netif_tx_request req = { .gref = 9, .size = 1500 };
	struct xsplit_netif_tx_response rsp = { .id = 3 };
	u32 i;

	assert_non_null(page);
	assert_int_equal(xsplit_netif_tx_sring_init(page, 0), 0);
	assert_int_equal(xsplit_netif_tx_front_attach(&f, page, 0, 0), 0);
	assert_int_equal(xsplit_netif_tx_back_attach(&b, page, 0, 0), 0);
	for (i = 0; i < 256; i++) {
		req.id = i;
		assert_int_equal(xsplit_netif_tx_front_put_req(&f, &req), 0);
	}
	assert_int_equal(xsplit_netif_tx_front_put_req(&f, &req), -ENOSPC);
	xsplit_front_push_reqs(&f.r);
	for (i = 0; i < 256; i++) {
		assert_int_equal(xsplit_netif_tx_back_copy_req(&b, &req), 1);
		assert_int_equal(req.id, i);
		assert_int_equal(req.size, 1500);
	}
	assert_int_equal(xsplit_netif_tx_back_put_rsp(&b, &rsp), 0);
	xsplit_back_push_rsps(&b.r);
	assert_int_equal(xsplit_netif_tx_front_copy_rsp(&f, &rsp), 1);
	assert_int_equal(rsp.id, 3);
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_sizes),
		cmocka_unit_test(test_nr_ents_per_order),
		cmocka_unit_test(test_attach_every_order),
		cmocka_unit_test(test_attach_invalid),
		cmocka_unit_test(test_init_clears_everything),
		cmocka_unit_test(test_empty_ring),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_back_occupancy),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_slot_mapping_across_wrap),
		cmocka_unit_test(test_need_notify_table),
		cmocka_unit_test(test_front_push_notify),
		cmocka_unit_test(test_back_push_notify),
		cmocka_unit_test(test_batched_event),
		cmocka_unit_test(test_front_batched_rsp_event),
		cmocka_unit_test(test_front_rsp_event_owed),
		cmocka_unit_test(test_final_check_with_work),
		cmocka_unit_test(test_final_check_across_wrap),
		cmocka_unit_test(test_back_overflow),
		cmocka_unit_test(test_back_consumer_is_bounded),
		cmocka_unit_test(test_front_overflow),
		cmocka_unit_test(test_front_overflow_after_consuming),
		cmocka_unit_test(test_copy_req_once),
		cmocka_unit_test(test_front_batch_notify),
		cmocka_unit_test(test_back_deferred_notify),
		cmocka_unit_test(test_back_deferred_taken),
		cmocka_unit_test(test_copy_rsp_once),
		cmocka_unit_test(test_put_rsp_needs_request),
		cmocka_unit_test(test_unpushed_invisible),
		cmocka_unit_test(test_typed_blkif_ring),
		cmocka_unit_test(test_typed_netif_ring),
		cmocka_unit_test(test_back_rejoin),
		cmocka_unit_test(test_back_rejoin_overfull),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

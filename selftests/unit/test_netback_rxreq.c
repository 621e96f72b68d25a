// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netback/rxreq.h: the rx thread takes the guest's buffers
 * against one validated read of req_prod, so whatever the guest does to
 * req_prod afterwards, every buffer taken is one consumed and answered.
 * The guest is the test writing the shared ring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/rxreq.h"

struct rig {
	void *page;
	struct xsplit_netif_rx_front f;
	struct xsplit_netif_rx_back b;
};

/* A one-page rx ring with every index at @idx, @n buffers posted. */
static struct rig *rig_new(u32 idx, unsigned int n)
{
	struct rig *g = calloc(1, sizeof(*g));
	struct xsplit_netif_rx_request req = { 0 };
	struct xsplit_sring *s;
	unsigned int i;

	assert_non_null(g);
	g->page = aligned_alloc(XSPLIT_RING_PAGE_SIZE, XSPLIT_RING_PAGE_SIZE);
	assert_non_null(g->page);
	assert_int_equal(xsplit_netif_rx_sring_init(g->page, 0), 0);
	s = g->page;
	s->req_prod = idx;
	s->rsp_prod = idx;
	s->req_event = idx + 1;
	s->rsp_event = idx + 1;
	assert_int_equal(xsplit_netif_rx_front_attach(&g->f, g->page, 0, idx),
			 0);
	assert_int_equal(xsplit_netif_rx_back_attach(&g->b, g->page, 0, idx),
			 0);
	for (i = 0; i < n; i++) {
		req.id = 100 + i;
		req.gref = 1000 + i;
		assert_int_equal(xsplit_netif_rx_front_put_req(&g->f, &req), 0);
	}
	xsplit_front_push_reqs(&g->f.r);
	return g;
}

static void rig_free(struct rig *g)
{
	free(g->page);
	free(g);
}

static struct xsplit_sring *shared(struct rig *g)
{
	return g->page;
}

/* Take @n buffers and answer each; every step must succeed. */
static void take_and_answer(struct rig *g, u32 end, unsigned int n,
			    u16 first_id)
{
	struct xsplit_netif_rx_request req;
	struct xsplit_netif_rx_response rsp = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		assert_true(xsplit_nb_rx_take(&g->b, end, &req));
		assert_int_equal(req.id, first_id + i);
		assert_int_equal(req.gref, 1000 + (first_id - 100) + i);
	}
	for (i = 0; i < n; i++) {
		rsp.id = first_id + i;
		assert_int_equal(xsplit_netif_rx_back_put_rsp(&g->b, &rsp), 0);
	}
}

static void test_takes_what_was_posted(void **state)
{
	struct rig *g = rig_new(0, 3);
	struct xsplit_netif_rx_request req;
	u32 end;

	(void)state;
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 3);
	assert_int_equal(end, 3);
	take_and_answer(g, end, 3, 100);
	assert_false(xsplit_nb_rx_take(&g->b, end, &req));
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 0);
	rig_free(g);
}

/*
 * The guest moves req_prod back after the thread decided a two-slot
 * packet fits: both takes still succeed and both slots get a response.
 */
static void test_req_prod_moved_back(void **state)
{
	struct rig *g = rig_new(0, 2);
	u32 end;

	(void)state;
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 2);
	WRITE_ONCE(shared(g)->req_prod, 0);
	take_and_answer(g, end, 2, 100);
	/* the lie shows at the next validated read: the ring is broken */
	WRITE_ONCE(shared(g)->req_prod, 1);
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end),
			 XSPLIT_RING_CORRUPT);
	rig_free(g);
}

/* The same with req_prod made nonsense between the takes. */
static void test_req_prod_corrupted_between(void **state)
{
	struct rig *g = rig_new(0, 2);
	struct xsplit_netif_rx_request req;
	struct xsplit_netif_rx_response rsp = { 0 };
	u32 end;

	(void)state;
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 2);
	assert_true(xsplit_nb_rx_take(&g->b, end, &req));
	WRITE_ONCE(shared(g)->req_prod, 0x80000000u);
	assert_true(xsplit_nb_rx_take(&g->b, end, &req));
	assert_int_equal(xsplit_netif_rx_back_put_rsp(&g->b, &rsp), 0);
	assert_int_equal(xsplit_netif_rx_back_put_rsp(&g->b, &rsp), 0);
	rig_free(g);
}

/* Buffers posted after the snapshot wait for the next one. */
static void test_no_take_past_snapshot(void **state)
{
	struct rig *g = rig_new(0, 1);
	struct xsplit_netif_rx_request req = { .id = 101, .gref = 1001 };
	u32 end;

	(void)state;
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 1);
	assert_int_equal(xsplit_netif_rx_front_put_req(&g->f, &req), 0);
	xsplit_front_push_reqs(&g->f.r);
	take_and_answer(g, end, 1, 100);
	assert_false(xsplit_nb_rx_take(&g->b, end, &req));
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 1);
	take_and_answer(g, end, 1, 101);
	rig_free(g);
}

/* A corrupt ring gives no snapshot and leaves the old one alone. */
static void test_corrupt_gives_nothing(void **state)
{
	struct rig *g = rig_new(0, 0);
	u32 end = 7;

	(void)state;
	WRITE_ONCE(shared(g)->req_prod, 100000);
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end),
			 XSPLIT_RING_CORRUPT);
	assert_int_equal(end, 7);
	rig_free(g);
}

/* Indices that wrap around 2^32 between the snapshot and the takes. */
static void test_wrap(void **state)
{
	struct rig *g = rig_new(0xfffffffeu, 4);
	u32 end;

	(void)state;
	assert_int_equal(xsplit_nb_rx_posted(&g->b, &end), 4);
	assert_int_equal(end, 2);
	WRITE_ONCE(shared(g)->req_prod, 0xfffffffeu);
	take_and_answer(g, end, 4, 100);
	rig_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takes_what_was_posted),
		cmocka_unit_test(test_req_prod_moved_back),
		cmocka_unit_test(test_req_prod_corrupted_between),
		cmocka_unit_test(test_no_take_past_snapshot),
		cmocka_unit_test(test_corrupt_gives_nothing),
		cmocka_unit_test(test_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

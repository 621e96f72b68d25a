// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netback's zero-copy bookkeeping: the slot-index ring
 * (pool free list, release queue), the pool's size against its ring, the
 * slots the copied headers use up, and the rule that maps or copies one
 * guest packet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/tx_zc_ring.h"
#include "table.h"

#define RING_SIZE 8

static void test_idx_fifo(void **state)
{
	struct xsplit_nb_idx_ring r;
	u16 store[RING_SIZE], v;
	unsigned int i;

	xsplit_nb_idx_init(&r, store, RING_SIZE);
	assert_false(xsplit_nb_idx_get(&r, &v));
	for (i = 0; i < RING_SIZE; i++)
		assert_true(xsplit_nb_idx_put(&r, 100 + i));
	/* full: refused, nothing overwritten */
	assert_false(xsplit_nb_idx_put(&r, 999));
	assert_int_equal(xsplit_nb_idx_count(&r), RING_SIZE);
	for (i = 0; i < RING_SIZE; i++) {
		assert_true(xsplit_nb_idx_get(&r, &v));
		assert_int_equal(v, 100 + i);
	}
	assert_false(xsplit_nb_idx_get(&r, &v));
	assert_int_equal(xsplit_nb_idx_count(&r), 0);
}

/* Free-running indices across the u32 wrap keep count and order. */
static void test_idx_wrap(void **state)
{
	struct xsplit_nb_idx_ring r;
	u16 store[RING_SIZE], v;
	unsigned int i;

	xsplit_nb_idx_init(&r, store, RING_SIZE);
	r.prod = 0xfffffffdU;
	r.cons = 0xfffffffdU;
	for (i = 0; i < 6; i++)
		assert_true(xsplit_nb_idx_put(&r, i));
	assert_int_equal(xsplit_nb_idx_count(&r), 6);
	for (i = 0; i < 6; i++) {
		assert_true(xsplit_nb_idx_get(&r, &v));
		assert_int_equal(v, i);
	}
	assert_int_equal(xsplit_nb_idx_count(&r), 0);
}

/* Pool churn: every index taken comes back exactly once. */
static void test_idx_pool_churn(void **state)
{
	struct xsplit_nb_idx_ring r;
	u16 store[RING_SIZE], held[RING_SIZE], v;
	unsigned int seen[RING_SIZE] = { 0 };
	unsigned int i, round, n;

	xsplit_nb_idx_init(&r, store, RING_SIZE);
	for (i = 0; i < RING_SIZE; i++)
		assert_true(xsplit_nb_idx_put(&r, i));
	for (round = 0; round < 100; round++) {
		n = 1 + round % RING_SIZE;
		for (i = 0; i < n; i++)
			assert_true(xsplit_nb_idx_get(&r, &held[i]));
		while (n--)
			assert_true(xsplit_nb_idx_put(&r, held[n]));
	}
	for (i = 0; i < RING_SIZE; i++) {
		assert_true(xsplit_nb_idx_get(&r, &v));
		assert_true(v < RING_SIZE);
		seen[v]++;
	}
	for (i = 0; i < RING_SIZE; i++)
		assert_int_equal(seen[i], 1);
}

static void test_pool_size(void **state)
{
	static const unsigned int cases[][3] = {
		/* ring slots, reserve, pool */
		{ 256, 64, 192 },
		{ 129, 64, 65 },
		{ 128, 64, 64 },
		{ 64, 64, 32 },
		{ 2, 64, 1 },
		{ 1, 64, 0 },
	};
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++)
		case_equal(c, xsplit_nb_zc_pool_size(cases[c][0], cases[c][1]),
			   cases[c][2]);
}

struct elig_case {
	struct xsplit_nb_zc_shape s;
	bool map;
};

static void test_eligible(void **state)
{
	static const struct elig_case cases[] = {
		/* typical GSO: headers copied, 16 pages to map */
		{ { 0, 16, 17, 192 }, true },
		/* everything copied: nothing to map */
		{ { 1, 0, 17, 192 }, false },
		/* first slot spills one copied frag, 16 mapped: 17 fits */
		{ { 1, 16, 17, 192 }, true },
		/* ... 17 mapped beside it does not */
		{ { 1, 17, 17, 192 }, false },
		{ { 0, 17, 17, 192 }, true },
		/* more data slots than frags (up to fatal_skb_slots): copy */
		{ { 0, 18, 17, 192 }, false },
		/* pool short by one: copy, never wait */
		{ { 0, 5, 17, 4 }, false },
		{ { 0, 5, 17, 5 }, true },
		/* empty pool */
		{ { 0, 1, 17, 0 }, false },
	};
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++)
		case_equal(c, xsplit_nb_zc_eligible(&cases[c].s), cases[c].map);
}

struct split_case {
	u32 first_len;
	u16 sizes[4];
	u32 nr;
	u32 want;
	u32 whole;	/* data slots copied whole */
	u32 skip;	/* bytes copied of the next one */
};

static void test_header_split(void **state)
{
	static const struct split_case cases[] = {
		/* headers all in the first slot: nothing else copied */
		{ 128, { 4096, 4096 }, 2, 128, 0, 0 },
		{ 1514, { 0 }, 0, 128, 0, 0 },
		/* 66 bytes of headers first, 62 more from the first page */
		{ 66, { 4096, 4096 }, 2, 128, 0, 62 },
		/* tiny slots: two used up whole, 8 bytes of the third */
		{ 10, { 50, 60, 100 }, 3, 128, 2, 8 },
		/* a slot that ends exactly at the wanted length */
		{ 28, { 100, 4096 }, 2, 128, 1, 0 },
		/* empty slots are used up whole on the way */
		{ 100, { 0, 0, 50 }, 3, 128, 2, 28 },
		/* a short packet: copied whole, nothing left to map */
		{ 20, { 30, 40 }, 2, 90, 2, 0 },
		/* lying sizes never run past the slots given */
		{ 0, { 10, 10 }, 2, 128, 2, 0 },
	};
	u32 skip, k;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		k = xsplit_nb_zc_header_split(cases[c].first_len,
					      cases[c].sizes, cases[c].nr,
					      cases[c].want, &skip);
		case_equal(c, k, cases[c].whole);
		case_equal(c, skip, cases[c].skip);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idx_fifo),
		cmocka_unit_test(test_idx_wrap),
		cmocka_unit_test(test_idx_pool_churn),
		cmocka_unit_test(test_pool_size),
		cmocka_unit_test(test_eligible),
		cmocka_unit_test(test_header_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

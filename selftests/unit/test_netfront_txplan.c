// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netfront's slot plan for a trusted backend: which bytes are
 * copied, which pieces of which fragment pages are granted, and when a
 * packet needs more slots than the ring allows (then it is copied whole).
 * Every plan is also checked for the invariants the driver relies on: the
 * pieces cover every byte after the copy exactly once, in order, and none
 * crosses a page boundary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netfront/txplan.h"
#include "table.h"

#define PAGE 4096U
#define SLOTS XSPLIT_NF_TX_PLAN_SLOTS
#define ETH 14U

/* The pieces cover the fragments' bytes after the copy, in order. */
static void check_cover(const struct xsplit_nf_tx_plan *pl, u32 headlen,
			const struct xsplit_nf_tx_frag *f, unsigned int nr)
{
	u32 skip = pl->copy - headlen;
	unsigned int i, k = 0;

	for (i = 0; i < nr; i++) {
		u32 off = f[i].off, len = f[i].len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		off += skip;
		len -= skip;
		skip = 0;
		while (len) {
			const struct xsplit_nf_tx_piece *p = &pl->p[k++];

			assert_true(k <= pl->nr);
			assert_int_equal(p->frag, i);
			assert_int_equal((u64)p->page * PAGE + p->off, off);
			assert_true(p->len > 0 && p->off + p->len <= PAGE);
			off += p->len;
			len -= p->len;
		}
	}
	assert_int_equal(k, pl->nr);
	assert_true(pl->copy_slots + pl->nr <= SLOTS);
}

struct plan_case {
	u32 headlen;
	unsigned int nr;
	struct xsplit_nf_tx_frag f[20];
	int ret;
	u32 copy;
	u16 copy_slots, pieces;
};

static const struct plan_case cases[] = {
	/* 0: a linear packet: all copied, nothing granted */
	{ 60, 0, {}, 0, 60, 1, 0 },
	/* 1: a linear head of two pages (no SG): two copied slots */
	{ 5000, 0, {}, 0, 5000, 2, 0 },
	/* 2: TCP: headers in the head, one page-aligned page of payload */
	{ 66, 1, { { 0, 4096 } }, 0, 66, 1, 1 },
	/* 3: a fragment crossing a page boundary splits in two */
	{ 66, 1, { { 4000, 200 } }, 0, 66, 1, 2 },
	/* 4: a fragment deep in a compound page */
	{ 66, 1, { { 3 * 4096 + 100, 8192 } }, 0, 66, 1, 3 },
	/* 5: an empty head: the Ethernet header is copied from the frag */
	{ 0, 1, { { 0, 1500 } }, 0, ETH, 1, 1 },
	/* 6: ... and a short first frag is copied whole, the next granted */
	{ 0, 2, { { 0, 10 }, { 100, 1000 } }, 0, ETH, 1, 1 },
	/* 7: a packet shorter than an Ethernet header is copied whole */
	{ 0, 2, { { 0, 4 }, { 0, 6 } }, 0, 10, 1, 0 },
	/* 8: empty fragments take no slot */
	{ 66, 3, { { 0, 0 }, { 0, 100 }, { 50, 0 } }, 0, 66, 1, 1 },
	/* 9: 64 KiB GSO, 16 aligned pages of payload: 17 slots */
	{ 66, 16, { { 0, 4096 }, { 0, 4096 }, { 0, 4096 }, { 0, 4096 },
		    { 0, 4096 }, { 0, 4096 }, { 0, 4096 }, { 0, 4096 },
		    { 0, 4096 }, { 0, 4096 }, { 0, 4096 }, { 0, 4096 },
		    { 0, 4096 }, { 0, 4096 }, { 0, 4096 }, { 0, 4000 } },
	  0, 66, 1, 16 },
	/* 10: ~64 KiB in one frag, off by 100 bytes: 16 pieces */
	{ 66, 1, { { 100, 65400 } }, 0, 66, 1, 16 },
	/* 11: the same at offset 3000: 17 pieces, 18 slots, the limit */
	{ 66, 1, { { 3000, 65400 } }, 0, 66, 1, 17 },
	/* 12: 18 small frags plus the head: 19 slots, too many */
	{ 66, 18, { { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 },
		    { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 },
		    { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 }, { 0, 10 },
		    { 0, 10 }, { 0, 10 }, { 0, 10 } },
	  -E2BIG, 66, 1, 17 },
	/* 13: longer than a request's size field */
	{ 66, 1, { { 0, 65500 } }, -EINVAL, 0, 0, 0 },
	/* 14: no bytes at all */
	{ 0, 0, {}, -EINVAL, 0, 0, 0 },
};

static void test_plan_table(void **state)
{
	struct xsplit_nf_tx_plan pl;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct plan_case *t = &cases[c];
		int ret = xsplit_nf_tx_plan(&pl, t->headlen, t->f, t->nr, ETH,
					    PAGE, SLOTS);

		case_equal(c, ret, t->ret);
		if (ret == -EINVAL)
			continue;
		case_equal(c, pl.copy, t->copy);
		case_equal(c, pl.copy_slots, t->copy_slots);
		case_equal(c, pl.nr, t->pieces);
		if (!ret)
			check_cover(&pl, t->headlen, t->f, t->nr);
	}
}

/* The piece layout itself, for a fragment crossing two boundaries. */
static void test_plan_pieces(void **state)
{
	const struct xsplit_nf_tx_frag f[] = { { 4096 + 4000, 4296 } };
	struct xsplit_nf_tx_plan pl;

	assert_int_equal(xsplit_nf_tx_plan(&pl, 54, f, 1, ETH, PAGE, SLOTS), 0);
	assert_int_equal(pl.nr, 3);
	assert_int_equal(pl.p[0].page, 1);
	assert_int_equal(pl.p[0].off, 4000);
	assert_int_equal(pl.p[0].len, 96);
	assert_int_equal(pl.p[1].page, 2);
	assert_int_equal(pl.p[1].off, 0);
	assert_int_equal(pl.p[1].len, 4096);
	assert_int_equal(pl.p[2].page, 3);
	assert_int_equal(pl.p[2].off, 0);
	assert_int_equal(pl.p[2].len, 104);
}

/* The slot limit counts the copied slots too, and bad limits are refused. */
static void test_plan_limits(void **state)
{
	const struct xsplit_nf_tx_frag f[] = { { 0, 4096 }, { 0, 4096 } };
	struct xsplit_nf_tx_plan pl;

	assert_int_equal(xsplit_nf_tx_plan(&pl, 66, f, 2, ETH, PAGE, 3), 0);
	assert_int_equal(xsplit_nf_tx_plan(&pl, 66, f, 2, ETH, PAGE, 2),
			 -E2BIG);
	assert_int_equal(xsplit_nf_tx_plan(&pl, 5000, f, 0, ETH, PAGE, 1),
			 -E2BIG);
	assert_int_equal(xsplit_nf_tx_plan(&pl, 66, f, 2, ETH, PAGE, 0),
			 -EINVAL);
	assert_int_equal(xsplit_nf_tx_plan(&pl, 66, f, 2, ETH, PAGE,
					   SLOTS + 1), -EINVAL);
	assert_int_equal(xsplit_nf_tx_plan(&pl, 66, f, 2, ETH, 0, SLOTS),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_table),
		cmocka_unit_test(test_plan_pieces),
		cmocka_unit_test(test_plan_limits),
	};

	return cmocka_run_group_tests_name("netfront_txplan", tests, NULL,
					   NULL);
}

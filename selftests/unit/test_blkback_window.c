// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of blkback's adaptive window (blkback/window.c), the back-off
 * policy of its polling and coalescing: growth on a catch, halving and
 * then closing on misses, the skip count doubling up to its cap, a probe
 * at the smallest size, a changed or zero maximum; and the service-time
 * average that scales the maximum to the device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "blkback/window.h"
#include "table.h"

#define MAX 800000U			/* 800 us */
#define MIN (MAX >> XSPLIT_BLK_WIN_MIN_SHIFT)

/* Open a window and close it as missed; return what open gave. */
static u32 miss(struct xsplit_blk_win *w)
{
	u32 win = xsplit_blk_win_open(w, MAX);

	if (win)
		xsplit_blk_win_close(w, MAX, false);
	return win;
}

/* The first window probes at the smallest size; catches double it. */
static void test_grows_to_max(void **state)
{
	static const u32 want[] = { MIN, 2 * MIN, 4 * MIN, MAX, MAX, MAX };
	struct xsplit_blk_win w = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		case_equal(i, xsplit_blk_win_open(&w, MAX), want[i]);
		xsplit_blk_win_close(&w, MAX, true);
	}
}

/* Misses halve the window, then close it; skips double up to 64. */
static void test_backs_off(void **state)
{
	struct xsplit_blk_win w = { .cur = MAX };
	u32 skips[12], n, i, opened;

	assert_int_equal(miss(&w), MAX);
	assert_int_equal(miss(&w), MAX / 2);
	assert_int_equal(miss(&w), MAX / 4);
	assert_int_equal(miss(&w), MIN);
	/* closed: count the windows skipped before each probe */
	for (i = 0; i < ARRAY_SIZE(skips); i++) {
		for (n = 0; !(opened = miss(&w)); n++)
			assert_true(n < 1000);
		case_equal(i, opened, MIN);	/* a probe at the smallest */
		skips[i] = n;
	}
	for (i = 0; i < ARRAY_SIZE(skips); i++) {
		n = i < XSPLIT_BLK_WIN_SKIP_SHIFT ? i : XSPLIT_BLK_WIN_SKIP_SHIFT;
		case_equal(i, skips[i], 1U << n);
	}
}

/* A probe that catches reopens the window and forgets the misses. */
static void test_probe_recovers(void **state)
{
	struct xsplit_blk_win w = { .cur = MIN };
	u32 n;

	for (n = 0; n < 5; n++)		/* closes; misses pile up */
		while (!miss(&w))
			;
	while (!xsplit_blk_win_open(&w, MAX))
		;
	xsplit_blk_win_close(&w, MAX, true);
	assert_int_equal(xsplit_blk_win_open(&w, MAX), 2 * MIN);
	xsplit_blk_win_close(&w, MAX, false);
	xsplit_blk_win_close(&w, MAX, false);	/* now below MIN: closed */
	/* one miss since the catch: one window skipped, not 32 */
	assert_int_equal(xsplit_blk_win_open(&w, MAX), 0);
	assert_int_equal(xsplit_blk_win_open(&w, MAX), MIN);
}

/* A maximum of 0 turns waiting off and resets the state. */
static void test_off(void **state)
{
	struct xsplit_blk_win w = { .cur = 0, .skip = 7, .misses = 3 };

	assert_int_equal(xsplit_blk_win_open(&w, 0), 0);
	assert_int_equal(w.skip, 0);
	assert_int_equal(w.misses, 0);
	assert_int_equal(xsplit_blk_win_open(&w, MAX), MIN);
}

/* A lowered maximum clamps the next window; growth stops at it. */
static void test_max_lowered(void **state)
{
	struct xsplit_blk_win w = { .cur = MAX };

	assert_int_equal(xsplit_blk_win_open(&w, MAX / 4), MAX / 4);
	xsplit_blk_win_close(&w, MAX / 4, true);
	assert_int_equal(xsplit_blk_win_open(&w, MAX / 4), MAX / 4);
	/* a tiny maximum still gives a window of at least 1 ns */
	w = (struct xsplit_blk_win){ 0 };
	assert_int_equal(xsplit_blk_win_open(&w, 3), 1);
	xsplit_blk_win_close(&w, 3, true);
	assert_int_equal(xsplit_blk_win_open(&w, 3), 2);
	xsplit_blk_win_close(&w, 3, true);
	assert_int_equal(xsplit_blk_win_open(&w, 3), 3);
}

/* No state reached by any sequence opens a window above the maximum. */
static void test_bounded(void **state)
{
	struct xsplit_blk_win w = { 0 };
	u32 i, win, x = 12345;

	for (i = 0; i < 100000; i++) {
		x = x * 1103515245 + 12345;
		win = xsplit_blk_win_open(&w, MAX);
		assert_true(win <= MAX);
		assert_true(w.skip <= 1U << XSPLIT_BLK_WIN_SKIP_SHIFT);
		if (win)
			xsplit_blk_win_close(&w, MAX, (x >> 16) & 1);
	}
}

/* Nothing measured: no window; the first time is taken as it is. */
static void test_svc_first(void **state)
{
	struct xsplit_blk_svc s = { 0 };

	assert_int_equal(xsplit_blk_svc_cap(&s, MAX), 0);
	xsplit_blk_svc_add(&s, 0);
	assert_int_equal(s.ns, 1);	/* measured, however fast */
	s.ns = 0;
	xsplit_blk_svc_add(&s, 400000);
	assert_int_equal(s.ns, 400000);
	assert_int_equal(xsplit_blk_svc_cap(&s, MAX),
			 400000 >> XSPLIT_BLK_WIN_SVC_SHIFT);
}

/* The average follows a new device time within a few dozen requests. */
static void test_svc_follows(void **state)
{
	struct xsplit_blk_svc s = { .ns = 100000 };	/* an SSD's 100 us */
	int i;

	for (i = 0; i < 64; i++)
		xsplit_blk_svc_add(&s, 20000000);	/* now a 20 ms disk */
	assert_in_range(s.ns, 19900000, 20000000);
	assert_int_equal(xsplit_blk_svc_cap(&s, MAX), MAX);
	for (i = 0; i < 64; i++)
		xsplit_blk_svc_add(&s, 100000);
	assert_in_range(s.ns, 100000, 200000);
	assert_int_equal(xsplit_blk_svc_cap(&s, MAX),
			 s.ns >> XSPLIT_BLK_WIN_SVC_SHIFT);
	assert_int_equal(xsplit_blk_svc_cap(&s, 0), 0);	/* off stays off */
}

/* One stuck request moves it by an eighth at most; never past U32_MAX. */
static void test_svc_bounded(void **state)
{
	struct xsplit_blk_svc s = { .ns = 100000 };
	int i;

	xsplit_blk_svc_add(&s, 600ULL * 1000000000);	/* ten minutes */
	assert_int_equal(s.ns, 100000 + (U32_MAX - 100000) /
			 (1 << XSPLIT_BLK_SVC_SHIFT));
	for (i = 0; i < 1000; i++)
		xsplit_blk_svc_add(&s, ~0ULL);
	assert_true(s.ns <= U32_MAX && s.ns > U32_MAX - 16);
	for (i = 0; i < 1000; i++)
		xsplit_blk_svc_add(&s, 0);
	assert_int_equal(s.ns, 7);	/* truncation stops the fall here */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_to_max),
		cmocka_unit_test(test_backs_off),
		cmocka_unit_test(test_probe_recovers),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_max_lowered),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_svc_first),
		cmocka_unit_test(test_svc_follows),
		cmocka_unit_test(test_svc_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the late-EOI accounting (evtchn/eoi.c): every event is
 * counted, only events without work are spurious and carry the spurious
 * flag, and only a deferred handler result postpones the EOI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "evtchn/eoi.h"

static void test_work_is_not_spurious(void **state)
{
	struct xsplit_evtchn_stats st = { 0 }, snap;

	assert_int_equal(xsplit_evtchn_account(&st, true), 0);
	xsplit_evtchn_stats_read(&st, &snap);
	assert_int_equal(snap.events, 1);
	assert_int_equal(snap.spurious, 0);
}

static void test_no_work_is_spurious(void **state)
{
	struct xsplit_evtchn_stats st = { 0 }, snap;

	assert_int_equal(xsplit_evtchn_account(&st, false),
			 XSPLIT_EOI_SPURIOUS);
	xsplit_evtchn_stats_read(&st, &snap);
	assert_int_equal(snap.events, 1);
	assert_int_equal(snap.spurious, 1);
}

static void test_flood_counts(void **state)
{
	struct xsplit_evtchn_stats st = { 0 }, snap;
	unsigned int i, flagged = 0;

	/* A peer kicking without work: two in three events are empty. */
	for (i = 0; i < 3000; i++)
		flagged += xsplit_evtchn_account(&st, i % 3 == 0) ==
			   XSPLIT_EOI_SPURIOUS;
	xsplit_evtchn_stats_read(&st, &snap);
	assert_int_equal(snap.events, 3000);
	assert_int_equal(snap.spurious, 2000);
	assert_int_equal(flagged, 2000);
}

static void test_eoi_now(void **state)
{
	assert_true(xsplit_evtchn_eoi_now(XSPLIT_EVTCHN_WORK));
	assert_true(xsplit_evtchn_eoi_now(XSPLIT_EVTCHN_NO_WORK));
	assert_false(xsplit_evtchn_eoi_now(XSPLIT_EVTCHN_DEFERRED));
	/* A bogus value from a buggy handler must not leave the EOI unsent. */
	assert_true(xsplit_evtchn_eoi_now((enum xsplit_evtchn_ret)42));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_work_is_not_spurious),
		cmocka_unit_test(test_no_work_is_spurious),
		cmocka_unit_test(test_flood_counts),
		cmocka_unit_test(test_eoi_now),
	};

	return cmocka_run_group_tests_name("evtchn_eoi", tests, NULL, NULL);
}

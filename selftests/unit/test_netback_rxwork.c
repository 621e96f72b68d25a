// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what an rx event is worth and of the deferred late EOIs
 * (netback/rxstall.h, netback/eoi.h): a guest that posts too few buffers
 * for the head packet and kicks gets spurious EOIs; a shared channel owes
 * exactly one EOI per event, spurious only when neither half did work.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/rxstall.h"
#include "netback/eoi.h"
#include "table.h"

#define TX XSPLIT_NB_EOI_TX
#define RX XSPLIT_NB_EOI_RX

struct work_case {
	bool queued;
	bool stalled;
	u32 posted;
	u32 need;
	bool work;
};

static void test_rx_event_work(void **state)
{
	static const struct work_case cases[] = {
		/* 0: the head packet needs two, one is posted: no work */
		{ true, false, 1, 2, false },
		{ true, false, 2, 2, true },
		{ true, false, 3, 2, true },
		/* 3: a GSO packet of 19 slots */
		{ true, false, 18, 19, false },
		{ true, false, 19, 19, true },
		/* 5: nothing posted */
		{ true, false, 0, 1, false },
		{ true, false, 1, 1, true },
		/* 7: need not known yet (0) counts as one buffer */
		{ true, false, 0, 0, false },
		{ true, false, 1, 0, true },
		/* 9: nothing waits, not stalled: buffers alone are no work */
		{ false, false, 64, 1, false },
		/* 10: stalled, backlog dropped: one buffer leaves the stall */
		{ false, true, 0, 19, false },
		{ false, true, 1, 19, true },
		/* 12: stalled with a packet waiting: its need counts */
		{ true, true, 1, 2, false },
		{ true, true, 2, 2, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		case_equal(i, xsplit_nb_rx_event_work(cases[i].queued,
						      cases[i].stalled,
						      cases[i].posted,
						      cases[i].need),
			   cases[i].work);
}

/* One channel's view: eoi_pending and the EOIs that went out. */
struct chan {
	unsigned int pending;
	bool split;
	unsigned int eois;
	unsigned int spurious;
};

/* What queue.c's xsplit_nb_eoi() does, without the atomics. */
static void half_done(struct chan *c, unsigned int bit, bool found)
{
	enum xsplit_nb_eoi_act act;
	unsigned int clear;

	if (!(c->pending & bit))
		return;
	c->pending ^= xsplit_nb_eoi_done_mask(bit, found);
	act = xsplit_nb_eoi_settle(c->pending, bit, c->split, &clear);
	if (act == XSPLIT_NB_EOI_NONE)
		return;
	c->pending &= ~clear;
	c->eois++;
	c->spurious += act == XSPLIT_NB_EOI_SPURIOUS;
}

static void test_split_found(void **state)
{
	struct chan c = { .split = true };

	(void)state;
	c.pending = RX;
	half_done(&c, RX, true);
	assert_int_equal(c.eois, 1);
	assert_int_equal(c.spurious, 0);
	assert_int_equal(c.pending, 0);
}

/* The rx thread woke for an event but built nothing: spurious. */
static void test_split_nothing_built(void **state)
{
	struct chan c = { .split = true };

	(void)state;
	c.pending = RX;
	half_done(&c, RX, false);
	assert_int_equal(c.eois, 1);
	assert_int_equal(c.spurious, 1);
	assert_int_equal(c.pending, 0);
}

/* Split: the other half's pending event does not hold ours back. */
static void test_split_halves_independent(void **state)
{
	struct chan c = { .split = true };

	(void)state;
	c.pending = TX | RX;
	half_done(&c, RX, false);
	assert_int_equal(c.eois, 1);
	assert_int_equal(c.spurious, 1);
	half_done(&c, TX, true);
	assert_int_equal(c.eois, 2);
	assert_int_equal(c.spurious, 1);
	assert_int_equal(c.pending, 0);
}

struct shared_case {
	unsigned int first;	/* the half that finishes first */
	bool first_found;
	bool second_found;
	bool spurious;
};

/* Shared channel: one EOI per event, from the last half. */
static void test_shared(void **state)
{
	static const struct shared_case cases[] = {
		{ TX, true, true, false },
		{ TX, true, false, false },
		{ TX, false, true, false },
		{ TX, false, false, true },
		{ RX, true, false, false },
		{ RX, false, true, false },
		{ RX, false, false, true },
	};
	const struct shared_case *k;
	struct chan c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		k = &cases[i];
		c = (struct chan){ .pending = TX | RX };
		half_done(&c, k->first, k->first_found);
		case_equal(i, c.eois, 0);
		half_done(&c, k->first ^ (TX | RX), k->second_found);
		case_equal(i, c.eois, 1);
		case_equal(i, c.spurious, k->spurious);
		/* the next event starts clean */
		case_equal(i, c.pending, 0);
	}
}

/* A half with no event pending (NAPI polling again) sends nothing. */
static void test_not_pending(void **state)
{
	struct chan c = { .pending = RX };

	(void)state;
	half_done(&c, TX, true);
	assert_int_equal(c.eois, 0);
	assert_int_equal(c.pending, RX);
	half_done(&c, RX, false);
	assert_int_equal(c.eois, 1);
	assert_int_equal(c.spurious, 1);
}

/*
 * The attack: the head packet needs two buffers, the guest posts one and
 * kicks a thousand times.  No event is work; every one is spurious.  Once
 * it posts the second, the next event is work.
 */
static void test_kick_flood(void **state)
{
	struct chan c = { .split = true };
	unsigned int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		if (!xsplit_nb_rx_event_work(true, false, 1, 2)) {
			/* the core EOIs a handler's NO_WORK as spurious */
			c.eois++;
			c.spurious++;
			continue;
		}
		c.pending |= RX;
		half_done(&c, RX, false);	/* the thread built nothing */
	}
	assert_int_equal(c.eois, 1000);
	assert_int_equal(c.spurious, 1000);
	assert_true(xsplit_nb_rx_event_work(true, false, 2, 2));
	c.pending |= RX;
	half_done(&c, RX, true);
	assert_int_equal(c.spurious, 1000);
	assert_int_equal(c.eois, 1001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rx_event_work),
		cmocka_unit_test(test_split_found),
		cmocka_unit_test(test_split_nothing_built),
		cmocka_unit_test(test_split_halves_independent),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_not_pending),
		cmocka_unit_test(test_kick_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

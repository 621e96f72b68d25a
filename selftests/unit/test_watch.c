// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the bounded-watch rule (xenbus/xsplit_watch.h), against a
 * model of Linux's xenbus watch queue (drivers/xen/xenbus/xenbus_xs.c): the
 * reader asks will_handle() under its lock and queues the event, counting
 * it in nr_pending; the watch thread takes one event, uncounts it, then
 * runs the callback, which reads the node.  A guest rewriting a node in a
 * loop must neither grow the queue nor leave the last value unseen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "xenbus/xsplit_watch.h"

struct model {
	unsigned int node;	/* the watched node's value */
	unsigned int nr_pending;
	unsigned int most_pending;
	unsigned int callbacks;
	unsigned int seen;	/* the value the last callback read */
};

/* The guest writes the node; xenstored fires the watch. */
static void guest_write(struct model *m, unsigned int v)
{
	m->node = v;
	if (!xsplit_xb_watch_accept(m->nr_pending))
		return;
	m->nr_pending++;
	if (m->nr_pending > m->most_pending)
		m->most_pending = m->nr_pending;
}

/* The watch thread dequeues one event; the callback comes after. */
static bool thread_dequeue(struct model *m)
{
	if (!m->nr_pending)
		return false;
	m->nr_pending--;
	return true;
}

static void callback(struct model *m)
{
	m->callbacks++;
	m->seen = m->node;
}

static void thread_run_all(struct model *m)
{
	while (thread_dequeue(m))
		callback(m);
}

static void test_rule(void **state)
{
	(void)state;
	assert_true(xsplit_xb_watch_accept(0));
	assert_false(xsplit_xb_watch_accept(1));
	assert_false(xsplit_xb_watch_accept(1000));
}

/* The watch thread is busy elsewhere while the guest writes in a loop. */
static void test_flood_is_bounded(void **state)
{
	struct model m = { 0 };
	unsigned int i;

	(void)state;
	for (i = 1; i <= 100000; i++)
		guest_write(&m, i);
	assert_int_equal(m.most_pending, XSPLIT_XB_WATCH_MAX_PENDING);
	thread_run_all(&m);
	assert_int_equal(m.callbacks, 1);
	assert_int_equal(m.seen, 100000);
}

/* Writes that come while a callback runs are not lost. */
static void test_write_during_callback(void **state)
{
	struct model m = { 0 };

	(void)state;
	guest_write(&m, 1);
	assert_true(thread_dequeue(&m));
	/* dequeued, callback not run yet: the next write queues */
	guest_write(&m, 2);
	guest_write(&m, 3);
	callback(&m);
	assert_int_equal(m.seen, 3);
	assert_int_equal(m.nr_pending, 1);
	/* the callback already read 3; this write comes after it */
	guest_write(&m, 4);
	thread_run_all(&m);
	assert_int_equal(m.seen, 4);
	assert_int_equal(m.callbacks, 2);
	assert_int_equal(m.most_pending, 1);
}

/* Interleaved writes and handling: the last value is always seen. */
static void test_last_value_seen(void **state)
{
	struct model m = { 0 };
	unsigned int i, j;

	(void)state;
	for (i = 0; i < 100; i++) {
		for (j = 0; j < i % 7; j++)
			guest_write(&m, i * 10 + j);
		if (i % 3)
			thread_run_all(&m);
		assert_true(m.nr_pending <= XSPLIT_XB_WATCH_MAX_PENDING);
	}
	thread_run_all(&m);
	assert_int_equal(m.seen, m.node);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_flood_is_bounded),
		cmocka_unit_test(test_write_during_callback),
		cmocka_unit_test(test_last_value_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

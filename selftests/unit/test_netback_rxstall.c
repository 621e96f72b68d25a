// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netback's guest-receive stall rule: when a queue enters
 * and leaves the stall, and when the stall clock restarts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/rxstall.h"
#include "table.h"

#define NONE XSPLIT_NB_STALL_NONE
#define ENTER XSPLIT_NB_STALL_ENTER
#define LEAVE XSPLIT_NB_STALL_LEAVE

struct stall_case {
	struct xsplit_nb_stall_in in;
	int act;
};

static void test_stall_check(void **state)
{
	static const struct stall_case cases[] = {
		/* healthy: buffers posted */
		{ { false, true, 10, 1, 1000, 500 }, NONE },
		/* no buffers, waiting, but not for long yet */
		{ { false, true, 0, 1, 400, 500 }, NONE },
		{ { false, true, 0, 1, 500, 500 }, NONE },
		/* no buffers for longer than the timeout */
		{ { false, true, 0, 1, 501, 500 }, ENTER },
		/* a few buffers, not enough for the head packet (GSO) */
		{ { false, true, 5, 19, 600, 500 }, ENTER },
		{ { false, true, 19, 19, 600, 500 }, NONE },
		/* nothing waits: an idle guest is never stalled */
		{ { false, false, 0, 1, 100000, 500 }, NONE },
		/* stall detection off */
		{ { false, true, 0, 1, 100000, 0 }, NONE },
		/* need 0 counts as one buffer */
		{ { false, true, 0, 0, 600, 500 }, ENTER },
		{ { false, true, 1, 0, 600, 500 }, NONE },
		/* stalled: leaves once enough is posted */
		{ { true, true, 0, 1, 100000, 500 }, NONE },
		{ { true, true, 1, 1, 100000, 500 }, LEAVE },
		{ { true, true, 5, 19, 100000, 500 }, NONE },
		{ { true, true, 19, 19, 100000, 500 }, LEAVE },
		/* backlog dropped at the stall: one buffer is enough */
		{ { true, false, 1, 19, 100000, 500 }, LEAVE },
		{ { true, false, 0, 19, 100000, 500 }, NONE },
		/* detection turned off while stalled: leave */
		{ { true, true, 0, 1, 100000, 0 }, LEAVE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		case_equal(i, xsplit_nb_stall_check(&cases[i].in), cases[i].act);
}

static void test_has_room(void **state)
{
	(void)state;
	/* an empty backlog alone is not room: the guest must have posted */
	assert_false(xsplit_nb_stall_has_room(false, 0, 1));
	assert_true(xsplit_nb_stall_has_room(false, 1, 19));
	assert_false(xsplit_nb_stall_has_room(true, 18, 19));
	assert_true(xsplit_nb_stall_has_room(true, 19, 19));
	assert_true(xsplit_nb_stall_has_room(true, 1, 0));
	assert_false(xsplit_nb_stall_has_room(true, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_check),
		cmocka_unit_test(test_has_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

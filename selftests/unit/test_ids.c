// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ring/xsplit_ids.h, the outstanding-id sets of blkfront's
 * request table, netfront's tx ids and netback's zero-copy pool.  The
 * peer's part is played by put(): what it may send back is any id at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ring/xsplit_ids.h"

#define NR 8

static u32 free_store[NR];
static u8 busy_store[NR];

static void test_init_rejects(void **state)
{
	struct xsplit_ids ids;

	(void)state;
	assert_int_equal(xsplit_ids_init(&ids, NULL, busy_store, NR), -EINVAL);
	assert_int_equal(xsplit_ids_init(&ids, free_store, NULL, NR), -EINVAL);
	assert_int_equal(xsplit_ids_init(&ids, free_store, busy_store, 0),
			 -EINVAL);
}

/* A fresh set hands out 0, 1, 2...; then reuses the last one freed. */
static void test_order(void **state)
{
	struct xsplit_ids ids;
	int i;

	(void)state;
	assert_int_equal(xsplit_ids_init(&ids, free_store, busy_store, NR), 0);
	for (i = 0; i < NR; i++) {
		assert_int_equal(xsplit_ids_get(&ids), i);
		assert_true(xsplit_ids_busy(&ids, i));
	}
	assert_int_equal(xsplit_ids_get(&ids), -ENOSPC);
	assert_int_equal(ids.nr_free, 0);
	assert_int_equal(xsplit_ids_put(&ids, 5), 0);
	assert_int_equal(xsplit_ids_put(&ids, 2), 0);
	assert_int_equal(xsplit_ids_get(&ids), 2);
	assert_int_equal(xsplit_ids_get(&ids), 5);
}

/* What a peer may answer: a free id, the same id twice, any number. */
static void test_put_refuses(void **state)
{
	static const u32 bad[] = { NR, NR + 1, 0xffff, 0xffffffffu };
	struct xsplit_ids ids;
	size_t i;
	int id;

	(void)state;
	assert_int_equal(xsplit_ids_init(&ids, free_store, busy_store, NR), 0);
	assert_int_equal(xsplit_ids_put(&ids, 0), -EINVAL);	/* never out */
	id = xsplit_ids_get(&ids);
	assert_int_equal(xsplit_ids_put(&ids, id), 0);
	assert_int_equal(xsplit_ids_put(&ids, id), -EINVAL);	/* twice */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(xsplit_ids_put(&ids, bad[i]), -EINVAL);
		assert_false(xsplit_ids_busy(&ids, bad[i]));
	}
	assert_int_equal(ids.nr_free, NR);	/* the stack never overflows */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_put_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

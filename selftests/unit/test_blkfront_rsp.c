// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of blkfront/rsp.c: the outstanding-request table and the
 * validator every backend response goes through.  The "backend" is the
 * test, answering with good, repeated, invented and malformed responses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "blkfront/rsp.h"

#define NR 8

struct tab_fixture {
	struct xsplit_blkf_tab tab;
	struct xsplit_blkf_out ent[NR];
	u32 free[NR];
	u8 busy[NR];
};

static struct tab_fixture fx;

static int setup(void **state)
{
	assert_int_equal(xsplit_blkf_tab_init(&fx.tab, fx.ent, fx.free, fx.busy, NR), 0);
	return 0;
}

static struct xsplit_blkif_response rsp(u64 id, u8 op, s16 status)
{
	struct xsplit_blkif_response r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.operation = op;
	r.status = status;
	return r;
}

static void test_init_rejects(void **state)
{
	struct xsplit_blkf_tab t;

	assert_int_equal(xsplit_blkf_tab_init(&t, NULL, fx.free, fx.busy, NR),
			 -EINVAL);
	assert_int_equal(xsplit_blkf_tab_init(&t, fx.ent, NULL, fx.busy, NR),
			 -EINVAL);
	assert_int_equal(xsplit_blkf_tab_init(&t, fx.ent, fx.free, NULL, NR),
			 -EINVAL);
	assert_int_equal(xsplit_blkf_tab_init(&t, fx.ent, fx.free, fx.busy, 0),
			 -EINVAL);
}

static void test_alloc_all_then_full(void **state)
{
	int i;

	for (i = 0; i < NR; i++)
		assert_int_equal(xsplit_blkf_tab_alloc(&fx.tab, 0, 0), i);
	assert_int_equal(xsplit_blkf_tab_alloc(&fx.tab, 0, 0), -ENOSPC);
	assert_int_equal(xsplit_blkf_tab_release(&fx.tab, 3), 0);
	assert_int_equal(xsplit_blkf_tab_alloc(&fx.tab, 1, 0), 3);
}

static void test_good_response(void **state)
{
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	int id = xsplit_blkf_tab_alloc(&fx.tab, XSPLIT_BLKIF_OP_WRITE, 0);

	r = rsp(id, XSPLIT_BLKIF_OP_WRITE, XSPLIT_BLKIF_RSP_OKAY);
	assert_int_equal(xsplit_blkf_rsp_check(&fx.tab, &r, &d), 0);
	assert_int_equal(d.id, id);
	assert_int_equal(d.status, 0);
	assert_int_equal(d.op, XSPLIT_BLKIF_OP_WRITE);
	assert_false(xsplit_blkf_tab_busy(&fx.tab, id));
	assert_int_equal(fx.tab.ids.nr_free, NR);
}

/* A second response for the same id is refused: completed once only. */
static void test_duplicate_refused(void **state)
{
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	int id = xsplit_blkf_tab_alloc(&fx.tab, XSPLIT_BLKIF_OP_READ, 0);

	r = rsp(id, XSPLIT_BLKIF_OP_READ, XSPLIT_BLKIF_RSP_OKAY);
	assert_int_equal(xsplit_blkf_rsp_check(&fx.tab, &r, &d), 0);
	assert_int_equal(xsplit_blkf_rsp_check(&fx.tab, &r, &d), -EALREADY);
	assert_int_equal(fx.tab.ids.nr_free, NR);
}

struct id_case {
	u64 id;
	int ret;
};

static void test_ids_outside(void **state)
{
	static const struct id_case cases[] = {
		/* 0 */ { NR, -ERANGE },
		/* 1 */ { NR + 1, -ERANGE },
		/* 2 */ { 0xffffffffULL, -ERANGE },
		/* 3 */ { 0x100000000ULL, -ERANGE },	/* truncates to 0 */
		/* 4 */ { ~0ULL, -ERANGE },
		/* 5 */ { 1, -EALREADY },		/* never issued */
	};
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	size_t i;

	assert_int_equal(xsplit_blkf_tab_alloc(&fx.tab, 0, 0), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = rsp(cases[i].id, 0, 0);
		if (xsplit_blkf_rsp_check(&fx.tab, &r, &d) != cases[i].ret)
			fail_msg("case %zu", i);
	}
	/* nothing moved: id 0 is still out */
	assert_true(xsplit_blkf_tab_busy(&fx.tab, 0));
	assert_int_equal(fx.tab.ids.nr_free, NR - 1);
}

struct op_case {
	u8 op, indirect_op, rsp_op;
	int ret;
};

static void test_operation_echo(void **state)
{
	static const struct op_case cases[] = {
		/* 0 */ { XSPLIT_BLKIF_OP_READ, 0, XSPLIT_BLKIF_OP_READ, 0 },
		/* 1 */ { XSPLIT_BLKIF_OP_READ, 0, XSPLIT_BLKIF_OP_WRITE, -EPROTO },
		/* 2 */ { XSPLIT_BLKIF_OP_INDIRECT, XSPLIT_BLKIF_OP_WRITE,
			  XSPLIT_BLKIF_OP_INDIRECT, 0 },
		/* 3 */ { XSPLIT_BLKIF_OP_INDIRECT, XSPLIT_BLKIF_OP_WRITE,
			  XSPLIT_BLKIF_OP_WRITE, 0 },
		/* 4 */ { XSPLIT_BLKIF_OP_INDIRECT, XSPLIT_BLKIF_OP_WRITE,
			  XSPLIT_BLKIF_OP_READ, -EPROTO },
		/* 5 */ { XSPLIT_BLKIF_OP_FLUSH_DISKCACHE, 0,
			  XSPLIT_BLKIF_OP_FLUSH_DISKCACHE, 0 },
		/* 6 */ { XSPLIT_BLKIF_OP_DISCARD, 0, XSPLIT_BLKIF_OP_WRITE,
			  -EPROTO },
		/* 7 */ { XSPLIT_BLKIF_OP_WRITE, 0, 0xff, -EPROTO },
	};
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	size_t i;
	int id;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		id = xsplit_blkf_tab_alloc(&fx.tab, cases[i].op,
					   cases[i].indirect_op);
		r = rsp(id, cases[i].rsp_op, XSPLIT_BLKIF_RSP_OKAY);
		if (xsplit_blkf_rsp_check(&fx.tab, &r, &d) != cases[i].ret)
			fail_msg("case %zu", i);
		/* a refused response leaves the request outstanding */
		if (xsplit_blkf_tab_busy(&fx.tab, id) != !!cases[i].ret)
			fail_msg("case %zu: busy", i);
		if (cases[i].ret)
			xsplit_blkf_tab_release(&fx.tab, id);
	}
	assert_int_equal(fx.tab.ids.nr_free, NR);
}

struct status_case {
	s16 status;
	int ret, err;
};

static void test_status_mapping(void **state)
{
	static const struct status_case cases[] = {
		/* 0 */ { XSPLIT_BLKIF_RSP_OKAY, 0, 0 },
		/* 1 */ { XSPLIT_BLKIF_RSP_ERROR, 0, -EIO },
		/* 2 */ { XSPLIT_BLKIF_RSP_EOPNOTSUPP, 0, -EOPNOTSUPP },
		/* 3 */ { 1, -EBADMSG, -EIO },
		/* 4 */ { -3, -EBADMSG, -EIO },
		/* 5 */ { 0x7fff, -EBADMSG, -EIO },
		/* 6 */ { -0x8000, -EBADMSG, -EIO },
	};
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	size_t i;
	int id;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		id = xsplit_blkf_tab_alloc(&fx.tab, XSPLIT_BLKIF_OP_READ, 0);
		r = rsp(id, XSPLIT_BLKIF_OP_READ, cases[i].status);
		if (xsplit_blkf_rsp_check(&fx.tab, &r, &d) != cases[i].ret ||
		    d.status != cases[i].err || d.id != (u32)id)
			fail_msg("case %zu", i);
		/* done either way: the id is free again */
		if (xsplit_blkf_tab_busy(&fx.tab, id))
			fail_msg("case %zu: still busy", i);
	}
}

static void test_release_twice(void **state)
{
	int id = xsplit_blkf_tab_alloc(&fx.tab, 0, 0);

	assert_int_equal(xsplit_blkf_tab_release(&fx.tab, id), 0);
	assert_int_equal(xsplit_blkf_tab_release(&fx.tab, id), -EINVAL);
	assert_int_equal(xsplit_blkf_tab_release(&fx.tab, NR), -EINVAL);
	assert_int_equal(fx.tab.ids.nr_free, NR);
}

/* Out-of-order answers, as a backend with several workers gives them. */
static void test_out_of_order(void **state)
{
	static const u32 order[NR] = { 5, 0, 7, 2, 1, 6, 3, 4 };
	struct xsplit_blkif_response r;
	struct xsplit_blkf_done d;
	int i;

	for (i = 0; i < NR; i++)
		xsplit_blkf_tab_alloc(&fx.tab, XSPLIT_BLKIF_OP_WRITE, 0);
	for (i = 0; i < NR; i++) {
		r = rsp(order[i], XSPLIT_BLKIF_OP_WRITE, 0);
		assert_int_equal(xsplit_blkf_rsp_check(&fx.tab, &r, &d), 0);
		assert_int_equal(d.id, order[i]);
	}
	assert_int_equal(fx.tab.ids.nr_free, NR);
	r = rsp(order[0], XSPLIT_BLKIF_OP_WRITE, 0);
	assert_int_equal(xsplit_blkf_rsp_check(&fx.tab, &r, &d), -EALREADY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_rejects, setup),
		cmocka_unit_test_setup(test_alloc_all_then_full, setup),
		cmocka_unit_test_setup(test_good_response, setup),
		cmocka_unit_test_setup(test_duplicate_refused, setup),
		cmocka_unit_test_setup(test_ids_outside, setup),
		cmocka_unit_test_setup(test_operation_echo, setup),
		cmocka_unit_test_setup(test_status_mapping, setup),
		cmocka_unit_test_setup(test_release_twice, setup),
		cmocka_unit_test_setup(test_out_of_order, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

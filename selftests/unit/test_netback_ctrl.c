// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netback's control-message handler (hash algorithm, flags,
 * key, mapping table with its two-step grant copy), the Toeplitz hash,
 * against the RSS verification vectors, and the bounded ring service.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/ctrl.h"

#define ST_OK XSPLIT_NETIF_CTRL_STATUS_SUCCESS
#define ST_INVAL XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER
#define ST_NOTSUP XSPLIT_NETIF_CTRL_STATUS_NOT_SUPPORTED
#define NR_QUEUES 4

static struct xsplit_netif_ctrl_request req(u16 type, u32 a, u32 b, u32 c)
{
	return (struct xsplit_netif_ctrl_request){
		.id = type + 100, .type = type, .data = { a, b, c },
	};
}

/* A message without copy: one step, its status. */
static u32 simple(struct xsplit_nb_ctrl *ctrl, u16 type, u32 a)
{
	struct xsplit_netif_ctrl_request r = req(type, a, 0, 0);
	struct xsplit_netif_ctrl_response rsp;
	struct xsplit_nb_ctrl_copy copy;

	assert_int_equal(xsplit_nb_ctrl_begin(ctrl, &r, &rsp, &copy),
			 XSPLIT_NB_CTRL_DONE);
	assert_int_equal(rsp.id, r.id);
	assert_int_equal(rsp.type, type);
	return rsp.status;
}

/* A message with copy: the bytes "arrive" in staging, then finish. */
static u32 with_copy(struct xsplit_nb_ctrl *ctrl, u16 type, u32 len, u32 off,
		     const void *bytes, bool copy_ok)
{
	struct xsplit_netif_ctrl_request r = req(type, 7, len, off);
	struct xsplit_netif_ctrl_response rsp;
	struct xsplit_nb_ctrl_copy copy;

	if (xsplit_nb_ctrl_begin(ctrl, &r, &rsp, &copy) == XSPLIT_NB_CTRL_DONE)
		return rsp.status;
	assert_int_equal(copy.gref, 7);
	assert_true(copy.len <= sizeof(ctrl->staging));
	memcpy(ctrl->staging, bytes, copy.len);
	xsplit_nb_ctrl_finish(ctrl, &r, &rsp, copy_ok);
	assert_int_equal(rsp.id, r.id);
	return rsp.status;
}

static void test_getters_and_unknown(void **state)
{
	struct xsplit_nb_ctrl ctrl;
	struct xsplit_netif_ctrl_request r;
	struct xsplit_netif_ctrl_response rsp;
	struct xsplit_nb_ctrl_copy copy;

	xsplit_nb_ctrl_init(&ctrl, NR_QUEUES);
	r = req(XSPLIT_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0);
	xsplit_nb_ctrl_begin(&ctrl, &r, &rsp, &copy);
	assert_int_equal(rsp.data, XSPLIT_NETIF_CTRL_HASH_TYPE_ALL);
	r = req(XSPLIT_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, 0, 0, 0);
	xsplit_nb_ctrl_begin(&ctrl, &r, &rsp, &copy);
	assert_int_equal(rsp.data, XSPLIT_NETIF_HASH_MAPPING_MAX);
	assert_int_equal(simple(&ctrl, 0, 0), ST_NOTSUP);
	assert_int_equal(simple(&ctrl, XSPLIT_NETIF_CTRL_TYPE_MAX, 0),
			 ST_NOTSUP);
	assert_int_equal(simple(&ctrl, 0xffff, 0), ST_NOTSUP);
}

static void test_alg_and_flags(void **state)
{
	struct xsplit_nb_ctrl ctrl;

	xsplit_nb_ctrl_init(&ctrl, NR_QUEUES);
	/* Flags need an algorithm first. */
	assert_int_equal(simple(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
				XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4), ST_INVAL);
	assert_int_equal(simple(&ctrl,
				XSPLIT_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 2),
			 ST_INVAL);
	assert_int_equal(simple(&ctrl,
				XSPLIT_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
				XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ),
			 ST_OK);
	assert_int_equal(simple(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
				0x10), ST_INVAL);
	assert_int_equal(ctrl.hash.flags, 0);
	assert_int_equal(simple(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
				XSPLIT_NETIF_CTRL_HASH_TYPE_ALL), ST_OK);
	assert_int_equal(ctrl.hash.flags, XSPLIT_NETIF_CTRL_HASH_TYPE_ALL);
}

static void test_key(void **state)
{
	u8 key[XSPLIT_NB_CTRL_STAGING];
	struct xsplit_nb_ctrl ctrl;

	xsplit_nb_ctrl_init(&ctrl, NR_QUEUES);
	memset(key, 0xab, sizeof(key));
	assert_int_equal(with_copy(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY,
				   XSPLIT_NETIF_HASH_KEY_SIZE + 1, 0, key, true),
			 ST_INVAL);
	assert_int_equal(with_copy(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY,
				   4, 0, key, false), ST_INVAL);
	assert_int_equal(ctrl.hash.key[0], 0);
	/* A short key is zero-padded. */
	assert_int_equal(with_copy(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY,
				   4, 0, key, true), ST_OK);
	assert_int_equal(ctrl.hash.key[3], 0xab);
	assert_int_equal(ctrl.hash.key[4], 0);
	assert_int_equal(with_copy(&ctrl, XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY,
				   0, 0, key, true), ST_OK);
	assert_int_equal(ctrl.hash.key[0], 0);
}

static void test_mapping(void **state)
{
	u32 map[XSPLIT_NETIF_HASH_MAPPING_MAX] = { 1, 2, 3, 3 };
	struct xsplit_nb_ctrl ctrl;

	xsplit_nb_ctrl_init(&ctrl, NR_QUEUES);
	/* No table yet: any range is out of it. */
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   1, 0, map, true), ST_INVAL);
	assert_int_equal(simple(&ctrl,
				XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
				XSPLIT_NETIF_HASH_MAPPING_MAX + 1), ST_INVAL);
	assert_int_equal(simple(&ctrl,
				XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
				8), ST_OK);
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   4, 4, map, true), ST_OK);
	assert_int_equal(ctrl.hash.mapping[5], 2);
	/* Range overflow, beyond the size, wrapping offsets. */
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   5, 4, map, true), ST_INVAL);
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   2, 0xffffffffU, map, true), ST_INVAL);
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   0xffffffffU, 2, map, true), ST_INVAL);
	/* A queue that does not exist leaves the table untouched. */
	map[0] = NR_QUEUES;
	assert_int_equal(with_copy(&ctrl,
				   XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
				   2, 0, map, true), ST_INVAL);
	assert_int_equal(ctrl.hash.mapping[0], 0);
	assert_int_equal(xsplit_nb_hash_queue(&ctrl.hash, 13, NR_QUEUES), 2);
	ctrl.hash.size = 0;
	assert_int_equal(xsplit_nb_hash_queue(&ctrl.hash, 13, NR_QUEUES), 1);
	assert_int_equal(xsplit_nb_hash_queue(&ctrl.hash, 13, 0), 0);
}

/* Microsoft's RSS verification suite, first IPv4 row. */
static void test_toeplitz(void **state)
{
	static const u8 key[XSPLIT_NETIF_HASH_KEY_SIZE] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
		0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
		0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
		0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
		0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	/* src 66.9.149.187:2794, dst 161.142.100.80:1766 */
	static const u8 tuple[12] = {
		66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6,
	};

	assert_int_equal(xsplit_nb_toeplitz(key, sizeof(key), tuple, 8),
			 0x323e8fc2);
	assert_int_equal(xsplit_nb_toeplitz(key, sizeof(key), tuple, 12),
			 0x51ccc178);
	assert_int_equal(xsplit_nb_toeplitz(key, 0, tuple, 12), 0);
	assert_int_equal(xsplit_nb_toeplitz(key, sizeof(key), tuple, 0), 0);
}

/* ---- serving the ring: a frontend that refills it as we answer ---- */

struct guest {
	void *page;
	struct xsplit_netif_ctrl_front f;
	struct xsplit_netif_ctrl_back b;
	u32 refills;		/* requests the guest still posts as we answer */
	u32 answered;
	u32 notified;
};

static void guest_post(struct guest *g)
{
	struct xsplit_netif_ctrl_request r =
		req(XSPLIT_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0);

	assert_int_equal(xsplit_netif_ctrl_front_put_req(&g->f, &r), 0);
}

static void guest_answer(void *arg, const struct xsplit_netif_ctrl_request *r)
{
	struct guest *g = arg;
	struct xsplit_netif_ctrl_response rsp = { .id = r->id, .type = r->type };

	assert_int_equal(xsplit_netif_ctrl_back_put_rsp(&g->b, &rsp), 0);
	g->answered++;
}

/* Kicked with answers: the guest takes them and fills the ring again. */
static void guest_notify(void *arg)
{
	struct guest *g = arg;
	struct xsplit_netif_ctrl_response rsp;

	g->notified++;
	do {
		while (xsplit_netif_ctrl_front_copy_rsp(&g->f, &rsp) > 0)
			;
	} while (xsplit_front_final_check(&g->f.r) > 0);
	while (g->refills && !xsplit_front_full(&g->f.r)) {
		g->refills--;
		guest_post(g);
	}
	xsplit_front_push_reqs(&g->f.r);
}

static const struct xsplit_nb_ctrl_serve_ops guest_ops = {
	.answer = guest_answer,
	.notify = guest_notify,
};

static struct guest *guest_new(u32 posted, u32 refills)
{
	struct guest *g = calloc(1, sizeof(*g));
	u32 i;

	assert_non_null(g);
	g->page = aligned_alloc(XSPLIT_RING_PAGE_SIZE, XSPLIT_RING_PAGE_SIZE);
	assert_non_null(g->page);
	assert_int_equal(xsplit_netif_ctrl_sring_init(g->page, 0), 0);
	assert_int_equal(xsplit_netif_ctrl_front_attach(&g->f, g->page, 0, 0),
			 0);
	assert_int_equal(xsplit_netif_ctrl_back_attach(&g->b, g->page, 0, 0),
			 0);
	for (i = 0; i < posted; i++)
		guest_post(g);
	xsplit_front_push_reqs(&g->f.r);
	g->refills = refills;
	return g;
}

static void guest_free(struct guest *g)
{
	free(g->page);
	free(g);
}

static void test_serve_drains(void **state)
{
	struct guest *g = guest_new(5, 0);
	u32 served;

	(void)state;
	assert_int_equal(xsplit_nb_ctrl_serve(&g->b, 64, &guest_ops, g,
					      &served), XSPLIT_NB_CTRL_IDLE);
	assert_int_equal(served, 5);
	assert_int_equal(g->answered, 5);
	assert_int_equal(g->notified, 1);
	/* empty and re-armed: the next request notifies us */
	assert_int_equal(xsplit_nb_ctrl_serve(&g->b, 64, &guest_ops, g,
					      &served), XSPLIT_NB_CTRL_IDLE);
	assert_int_equal(served, 0);
	assert_int_equal(((struct xsplit_sring *)g->page)->req_event, 6);
	guest_free(g);
}

/* The guest keeps the ring busy: each run stops at its budget. */
static void test_serve_bounded(void **state)
{
	struct guest *g = guest_new(1, 100000);
	u32 served, runs = 0;

	(void)state;
	while (xsplit_nb_ctrl_serve(&g->b, 64, &guest_ops, g, &served) ==
	       XSPLIT_NB_CTRL_AGAIN) {
		assert_int_equal(served, 64);
		runs++;
	}
	assert_true(served <= 64);
	assert_int_equal(g->answered, 100001);
	assert_int_equal(runs, 100001 / 64);
	guest_free(g);
}

static void test_serve_broken(void **state)
{
	struct guest *g = guest_new(1, 0);
	u32 served;

	(void)state;
	((struct xsplit_sring *)g->page)->req_prod = 100000;
	assert_int_equal(xsplit_nb_ctrl_serve(&g->b, 64, &guest_ops, g,
					      &served), XSPLIT_NB_CTRL_BROKEN);
	assert_int_equal(served, 0);
	guest_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters_and_unknown),
		cmocka_unit_test(test_alg_and_flags),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_toeplitz),
		cmocka_unit_test(test_serve_drains),
		cmocka_unit_test(test_serve_bounded),
		cmocka_unit_test(test_serve_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

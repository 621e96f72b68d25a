// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netback's tx-packet validator: one slot, several slots,
 * extra-info chains, multicast ops, and every drop and fatal rule.  Each
 * case is a list of requests fed in order, with the expected verdict,
 * reason and slot count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netback/txval.h"
#include "table.h"

#define MORE XSPLIT_NETTXF_MORE_DATA
#define EXTRA XSPLIT_NETTXF_EXTRA_INFO
#define CSUM XSPLIT_NETTXF_CSUM_BLANK
#define PAGE 4096U
#define MAX_REQS 80

struct tx_case {
	unsigned int nr;
	struct xsplit_netif_tx_request reqs[MAX_REQS];
	int verdict;
	int reason;
	u32 slots;
};

static struct xsplit_netif_tx_request data(u16 off, u16 size, u16 flags)
{
	static u16 id;

	return (struct xsplit_netif_tx_request){
		.gref = 100 + id, .offset = off, .flags = flags,
		.id = id++, .size = size,
	};
}

static struct xsplit_netif_tx_request extra(u8 type, u8 flags, u16 gso_size,
					    u8 gso_type)
{
	struct xsplit_netif_extra_info e = { .type = type, .flags = flags };
	struct xsplit_netif_tx_request req;

	if (type == XSPLIT_NETIF_EXTRA_TYPE_GSO) {
		e.u.gso.size = gso_size;
		e.u.gso.type = gso_type;
	}
	memset(&req, 0, sizeof(req));
	memcpy(&req, &e, sizeof(e));
	return req;
}

/* Feed until a verdict; a packet that wants more than given is partial. */
static int run(struct xsplit_nb_txv *v, const struct xsplit_netif_tx_request *r,
	       unsigned int nr)
{
	unsigned int i;
	int verdict = XSPLIT_NB_TXV_MORE;

	xsplit_nb_txv_init(v, XSPLIT_NB_MAX_SLOTS_DEFAULT,
			   XSPLIT_NB_FATAL_SLOTS_DEFAULT);
	for (i = 0; i < nr && verdict == XSPLIT_NB_TXV_MORE; i++)
		verdict = xsplit_nb_txv_feed(v, &r[i]);
	return verdict;
}

static void check(const struct tx_case *c, size_t n)
{
	struct xsplit_nb_txv v;
	int verdict = run(&v, c->reqs, c->nr);

	if (verdict != c->verdict || (int)v.reason != c->reason ||
	    (c->slots && xsplit_nb_txv_slots(&v) != c->slots))
		print_error("case %zu: verdict %d reason %d slots %u\n", n,
			    verdict, v.reason, xsplit_nb_txv_slots(&v));
	assert_int_equal(verdict, c->verdict);
	assert_int_equal(v.reason, c->reason);
	if (c->slots)
		assert_int_equal(xsplit_nb_txv_slots(&v), c->slots);
}

static void test_one_slot(void **state)
{
	struct xsplit_nb_txv v;
	struct xsplit_netif_tx_request r = data(100, 60, CSUM);

	assert_int_equal(run(&v, &r, 1), XSPLIT_NB_TXV_PACKET);
	assert_int_equal(v.len, 60);
	assert_int_equal(v.first_len, 60);
	assert_int_equal(v.nr_frags, 0);
	assert_int_equal(xsplit_nb_txv_slots(&v), 1);
	/* A finished packet ignores further input. */
	assert_int_equal(xsplit_nb_txv_feed(&v, &r), XSPLIT_NB_TXV_PACKET);
	assert_int_equal(xsplit_nb_txv_slots(&v), 1);
}

static void test_three_slots(void **state)
{
	struct xsplit_netif_tx_request r[3] = {
		data(0, 9000, MORE), data(0, 4096, MORE), data(0, 904, 0),
	};
	struct xsplit_nb_txv v;

	assert_int_equal(run(&v, r, 3), XSPLIT_NB_TXV_PACKET);
	assert_int_equal(v.len, 9000);
	assert_int_equal(v.first_len, 4000);
	assert_int_equal(v.nr_frags, 2);
	assert_int_equal(v.frags[1].size, 904);
	assert_int_equal(v.frags[1].id, r[2].id);
}

static void test_gso_extra(void **state)
{
	struct xsplit_netif_tx_request r[3] = {
		data(0, 5000, MORE | EXTRA | CSUM),
		extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, 1448,
		      XSPLIT_NETIF_GSO_TYPE_TCPV4),
		data(0, 1000, 0),
	};
	const struct xsplit_netif_extra_info *gso;
	struct xsplit_nb_txv v;

	assert_int_equal(run(&v, r, 3), XSPLIT_NB_TXV_PACKET);
	assert_int_equal(v.nr_extras, 1);
	assert_int_equal(xsplit_nb_txv_slots(&v), 3);
	gso = xsplit_nb_txv_extra(&v, XSPLIT_NETIF_EXTRA_TYPE_GSO);
	assert_non_null(gso);
	assert_int_equal(gso->u.gso.size, 1448);
	assert_null(xsplit_nb_txv_extra(&v, XSPLIT_NETIF_EXTRA_TYPE_HASH));
	assert_null(xsplit_nb_txv_extra(&v, 0));
	assert_null(xsplit_nb_txv_extra(&v, XSPLIT_NETIF_EXTRA_TYPE_MAX));
}

static void test_mcast(void **state)
{
	struct xsplit_netif_tx_request add[2] = {
		data(0, 0, EXTRA),
		extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0),
	};
	struct xsplit_netif_tx_request del[2] = {
		data(0, 0, EXTRA),
		extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL, 0, 0, 0),
	};
	struct xsplit_nb_txv v;

	assert_int_equal(run(&v, add, 2), XSPLIT_NB_TXV_MCAST_ADD);
	assert_int_equal(run(&v, del, 2), XSPLIT_NB_TXV_MCAST_DEL);
}

/* Builds a chain of @n data slots of @size bytes each after the first. */
static void chain(struct tx_case *c, unsigned int n, u16 size)
{
	unsigned int i;

	c->nr = n + 1;
	c->reqs[0] = data(0, (u16)(size * (n + 1)), MORE);
	for (i = 1; i <= n; i++)
		c->reqs[i] = data(0, size, i < n ? MORE : 0);
}

static void test_slot_limits(void **state)
{
	struct tx_case c = { 0 };

	chain(&c, XSPLIT_NB_MAX_SLOTS_DEFAULT - 1, 100);
	c.verdict = XSPLIT_NB_TXV_PACKET;
	c.slots = XSPLIT_NB_MAX_SLOTS_DEFAULT;
	check(&c, 1);

	chain(&c, XSPLIT_NB_MAX_SLOTS_DEFAULT, 100);
	c.verdict = XSPLIT_NB_TXV_DROP;
	c.reason = XSPLIT_NB_TXR_TOO_MANY_SLOTS;
	c.slots = XSPLIT_NB_MAX_SLOTS_DEFAULT + 1;
	check(&c, 2);

	chain(&c, XSPLIT_NB_FATAL_SLOTS_DEFAULT - 1, 100);
	c.slots = XSPLIT_NB_FATAL_SLOTS_DEFAULT;
	check(&c, 3);

	chain(&c, XSPLIT_NB_FATAL_SLOTS_DEFAULT, 100);
	c.verdict = XSPLIT_NB_TXV_FATAL;
	c.reason = XSPLIT_NB_TXR_FATAL_SLOTS;
	c.slots = 0;
	check(&c, 4);
}

static void test_drops(void **state)
{
	const struct tx_case cases[] = {
		/* 0: shorter than an Ethernet header */
		{ 1, { data(0, 13, 0) }, XSPLIT_NB_TXV_DROP,
		  XSPLIT_NB_TXR_SHORT, 1 },
		/* 1: unknown flag bits */
		{ 1, { data(0, 60, 0x40) }, XSPLIT_NB_TXV_DROP,
		  XSPLIT_NB_TXR_BAD_FLAGS, 1 },
		/* 2: an empty data slot */
		{ 3, { data(0, 100, MORE), data(0, 0, MORE), data(0, 50, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_ZERO_SLOT, 3 },
		/* 3: following slots bigger than the packet */
		{ 2, { data(0, 100, MORE), data(0, 200, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_OVERSIZE_SLOT, 2 },
		/* 4: the same extra twice */
		{ 3, { data(0, 100, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_HASH,
			     XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_HASH, 0, 0, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_DUP_EXTRA, 3 },
		/* 5: multicast add and delete at once */
		{ 3, { data(0, 0, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD,
			     XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL, 0, 0, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_BAD_MCAST, 3 },
		/* 6: multicast op with data slots */
		{ 3, { data(0, 100, EXTRA | MORE),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0),
		       data(0, 50, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_BAD_MCAST, 3 },
		/* 7: a drop still consumes the whole chain */
		{ 4, { data(0, 5, MORE), data(0, 1, MORE), data(0, 1, 0),
		       data(0, 60, 0) },
		  XSPLIT_NB_TXV_DROP, XSPLIT_NB_TXR_SHORT, 3 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i], i);
}

/* Tiny GSO sizes are raised to the floor; the rest pass unchanged. */
static void test_gso_size_floor(void **state)
{
	static const u16 sizes[][2] = {
		{ 1, XSPLIT_NB_MIN_GSO_SIZE },
		{ 7, XSPLIT_NB_MIN_GSO_SIZE },
		{ 8, 8 },
		{ 9, 9 },
		{ 536, 536 },
		{ 0xfffe, 0xfffe },
	};
	struct xsplit_netif_tx_request r[2] = { data(0, 60000, EXTRA) };
	const struct xsplit_netif_extra_info *gso;
	struct xsplit_nb_txv v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		r[1] = extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, sizes[i][0],
			     XSPLIT_NETIF_GSO_TYPE_TCPV4);
		xsplit_nb_txv_init(&v, XSPLIT_NB_MAX_SLOTS_DEFAULT,
				   XSPLIT_NB_FATAL_SLOTS_DEFAULT);
		xsplit_nb_txv_feed(&v, &r[0]);
		xsplit_nb_txv_feed(&v, &r[1]);
		gso = xsplit_nb_txv_extra(&v, XSPLIT_NETIF_EXTRA_TYPE_GSO);
		if (!gso)
			print_error("case %zu\n", i);
		assert_non_null(gso);
		case_equal(i, gso->u.gso.size, sizes[i][1]);
	}
}

static void test_fatal(void **state)
{
	const struct tx_case cases[] = {
		/* 0: first slot crosses its page */
		{ 1, { data(PAGE - 10, 60, 0) }, XSPLIT_NB_TXV_FATAL,
		  XSPLIT_NB_TXR_CROSS_PAGE, 0 },
		/* 1: a data slot crosses its page */
		{ 2, { data(0, 200, MORE), data(PAGE - 50, 100, 0) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_CROSS_PAGE, 0 },
		/* 2: offset beyond the page */
		{ 2, { data(0, 200, MORE), data(PAGE + 1, 0, 0) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_CROSS_PAGE, 0 },
		/* 3: extra type 0 */
		{ 2, { data(0, 100, EXTRA), extra(0, 0, 0, 0) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_EXTRA, 0 },
		/* 4: extra type past the last */
		{ 2, { data(0, 100, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_MAX, 0, 0, 0) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_EXTRA, 0 },
		/* 5: GSO size 0 */
		{ 2, { data(0, 100, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, 0,
			     XSPLIT_NETIF_GSO_TYPE_TCPV4) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_GSO, 0 },
		/* 6: GSO type unknown */
		{ 2, { data(0, 100, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, 1400, 3) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_GSO, 0 },
		/* 7: GSO size GSO_BY_FRAGS, which no TCP makes */
		{ 2, { data(0, 100, EXTRA),
		       extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, 0xffff,
			     XSPLIT_NETIF_GSO_TYPE_TCPV6) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_GSO, 0 },
		/* 8: an endless extra chain */
		{ 7, { data(0, 100, EXTRA),
		       extra(1, XSPLIT_NETIF_EXTRA_FLAG_MORE, 1, 1),
		       extra(2, XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(4, XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(5, XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(4, XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0),
		       extra(4, XSPLIT_NETIF_EXTRA_FLAG_MORE, 0, 0) },
		  XSPLIT_NB_TXV_FATAL, XSPLIT_NB_TXR_BAD_EXTRA, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i], i);
}

static void test_partial_and_limits(void **state)
{
	struct xsplit_netif_tx_request r[2] = {
		data(0, 100, MORE), data(0, 50, MORE),
	};
	struct xsplit_nb_txv v;

	/* Out of requests mid-chain: the caller sees MORE. */
	assert_int_equal(run(&v, r, 2), XSPLIT_NB_TXV_MORE);
	/* Limits are clamped to what the state can hold. */
	xsplit_nb_txv_init(&v, 1000, 1000);
	assert_int_equal(v.fatal_slots, XSPLIT_NB_FATAL_SLOTS_MAX);
	assert_int_equal(v.max_slots, XSPLIT_NB_FATAL_SLOTS_MAX);
	xsplit_nb_txv_init(&v, 0, 0);
	assert_int_equal(v.fatal_slots, 1);
	assert_int_equal(v.max_slots, 1);
	assert_string_equal(xsplit_nb_txv_reason_name(XSPLIT_NB_TXR_SHORT),
			    "shorter than an Ethernet header");
	assert_string_equal(xsplit_nb_txv_reason_name(999), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_slot),
		cmocka_unit_test(test_three_slots),
		cmocka_unit_test(test_gso_extra),
		cmocka_unit_test(test_gso_size_floor),
		cmocka_unit_test(test_mcast),
		cmocka_unit_test(test_slot_limits),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_partial_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of netfront's response validation: the tx id free list and
 * verdicts, and the rx packet parser on good packets (one slot, multi-slot,
 * extra-info chains) and on every way a backend can get a packet wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netfront/validate.h"

#define PAGE 4096
#define MAX_DATA 17

/* ---- tx ---- */

static void test_txids_cycle(void **state)
{
	struct xsplit_nf_txids t;
	unsigned int i;
	int id;

	xsplit_nf_txids_init(&t, XSPLIT_NF_TX_RING_SIZE);
	for (i = 0; i < XSPLIT_NF_TX_RING_SIZE; i++) {
		id = xsplit_ids_get(&t.ids);
		assert_true(id >= 0 && (unsigned int)id < XSPLIT_NF_TX_RING_SIZE);
	}
	assert_int_equal(xsplit_ids_get(&t.ids), -ENOSPC);
	assert_int_equal(t.ids.nr_free, 0);
	assert_int_equal(xsplit_ids_put(&t.ids, 7), 0);
	assert_int_equal(xsplit_ids_put(&t.ids, 7), -EINVAL);
	assert_int_equal(xsplit_ids_get(&t.ids), 7);
	assert_int_equal(xsplit_ids_put(&t.ids, XSPLIT_NF_TX_RING_SIZE),
			 -EINVAL);
	assert_int_equal(xsplit_ids_put(&t.ids, 0xffff), -EINVAL);
}

static void test_txids_small_and_oversized(void **state)
{
	struct xsplit_nf_txids t;

	xsplit_nf_txids_init(&t, 0);
	assert_int_equal(xsplit_ids_get(&t.ids), -ENOSPC);
	xsplit_nf_txids_init(&t, 1000);
	assert_int_equal(t.ids.nr, XSPLIT_NF_TX_RING_SIZE);
}

static void test_tx_verdicts(void **state)
{
	static const struct {
		u16 id;
		s16 status;
		enum xsplit_nf_tx_verdict want;
	} cases[] = {
		/* 0 */ { 3, XSPLIT_NETIF_RSP_OKAY, XSPLIT_NF_TX_OK },
		/* 1 */ { 3, XSPLIT_NETIF_RSP_ERROR, XSPLIT_NF_TX_ERR },
		/* 2 */ { 3, XSPLIT_NETIF_RSP_DROPPED, XSPLIT_NF_TX_ERR },
		/* 3 */ { 3, XSPLIT_NETIF_RSP_NULL, XSPLIT_NF_TX_NULL },
		/* 4 */ { 0xffff, XSPLIT_NETIF_RSP_NULL, XSPLIT_NF_TX_NULL },
		/* 5 */ { 4, XSPLIT_NETIF_RSP_OKAY, XSPLIT_NF_TX_BAD },
		/* 6 */ { 4, XSPLIT_NETIF_RSP_ERROR, XSPLIT_NF_TX_BAD },
		/* 7 */ { 300, XSPLIT_NETIF_RSP_OKAY, XSPLIT_NF_TX_BAD },
		/* 8 */ { 3, 2, XSPLIT_NF_TX_BAD },
		/* 9 */ { 3, -3, XSPLIT_NF_TX_BAD },
		/* 10 */ { 3, 0x7fff, XSPLIT_NF_TX_BAD },
	};
	struct xsplit_nf_txids t;
	size_t i;

	xsplit_nf_txids_init(&t, 8);
	for (i = 0; i < 4; i++)
		xsplit_ids_get(&t.ids);		/* ids 0..3 outstanding */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct xsplit_netif_tx_response r = {
			cases[i].id, cases[i].status
		};

		if (xsplit_nf_tx_check(&t, &r) != cases[i].want)
			print_error("tx case %zu\n", i);
		assert_int_equal(xsplit_nf_tx_check(&t, &r), cases[i].want);
	}
}

/* ---- rx ---- */

static struct xsplit_netif_rx_response data(u16 id, u16 off, s16 st,
					    u16 flags)
{
	return (struct xsplit_netif_rx_response){ id, off, flags, st };
}

static struct xsplit_netif_rx_response extra(u8 type, u8 flags, u16 a,
					     u8 b)
{
	struct xsplit_netif_extra_info x = { .type = type, .flags = flags };
	struct xsplit_netif_rx_response r;

	if (type == XSPLIT_NETIF_EXTRA_TYPE_GSO) {
		x.u.gso.size = a;
		x.u.gso.type = b;
	} else if (type == XSPLIT_NETIF_EXTRA_TYPE_XDP) {
		x.u.xdp.headroom = a;
	} else if (type == XSPLIT_NETIF_EXTRA_TYPE_HASH) {
		x.u.hash.type = b;
	}
	memcpy(&r, &x, sizeof(r));
	return r;
}

/* Feed slots with ids 0..n-1; returns finish()'s result. */
static int run(struct xsplit_nf_rx_pkt *p,
	       const struct xsplit_netif_rx_response *rs, unsigned int n,
	       unsigned int *taken)
{
	unsigned int i;
	u16 off, len;

	xsplit_nf_rx_begin(p, MAX_DATA);
	*taken = 0;
	for (i = 0; i < n && !xsplit_nf_rx_done(p); i++) {
		if (xsplit_nf_rx_feed(p, &rs[i], i, &off, &len) ==
		    XSPLIT_NF_RX_TAKE) {
			assert_true(len && off + len <= PAGE);
			(*taken)++;
		}
	}
	if (!xsplit_nf_rx_done(p))
		xsplit_nf_rx_truncated(p);
	assert_int_equal(i, n);
	return xsplit_nf_rx_finish(p);
}

static void test_rx_one_slot(void **state)
{
	struct xsplit_netif_rx_response rs[] = {
		data(0, 0, 60, XSPLIT_NETRXF_DATA_VALIDATED),
	};
	struct xsplit_nf_rx_pkt p;
	unsigned int taken;

	assert_int_equal(run(&p, rs, 1, &taken), 0);
	assert_int_equal(taken, 1);
	assert_int_equal(p.len, 60);
	assert_int_equal(p.flags, XSPLIT_NETRXF_DATA_VALIDATED);
}

static void test_rx_multi_slot_with_gso(void **state)
{
	struct xsplit_netif_rx_response rs[] = {
		data(0, 0, PAGE, XSPLIT_NETRXF_MORE_DATA |
		     XSPLIT_NETRXF_EXTRA_INFO | XSPLIT_NETRXF_CSUM_BLANK),
		extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, XSPLIT_NETIF_EXTRA_FLAG_MORE,
		      1448, XSPLIT_NETIF_GSO_TYPE_TCPV4),
		extra(XSPLIT_NETIF_EXTRA_TYPE_XDP, 0, 0, 0),
		data(3, 0, PAGE, XSPLIT_NETRXF_MORE_DATA),
		data(4, 0, 100, 0),
	};
	struct xsplit_nf_rx_pkt p;
	unsigned int taken;

	assert_int_equal(run(&p, rs, 5, &taken), 0);
	assert_int_equal(taken, 3);
	assert_int_equal(p.nr_extra, 2);
	assert_int_equal(p.len, 2 * PAGE + 100);
	assert_true(p.extra_mask & BIT(XSPLIT_NETIF_EXTRA_TYPE_GSO));
	assert_int_equal(p.extra[XSPLIT_NETIF_EXTRA_TYPE_GSO].u.gso.size,
			 1448);
}

static void test_rx_extra_without_more_data(void **state)
{
	struct xsplit_netif_rx_response rs[] = {
		data(0, 0, 1000, XSPLIT_NETRXF_EXTRA_INFO),
		extra(XSPLIT_NETIF_EXTRA_TYPE_GSO, 0, 536,
		      XSPLIT_NETIF_GSO_TYPE_TCPV6),
	};
	struct xsplit_nf_rx_pkt p;
	unsigned int taken;

	assert_int_equal(run(&p, rs, 2, &taken), 0);
	assert_int_equal(taken, 1);
}

/* Packets that must be dropped, each with its whole slot chain consumed. */
static void test_rx_bad_packets(void **state)
{
	const u16 M = XSPLIT_NETRXF_MORE_DATA, X = XSPLIT_NETRXF_EXTRA_INFO;
	const u8 GSO = XSPLIT_NETIF_EXTRA_TYPE_GSO;
	const u8 V4 = XSPLIT_NETIF_GSO_TYPE_TCPV4;
	static struct {
		struct xsplit_netif_rx_response rs[4];
		unsigned int n;
		int err;
	} cases[12];
	struct xsplit_nf_rx_pkt p;
	unsigned int i, taken;

	i = 0;
	/* 0: wrong id */
	cases[i].rs[0] = data(5, 0, 60, 0);
	cases[i].n = 1, cases[i++].err = -EPROTO;
	/* 1: error status */
	cases[i].rs[0] = data(0, 0, XSPLIT_NETIF_RSP_ERROR, 0);
	cases[i].n = 1, cases[i++].err = -EIO;
	/* 2: runs off the page */
	cases[i].rs[0] = data(0, 100, PAGE - 99, 0);
	cases[i].n = 1, cases[i++].err = -EFAULT;
	/* 3: offset beyond the page */
	cases[i].rs[0] = data(0, 0xffff, 1, 0);
	cases[i].n = 1, cases[i++].err = -EFAULT;
	/* 4: runt frame */
	cases[i].rs[0] = data(0, 0, 13, 0);
	cases[i].n = 1, cases[i++].err = -EMSGSIZE;
	/* 5: unknown extra type */
	cases[i].rs[0] = data(0, 0, 60, X);
	cases[i].rs[1] = extra(9, 0, 0, 0);
	cases[i].n = 2, cases[i++].err = -EINVAL;
	/* 6: GSO with MSS 0 */
	cases[i].rs[0] = data(0, 0, 60, X);
	cases[i].rs[1] = extra(GSO, 0, 0, V4);
	cases[i].n = 2, cases[i++].err = -EINVAL;
	/* 7: GSO of an unknown type */
	cases[i].rs[0] = data(0, 0, 60, X);
	cases[i].rs[1] = extra(GSO, 0, 1448, 7);
	cases[i].n = 2, cases[i++].err = -EINVAL;
	/* 8: the same extra twice */
	cases[i].rs[0] = data(0, 0, 60, X);
	cases[i].rs[1] = extra(GSO, XSPLIT_NETIF_EXTRA_FLAG_MORE, 1448, V4);
	cases[i].rs[2] = extra(GSO, 0, 1448, V4);
	cases[i].n = 3, cases[i++].err = -EINVAL;
	/* 9: a multicast extra has no business on rx */
	cases[i].rs[0] = data(0, 0, 60, X);
	cases[i].rs[1] = extra(XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0);
	cases[i].n = 2, cases[i++].err = -EINVAL;
	/* 10: more data promised, ring ends */
	cases[i].rs[0] = data(0, 0, 60, M);
	cases[i].n = 1, cases[i++].err = -ENODATA;
	/* 11: obsolete GSO prefix */
	cases[i].rs[0] = data(0, 0, 60, XSPLIT_NETRXF_GSO_PREFIX);
	cases[i].n = 1, cases[i++].err = -EOPNOTSUPP;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int err = run(&p, cases[i].rs, cases[i].n, &taken);

		if (err != cases[i].err)
			print_error("rx case %u: %d\n", i, err);
		assert_int_equal(err, cases[i].err);
	}
}

/* Past max_data, slots are reposted but the chain is still followed. */
static void test_rx_too_many_slots(void **state)
{
	struct xsplit_netif_rx_response rs[MAX_DATA + 3];
	struct xsplit_nf_rx_pkt p;
	unsigned int i, taken;

	for (i = 0; i < ARRAY_SIZE(rs); i++)
		rs[i] = data(i, 0, PAGE, i + 1 < ARRAY_SIZE(rs) ?
			     XSPLIT_NETRXF_MORE_DATA : 0);
	assert_int_equal(run(&p, rs, ARRAY_SIZE(rs), &taken), -EMSGSIZE);
	assert_int_equal(taken, MAX_DATA);
	assert_int_equal(p.nr_data, ARRAY_SIZE(rs));
}

/* An empty continuation slot is legal and takes nothing. */
static void test_rx_empty_slot(void **state)
{
	struct xsplit_netif_rx_response rs[] = {
		data(0, 0, 60, XSPLIT_NETRXF_MORE_DATA),
		data(1, 4096, 0, 0),
	};
	struct xsplit_nf_rx_pkt p;
	unsigned int taken;

	assert_int_equal(run(&p, rs, 2, &taken), 0);
	assert_int_equal(taken, 1);
}

/* A done packet takes no more slots. */
static void test_rx_feed_after_done(void **state)
{
	struct xsplit_netif_rx_response r = data(0, 0, 60, 0);
	struct xsplit_nf_rx_pkt p;
	u16 off, len;

	xsplit_nf_rx_begin(&p, MAX_DATA);
	assert_int_equal(xsplit_nf_rx_feed(&p, &r, 0, &off, &len),
			 XSPLIT_NF_RX_TAKE);
	assert_true(xsplit_nf_rx_done(&p));
	assert_int_equal(xsplit_nf_rx_feed(&p, &r, 1, &off, &len),
			 XSPLIT_NF_RX_REPOST);
	assert_int_equal(xsplit_nf_rx_finish(&p), -EINVAL);
}

/* ---- XDP ---- */

#define HEADROOM 256	/* XDP_PACKET_HEADROOM */
#define TAILROOM 320	/* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), x86-64 */
#define ETH 14

static void test_xdp_verdict_counters(void **state)
{
	assert_int_equal(xsplit_nf_xdp_ctr(XSPLIT_NF_XDP_PASS),
			 XSPLIT_NF_XDP_CTR_PASS);
	assert_int_equal(xsplit_nf_xdp_ctr(XSPLIT_NF_XDP_DROP),
			 XSPLIT_NF_XDP_CTR_DROP);
	assert_int_equal(xsplit_nf_xdp_ctr(XSPLIT_NF_XDP_TX),
			 XSPLIT_NF_XDP_CTR_TX);
	assert_int_equal(xsplit_nf_xdp_ctr(XSPLIT_NF_XDP_REDIRECT),
			 XSPLIT_NF_XDP_CTR_REDIRECT);
	assert_int_equal(xsplit_nf_xdp_ctr(XSPLIT_NF_XDP_ABORTED),
			 XSPLIT_NF_XDP_CTR_ABORTED);
	/* a program may return anything: no verdict is an abort */
	assert_int_equal(xsplit_nf_xdp_ctr(5), XSPLIT_NF_XDP_CTR_ABORTED);
	assert_int_equal(xsplit_nf_xdp_ctr(0xffffffffU),
			 XSPLIT_NF_XDP_CTR_ABORTED);
}

static void test_xdp_fits(void **state)
{
	/* what netback sends at the headroom: an MTU 1500 frame */
	assert_true(xsplit_nf_xdp_fits(1, HEADROOM, 1514, PAGE, TAILROOM));
	/* the largest that leaves the tailroom, and one byte more */
	assert_true(xsplit_nf_xdp_fits(1, HEADROOM, PAGE - HEADROOM - TAILROOM,
				       PAGE, TAILROOM));
	assert_false(xsplit_nf_xdp_fits(1, HEADROOM,
					PAGE - HEADROOM - TAILROOM + 1,
					PAGE, TAILROOM));
	/* no headroom (a backend that ignored it): still one page */
	assert_true(xsplit_nf_xdp_fits(1, 0, 1514, PAGE, TAILROOM));
	/* several slots: never, whatever their sizes */
	assert_false(xsplit_nf_xdp_fits(2, HEADROOM, 60, PAGE, TAILROOM));
	assert_false(xsplit_nf_xdp_fits(0, 0, 60, PAGE, TAILROOM));
	/* values the validator would refuse cannot wrap through here */
	assert_false(xsplit_nf_xdp_fits(1, PAGE + 1, 0, PAGE, 0));
	assert_false(xsplit_nf_xdp_fits(1, 1, 0xffffffffU, PAGE, 0));
	assert_false(xsplit_nf_xdp_fits(1, 0xffffffffU, 2, PAGE, 0));
	assert_false(xsplit_nf_xdp_fits(1, 0, 0, PAGE, 0xffffffffU));
	assert_true(xsplit_nf_xdp_fits(1, 0, PAGE, PAGE, 0));
}

static void xdp_pkt(struct xsplit_nf_rx_pkt *p, u16 headroom)
{
	memset(p, 0, sizeof(*p));
	p->extra_mask = BIT(XSPLIT_NETIF_EXTRA_TYPE_XDP);
	p->extra[XSPLIT_NETIF_EXTRA_TYPE_XDP].u.xdp.headroom = headroom;
}

/* Both backends' layouts of a packet at the headroom. */
static void test_xdp_data(void **state)
{
	struct xsplit_nf_rx_pkt p;
	u16 off, len;

	/* Linux's netback: offset 0, the status counts the headroom */
	xdp_pkt(&p, HEADROOM);
	off = 0;
	len = HEADROOM + 98;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 1, &off, &len), 0);
	assert_int_equal(off, HEADROOM);
	assert_int_equal(len, 98);
	/* xsplit's netback: offset = headroom, the data's length */
	off = HEADROOM;
	len = 98;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 1, &off, &len), 0);
	assert_int_equal(off, HEADROOM);
	assert_int_equal(len, 98);
	/* several slots: not kept */
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 2, &off, &len), -EMSGSIZE);
	/* nothing left but the headroom, or less than a frame */
	off = 0;
	len = HEADROOM;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 1, &off, &len), -EINVAL);
	len = HEADROOM + 13;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 1, &off, &len), -EINVAL);
	len = 20;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 1, &off, &len), -EINVAL);
	assert_int_equal(off, 0);
	/* no extra, or a zero headroom: the response as it is */
	xdp_pkt(&p, 0);
	off = 0;
	len = 98;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 3, &off, &len), 0);
	p.extra_mask = 0;
	p.extra[XSPLIT_NETIF_EXTRA_TYPE_XDP].u.xdp.headroom = HEADROOM;
	assert_int_equal(xsplit_nf_rx_xdp_data(&p, 3, &off, &len), 0);
	assert_int_equal(off, 0);
	assert_int_equal(len, 98);
}

static void test_xdp_max_mtu(void **state)
{
	/* 4096 - 256 - 320 - 14 */
	assert_int_equal(xsplit_nf_xdp_max_mtu(PAGE, HEADROOM, TAILROOM, ETH),
			 3506);
	/* a frame of that MTU fits, at the headroom, one more does not */
	assert_true(xsplit_nf_xdp_fits(1, HEADROOM, 3506 + ETH, PAGE,
				       TAILROOM));
	assert_false(xsplit_nf_xdp_fits(1, HEADROOM, 3507 + ETH, PAGE,
					TAILROOM));
	assert_int_equal(xsplit_nf_xdp_max_mtu(PAGE, PAGE, 0, 0), 0);
	assert_int_equal(xsplit_nf_xdp_max_mtu(PAGE, 0xffffffffU,
					       0xffffffffU, ETH), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txids_cycle),
		cmocka_unit_test(test_txids_small_and_oversized),
		cmocka_unit_test(test_tx_verdicts),
		cmocka_unit_test(test_rx_one_slot),
		cmocka_unit_test(test_rx_multi_slot_with_gso),
		cmocka_unit_test(test_rx_extra_without_more_data),
		cmocka_unit_test(test_rx_bad_packets),
		cmocka_unit_test(test_rx_too_many_slots),
		cmocka_unit_test(test_rx_empty_slot),
		cmocka_unit_test(test_rx_feed_after_done),
		cmocka_unit_test(test_xdp_verdict_counters),
		cmocka_unit_test(test_xdp_fits),
		cmocka_unit_test(test_xdp_data),
		cmocka_unit_test(test_xdp_max_mtu),
	};

	return cmocka_run_group_tests_name("netfront_validate", tests,
					   NULL, NULL);
}

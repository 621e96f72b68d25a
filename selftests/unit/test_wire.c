// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the blkif and netif wire formats: the user-space half of
 * the layout checks (the kernel half is ring/layout_check.c), the wire-level
 * helpers, and the x86_32 / x86_64 converters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "table.h"

#include "ring/blkif.h"
#include "ring/netif.h"

#define field_at(type, field, off, size) do {				\
	assert_int_equal(offsetof(type, field), off);			\
	assert_int_equal(sizeof(((type *)0)->field), size);		\
} while (0)

/* ---- layouts: the i386 and x86_64 ABIs of blkif ---- */

#define R32 struct xsplit_blkif_x86_32_request
#define P32 struct xsplit_blkif_x86_32_response
#define R64 struct xsplit_blkif_x86_64_request
#define P64 struct xsplit_blkif_x86_64_response

static void test_blkif_x86_32_layout(void **state)
{
	field_at(R32, operation, 0, 1);
	field_at(R32, u.rw.nr_segments, 1, 1);
	field_at(R32, u.rw.handle, 2, 2);
	field_at(R32, u.rw.id, 4, 8);
	field_at(R32, u.rw.sector_number, 12, 8);
	field_at(R32, u.rw.seg, 20, 88);
	field_at(R32, u.discard.id, 4, 8);
	field_at(R32, u.discard.nr_sectors, 20, 8);
	field_at(R32, u.other.id, 4, 8);
	field_at(R32, u.indirect.nr_segments, 2, 2);
	field_at(R32, u.indirect.id, 4, 8);
	field_at(R32, u.indirect.handle, 20, 2);
	field_at(R32, u.indirect.indirect_grefs, 24, 32);
	assert_int_equal(sizeof(R32), 108);
	field_at(P32, id, 0, 8);
	field_at(P32, operation, 8, 1);
	field_at(P32, status, 10, 2);
	assert_int_equal(sizeof(P32), 12);
}

static void test_blkif_x86_64_layout(void **state)
{
	field_at(R64, u.rw.handle, 2, 2);
	field_at(R64, u.rw.id, 8, 8);
	field_at(R64, u.rw.sector_number, 16, 8);
	field_at(R64, u.rw.seg, 24, 88);
	field_at(R64, u.discard.id, 8, 8);
	field_at(R64, u.discard.nr_sectors, 24, 8);
	field_at(R64, u.other.id, 8, 8);
	field_at(R64, u.indirect.id, 8, 8);
	field_at(R64, u.indirect.handle, 24, 2);
	field_at(R64, u.indirect.indirect_grefs, 28, 32);
	assert_int_equal(sizeof(R64), 112);
	field_at(P64, status, 10, 2);
	assert_int_equal(sizeof(P64), 16);
	field_at(struct xsplit_blkif_segment, gref, 0, 4);
	field_at(struct xsplit_blkif_segment, first_sect, 4, 1);
	field_at(struct xsplit_blkif_segment, last_sect, 5, 1);
}

static void test_netif_layout(void **state)
{
	field_at(struct xsplit_netif_tx_request, offset, 4, 2);
	field_at(struct xsplit_netif_tx_request, flags, 6, 2);
	field_at(struct xsplit_netif_tx_request, id, 8, 2);
	field_at(struct xsplit_netif_tx_request, size, 10, 2);
	field_at(struct xsplit_netif_rx_request, gref, 4, 4);
	field_at(struct xsplit_netif_rx_response, status, 6, 2);
	field_at(struct xsplit_netif_extra_info, u.gso.size, 2, 2);
	field_at(struct xsplit_netif_extra_info, u.gso.type, 4, 1);
	field_at(struct xsplit_netif_extra_info, u.gso.features, 6, 2);
	field_at(struct xsplit_netif_extra_info, u.mcast.addr, 2, 6);
	field_at(struct xsplit_netif_extra_info, u.hash.value, 4, 4);
	field_at(struct xsplit_netif_ctrl_request, data, 4, 12);
	field_at(struct xsplit_netif_ctrl_response, data, 8, 4);
}

/* ---- blkif helpers ---- */

struct seg_case {
	u8 first, last;
	bool valid;
	unsigned int sectors, bytes, offset;
};

static const struct seg_case seg_cases[] = {
	{ 0, 0, true, 1, 512, 0 },
	{ 0, 7, true, 8, 4096, 0 },
	{ 3, 5, true, 3, 1536, 1536 },
	{ 7, 7, true, 1, 512, 3584 },
	{ 5, 4, false, 0, 0, 2560 },		/* first after last */
	{ 0, 8, false, 0, 0, 0 },		/* past the page */
	{ 8, 8, false, 0, 0, 4096 },
	{ 255, 255, false, 0, 0, 255 * 512 },
	{ 0, 255, false, 0, 0, 0 },
};

static void test_blkif_segments(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(seg_cases); i++) {
		const struct seg_case *c = &seg_cases[i];
		struct xsplit_blkif_segment s = {
			.gref = 1, .first_sect = c->first, .last_sect = c->last,
		};

		case_equal(i, xsplit_blkif_seg_valid(&s), c->valid);
		case_equal(i, xsplit_blkif_seg_sectors(&s), c->sectors);
		case_equal(i, xsplit_blkif_seg_bytes(&s), c->bytes);
		case_equal(i, xsplit_blkif_seg_offset(&s), c->offset);
	}
}

static const unsigned int indirect_cases[][2] = {
	{ 0, 0 }, { 1, 1 }, { 511, 1 }, { 512, 1 }, { 513, 2 },
	{ 1024, 2 }, { 4095, 8 }, { 4096, 8 }, { 4097, 9 }, { 65535, 128 },
};

static void test_blkif_indirect_pages(void **state)
{
	size_t i;

	assert_int_equal(XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME, 512);
	assert_int_equal(XSPLIT_BLKIF_MAX_INDIRECT_SEGMENTS, 4096);
	for (i = 0; i < ARRAY_SIZE(indirect_cases); i++)
		case_equal(i, xsplit_blkif_indirect_pages(indirect_cases[i][0]),
			   indirect_cases[i][1]);
}

static void test_blkif_ops(void **state)
{
	static const u8 known[] = { 0, 1, 2, 3, 5, 6 };
	unsigned int op, k;

	for (op = 0; op < 256; op++) {
		bool expect = false;

		for (k = 0; k < ARRAY_SIZE(known); k++)
			expect |= known[k] == op;
		case_equal(op, xsplit_blkif_op_known(op), expect);
	}
}

/* ---- blkif converters ---- */

static void fill_bytes(void *p, size_t n, u8 seed)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (u8)(seed + i * 7);
}

static void test_blkif_rw_from_x86_32(void **state)
{
	struct xsplit_blkif_x86_32_request src;
	struct xsplit_blkif_request dst;

	fill_bytes(&src, sizeof(src), 1);
	src.operation = XSPLIT_BLKIF_OP_WRITE;
	xsplit_blkif_req_from_x86_32(&dst, &src);
	assert_int_equal(dst.operation, XSPLIT_BLKIF_OP_WRITE);
	assert_int_equal(dst.u.rw.nr_segments, src.u.rw.nr_segments);
	assert_int_equal(dst.u.rw.handle, src.u.rw.handle);
	assert_true(dst.u.rw.id == src.u.rw.id);
	assert_true(dst.u.rw.sector_number == src.u.rw.sector_number);
	assert_memory_equal(dst.u.rw.seg, src.u.rw.seg, sizeof(dst.u.rw.seg));
	/* the 64-bit layout's padding is zero, not the guest's bytes */
	assert_int_equal(dst.u.rw._pad1, 0);
}

static void test_blkif_discard_and_indirect(void **state)
{
	struct xsplit_blkif_x86_32_request src;
	struct xsplit_blkif_request dst;

	fill_bytes(&src, sizeof(src), 3);
	src.operation = XSPLIT_BLKIF_OP_DISCARD;
	xsplit_blkif_req_from_x86_32(&dst, &src);
	assert_int_equal(dst.u.discard.flag, src.u.discard.flag);
	assert_true(dst.u.discard.id == src.u.discard.id);
	assert_true(dst.u.discard.sector_number ==
		    src.u.discard.sector_number);
	assert_true(dst.u.discard.nr_sectors == src.u.discard.nr_sectors);

	fill_bytes(&src, sizeof(src), 5);
	src.operation = XSPLIT_BLKIF_OP_INDIRECT;
	xsplit_blkif_req_from_x86_32(&dst, &src);
	assert_int_equal(dst.u.indirect.indirect_op,
			 src.u.indirect.indirect_op);
	assert_int_equal(dst.u.indirect.nr_segments,
			 src.u.indirect.nr_segments);
	assert_true(dst.u.indirect.id == src.u.indirect.id);
	assert_int_equal(dst.u.indirect.handle, src.u.indirect.handle);
	assert_memory_equal(dst.u.indirect.indirect_grefs,
			    src.u.indirect.indirect_grefs,
			    sizeof(dst.u.indirect.indirect_grefs));
	assert_int_equal(dst.u.indirect._pad2, 0);
	assert_int_equal(dst.u.indirect._pad3, 0);
}

/* An unknown operation keeps only what an error response needs. */
static void test_blkif_unknown_op(void **state)
{
	struct xsplit_blkif_x86_32_request src;
	struct xsplit_blkif_request dst, expect;

	fill_bytes(&src, sizeof(src), 9);
	src.operation = 4;
	xsplit_blkif_req_from_x86_32(&dst, &src);
	memset(&expect, 0, sizeof(expect));
	expect.operation = 4;
	expect.u.other.id = src.u.other.id;
	assert_memory_equal(&dst, &expect, sizeof(dst));
}

/* 32 -> native -> 32 -> native is stable for every operation. */
static void test_blkif_round_trips(void **state)
{
	static const u8 ops[] = { 0, 1, 2, 3, 4, 5, 6, 200 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		struct xsplit_blkif_x86_32_request a, b;
		struct xsplit_blkif_x86_64_request c, d;
		struct xsplit_blkif_request n1, n2, n3;

		fill_bytes(&a, sizeof(a), (u8)i);
		a.operation = ops[i];
		xsplit_blkif_req_from_x86_32(&n1, &a);
		xsplit_blkif_req_to_x86_32(&b, &n1);
		xsplit_blkif_req_from_x86_32(&n2, &b);
		assert_memory_equal(&n1, &n2, sizeof(n1));
		xsplit_blkif_req_to_x86_64(&c, &n2);
		xsplit_blkif_req_from_x86_64(&n3, &c);
		assert_memory_equal(&n1, &n3, sizeof(n1));
		xsplit_blkif_req_to_x86_64(&d, &n3);
		assert_memory_equal(&c, &d, sizeof(c));
	}
}

static void test_blkif_responses(void **state)
{
	struct xsplit_blkif_response n = {
		.id = 0x1122334455667788ULL, .operation = 1,
		.status = XSPLIT_BLKIF_RSP_EOPNOTSUPP,
	};
	struct xsplit_blkif_x86_32_response r32;
	struct xsplit_blkif_x86_64_response r64;
	struct xsplit_blkif_response back;
	const u8 *raw = (const u8 *)&r32;

	memset(&r32, 0xff, sizeof(r32));
	xsplit_blkif_rsp_to_x86_32(&r32, &n);
	assert_true(r32.id == n.id);
	assert_int_equal(r32.status, -2);
	assert_int_equal(raw[9], 0);	/* padding cleared */
	xsplit_blkif_rsp_from_x86_32(&back, &r32);
	assert_memory_equal(&back, &n, sizeof(n));
	memset(&r64, 0xff, sizeof(r64));
	xsplit_blkif_rsp_to_x86_64(&r64, &n);
	assert_int_equal(r64._pad2, 0);
	xsplit_blkif_rsp_from_x86_64(&back, &r64);
	assert_memory_equal(&back, &n, sizeof(n));
}

/* ---- netif helpers ---- */

struct slots_case {
	u32 offset, len;
	unsigned int slots;
	bool in_page;
};

static const struct slots_case slots_cases[] = {
	{ 0, 0, 0, true },
	{ 0, 1, 1, true },
	{ 0, 4096, 1, true },
	{ 0, 4097, 2, false },
	{ 4095, 1, 1, true },
	{ 4095, 2, 2, false },
	{ 100, 4000, 2, false },
	{ 100, 3996, 1, true },
	{ 4096, 0, 0, true },		/* offset is reduced mod page for slots */
	{ 4096, 1, 1, false },
	{ 8192 + 10, 100, 1, false },
	{ 0, 65535, 16, false },
	{ 1, 65535, 16, false },
	{ 4095, 65535, 17, false },	/* the worst 64 KiB packet */
	{ 0, 0xffffffff, 1048576, false },
	{ 0xffffffff, 0xffffffff, 1048577, false },
};

static void test_netif_slots(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(slots_cases); i++) {
		const struct slots_case *c = &slots_cases[i];

		case_equal(i, xsplit_netif_slots(c->offset, c->len), c->slots);
		case_equal(i, xsplit_netif_in_page(c->offset, c->len),
			   c->in_page);
	}
	/* a maximal packet fits in the slots every back end accepts */
	assert_true(xsplit_netif_slots(XSPLIT_RING_PAGE_SIZE - 1,
				       XSPLIT_NETIF_MAX_TX_SIZE) <=
		    XSPLIT_NETIF_NR_SLOTS_MIN);
}

static void test_netif_hash_level(void **state)
{
	unsigned int t;

	for (t = 0; t < 256; t++) {
		enum xsplit_netif_hash_level want = XSPLIT_NETIF_HASH_NONE;

		if (t == 0 || t == 2)
			want = XSPLIT_NETIF_HASH_L3;	/* IPv4, IPv6 */
		else if (t == 1 || t == 3)
			want = XSPLIT_NETIF_HASH_L4;	/* ... with TCP */
		case_equal(t, xsplit_netif_hash_level(t), want);
	}
}

static void test_netif_validators(void **state)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		case_equal(v, xsplit_netif_extra_type_valid(v),
			   v >= 1 && v <= 5);
		case_equal(v, xsplit_netif_gso_type_valid(v),
			   v == 1 || v == 2);
		case_equal(v, xsplit_netif_ctrl_type_valid(v),
			   v >= 1 && v <= 7);
		case_equal(v, xsplit_netif_hash_flags_valid(v), v < 16);
		case_equal(v, xsplit_netif_hash_algorithm_valid(v), v < 2);
		case_equal(v, xsplit_netif_tx_flags_valid(v), v < 16);
	}
	assert_false(xsplit_netif_ctrl_type_valid(0xffff));
	assert_false(xsplit_netif_tx_flags_valid(0x8000));
	assert_false(xsplit_netif_hash_flags_valid(0x80000000));
	assert_int_equal(XSPLIT_NETIF_CTRL_HASH_TYPE_ALL, 0xf);
	assert_int_equal(XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6_TCP, 8);
}

/* An extra-info slot read through a tx request / rx response copy. */
static void test_netif_extra_views(void **state)
{
	struct xsplit_netif_tx_request tx;
	struct xsplit_netif_rx_response rx;
	struct xsplit_netif_extra_info e;
	u8 raw[8] = { XSPLIT_NETIF_EXTRA_TYPE_GSO, XSPLIT_NETIF_EXTRA_FLAG_MORE,
		      0xb4, 0x05, XSPLIT_NETIF_GSO_TYPE_TCPV6, 0, 0, 0 };

	memset(&tx, 0xee, sizeof(tx));
	memcpy(&tx, raw, sizeof(raw));
	xsplit_netif_tx_extra(&e, &tx);
	assert_int_equal(e.type, XSPLIT_NETIF_EXTRA_TYPE_GSO);
	assert_int_equal(e.flags, XSPLIT_NETIF_EXTRA_FLAG_MORE);
	assert_int_equal(e.u.gso.size, 1460);	/* little-endian 0x05b4 */
	assert_int_equal(e.u.gso.type, XSPLIT_NETIF_GSO_TYPE_TCPV6);
	memcpy(&rx, raw, sizeof(raw));
	raw[0] = XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD;
	memcpy(&rx, raw, sizeof(raw));
	xsplit_netif_rx_extra(&e, &rx);
	assert_int_equal(e.type, XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD);
	assert_memory_equal(e.u.mcast.addr, raw + 2, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blkif_x86_32_layout),
		cmocka_unit_test(test_blkif_x86_64_layout),
		cmocka_unit_test(test_netif_layout),
		cmocka_unit_test(test_blkif_segments),
		cmocka_unit_test(test_blkif_indirect_pages),
		cmocka_unit_test(test_blkif_ops),
		cmocka_unit_test(test_blkif_rw_from_x86_32),
		cmocka_unit_test(test_blkif_discard_and_indirect),
		cmocka_unit_test(test_blkif_unknown_op),
		cmocka_unit_test(test_blkif_round_trips),
		cmocka_unit_test(test_blkif_responses),
		cmocka_unit_test(test_netif_slots),
		cmocka_unit_test(test_netif_validators),
		cmocka_unit_test(test_netif_hash_level),
		cmocka_unit_test(test_netif_extra_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the XenStore key table, value parser and path builders
 * (xenbus/keys.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "xenbus/keys.h"

#define SENTINEL 0xdeadbeefU

static int parse(enum xsplit_key_id id, const char *s, u32 *val)
{
	*val = SENTINEL;
	return xsplit_key_parse_u32(xsplit_key_get(id), s, s ? strlen(s) : 0,
				    val);
}

static void expect_ok(enum xsplit_key_id id, const char *s, u32 want)
{
	u32 v;

	assert_int_equal(parse(id, s, &v), 0);
	assert_int_equal(v, want);
}

static void expect_err(enum xsplit_key_id id, const char *s, int err)
{
	u32 v;

	assert_int_equal(parse(id, s, &v), err);
	/* a failed parse leaves the output alone */
	assert_int_equal(v, SENTINEL);
}

static void test_table_complete(void **state)
{
	static const char *const names[] = {
		"multi-queue-max-queues", "multi-queue-num-queues",
		"max-ring-page-order", "ring-page-order", "ring-ref",
		"ring-ref%u", "event-channel", "event-channel-tx",
		"event-channel-rx", "feature-split-event-channels",
		"protocol", "hotplug-status", "state", "online",
		"xdp-headroom", "script",
	};
	size_t i;
	int id;

	for (id = 0; id < XSPLIT_KEY_NR; id++) {
		const struct xsplit_key *k = xsplit_key_get(id);

		assert_non_null(k);
		assert_non_null(k->name);
		if (k->type == XSPLIT_KEY_U32)
			assert_true(k->min <= k->max);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bool found = false;

		for (id = 0; id < XSPLIT_KEY_NR; id++)
			found |= !strcmp(xsplit_key_get(id)->name, names[i]);
		assert_true(found);
	}
	assert_null(xsplit_key_get(XSPLIT_KEY_NR));
	assert_null(xsplit_key_get((enum xsplit_key_id)-1));
}

static void test_table_writers(void **state)
{
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_MQ_MAX_QUEUES)->writer,
			 XSPLIT_KEY_BY_BACKEND);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_MQ_NUM_QUEUES)->writer,
			 XSPLIT_KEY_BY_FRONTEND);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_RING_REF)->writer,
			 XSPLIT_KEY_BY_FRONTEND);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_SPLIT_EVTCHN)->writer,
			 XSPLIT_KEY_BY_BACKEND);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_HOTPLUG_STATUS)->writer,
			 XSPLIT_KEY_BY_TOOLSTACK);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_ONLINE)->writer,
			 XSPLIT_KEY_BY_TOOLSTACK);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_XDP_HEADROOM)->writer,
			 XSPLIT_KEY_BY_FRONTEND);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_SCRIPT)->writer,
			 XSPLIT_KEY_BY_TOOLSTACK);
	assert_int_equal(xsplit_key_get(XSPLIT_KEY_FEAT_XDP_HEADROOM)->writer,
			 XSPLIT_KEY_BY_BACKEND);
}

/* netif.h: absent is none; beyond XEN_NETIF_MAX_XDP_HEADROOM is the max. */
static void test_xdp_headroom(void **state)
{
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, NULL, 0);
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, "0", 0);
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, "256", 256);
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, "32767", 0x7fff);
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, "32768", 0x7fff);
	expect_ok(XSPLIT_KEY_XDP_HEADROOM, "4294967295", 0x7fff);
	expect_err(XSPLIT_KEY_XDP_HEADROOM, "4294967296", -ERANGE);
	expect_err(XSPLIT_KEY_XDP_HEADROOM, "-1", -EINVAL);
	expect_err(XSPLIT_KEY_XDP_HEADROOM, "256 ", -EINVAL);
	/* the backend's offer: absent is none, a bool like the others */
	expect_ok(XSPLIT_KEY_FEAT_XDP_HEADROOM, NULL, 0);
	expect_ok(XSPLIT_KEY_FEAT_XDP_HEADROOM, "1", 1);
	expect_ok(XSPLIT_KEY_FEAT_XDP_HEADROOM, "0", 0);
	expect_err(XSPLIT_KEY_FEAT_XDP_HEADROOM, "2", -ERANGE);
}

/* A path of the toolstack's length, printable; absent is allowed. */
static void test_script(void **state)
{
	const struct xsplit_key *k = xsplit_key_get(XSPLIT_KEY_SCRIPT);
	char longest[XSPLIT_KEY_MAX_SCRIPT + 1];
	const char *path = "/etc/xen/scripts/vif-openvswitch";

	assert_int_equal(xsplit_key_parse_str(k, path, strlen(path)), 0);
	assert_int_equal(xsplit_key_parse_str(k, NULL, 0), 0);
	assert_int_equal(xsplit_key_parse_str(k, "a\nb", 3), -EINVAL);
	memset(longest, '/', sizeof(longest));
	assert_int_equal(xsplit_key_parse_str(k, longest, sizeof(longest) - 1),
			 0);
	assert_int_equal(xsplit_key_parse_str(k, longest, sizeof(longest)),
			 -ERANGE);
}

static void test_u32_valid(void **state)
{
	expect_ok(XSPLIT_KEY_RING_REF, "0", 0);
	expect_ok(XSPLIT_KEY_RING_REF, "8", 8);
	expect_ok(XSPLIT_KEY_RING_REF, "123456", 123456);
	expect_ok(XSPLIT_KEY_RING_REF, "4294967295", 4294967295U);
	expect_ok(XSPLIT_KEY_RING_REF, "007", 7);
	expect_ok(XSPLIT_KEY_STATE, "4", 4);
	expect_ok(XSPLIT_KEY_STATE, "99", 99);
}

static void test_u32_bounds(void **state)
{
	expect_ok(XSPLIT_KEY_RING_PAGE_ORDER, "0", 0);
	expect_ok(XSPLIT_KEY_RING_PAGE_ORDER, "4", 4);
	expect_err(XSPLIT_KEY_RING_PAGE_ORDER, "5", -ERANGE);
	expect_ok(XSPLIT_KEY_MQ_NUM_QUEUES, "1", 1);
	expect_ok(XSPLIT_KEY_MQ_NUM_QUEUES, "64", 64);
	expect_err(XSPLIT_KEY_MQ_NUM_QUEUES, "0", -ERANGE);
	expect_err(XSPLIT_KEY_MQ_NUM_QUEUES, "65", -ERANGE);
	expect_ok(XSPLIT_KEY_EVTCHN, "1", 1);
	expect_ok(XSPLIT_KEY_EVTCHN, "131071", 131071);
	expect_err(XSPLIT_KEY_EVTCHN, "0", -ERANGE);
	expect_err(XSPLIT_KEY_EVTCHN, "131072", -ERANGE);
	expect_err(XSPLIT_KEY_EVTCHN_TX, "0", -ERANGE);
	expect_err(XSPLIT_KEY_EVTCHN_RX, "131072", -ERANGE);
}

/* What the other end advertises as a limit is clamped, not refused. */
static void test_u32_clamp(void **state)
{
	expect_ok(XSPLIT_KEY_MAX_RING_PAGE_ORDER, "3", 3);
	expect_ok(XSPLIT_KEY_MAX_RING_PAGE_ORDER, "9", 4);
	expect_ok(XSPLIT_KEY_MQ_MAX_QUEUES, "1000", 64);
	expect_err(XSPLIT_KEY_MQ_MAX_QUEUES, "0", -ERANGE);
	expect_err(XSPLIT_KEY_MQ_MAX_QUEUES, "99999999999", -ERANGE);
}

static void test_u32_malformed(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "-1", "-0", "0x10", "1a", "a1", "1.0",
		"\n", "1\n", "1e3", "\t2", "١",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_err(XSPLIT_KEY_RING_REF, bad[i], -EINVAL);
}

static void test_u32_overflow(void **state)
{
	expect_err(XSPLIT_KEY_RING_REF, "4294967296", -ERANGE);
	expect_err(XSPLIT_KEY_RING_REF, "4294967300", -ERANGE);
	expect_err(XSPLIT_KEY_RING_REF, "42949672950", -ERANGE);
	expect_err(XSPLIT_KEY_RING_REF, "18446744073709551617", -ERANGE);
	expect_err(XSPLIT_KEY_RING_REF,
		   "99999999999999999999999999999999999999", -ERANGE);
}

static void test_u32_embedded_nul(void **state)
{
	static const char s[] = { '1', '\0', '2' };
	u32 v = SENTINEL;

	assert_int_equal(xsplit_key_parse_u32(xsplit_key_get(XSPLIT_KEY_RING_REF),
					      s, sizeof(s), &v), -EINVAL);
	/* the length, not a NUL, ends the value */
	assert_int_equal(xsplit_key_parse_u32(xsplit_key_get(XSPLIT_KEY_RING_REF),
					      "123", 2, &v), 0);
	assert_int_equal(v, 12);
}

static void test_absent(void **state)
{
	expect_ok(XSPLIT_KEY_MQ_MAX_QUEUES, NULL, 1);
	expect_ok(XSPLIT_KEY_MQ_NUM_QUEUES, NULL, 1);
	expect_ok(XSPLIT_KEY_MAX_RING_PAGE_ORDER, NULL, 0);
	expect_ok(XSPLIT_KEY_RING_PAGE_ORDER, NULL, 0);
	expect_ok(XSPLIT_KEY_SPLIT_EVTCHN, NULL, 0);
	expect_ok(XSPLIT_KEY_ONLINE, NULL, 0);
	expect_ok(XSPLIT_KEY_STATE, NULL, 0);
	expect_err(XSPLIT_KEY_RING_REF, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_RING_REF_N, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_EVTCHN, NULL, -ENOENT);
}

static void test_bool(void **state)
{
	expect_ok(XSPLIT_KEY_SPLIT_EVTCHN, "0", 0);
	expect_ok(XSPLIT_KEY_SPLIT_EVTCHN, "1", 1);
	expect_ok(XSPLIT_KEY_ONLINE, "1", 1);
	expect_err(XSPLIT_KEY_SPLIT_EVTCHN, "2", -ERANGE);
	expect_err(XSPLIT_KEY_ONLINE, "true", -EINVAL);
	expect_err(XSPLIT_KEY_ONLINE, "", -EINVAL);
}

static void test_wrong_type(void **state)
{
	expect_err(XSPLIT_KEY_PROTOCOL, "1", -EINVAL);
	assert_int_equal(xsplit_key_parse_u32(NULL, "1", 1, &(u32){ 0 }),
			 -EINVAL);
	assert_int_equal(xsplit_key_parse_str(xsplit_key_get(XSPLIT_KEY_STATE),
					      "x", 1), -EINVAL);
}

static void test_string(void **state)
{
	const struct xsplit_key *k = xsplit_key_get(XSPLIT_KEY_PROTOCOL);
	char longest[XSPLIT_KEY_MAX_STRLEN + 1];

	assert_int_equal(xsplit_key_parse_str(k, "x86_64-abi", 10), 0);
	assert_int_equal(xsplit_key_parse_str(k, NULL, 0), 0);
	assert_int_equal(xsplit_key_parse_str(k, "", 0), 0);
	assert_int_equal(xsplit_key_parse_str(k, "a\nb", 3), -EINVAL);
	assert_int_equal(xsplit_key_parse_str(k, "a\0b", 3), -EINVAL);
	assert_int_equal(xsplit_key_parse_str(k, "\x7f", 1), -EINVAL);
	memset(longest, 'a', sizeof(longest));
	assert_int_equal(xsplit_key_parse_str(k, longest, sizeof(longest) - 1),
			 0);
	assert_int_equal(xsplit_key_parse_str(k, longest, sizeof(longest)),
			 -ERANGE);
}

static void test_hotplug_status(void **state)
{
	assert_int_equal(xsplit_key_hotplug_status("connected", 9),
			 XSPLIT_HOTPLUG_CONNECTED);
	assert_int_equal(xsplit_key_hotplug_status("error", 5),
			 XSPLIT_HOTPLUG_ERROR);
	assert_int_equal(xsplit_key_hotplug_status(NULL, 0),
			 XSPLIT_HOTPLUG_PENDING);
	assert_int_equal(xsplit_key_hotplug_status("connected ", 10),
			 XSPLIT_HOTPLUG_PENDING);
	assert_int_equal(xsplit_key_hotplug_status("connect", 7),
			 XSPLIT_HOTPLUG_PENDING);
	assert_int_equal(xsplit_key_hotplug_status("", 0),
			 XSPLIT_HOTPLUG_PENDING);
}

static void expect_path(int err, const char *want, enum xsplit_key_id id,
			unsigned int nq, unsigned int q, unsigned int idx)
{
	char buf[XSPLIT_KEY_PATH_MAX];

	assert_int_equal(xsplit_key_path(buf, sizeof(buf), id, nq, q, idx),
			 err);
	if (!err)
		assert_string_equal(buf, want);
}

static void test_path_single_queue(void **state)
{
	expect_path(0, "ring-ref", XSPLIT_KEY_RING_REF, 1, 0, 0);
	expect_path(0, "event-channel", XSPLIT_KEY_EVTCHN, 1, 0, 0);
	expect_path(0, "ring-ref0", XSPLIT_KEY_RING_REF_N, 1, 0, 0);
	expect_path(0, "ring-ref15", XSPLIT_KEY_RING_REF_N, 1, 0, 15);
	expect_path(0, "protocol", XSPLIT_KEY_PROTOCOL, 1, 0, 0);
}

static void test_path_multi_queue(void **state)
{
	expect_path(0, "queue-0/ring-ref", XSPLIT_KEY_RING_REF, 4, 0, 0);
	expect_path(0, "queue-3/event-channel-tx", XSPLIT_KEY_EVTCHN_TX,
		    4, 3, 0);
	expect_path(0, "queue-63/ring-ref7", XSPLIT_KEY_RING_REF_N, 64, 63, 7);
	expect_path(0, "queue-10/tx-ring-ref", XSPLIT_KEY_TX_RING_REF,
		    12, 10, 0);
	/* device-wide keys stay at the top even with queues */
	expect_path(0, "ring-page-order", XSPLIT_KEY_RING_PAGE_ORDER, 4, 2, 0);
	expect_path(0, "multi-queue-num-queues", XSPLIT_KEY_MQ_NUM_QUEUES,
		    4, 2, 0);
}

static void test_path_rejects(void **state)
{
	char small[sizeof("ring-ref")];
	char buf[XSPLIT_KEY_PATH_MAX];

	expect_path(-EINVAL, NULL, XSPLIT_KEY_RING_REF, 4, 4, 0);
	expect_path(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 0, 0, 0);
	expect_path(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 65, 0, 0);
	expect_path(-EINVAL, NULL, XSPLIT_KEY_NR, 1, 0, 0);
	assert_int_equal(xsplit_key_path(small, sizeof(small),
					 XSPLIT_KEY_RING_REF, 1, 0, 0), 0);
	assert_string_equal(small, "ring-ref");
	assert_int_equal(xsplit_key_path(small, sizeof(small) - 1,
					 XSPLIT_KEY_RING_REF, 1, 0, 0),
			 -ENAMETOOLONG);
	assert_string_equal(small, "");
	assert_int_equal(xsplit_key_path(buf, 0, XSPLIT_KEY_RING_REF, 1, 0, 0),
			 -EINVAL);
}

static void expect_ring(int err, const char *want, enum xsplit_key_id id,
			unsigned int nq, unsigned int q, unsigned int order,
			unsigned int page)
{
	char buf[XSPLIT_KEY_PATH_MAX];

	assert_int_equal(xsplit_key_ring_ref_path(buf, sizeof(buf), id, nq, q,
						  order, page), err);
	if (!err)
		assert_string_equal(buf, want);
}

static void test_ring_ref_path(void **state)
{
	expect_ring(0, "ring-ref", XSPLIT_KEY_RING_REF, 1, 0, 0, 0);
	expect_ring(0, "ring-ref0", XSPLIT_KEY_RING_REF, 1, 0, 1, 0);
	expect_ring(0, "ring-ref1", XSPLIT_KEY_RING_REF, 1, 0, 1, 1);
	expect_ring(0, "queue-1/ring-ref15", XSPLIT_KEY_RING_REF, 2, 1, 4, 15);
	expect_ring(0, "queue-1/rx-ring-ref", XSPLIT_KEY_RX_RING_REF,
		    2, 1, 0, 0);
	expect_ring(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 1, 0, 1, 2);
	expect_ring(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 1, 0, 0, 1);
	expect_ring(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 1, 0, 5, 0);
	expect_ring(-ERANGE, NULL, XSPLIT_KEY_RING_REF, 1, 0, 32, 0);
	expect_ring(-ERANGE, NULL, XSPLIT_KEY_TX_RING_REF, 1, 0, 1, 0);
	expect_ring(-EINVAL, NULL, XSPLIT_KEY_RING_REF, 2, 2, 0, 0);
}

/* "ring-page-order" = 0 with "ring-ref0" is a layout too (issue 17). */
static void test_ring_ref_id(void **state)
{
	static const struct {
		enum xsplit_key_id id;
		unsigned int order;
		bool written;
		enum xsplit_key_id want;
	} cases[] = {
		/* 0 */ { XSPLIT_KEY_RING_REF, 0, false, XSPLIT_KEY_RING_REF },
		/* 1 */ { XSPLIT_KEY_RING_REF, 0, true, XSPLIT_KEY_RING_REF_N },
		/* 2 */ { XSPLIT_KEY_RING_REF, 1, true, XSPLIT_KEY_RING_REF_N },
		/* 3 */ { XSPLIT_KEY_RING_REF, 4, false, XSPLIT_KEY_RING_REF_N },
		/* 4 */ { XSPLIT_KEY_TX_RING_REF, 0, true, XSPLIT_KEY_TX_RING_REF },
		/* 5 */ { XSPLIT_KEY_RX_RING_REF, 0, false, XSPLIT_KEY_RX_RING_REF },
		/* 6 */ { XSPLIT_KEY_TX_RING_REF, 1, true, XSPLIT_KEY_NR },
		/* 7 */ { XSPLIT_KEY_RX_RING_REF, 2, false, XSPLIT_KEY_NR },
	};
	char buf[XSPLIT_KEY_PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum xsplit_key_id got = xsplit_key_ring_ref_id(cases[i].id,
								cases[i].order,
								cases[i].written);

		if (got != cases[i].want)
			print_error("case %zu: got %d want %d\n", i, got,
				    cases[i].want);
		assert_int_equal(got, cases[i].want);
	}
	/* the order-0 page of an order-writing frontend */
	assert_int_equal(xsplit_key_path(buf, sizeof(buf),
					 xsplit_key_ring_ref_id(XSPLIT_KEY_RING_REF,
								0, true),
					 1, 0, 0), 0);
	assert_string_equal(buf, "ring-ref0");
}

static void test_evtchn_ids(void **state)
{
	static const struct {
		bool split;
		unsigned int nr_write;
		const char *names[XSPLIT_KEY_EVTCHN_IDS];
	} cases[] = {
		/* 0 */ { false, 1,
			  { "event-channel", "event-channel-tx",
			    "event-channel-rx" } },
		/* 1 */ { true, 2,
			  { "event-channel-tx", "event-channel-rx",
			    "event-channel" } },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum xsplit_key_id ids[XSPLIT_KEY_EVTCHN_IDS];

		assert_int_equal(xsplit_key_evtchn_ids(cases[i].split, ids),
				 cases[i].nr_write);
		for (j = 0; j < XSPLIT_KEY_EVTCHN_IDS; j++) {
			const struct xsplit_key *k = xsplit_key_get(ids[j]);

			assert_non_null(k);
			assert_string_equal(k->name, cases[i].names[j]);
			/* each lives where a single event-channel would */
			assert_true(k->flags & XSPLIT_KEYF_PER_QUEUE);
			assert_int_equal(k->writer, XSPLIT_KEY_BY_FRONTEND);
		}
	}
}

static void test_negotiation_checks(void **state)
{
	assert_int_equal(xsplit_key_check_order(0, 0), 0);
	assert_int_equal(xsplit_key_check_order(2, 2), 0);
	assert_int_equal(xsplit_key_check_order(3, 2), -ERANGE);
	assert_int_equal(xsplit_key_check_order(5, 9), -ERANGE);
	assert_int_equal(xsplit_key_check_queues(1, 1), 0);
	assert_int_equal(xsplit_key_check_queues(4, 8), 0);
	assert_int_equal(xsplit_key_check_queues(9, 8), -ERANGE);
	assert_int_equal(xsplit_key_check_queues(0, 8), -ERANGE);
	assert_int_equal(xsplit_key_check_queues(65, 1000), -ERANGE);
}

/* Which entries of a frontend directory a new connection removes. */
static void test_queue_dir_stale(void **state)
{
	(void)state;
	/* fewer queues than last time: the ones beyond go */
	assert_false(xsplit_key_queue_dir_stale("queue-0", 2));
	assert_false(xsplit_key_queue_dir_stale("queue-1", 2));
	assert_true(xsplit_key_queue_dir_stale("queue-2", 2));
	assert_true(xsplit_key_queue_dir_stale("queue-63", 4));
	/* one queue uses no queue directory at all */
	assert_true(xsplit_key_queue_dir_stale("queue-0", 1));
	assert_true(xsplit_key_queue_dir_stale("queue-0", 0));
	/* absurd numbers are stale, not wrapped into range */
	assert_true(xsplit_key_queue_dir_stale("queue-18446744073709551617", 4));
	assert_true(xsplit_key_queue_dir_stale("queue-4294967296", 4));
	/* not ours: left alone */
	assert_false(xsplit_key_queue_dir_stale("queue-", 1));
	assert_false(xsplit_key_queue_dir_stale("queue-1a", 1));
	assert_false(xsplit_key_queue_dir_stale("queue--1", 1));
	assert_false(xsplit_key_queue_dir_stale("queue-+1", 1));
	assert_false(xsplit_key_queue_dir_stale("queue", 1));
	assert_false(xsplit_key_queue_dir_stale("ring-ref", 1));
	assert_false(xsplit_key_queue_dir_stale("Queue-1", 1));
	assert_false(xsplit_key_queue_dir_stale(NULL, 1));
}

/* With more than one queue, the single-queue layout's keys go. */
static void test_top_queue_key_stale(void **state)
{
	(void)state;
	assert_true(xsplit_key_top_queue_key_stale("ring-ref", 2));
	assert_true(xsplit_key_top_queue_key_stale("ring-ref0", 2));
	assert_true(xsplit_key_top_queue_key_stale("ring-ref15", 4));
	assert_true(xsplit_key_top_queue_key_stale("tx-ring-ref", 2));
	assert_true(xsplit_key_top_queue_key_stale("rx-ring-ref", 2));
	assert_true(xsplit_key_top_queue_key_stale("event-channel", 2));
	assert_true(xsplit_key_top_queue_key_stale("event-channel-tx", 2));
	assert_true(xsplit_key_top_queue_key_stale("event-channel-rx", 2));
	/* one queue: those are the live layout */
	assert_false(xsplit_key_top_queue_key_stale("ring-ref", 1));
	assert_false(xsplit_key_top_queue_key_stale("event-channel", 1));
	assert_false(xsplit_key_top_queue_key_stale("ring-ref0", 0));
	/* keys that are not per queue, and look-alikes, stay */
	assert_false(xsplit_key_top_queue_key_stale("ring-page-order", 2));
	assert_false(xsplit_key_top_queue_key_stale("multi-queue-num-queues", 2));
	assert_false(xsplit_key_top_queue_key_stale("protocol", 2));
	assert_false(xsplit_key_top_queue_key_stale("state", 2));
	assert_false(xsplit_key_top_queue_key_stale("queue-0", 2));
	assert_false(xsplit_key_top_queue_key_stale("ring-ref0x", 2));
	assert_false(xsplit_key_top_queue_key_stale("ring-ref-1", 2));
	assert_false(xsplit_key_top_queue_key_stale("ring-refs", 2));
	assert_false(xsplit_key_top_queue_key_stale("event-channel-", 2));
	assert_false(xsplit_key_top_queue_key_stale("max-ring-page-order", 2));
	assert_false(xsplit_key_top_queue_key_stale("", 2));
	assert_false(xsplit_key_top_queue_key_stale(NULL, 2));
}

/* Every row of every protocol table: named once, sane bounds, a getter. */
static void test_tables_rows(void **state)
{
	int id, other;

	for (id = 0; id < XSPLIT_KEY_NR; id++) {
		const struct xsplit_key *k = xsplit_key_get(id);

		assert_non_null(k);
		if (!k->name)
			print_error("key id %d has no row\n", id);
		assert_non_null(k->name);
		for (other = 0; other < id; other++)
			assert_string_not_equal(xsplit_key_get(other)->name,
						k->name);
		if (k->type == XSPLIT_KEY_STRING || k->type == XSPLIT_KEY_ETHER)
			continue;
		assert_true(k->min <= k->max);
		/* a default must be a value the row could have parsed */
		if (!(k->flags & XSPLIT_KEYF_REQUIRED))
			assert_true(k->def >= k->min && k->def <= k->max);
		if (k->type == XSPLIT_KEY_BOOL)
			assert_true(k->max <= 1);
	}
	/* each protocol's getter knows its own rows only */
	assert_non_null(xsplit_key_blkif_get(XSPLIT_KEY_SECTORS));
	assert_null(xsplit_key_blkif_get(XSPLIT_KEY_MAC));
	assert_null(xsplit_key_blkif_get(XSPLIT_KEY_RING_REF));
	assert_non_null(xsplit_key_netif_get(XSPLIT_KEY_MAC));
	assert_null(xsplit_key_netif_get(XSPLIT_KEY_SECTORS));
	assert_null(xsplit_key_netif_get(XSPLIT_KEY_NR));
	assert_null(xsplit_key_get(XSPLIT_KEY_NR));
}

static void expect_row(enum xsplit_key_id id, const char *name,
		       enum xsplit_key_type type, enum xsplit_key_writer by,
		       u64 def)
{
	const struct xsplit_key *k = xsplit_key_get(id);

	assert_non_null(k);
	assert_string_equal(k->name, name);
	assert_int_equal(k->type, type);
	assert_int_equal(k->writer, by);
	assert_int_equal(k->def, def);
}

/* The rows the drivers' behaviour rests on: names, writers, defaults. */
static void test_protocol_rows(void **state)
{
	static const struct {
		enum xsplit_key_id id;
		const char *name;
		enum xsplit_key_type type;
		enum xsplit_key_writer by;
		u64 def;
	} rows[] = {
		/* 0 */ { XSPLIT_KEY_TRUSTED, "trusted", XSPLIT_KEY_BOOL,
			  XSPLIT_KEY_BY_TOOLSTACK_FRONT, 1 },
		/* 1 */ { XSPLIT_KEY_VIRTUAL_DEVICE, "virtual-device",
			  XSPLIT_KEY_U32, XSPLIT_KEY_BY_TOOLSTACK_FRONT, 0 },
		/* 2 */ { XSPLIT_KEY_DEVICE_TYPE, "device-type",
			  XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK_FRONT, 0 },
		/* 3 */ { XSPLIT_KEY_PHYSICAL_DEVICE, "physical-device",
			  XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK, 0 },
		/* 4 */ { XSPLIT_KEY_DISCARD_ENABLE, "discard-enable",
			  XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_TOOLSTACK, 1 },
		/* 5 */ { XSPLIT_KEY_FEAT_PERSISTENT, "feature-persistent",
			  XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_EACH, 0 },
		/* 6 */ { XSPLIT_KEY_FEAT_MAX_INDIRECT,
			  "feature-max-indirect-segments", XSPLIT_KEY_U32,
			  XSPLIT_KEY_BY_BACKEND, 0 },
		/* 7 */ { XSPLIT_KEY_SECTORS, "sectors", XSPLIT_KEY_U64,
			  XSPLIT_KEY_BY_BACKEND, 0 },
		/* 8 */ { XSPLIT_KEY_PHYS_SECTOR_SIZE, "physical-sector-size",
			  XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND, 0 },
		/* 9 */ { XSPLIT_KEY_MAC, "mac", XSPLIT_KEY_ETHER,
			  XSPLIT_KEY_BY_TOOLSTACK_EACH, 0 },
		/* 10 */ { XSPLIT_KEY_FEAT_SG, "feature-sg", XSPLIT_KEY_BOOL,
			   XSPLIT_KEY_BY_EACH, 0 },
		/* 11 */ { XSPLIT_KEY_FEAT_NO_CSUM, "feature-no-csum-offload",
			   XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_FRONTEND, 0 },
		/* 12 */ { XSPLIT_KEY_REQ_RX_COPY, "request-rx-copy",
			   XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_FRONTEND, 0 },
		/* 13 */ { XSPLIT_KEY_FEAT_RX_FLIP, "feature-rx-flip",
			   XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND, 0 },
		/* 14 */ { XSPLIT_KEY_CTRL_RING_REF, "ctrl-ring-ref",
			   XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND, 0 },
		/* 15 */ { XSPLIT_KEY_RATE, "rate", XSPLIT_KEY_STRING,
			   XSPLIT_KEY_BY_TOOLSTACK, 0 },
		/* 16 */ { XSPLIT_KEY_XDP_HEADROOM, "xdp-headroom",
			   XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		expect_row(rows[i].id, rows[i].name, rows[i].type, rows[i].by,
			   rows[i].def);
	/* what a reader must tell from absent */
	expect_err(XSPLIT_KEY_CTRL_RING_REF, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_EVTCHN_CTRL, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_HANDLE, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_INFO, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_SECTOR_SIZE, NULL, -ENOENT);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, NULL, -ENOENT);
	expect_ok(XSPLIT_KEY_MTU, NULL, 0);
	expect_ok(XSPLIT_KEY_TRUSTED, NULL, 1);
	expect_ok(XSPLIT_KEY_DISCARD_ENABLE, NULL, 1);
	expect_ok(XSPLIT_KEY_PHYS_SECTOR_SIZE, NULL, 0);
}

/* A feature flag's "yes" is any number, as xenbus_read_unsigned() had it. */
static void test_flags(void **state)
{
	expect_ok(XSPLIT_KEY_FEAT_SG, NULL, 0);
	expect_ok(XSPLIT_KEY_FEAT_SG, "0", 0);
	expect_ok(XSPLIT_KEY_FEAT_SG, "1", 1);
	expect_ok(XSPLIT_KEY_FEAT_SG, "2", 1);
	expect_ok(XSPLIT_KEY_FEAT_PERSISTENT, "4294967295", 1);
	expect_ok(XSPLIT_KEY_TRUSTED, "0", 0);
	expect_err(XSPLIT_KEY_TRUSTED, "4294967296", -ERANGE);
	expect_err(XSPLIT_KEY_FEAT_DISCARD, "yes", -EINVAL);
	expect_ok(XSPLIT_KEY_EVTCHN_CTRL, "5", 5);
	expect_err(XSPLIT_KEY_EVTCHN_CTRL, "0", -ERANGE);
}

static int parse64(enum xsplit_key_id id, const char *s, u64 *val)
{
	*val = SENTINEL;
	return xsplit_key_parse_num(xsplit_key_get(id), s, s ? strlen(s) : 0,
				    val);
}

static void test_u64(void **state)
{
	u64 v;

	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, "0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, "8589934592", &v), 0);
	assert_int_equal(v, 8589934592ULL);
	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, "18446744073709551615",
				 &v), 0);
	assert_true(v == 18446744073709551615ULL);
	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, "18446744073709551616",
				 &v), -ERANGE);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, "1 ", &v), -EINVAL);
	assert_int_equal(parse64(XSPLIT_KEY_SECTORS, NULL, &v), -ENOENT);
	assert_int_equal(parse64(XSPLIT_KEY_PROTOCOL, "1", &v), -EINVAL);
	/* a U64 row does not fit the u32 parser's result */
	expect_err(XSPLIT_KEY_SECTORS, "1", -EINVAL);
}

/* virtual-device takes what sscanf's %i took: 0x hex, 0 octal. */
static void test_any_base(void **state)
{
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE, "51712", 51712);
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE, "0xca00", 0xca00);
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE, "0XCA10", 0xca10);
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE_EXT, "0", 0);
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE_EXT, "0377", 255);
	expect_ok(XSPLIT_KEY_VIRTUAL_DEVICE, "0xffffffff", 0xffffffffU);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, "0x100000000", -ERANGE);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, "0x", -EINVAL);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, "08", -EINVAL);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, "-1", -EINVAL);
	expect_err(XSPLIT_KEY_VIRTUAL_DEVICE, "0xg", -EINVAL);
	/* other keys stay decimal */
	expect_err(XSPLIT_KEY_INFO, "0x1", -EINVAL);
	expect_ok(XSPLIT_KEY_INFO, "010", 10);
}

static void expect_mac(int err, const char *s, const u8 *want)
{
	const struct xsplit_key *k = xsplit_key_get(XSPLIT_KEY_MAC);
	u8 mac[XSPLIT_KEY_MAC_LEN] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	static const u8 untouched[XSPLIT_KEY_MAC_LEN] = {
		0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
	};

	assert_int_equal(xsplit_key_parse_mac(k, s, s ? strlen(s) : 0, mac),
			 err);
	assert_memory_equal(mac, err ? untouched : want, sizeof(mac));
}

static void test_mac(void **state)
{
	static const u8 a[] = { 0x00, 0x16, 0x3e, 0x12, 0xab, 0xff };
	const u8 *none = NULL;
	u8 mac[XSPLIT_KEY_MAC_LEN];

	expect_mac(0, "00:16:3e:12:ab:ff", a);
	expect_mac(0, "00:16:3E:12:AB:FF", a);
	expect_mac(-ENOENT, NULL, none);
	expect_mac(-EINVAL, "00:16:3e:12:ab:f", none);
	expect_mac(-EINVAL, "00:16:3e:12:ab:ff:", none);
	expect_mac(-EINVAL, "00-16-3e-12-ab-ff", none);
	expect_mac(-EINVAL, "00:16:3e:12:ab:fg", none);
	expect_mac(-EINVAL, "0:016:3e:12:ab:ff", none);
	expect_mac(-EINVAL, "", none);
	assert_int_equal(xsplit_key_parse_mac(xsplit_key_get(XSPLIT_KEY_RATE),
					      "00:16:3e:12:ab:ff", 17, mac),
			 -EINVAL);
}

static void expect_devnum(int err, const char *s, u32 major, u32 minor)
{
	u32 ma = SENTINEL, mi = SENTINEL;

	assert_int_equal(xsplit_key_parse_devnum(s, s ? strlen(s) : 0, &ma,
						 &mi), err);
	assert_int_equal(ma, err ? SENTINEL : major);
	assert_int_equal(mi, err ? SENTINEL : minor);
}

/* "physical-device" as the block hotplug script writes it. */
static void test_devnum(void **state)
{
	expect_devnum(0, "fe:0", 0xfe, 0);
	expect_devnum(0, "7:10", 7, 0x10);
	expect_devnum(0, "CA:1f", 0xca, 0x1f);
	expect_devnum(0, "ffffffff:ffffffff", 0xffffffffU, 0xffffffffU);
	expect_devnum(-EINVAL, "100000000:0", 0, 0);
	expect_devnum(-EINVAL, "0:100000000", 0, 0);
	expect_devnum(-EINVAL, ":1", 0, 0);
	expect_devnum(-EINVAL, "1:", 0, 0);
	expect_devnum(-EINVAL, "1", 0, 0);
	expect_devnum(-EINVAL, "1:2:3", 0, 0);
	expect_devnum(-EINVAL, " 1:2", 0, 0);
	expect_devnum(-EINVAL, "1:2 ", 0, 0);
	expect_devnum(-EINVAL, "0x1:2", 0, 0);
	expect_devnum(-EINVAL, "", 0, 0);
	expect_devnum(-EINVAL, NULL, 0, 0);
}

static void expect_rate(int err, const char *s, u64 bytes, u64 usec)
{
	u64 b = SENTINEL, u = SENTINEL;

	assert_int_equal(xsplit_key_parse_rate(s, s ? strlen(s) : 0, &b, &u),
			 err);
	assert_true(b == (err ? SENTINEL : bytes));
	assert_true(u == (err ? SENTINEL : usec));
}

/* netif's "rate": anything but "bytes,usec" with a window is unlimited. */
static void test_rate(void **state)
{
	expect_rate(0, "125000,20000", 125000, 20000);
	expect_rate(0, "0,1", 0, 1);
	expect_rate(0, "18446744073709551615,1", 18446744073709551615ULL, 1);
	expect_rate(-EINVAL, "18446744073709551616,1", 0, 0);
	expect_rate(-EINVAL, "125000,0", 0, 0);
	expect_rate(-EINVAL, "125000", 0, 0);
	expect_rate(-EINVAL, "125000,", 0, 0);
	expect_rate(-EINVAL, ",20000", 0, 0);
	expect_rate(-EINVAL, "1,2,3", 0, 0);
	expect_rate(-EINVAL, "a,2", 0, 0);
	expect_rate(-EINVAL, "", 0, 0);
	expect_rate(-EINVAL, NULL, 0, 0);
}

static int gather(enum xsplit_key_id id, const char *s, u64 *val)
{
	*val = SENTINEL;
	return xsplit_key_gather_value(xsplit_key_get(id), s,
				       s ? strlen(s) : 0, val);
}

/* What a gather does per key: the default on any error. */
static void test_gather_value(void **state)
{
	u64 v;

	assert_int_equal(gather(XSPLIT_KEY_TRUSTED, "x", &v), -EINVAL);
	assert_int_equal(v, 1);
	assert_int_equal(gather(XSPLIT_KEY_FEAT_SG, NULL, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(gather(XSPLIT_KEY_SECTORS, NULL, &v), -ENOENT);
	assert_int_equal(v, 0);
	assert_int_equal(gather(XSPLIT_KEY_SECTORS, "42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(xsplit_key_gather_value(NULL, "1", 1, &v), -EINVAL);
}

struct fields_obj {
	bool flag;
	bool no_flag;
	u32 num;
	u64 big;
};

/* Bindings: each size loads and stores, NOT inverts both ways. */
static void test_fields(void **state)
{
	static const struct xsplit_key_field f[] = {
		XSPLIT_KEY_FIELD(XSPLIT_KEY_FEAT_SG, struct fields_obj, flag),
		XSPLIT_KEY_FIELD_NOT(XSPLIT_KEY_FEAT_NO_CSUM, struct fields_obj,
				     no_flag),
		XSPLIT_KEY_FIELD(XSPLIT_KEY_INFO, struct fields_obj, num),
		XSPLIT_KEY_FIELD(XSPLIT_KEY_SECTORS, struct fields_obj, big),
	};
	struct xsplit_key_field bad = f[0];
	struct fields_obj o = { 0 };
	u64 v;

	assert_int_equal(f[0].size, sizeof(bool));
	assert_int_equal(f[2].size, sizeof(u32));
	assert_int_equal(f[3].size, sizeof(u64));
	assert_int_equal(xsplit_key_field_store(&f[0], &o, 7), 0);
	assert_true(o.flag);
	assert_int_equal(xsplit_key_field_store(&f[1], &o, 1), 0);
	assert_false(o.no_flag);
	assert_int_equal(xsplit_key_field_store(&f[1], &o, 0), 0);
	assert_true(o.no_flag);
	assert_int_equal(xsplit_key_field_store(&f[2], &o, 0xffffffffU), 0);
	assert_int_equal(o.num, 0xffffffffU);
	assert_int_equal(xsplit_key_field_store(&f[2], &o, 0x100000000ULL),
			 -ERANGE);
	assert_int_equal(o.num, 0xffffffffU);
	assert_int_equal(xsplit_key_field_store(&f[3], &o, 1ULL << 40), 0);
	assert_true(o.big == 1ULL << 40);

	assert_int_equal(xsplit_key_field_load(&f[0], &o, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xsplit_key_field_load(&f[1], &o, &v), 0);
	assert_int_equal(v, 0);	/* no_flag true: the key says 0 */
	assert_int_equal(xsplit_key_field_load(&f[2], &o, &v), 0);
	assert_int_equal(v, 0xffffffffU);
	assert_int_equal(xsplit_key_field_load(&f[3], &o, &v), 0);
	assert_true(v == 1ULL << 40);

	bad.size = 2;
	assert_int_equal(xsplit_key_field_load(&bad, &o, &v), -EINVAL);
	assert_int_equal(xsplit_key_field_store(&bad, &o, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_queue_dir_stale),
		cmocka_unit_test(test_top_queue_key_stale),
		cmocka_unit_test(test_table_writers),
		cmocka_unit_test(test_u32_valid),
		cmocka_unit_test(test_u32_bounds),
		cmocka_unit_test(test_u32_clamp),
		cmocka_unit_test(test_u32_malformed),
		cmocka_unit_test(test_u32_overflow),
		cmocka_unit_test(test_u32_embedded_nul),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_xdp_headroom),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_hotplug_status),
		cmocka_unit_test(test_path_single_queue),
		cmocka_unit_test(test_path_multi_queue),
		cmocka_unit_test(test_path_rejects),
		cmocka_unit_test(test_ring_ref_path),
		cmocka_unit_test(test_ring_ref_id),
		cmocka_unit_test(test_evtchn_ids),
		cmocka_unit_test(test_negotiation_checks),
		cmocka_unit_test(test_tables_rows),
		cmocka_unit_test(test_protocol_rows),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_any_base),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_devnum),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_gather_value),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

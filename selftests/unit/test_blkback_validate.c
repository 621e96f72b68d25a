// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of blkback's request validator (blkback/validate.c): a dense
 * table of requests as a frontend could write them, each with the error
 * (or descriptor) the backend must derive, then the segment checks of
 * reads and writes, and the response status of each error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "blkback/validate.h"
#include "table.h"

#define CAP 4096ULL			/* device: 2 MiB of 512-byte sectors */
#define ID 0x1122334455667788ULL

static const struct xsplit_blk_limits lim_rw = {
	.nr_sectors = CAP, .lbs_sectors = 1, .max_indirect_segs = 256,
	.flush = true, .discard = true, .discard_secure = false,
};

static struct xsplit_blkif_request rw(u8 op, u8 nseg, u64 sector)
{
	struct xsplit_blkif_request r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.u.rw.id = ID;
	r.u.rw.nr_segments = nseg;
	r.u.rw.sector_number = sector;
	for (i = 0; i < XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.u.rw.seg[i].gref = 100 + i;
		r.u.rw.seg[i].first_sect = 0;
		r.u.rw.seg[i].last_sect = 7;
	}
	return r;
}

static struct xsplit_blkif_request indirect(u8 op, u16 nseg, u64 sector)
{
	struct xsplit_blkif_request r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.operation = XSPLIT_BLKIF_OP_INDIRECT;
	r.u.indirect.indirect_op = op;
	r.u.indirect.id = ID;
	r.u.indirect.nr_segments = nseg;
	r.u.indirect.sector_number = sector;
	for (i = 0; i < XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++)
		r.u.indirect.indirect_grefs[i] = 200 + i;
	return r;
}

static struct xsplit_blkif_request discard(u8 flag, u64 sector, u64 nr)
{
	struct xsplit_blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = XSPLIT_BLKIF_OP_DISCARD;
	r.u.discard.id = ID;
	r.u.discard.flag = flag;
	r.u.discard.sector_number = sector;
	r.u.discard.nr_sectors = nr;
	return r;
}

enum lim_kind { RW, RO, NOFEAT, LBS8 };

static struct xsplit_blk_limits limits(enum lim_kind k)
{
	struct xsplit_blk_limits l = lim_rw;

	switch (k) {
	case RO:
		l.readonly = true;
		break;
	case NOFEAT:
		l.flush = false;
		l.discard = false;
		l.max_indirect_segs = 0;
		break;
	case LBS8:
		l.lbs_sectors = 8;
		break;
	default:
		break;
	}
	return l;
}

struct parse_case {
	struct xsplit_blkif_request req;
	enum lim_kind lim;
	int err;
	int kind;		/* enum xsplit_blk_kind when err == 0 */
	u8 rsp_op;
};

#define OPR XSPLIT_BLKIF_OP_READ
#define OPW XSPLIT_BLKIF_OP_WRITE
#define OPB XSPLIT_BLKIF_OP_WRITE_BARRIER
#define OPF XSPLIT_BLKIF_OP_FLUSH_DISKCACHE
#define OPI XSPLIT_BLKIF_OP_INDIRECT
#define OPD XSPLIT_BLKIF_OP_DISCARD

static void test_parse_table(void **state)
{
	const struct parse_case cases[] = {
		/* 0 */ { rw(OPR, 1, 0), RW, 0, XSPLIT_BLK_READ, OPR },
		/* 1 */ { rw(OPW, 11, 8), RW, 0, XSPLIT_BLK_WRITE, OPW },
		/* 2 */ { rw(OPR, 0, 0), RW, -EINVAL, 0, OPR },
		/* 3 */ { rw(OPR, 12, 0), RW, -EINVAL, 0, OPR },
		/* 4 */ { rw(OPR, 255, 0), RW, -EINVAL, 0, OPR },
		/* 5 */ { rw(OPW, 1, 0), RO, -EROFS, 0, OPW },
		/* 6 */ { rw(OPR, 1, 0), RO, 0, XSPLIT_BLK_READ, OPR },
		/* 7 */ { rw(OPF, 0, 0), RW, 0, XSPLIT_BLK_FLUSH, OPF },
		/* 8 */ { rw(OPF, 2, 0), RW, 0, XSPLIT_BLK_WRITE, OPF },
		/* 9 */ { rw(OPF, 0, 0), NOFEAT, -EOPNOTSUPP, 0, OPF },
		/* 10 */ { rw(OPB, 0, 0), RW, 0, XSPLIT_BLK_FLUSH, OPB },
		/* 11 */ { rw(OPB, 0, 0), NOFEAT, -EOPNOTSUPP, 0, OPB },
		/* 12 */ { rw(OPF, 0, 0), RO, -EROFS, 0, OPF },
		/* 13 */ { rw(4, 1, 0), RW, -EOPNOTSUPP, 0, 4 },
		/* 14 */ { rw(7, 1, 0), RW, -EOPNOTSUPP, 0, 7 },
		/* 15 */ { rw(255, 1, 0), RW, -EOPNOTSUPP, 0, 255 },
		/* 16 */ { indirect(OPR, 256, 0), RW, 0, XSPLIT_BLK_READ, OPR },
		/* 17 */ { indirect(OPW, 1, 0), RW, 0, XSPLIT_BLK_WRITE, OPW },
		/* 18 */ { indirect(OPR, 257, 0), RW, -EINVAL, 0, OPR },
		/* 19 */ { indirect(OPR, 0, 0), RW, -EINVAL, 0, OPR },
		/* 20 */ { indirect(OPR, 65535, 0), RW, -EINVAL, 0, OPR },
		/* 21 */ { indirect(OPF, 1, 0), RW, -EINVAL, 0, OPI },
		/* 22 */ { indirect(OPI, 1, 0), RW, -EINVAL, 0, OPI },
		/* 23 */ { indirect(OPR, 1, 0), NOFEAT, -EOPNOTSUPP, 0, OPI },
		/* 24 */ { indirect(OPW, 8, 0), RO, -EROFS, 0, OPW },
		/* 25 */ { discard(0, 0, 8), RW, 0, XSPLIT_BLK_DISCARD, OPD },
		/* 26 */ { discard(1, 0, 8), RW, -EOPNOTSUPP, 0, OPD },
		/* 27 */ { discard(0, 0, 8), NOFEAT, -EOPNOTSUPP, 0, OPD },
		/* 28 */ { discard(0, CAP, 1), RW, -ERANGE, 0, OPD },
		/* 29 */ { discard(0, CAP - 8, 8), RW, 0, XSPLIT_BLK_DISCARD, OPD },
		/* 30 */ { discard(0, 8, ~0ULL - 4), RW, -ERANGE, 0, OPD },
		/* 31 */ { discard(0, ~0ULL, 2), RW, -ERANGE, 0, OPD },
		/* 32 */ { discard(0, 1, 8), LBS8, -EINVAL, 0, OPD },
		/* 33 */ { discard(0, 0, 8), RO, -EROFS, 0, OPD },
		/* 34 */ { discard(2, 0, 8), RW, 0, XSPLIT_BLK_DISCARD, OPD },
	};
	struct xsplit_blk_desc d;
	struct xsplit_blk_limits l;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		l = limits(cases[i].lim);
		err = xsplit_blk_parse(&cases[i].req, &l, &d);
		if (err != cases[i].err || d.rsp_op != cases[i].rsp_op)
			print_error("case %zu: err %d rsp_op %u\n", i, err,
				    d.rsp_op);
		assert_int_equal(err, cases[i].err);
		assert_int_equal(d.rsp_op, cases[i].rsp_op);
		/* The id is echoed whatever the verdict. */
		assert_int_equal(d.id, ID);
		if (!err)
			assert_int_equal(d.kind, cases[i].kind);
	}
}

static void test_parse_fields(void **state)
{
	struct xsplit_blkif_request r = indirect(OPW, 600, 64);
	struct xsplit_blk_limits l = lim_rw;
	struct xsplit_blk_desc d;

	l.max_indirect_segs = XSPLIT_BLK_MAX_SEGS;
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
	assert_int_equal(d.nr_segs, 600);
	assert_int_equal(d.nr_indirect, 2);
	assert_int_equal(d.indirect_grefs[1], 201);
	assert_int_equal(d.indirect_grefs[2], 0);	/* not copied */
	assert_int_equal(d.sector, 64);

	r = rw(OPB, 3, 16);
	assert_int_equal(xsplit_blk_parse(&r, &lim_rw, &d), 0);
	assert_true(d.preflush && d.fua && d.drain);
	assert_int_equal(d.nr_segs, 3);
	assert_int_equal(d.segs[2].gref, 102);

	r = discard(XSPLIT_BLKIF_DISCARD_SECURE, 8, 16);
	l = lim_rw;
	l.discard_secure = true;
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
	assert_true(d.secure);
	assert_int_equal(d.nr_sectors, 16);
}

struct seg_case {
	u8 first, last;		/* of every segment */
	u8 nseg;
	u64 sector;
	enum lim_kind lim;
	int err;
	u64 nr_sectors;
};

static void test_check_segs(void **state)
{
	const struct seg_case cases[] = {
		/* 0 */ { 0, 7, 1, 0, RW, 0, 8 },
		/* 1 */ { 0, 7, 11, 0, RW, 0, 88 },
		/* 2 */ { 3, 3, 2, 5, RW, 0, 2 },
		/* 3 */ { 4, 3, 1, 0, RW, -EINVAL, 0 },	/* first > last */
		/* 4 */ { 0, 8, 1, 0, RW, -EINVAL, 0 },	/* beyond the page */
		/* 5 */ { 8, 8, 1, 0, RW, -EINVAL, 0 },
		/* 6 */ { 0, 255, 1, 0, RW, -EINVAL, 0 },
		/* 7 */ { 0, 7, 1, CAP - 8, RW, 0, 8 },
		/* 8 */ { 0, 7, 1, CAP - 7, RW, -ERANGE, 0 },
		/* 9 */ { 0, 7, 1, CAP, RW, -ERANGE, 0 },
		/* 10 */ { 0, 7, 2, ~0ULL - 7, RW, -ERANGE, 0 },	/* wraps */
		/* 11 */ { 0, 7, 1, 8, LBS8, 0, 8 },
		/* 12 */ { 0, 7, 1, 4, LBS8, -EINVAL, 0 },	/* unaligned */
		/* 13 */ { 0, 3, 1, 0, LBS8, -EINVAL, 0 },	/* part block */
		/* 14 */ { 7, 7, 11, CAP - 11, RW, 0, 11 },
	};
	struct xsplit_blkif_request r;
	struct xsplit_blk_limits l;
	struct xsplit_blk_desc d;
	unsigned int j;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = rw(OPR, cases[i].nseg, cases[i].sector);
		for (j = 0; j < cases[i].nseg; j++) {
			r.u.rw.seg[j].first_sect = cases[i].first;
			r.u.rw.seg[j].last_sect = cases[i].last;
		}
		l = limits(cases[i].lim);
		assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
		err = xsplit_blk_check_segs(&d, d.segs, &l);
		if (err != cases[i].err)
			print_error("case %zu: err %d\n", i, err);
		assert_int_equal(err, cases[i].err);
		if (!err)
			assert_int_equal(d.nr_sectors, cases[i].nr_sectors);
	}
}

/* One bad segment among good ones fails the whole request. */
static void test_check_segs_one_bad(void **state)
{
	struct xsplit_blkif_segment segs[XSPLIT_BLK_MAX_SEGS];
	struct xsplit_blkif_request r = indirect(OPR, 300, 0);
	struct xsplit_blk_limits l = lim_rw;
	struct xsplit_blk_desc d;
	unsigned int i;

	l.max_indirect_segs = 512;
	l.nr_sectors = ~0ULL;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		segs[i] = (struct xsplit_blkif_segment){ .gref = i,
							 .last_sect = 7 };
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
	assert_int_equal(xsplit_blk_check_segs(&d, segs, &l), 0);
	assert_int_equal(d.nr_sectors, 300 * 8);
	segs[299].first_sect = 9;
	assert_int_equal(xsplit_blk_check_segs(&d, segs, &l), -EINVAL);
	/* A flush or discard has no segments to check. */
	r = rw(OPF, 0, 0);
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
	assert_int_equal(xsplit_blk_check_segs(&d, segs, &l), -EINVAL);
}

static void test_status(void **state)
{
	assert_int_equal(xsplit_blk_status(0), XSPLIT_BLKIF_RSP_OKAY);
	assert_int_equal(xsplit_blk_status(-EOPNOTSUPP),
			 XSPLIT_BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(xsplit_blk_status(-EINVAL), XSPLIT_BLKIF_RSP_ERROR);
	assert_int_equal(xsplit_blk_status(-EROFS), XSPLIT_BLKIF_RSP_ERROR);
	assert_int_equal(xsplit_blk_status(-EIO), XSPLIT_BLKIF_RSP_ERROR);
}

/* What a device offers, by read-only, write cache, discard, secure erase. */
static void test_offer(void **state)
{
	static const struct {
		bool ro, wcache, discard, secure;
		bool flush, ds, ds_secure;
	} t[] = {
		/* 0 */ { false, true, true, true, true, true, true },
		/* 1 */ { false, false, false, false, false, false, false },
		/* 2 */ { false, true, false, true, true, false, false },
		/* 3 */ { false, false, true, false, false, true, false },
		/* 4 */ { true, true, true, true, false, false, false },
		/* 5 */ { true, true, false, false, false, false, false },
		/* 6 */ { true, false, true, false, false, false, false },
	};
	struct xsplit_blkif_request r;
	struct xsplit_blk_limits l;
	struct xsplit_blk_desc d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		l = lim_rw;
		l.readonly = t[i].ro;
		xsplit_blk_offer(&l, t[i].wcache, t[i].discard, t[i].secure);
		case_equal(i, l.flush, t[i].flush);
		case_equal(i, l.discard, t[i].ds);
		case_equal(i, l.discard_secure, t[i].ds_secure);
		case_equal(i, l.readonly, t[i].ro);
	}
	/* Read-only: a flush or discard sent anyway is "not supported". */
	l = lim_rw;
	l.readonly = true;
	xsplit_blk_offer(&l, true, true, true);
	r = rw(XSPLIT_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), -EOPNOTSUPP);
	r = discard(0, 0, 8);
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), -EOPNOTSUPP);
	r = rw(XSPLIT_BLKIF_OP_READ, 1, 0);
	assert_int_equal(xsplit_blk_parse(&r, &l, &d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_check_segs),
		cmocka_unit_test(test_check_segs_one_bad),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_offer),
	};

	return cmocka_run_group_tests_name("blkback validate", tests, NULL,
					   NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of blkback's grant-copy data path decisions
 * (blkback/copyplan.c): which rings copy, and the extent one copy op
 * gives each segment, from a whole page down to one sector at either end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "blkback/copyplan.h"
#include "table.h"

/* Copies only when offered and the frontend kept persistent grants off. */
static void test_use_copy(void **state)
{
	assert_true(xsplit_blk_use_copy(true, false));
	assert_false(xsplit_blk_use_copy(true, true));
	assert_false(xsplit_blk_use_copy(false, false));
	assert_false(xsplit_blk_use_copy(false, true));
}

static const struct {
	u8 first, last;
	bool ok;
	u16 offset, len;
} segs[] = {
	/* 0 */ { 0, 7, true, 0, 4096 },
	/* 1 */ { 0, 0, true, 0, 512 },
	/* 2 */ { 7, 7, true, 3584, 512 },
	/* 3 */ { 2, 5, true, 1024, 2048 },
	/* 4 */ { 1, 7, true, 512, 3584 },
	/* 5 */ { 5, 4, false, 0, 0 },	/* backwards */
	/* 6 */ { 0, 8, false, 0, 0 },	/* past the page */
	/* 7 */ { 8, 8, false, 0, 0 },
	/* 8 */ { 255, 255, false, 0, 0 },
};

static void test_cseg(void **state)
{
	struct xsplit_blkif_segment s = { .gref = 0xabcdef01 };
	struct xsplit_blk_cseg cs;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		memset(&cs, 0x5a, sizeof(cs));
		s.first_sect = segs[i].first;
		s.last_sect = segs[i].last;
		case_equal(i, xsplit_blk_cseg_of(&s, &cs), segs[i].ok);
		if (!segs[i].ok)
			continue;
		case_equal(i, cs.gref, 0xabcdef01);
		case_equal(i, cs.offset, segs[i].offset);
		case_equal(i, cs.len, segs[i].len);
		case_equal(i, cs.offset + cs.len <= 4096, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_use_copy),
		cmocka_unit_test(test_cseg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

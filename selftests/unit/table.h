/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for table-driven cmocka tests: include after <cmocka.h>.
 */
#ifndef XSPLIT_TEST_TABLE_H
#define XSPLIT_TEST_TABLE_H

/* assert_int_equal that names the table case when it fails */
#define case_equal(c, a, b) do {					\
	long long a_ = (a), b_ = (b);					\
									\
	if (a_ != b_)							\
		print_error("table case %zu\n", (size_t)(c));		\
	assert_int_equal(a_, b_);					\
} while (0)

#endif /* XSPLIT_TEST_TABLE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Private helpers of grant/'s map and batch code. */
#ifndef XSPLIT_GRANT_INTERNAL_H
#define XSPLIT_GRANT_INTERNAL_H

#include <linux/mm.h>

/* The kernel address a grant op names: one page, one Xen page. */
static inline unsigned long xsplit_gnt_vaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

#endif /* XSPLIT_GRANT_INTERNAL_H */

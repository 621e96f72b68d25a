/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkback's grant-copy data path (data_copy=Y), the part that needs no
 * kernel: whether a ring copies, and which bytes of which grant one data
 * segment moves.  Our page for a segment holds its data at the offset the
 * frontend's page does, so one copy op per segment maps byte for byte.
 * Builds in user space for the unit tests.
 */
#ifndef XSPLIT_BLKBACK_COPYPLAN_H
#define XSPLIT_BLKBACK_COPYPLAN_H

#include "ring/blkif.h"

/* The bytes of one data segment a grant copy moves. */
struct xsplit_blk_cseg {
	u32 gref;
	u16 offset;	/* in the frontend's page and in ours */
	u16 len;
};

bool xsplit_blk_use_copy(bool offered, bool persistent);
bool xsplit_blk_cseg_of(const struct xsplit_blkif_segment *seg,
			struct xsplit_blk_cseg *cs);

#endif /* XSPLIT_BLKBACK_COPYPLAN_H */

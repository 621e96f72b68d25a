// SPDX-License-Identifier: GPL-2.0
/*
 * The grant-copy data path's decisions (see copyplan.h).
 */
#include "blkback/copyplan.h"

/**
 * xsplit_blk_use_copy - whether a ring moves its data by grant copy
 * @offered: data_copy was on when we advertised (feature-grant-copy)
 * @persistent: the frontend negotiated persistent grants
 *
 * A frontend with persistent grants already shares long-lived pages and
 * copies through them itself; copying once more here would only add a
 * copy.  Every other frontend (xsplit's asking for grant copy, or any
 * frontend granting its bio pages per request) gets copies instead of
 * mappings.
 */
bool xsplit_blk_use_copy(bool offered, bool persistent)
{
	return offered && !persistent;
}

/**
 * xsplit_blk_cseg_of - the copy op's extent for one segment
 * @seg: a segment xsplit_blk_check_segs() accepted
 * @cs: filled in
 *
 * Return: false if the segment leaves its page after all (the caller
 * answers with an error; never the case after validation).
 */
bool xsplit_blk_cseg_of(const struct xsplit_blkif_segment *seg,
			struct xsplit_blk_cseg *cs)
{
	unsigned int off = xsplit_blkif_seg_offset(seg);

	if (seg->last_sect < seg->first_sect ||
	    seg->last_sect >= XSPLIT_RING_PAGE_SIZE >> XSPLIT_BLKIF_SECTOR_SHIFT)
		return false;
	cs->gref = seg->gref;
	cs->offset = off;
	cs->len = xsplit_blkif_seg_bytes(seg);
	return true;
}

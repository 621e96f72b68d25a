/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkback's request validator: a request already copied off the ring (and
 * converted to the native layout) goes in, a descriptor of what to do with
 * it, or an error, comes out.  Pure code: it builds in user space for the
 * unit tests and the fuzzer, and nothing here touches the kernel.
 *
 * Validation happens in two steps because an indirect request's segments
 * live in pages the frontend granted: xsplit_blk_parse() checks the header
 * (and copies a direct request's segments), the caller maps and copies the
 * indirect segments, then xsplit_blk_check_segs() checks every segment and
 * the sector range of the whole request.
 */
#ifndef XSPLIT_BLKBACK_VALIDATE_H
#define XSPLIT_BLKBACK_VALIDATE_H

#include "ring/blkif.h"

/* Most indirect segments we ever negotiate: 8 indirect pages' worth. */
#define XSPLIT_BLK_MAX_SEGS XSPLIT_BLKIF_MAX_INDIRECT_SEGMENTS

/* What a valid request asks the block layer for. */
enum xsplit_blk_kind {
	XSPLIT_BLK_READ,
	XSPLIT_BLK_WRITE,
	XSPLIT_BLK_FLUSH,	/* no data: flush the device's write cache */
	XSPLIT_BLK_DISCARD,
};

/* The device and the negotiated protocol, as the validator needs them. */
struct xsplit_blk_limits {
	u64 nr_sectors;		/* capacity in 512-byte sectors */
	u32 lbs_sectors;	/* logical block size / 512, a power of 2 */
	u32 max_indirect_segs;	/* 0: indirect requests refused */
	bool readonly;
	bool flush;		/* flush and barrier operations offered */
	bool discard;
	bool discard_secure;
};

struct xsplit_blk_desc {
	u64 id;			/* echoed in the response */
	u64 sector;		/* first 512-byte sector */
	u64 nr_sectors;		/* rw: set by check_segs; discard: count */
	enum xsplit_blk_kind kind;
	u8 rsp_op;		/* operation echoed in the response */
	bool preflush;		/* flush the cache before the data */
	bool fua;		/* barrier: data durable at completion */
	bool drain;		/* barrier: earlier requests complete first */
	bool secure;		/* secure discard */
	u16 nr_segs;
	u8 nr_indirect;		/* indirect pages to map, 0 if direct */
	u32 indirect_grefs[XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct xsplit_blkif_segment segs[XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

int xsplit_blk_parse(const struct xsplit_blkif_request *req,
		     const struct xsplit_blk_limits *lim,
		     struct xsplit_blk_desc *d);
int xsplit_blk_check_segs(struct xsplit_blk_desc *d,
			  const struct xsplit_blkif_segment *segs,
			  const struct xsplit_blk_limits *lim);
void xsplit_blk_offer(struct xsplit_blk_limits *lim, bool wcache,
		      bool discard, bool secure);
s16 xsplit_blk_status(int err);

#endif /* XSPLIT_BLKBACK_VALIDATE_H */

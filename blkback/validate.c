// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of blkif requests (see validate.h).  Every field the frontend
 * controls is checked here, once, on a private copy: the operation, the
 * segment count against what was negotiated, each segment's sector range
 * within its page, block-size alignment, and the request's sector range
 * against the device, computed so that it cannot overflow.
 *
 * Errors: -EOPNOTSUPP for an operation or feature we do not offer (the
 * frontend gets BLKIF_RSP_EOPNOTSUPP and may stop using it), -EROFS for a
 * write to a read-only device, -ERANGE for sectors beyond the device and
 * -EINVAL for anything malformed; all but the first answer BLKIF_RSP_ERROR.
 */
#include "blkback/validate.h"

static bool kind_writes(enum xsplit_blk_kind kind)
{
	return kind != XSPLIT_BLK_READ;
}

/* A read, a write, or a flush/barrier carrying data or not. */
static int parse_direct(const struct xsplit_blkif_request *req,
			struct xsplit_blk_desc *d, enum xsplit_blk_kind kind)
{
	unsigned int n = req->u.rw.nr_segments;

	d->sector = req->u.rw.sector_number;
	if (n > XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return -EINVAL;
	if (!n) {
		/* Only a flush or barrier may come without data. */
		if (!d->preflush)
			return -EINVAL;
		d->kind = XSPLIT_BLK_FLUSH;
		return 0;
	}
	d->kind = kind;
	d->nr_segs = n;
	memcpy(d->segs, req->u.rw.seg, n * sizeof(d->segs[0]));
	return 0;
}

/* A flush, or a barrier, with or without data to write after it. */
static int parse_flush(const struct xsplit_blkif_request *req,
		       const struct xsplit_blk_limits *lim,
		       struct xsplit_blk_desc *d)
{
	if (!lim->flush)
		return -EOPNOTSUPP;
	d->preflush = true;
	return parse_direct(req, d, XSPLIT_BLK_WRITE);
}

static int parse_indirect(const struct xsplit_blkif_request *req,
			  const struct xsplit_blk_limits *lim,
			  struct xsplit_blk_desc *d)
{
	unsigned int n = req->u.indirect.nr_segments;
	unsigned int pages;

	if (!lim->max_indirect_segs)
		return -EOPNOTSUPP;
	switch (req->u.indirect.indirect_op) {
	case XSPLIT_BLKIF_OP_READ:
		d->kind = XSPLIT_BLK_READ;
		break;
	case XSPLIT_BLKIF_OP_WRITE:
		d->kind = XSPLIT_BLK_WRITE;
		break;
	default:
		return -EINVAL;
	}
	/* The response names the operation done, as Linux's backend does. */
	d->rsp_op = req->u.indirect.indirect_op;
	if (!n || n > lim->max_indirect_segs || n > XSPLIT_BLK_MAX_SEGS)
		return -EINVAL;
	pages = xsplit_blkif_indirect_pages(n);
	if (pages > XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
		return -EINVAL;
	d->sector = req->u.indirect.sector_number;
	d->nr_segs = n;
	d->nr_indirect = pages;
	memcpy(d->indirect_grefs, req->u.indirect.indirect_grefs,
	       pages * sizeof(d->indirect_grefs[0]));
	return 0;
}

static u64 lbs_mask(const struct xsplit_blk_limits *lim)
{
	return lim->lbs_sectors ? lim->lbs_sectors - 1 : 0;
}

/* [sector, sector + nr) inside the device, written so it cannot wrap. */
static bool range_ok(u64 sector, u64 nr, u64 capacity)
{
	return sector <= capacity && nr <= capacity - sector;
}

static int parse_discard(const struct xsplit_blkif_request *req,
			 const struct xsplit_blk_limits *lim,
			 struct xsplit_blk_desc *d)
{
	if (!lim->discard)
		return -EOPNOTSUPP;
	d->kind = XSPLIT_BLK_DISCARD;
	d->secure = req->u.discard.flag & XSPLIT_BLKIF_DISCARD_SECURE;
	if (d->secure && !lim->discard_secure)
		return -EOPNOTSUPP;
	d->sector = req->u.discard.sector_number;
	d->nr_sectors = req->u.discard.nr_sectors;
	if ((d->sector | d->nr_sectors) & lbs_mask(lim))
		return -EINVAL;
	if (!range_ok(d->sector, d->nr_sectors, lim->nr_sectors))
		return -ERANGE;
	return 0;
}

static int parse_op(const struct xsplit_blkif_request *req,
		    const struct xsplit_blk_limits *lim,
		    struct xsplit_blk_desc *d)
{
	switch (req->operation) {
	case XSPLIT_BLKIF_OP_READ:
		return parse_direct(req, d, XSPLIT_BLK_READ);
	case XSPLIT_BLKIF_OP_WRITE:
		return parse_direct(req, d, XSPLIT_BLK_WRITE);
	case XSPLIT_BLKIF_OP_WRITE_BARRIER:
		/* Old barrier semantics: drain, flush, write through. */
		d->drain = true;
		d->fua = true;
		return parse_flush(req, lim, d);
	case XSPLIT_BLKIF_OP_FLUSH_DISKCACHE:
		return parse_flush(req, lim, d);
	case XSPLIT_BLKIF_OP_DISCARD:
		return parse_discard(req, lim, d);
	case XSPLIT_BLKIF_OP_INDIRECT:
		return parse_indirect(req, lim, d);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * xsplit_blk_parse - check a request's header and describe it
 * @req: the request, copied off the ring and in the native layout
 * @lim: the device and what was negotiated
 * @d: the descriptor; id and rsp_op are valid even when an error returns,
 *     so the caller can always answer
 *
 * Return: 0 or a negative errno (see the top of this file).
 */
int xsplit_blk_parse(const struct xsplit_blkif_request *req,
		     const struct xsplit_blk_limits *lim,
		     struct xsplit_blk_desc *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	/* The id sits at the same offset in every variant of the union. */
	d->id = req->u.other.id;
	d->rsp_op = req->operation;
	err = parse_op(req, lim, d);
	if (err)
		return err;
	if (lim->readonly && kind_writes(d->kind))
		return -EROFS;
	return 0;
}

/**
 * xsplit_blk_check_segs - check the segments of a read or write
 * @d: a descriptor xsplit_blk_parse() accepted; nr_sectors is set here
 * @segs: its d->nr_segs segments (d->segs, or the copied indirect ones)
 * @lim: the device and what was negotiated
 *
 * Return: 0 or a negative errno.
 */
int xsplit_blk_check_segs(struct xsplit_blk_desc *d,
			  const struct xsplit_blkif_segment *segs,
			  const struct xsplit_blk_limits *lim)
{
	u64 mask = lbs_mask(lim), total = 0;
	unsigned int i, n;

	if (d->kind != XSPLIT_BLK_READ && d->kind != XSPLIT_BLK_WRITE)
		return -EINVAL;
	if (!d->nr_segs || d->nr_segs > XSPLIT_BLK_MAX_SEGS)
		return -EINVAL;
	/* The device only takes whole logical blocks. */
	if (d->sector & mask)
		return -EINVAL;
	for (i = 0; i < d->nr_segs; i++) {
		n = xsplit_blkif_seg_sectors(&segs[i]);
		if (!n || (n & mask))
			return -EINVAL;
		total += n;
	}
	if (!range_ok(d->sector, total, lim->nr_sectors))
		return -ERANGE;
	d->nr_sectors = total;
	return 0;
}

/**
 * xsplit_blk_offer - choose the optional operations offered for a device
 * @lim: the limits, readonly already set; flush, discard and
 *       discard_secure are set here
 * @wcache: the device has a volatile write cache
 * @discard: the device discards and the toolstack lets us offer it
 * @secure: the device can also erase securely
 *
 * A read-only vbd is never written, so it offers neither flush nor
 * discard; a frontend that sends one anyway gets EOPNOTSUPP, and stops.
 */
void xsplit_blk_offer(struct xsplit_blk_limits *lim, bool wcache,
		      bool discard, bool secure)
{
	bool rw = !lim->readonly;

	lim->flush = rw && wcache;
	lim->discard = rw && discard;
	lim->discard_secure = lim->discard && secure;
}

/* The status a response carries for a validation or I/O result. */
s16 xsplit_blk_status(int err)
{
	if (!err)
		return XSPLIT_BLKIF_RSP_OKAY;
	if (err == -EOPNOTSUPP)
		return XSPLIT_BLKIF_RSP_EOPNOTSUPP;
	return XSPLIT_BLKIF_RSP_ERROR;
}

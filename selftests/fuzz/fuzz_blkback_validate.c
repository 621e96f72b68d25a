// SPDX-License-Identifier: GPL-2.0
/*
 * blkback's request validator against requests a hostile frontend writes:
 * any bytes, in any of the three ABIs, with indirect segment pages of any
 * content, against devices of any size and block size.  Checked on every
 * accepted request: the segment count is within what was negotiated and
 * what the descriptor and the indirect pages can hold, every segment stays
 * in its page, the sector range lies inside the device, a read-only device
 * is never written, and the id is echoed as the frontend sent it.
 *
 * Input: [abi, flags, lbs shift, max-indirect (2), capacity (8)], then a
 * request slot's worth of bytes, then the indirect segment pages.
 */
#include <stdlib.h>

#include "blkback/validate.h"

#define HDR_LEN 13
#define SLOT_LEN sizeof(struct xsplit_blkif_x86_64_request)
#define MAX_LBS_SHIFT 4	/* up to 8 KiB logical blocks */

#define check(cond) do { if (!(cond)) abort(); } while (0)

static u64 get_u64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void limits(const u8 *h, struct xsplit_blk_limits *lim)
{
	u16 max_ind;

	memcpy(&max_ind, h + 3, sizeof(max_ind));
	*lim = (struct xsplit_blk_limits){
		.readonly = h[1] & 1,
		.flush = h[1] & 2,
		.discard = h[1] & 4,
		.discard_secure = h[1] & 8,
		.lbs_sectors = 1U << (h[2] % (MAX_LBS_SHIFT + 1)),
		.max_indirect_segs = max_ind % (XSPLIT_BLK_MAX_SEGS + 1),
		.nr_sectors = get_u64(h + 5),
	};
}

/* The request as the backend copies it off the ring, in native layout. */
static void request(u8 abi, const u8 *slot, struct xsplit_blkif_request *req)
{
	struct xsplit_blkif_x86_32_request r32;
	struct xsplit_blkif_x86_64_request r64;

	switch (abi % 3) {
	case 0:
		memcpy(req, slot, sizeof(*req));
		break;
	case 1:
		memcpy(&r32, slot, sizeof(r32));
		xsplit_blkif_req_from_x86_32(req, &r32);
		break;
	default:
		memcpy(&r64, slot, sizeof(r64));
		xsplit_blkif_req_from_x86_64(req, &r64);
		break;
	}
}

static void check_accepted(const struct xsplit_blk_desc *d,
			   const struct xsplit_blkif_segment *segs,
			   const struct xsplit_blk_limits *lim)
{
	unsigned int i;

	check(d->nr_segs && d->nr_segs <= XSPLIT_BLK_MAX_SEGS);
	if (d->nr_indirect)
		check(d->nr_segs <= lim->max_indirect_segs &&
		      d->nr_indirect <=
		      XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
	else
		check(d->nr_segs <= XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST);
	for (i = 0; i < d->nr_segs; i++)
		check(segs[i].first_sect <= segs[i].last_sect &&
		      segs[i].last_sect < XSPLIT_BLKIF_SECTORS_PER_PAGE);
	check(d->sector <= lim->nr_sectors &&
	      d->nr_sectors <= lim->nr_sectors - d->sector);
	check(d->nr_sectors >= d->nr_segs &&
	      d->nr_sectors <= (u64)d->nr_segs * XSPLIT_BLKIF_SECTORS_PER_PAGE);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct xsplit_blkif_segment segs[XSPLIT_BLK_MAX_SEGS];
	struct xsplit_blk_limits lim;
	struct xsplit_blkif_request req;
	struct xsplit_blk_desc d;
	const struct xsplit_blkif_segment *use;
	size_t n;
	int err;

	if (size < HDR_LEN + SLOT_LEN)
		return 0;
	limits(data, &lim);
	request(data[0], data + HDR_LEN, &req);
	data += HDR_LEN + SLOT_LEN;
	size -= HDR_LEN + SLOT_LEN;

	err = xsplit_blk_parse(&req, &lim, &d);
	check(d.id == req.u.other.id);
	check(err <= 0);
	if (err)
		return 0;
	check(!(lim.readonly && d.kind != XSPLIT_BLK_READ));
	if (d.kind == XSPLIT_BLK_DISCARD) {
		check(lim.discard && (!d.secure || lim.discard_secure));
		check(d.sector <= lim.nr_sectors &&
		      d.nr_sectors <= lim.nr_sectors - d.sector);
		return 0;
	}
	if (d.kind == XSPLIT_BLK_FLUSH) {
		check(lim.flush && !d.nr_segs);
		return 0;
	}
	use = d.segs;
	if (d.nr_indirect) {
		/* The indirect pages: the rest of the input, zero-padded. */
		memset(segs, 0, sizeof(segs));
		n = size < sizeof(segs) ? size : sizeof(segs);
		memcpy(segs, data, n);
		use = segs;
	}
	if (!xsplit_blk_check_segs(&d, use, &lim))
		check_accepted(&d, use, &lim);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The block-layer side of a request: map the frontend's pages (from the
 * persistent-grant cache when one is negotiated), or in copy mode move the
 * data by grant copy through pages of our own, copy and check indirect
 * segments, build and submit the bios, and undo the mappings (or copy a
 * read's data out) once the bios are done.  Runs in the ring's thread,
 * except the bio end_io.
 */
#include <linux/bio.h>
#include <linux/highmem.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "blkback/common.h"
#include "fault/xsplit_fault.h"

static void xsplit_blk_put_bios(struct xsplit_blk_req *req)
{
	if (atomic_dec_and_test(&req->bios))
		xsplit_blk_req_done(req);
}

static void xsplit_blk_end_io(struct bio *bio)
{
	struct xsplit_blk_req *req = bio->bi_private;

	if (bio->bi_status)
		cmpxchg(&req->err, 0, blk_status_to_errno(bio->bi_status));
	bio_put(bio);
	atomic_dec(&xsplit_blk_live.bios);
	xsplit_blk_put_bios(req);
}

/*
 * The segments of an indirect request, copied once into our private array:
 * by Xen with one grant copy (indirect_copy=Y: one hypercall, nothing
 * mapped, no TLB flush), or by mapping the indirect pages read-only,
 * copying, unmapping (two hypercalls and a flush, as Linux's blkback).
 */
static int xsplit_blk_map_indirect(struct xsplit_blk_ring *ring,
				   struct xsplit_blk_req *req)
{
	struct xsplit_gnt_map maps[XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	const unsigned int per_page = XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME;
	unsigned int i, n = req->d.nr_indirect, left = req->d.nr_segs, cnt;
	void *src;
	int err;

	for (i = 0; i < n; i++)
		maps[i] = (struct xsplit_gnt_map){
			.gref = req->d.indirect_grefs[i],
			.domid = ring->be->domid,
			.readonly = true,
		};
	err = xsplit_gnt_map(maps, n);
	for (i = 0; !err && i < n; i++) {
		cnt = min(left, per_page);
		src = kmap_local_page(maps[i].page);
		memcpy(&req->wire[i * per_page], src,
		       cnt * sizeof(req->wire[0]));
		kunmap_local(src);
		left -= cnt;
	}
	xsplit_gnt_unmap(maps, n);
	return err;
}

static_assert(XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST <=
	      XSPLIT_GNT_READ_MAX, "an indirect request's pages in one read");
/* indirect page i holds the segments from i * SEGS_PER_INDIRECT_FRAME */
static_assert(XSPLIT_RING_PAGE_SIZE == XEN_PAGE_SIZE);

static int xsplit_blk_read_indirect(struct xsplit_blk_ring *ring,
				    struct xsplit_blk_req *req)
{
	if (!READ_ONCE(xsplit_blkback_indirect_copy))
		return xsplit_blk_map_indirect(ring, req);
	return xsplit_gnt_read(ring->be->domid, req->d.indirect_grefs,
			       req->d.nr_indirect, req->wire,
			       req->d.nr_segs * sizeof(req->wire[0]));
}

static int xsplit_blk_load_segs(struct xsplit_blk_ring *ring,
				struct xsplit_blk_req *req)
{
	int err;

	if (req->d.nr_indirect) {
		err = xsplit_blk_read_indirect(ring, req);
		if (err)
			return err;
	} else {
		memcpy(req->wire, req->d.segs,
		       req->d.nr_segs * sizeof(req->wire[0]));
	}
	return xsplit_blk_check_segs(&req->d, req->wire, &ring->be->lim);
}

/* A segment from the persistent cache; false when it must be mapped. */
static bool xsplit_blk_seg_cached(struct xsplit_blk_ring *ring,
				  struct xsplit_blk_seg *seg, grant_ref_t gref)
{
	int slot;

	if (!ring->pcache)
		return false;
	slot = xsplit_pgrant_get(ring->pcache, gref, &seg->page);
	if (slot < 0)
		return false;	/* full of busy entries, or a map error */
	seg->pslot = slot;
	return true;
}

/*
 * Copy mode: our page for segment @i, allocated at the slot's first use
 * of it and reused by every later request of the slot.
 */
static struct page *xsplit_blk_buf(struct xsplit_blk_ring *ring,
				   struct xsplit_blk_req *req, unsigned int i)
{
	if (!req->bufs[i]) {
		req->bufs[i] = alloc_page(GFP_NOIO | __GFP_NOWARN);
		if (req->bufs[i])
			ring->bufs_kept++;
	}
	return req->bufs[i];
}

/* A ring over its copy_pages gives back the pages of a request that ended. */
static void xsplit_blk_bufs_trim(struct xsplit_blk_ring *ring,
				 struct xsplit_blk_req *req)
{
	unsigned int i;

	for (i = 0; i < ring->pool_segs; i++) {
		if (ring->bufs_kept <= ring->bufs_max)
			return;
		if (!req->bufs[i])
			continue;
		__free_page(req->bufs[i]);
		req->bufs[i] = NULL;
		ring->bufs_kept--;
	}
}

/*
 * One segment's copy op, between the frontend's grant and our page.  The
 * two ends are set field by field: older kernels (5.10) have no name for
 * their type (struct gnttab_copy_ptr).
 */
static void xsplit_blk_copy_op(struct gnttab_copy *op, domid_t domid,
			       const struct xsplit_blk_cseg *cs,
			       struct page *page, bool to_guest)
{
	typeof(op->source) *ours = to_guest ? &op->source : &op->dest;
	typeof(op->source) *theirs = to_guest ? &op->dest : &op->source;

	*op = (struct gnttab_copy){
		.len = cs->len,
		.flags = to_guest ? GNTCOPY_dest_gref : GNTCOPY_source_gref,
	};
	ours->u.gmfn = xen_page_to_gfn(page);
	ours->domid = DOMID_SELF;
	ours->offset = cs->offset;
	theirs->u.ref = cs->gref;
	theirs->domid = domid;
	theirs->offset = cs->offset;
}

/*
 * Move a request's data between the frontend's grants and our pages in
 * one batched hypercall: in before a write's bios, out after a read's.
 * Every op's status counts: one failed op fails the request, and the
 * frontend gets an error response.
 */
static int xsplit_blk_copy(struct xsplit_blk_ring *ring,
			   struct xsplit_blk_req *req, bool to_guest)
{
	unsigned int i, failed = 0;
	struct xsplit_blk_cseg cs;
	struct gnttab_copy op;
	u64 bytes = 0;

	for (i = 0; i < req->d.nr_segs; i++) {
		if (!xsplit_blk_cseg_of(&req->wire[i], &cs)) {
			failed++;
			break;
		}
		xsplit_blk_copy_op(&op, ring->be->domid, &cs,
				   req->segs[i].page, to_guest);
		failed += xsplit_gnt_copy_add(&ring->cbatch, &op, req);
		bytes += cs.len;
	}
	failed += xsplit_gnt_copy_flush(&ring->cbatch);
	xsplit_blk_xstat_copy(ring, i, bytes, failed);
	if (!failed)
		return 0;
	dev_warn_ratelimited(&ring->be->xdev->dev,
			     "ring %u: request %llu: %u grant copies failed\n",
			     ring->id, req->d.id, failed);
	return -EIO;
}

/* Copy mode: our pages under every segment, a write's data copied in. */
static int xsplit_blk_copy_in(struct xsplit_blk_ring *ring,
			      struct xsplit_blk_req *req)
{
	struct xsplit_blk_seg *seg;
	unsigned int i;

	for (i = 0; i < req->d.nr_segs; i++) {
		seg = &req->segs[i];
		*seg = (struct xsplit_blk_seg){ .pslot = -1, .map = -1 };
		seg->page = xsplit_blk_buf(ring, req, i);
		if (!seg->page)
			return -ENOMEM;
	}
	if (req->d.kind != XSPLIT_BLK_WRITE)
		return 0;
	return xsplit_blk_copy(ring, req, false);
}

/*
 * Map every data segment.  Outside the cache, a write's pages are mapped
 * read-only: we only read them, and the frontend need not grant more.
 */
static int xsplit_blk_map_segs(struct xsplit_blk_ring *ring,
			       struct xsplit_blk_req *req)
{
	bool readonly = req->d.kind == XSPLIT_BLK_WRITE;
	struct xsplit_blk_seg *seg;
	unsigned int i;
	int err;

	if (ring->copy)
		return xsplit_blk_copy_in(ring, req);
	for (i = 0; i < req->d.nr_segs; i++) {
		seg = &req->segs[i];
		*seg = (struct xsplit_blk_seg){ .pslot = -1, .map = -1 };
		if (xsplit_blk_seg_cached(ring, seg, req->wire[i].gref))
			continue;
		req->maps[req->nr_maps] = (struct xsplit_gnt_map){
			.gref = req->wire[i].gref,
			.domid = ring->be->domid,
			.readonly = readonly,
		};
		seg->map = req->nr_maps++;
	}
	if (!req->nr_maps)
		return 0;
	err = xsplit_gnt_map(req->maps, req->nr_maps);
	for (i = 0; i < req->d.nr_segs; i++) {
		seg = &req->segs[i];
		if (seg->map >= 0)
			seg->page = req->maps[seg->map].page;
	}
	return err;
}

/**
 * xsplit_blk_finish - undo the mappings of a request whose bios are done
 * @ring: its ring
 * @req: the request; safe on one that mapped nothing or only a part
 * @err: the request's error so far
 *
 * In copy mode a read that succeeded has its data copied out to the
 * frontend's grants here, before the response.
 *
 * Return: the request's error: @err, or the copy's.
 */
int xsplit_blk_finish(struct xsplit_blk_ring *ring, struct xsplit_blk_req *req,
		      int err)
{
	unsigned int i;

	if (ring->copy && !err && req->d.kind == XSPLIT_BLK_READ &&
	    req->d.nr_segs)
		err = xsplit_blk_copy(ring, req, true);
	if (ring->copy)
		xsplit_blk_bufs_trim(ring, req);
	if (req->nr_maps)
		xsplit_gnt_unmap(req->maps, req->nr_maps);
	req->nr_maps = 0;
	for (i = 0; i < req->d.nr_segs; i++) {
		if (req->segs[i].pslot >= 0)
			xsplit_pgrant_put(ring->pcache, req->segs[i].pslot);
		req->segs[i].pslot = -1;
	}
	return err;
}

static blk_opf_t xsplit_blk_opf(const struct xsplit_blk_desc *d)
{
	blk_opf_t opf;

	if (d->kind == XSPLIT_BLK_READ)
		return REQ_OP_READ;
	opf = REQ_OP_WRITE | REQ_SYNC;
	if (d->preflush)
		opf |= REQ_PREFLUSH;
	if (d->fua)
		opf |= REQ_FUA;
	return opf;
}

static struct bio *xsplit_blk_new_bio(struct xsplit_blk_ring *ring,
				      struct xsplit_blk_req *req,
				      unsigned int nr_vecs, sector_t sector)
{
	struct bio *bio;

	bio = xsplit_bio_alloc(ring->be->bdev, min_t(unsigned int, nr_vecs,
						     BIO_MAX_VECS),
			       xsplit_blk_opf(&req->d), GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = req;
	bio->bi_end_io = xsplit_blk_end_io;
	atomic_inc(&req->bios);
	atomic_inc(&xsplit_blk_live.bios);
	return bio;
}

/* A bio the test chose to fail ends as a failed device would end it. */
static void xsplit_blk_submit_bio(struct bio *bio)
{
	if (xsplit_fault(XSPLIT_FAULT_BIO)) {
		bio->bi_status = BLK_STS_IOERR;
		bio_endio(bio);
		return;
	}
	submit_bio(bio);
}

/* One bio per BIO_MAX_VECS segments or whatever the queue takes. */
static void xsplit_blk_submit_rw(struct xsplit_blk_ring *ring,
				 struct xsplit_blk_req *req)
{
	unsigned int i, len, off, n = req->d.nr_segs;
	sector_t sector = req->d.sector;
	struct bio *bio = NULL;
	struct blk_plug plug;

	blk_start_plug(&plug);
	for (i = 0; i < n; i++) {
		len = xsplit_blkif_seg_bytes(&req->wire[i]);
		off = xsplit_blkif_seg_offset(&req->wire[i]);
		if (!bio || bio_add_page(bio, req->segs[i].page, len, off) != len) {
			if (bio)
				xsplit_blk_submit_bio(bio);
			bio = xsplit_blk_new_bio(ring, req, n - i, sector);
			/* An empty bio takes one page whatever the queue. */
			__bio_add_page(bio, req->segs[i].page, len, off);
		}
		sector += len >> XSPLIT_BLKIF_SECTOR_SHIFT;
	}
	xsplit_blk_submit_bio(bio);
	blk_finish_plug(&plug);
}

static void xsplit_blk_submit_flush(struct xsplit_blk_ring *ring,
				    struct xsplit_blk_req *req)
{
	struct bio *bio = xsplit_bio_alloc(ring->be->bdev, 0,
					   REQ_OP_WRITE | REQ_PREFLUSH,
					   GFP_NOIO);

	bio->bi_private = req;
	bio->bi_end_io = xsplit_blk_end_io;
	atomic_inc(&req->bios);
	atomic_inc(&xsplit_blk_live.bios);
	xsplit_blk_submit_bio(bio);
}

/**
 * xsplit_blk_submit - start the I/O of a parsed read, write or flush
 * @ring: its ring
 * @req: taken from the pool, req->d filled in by xsplit_blk_parse()
 *
 * Return: 0 when bios are in flight (the request comes back through
 * xsplit_blk_req_done()), else the error to answer with; the caller
 * then still calls xsplit_blk_finish().
 */
int xsplit_blk_submit(struct xsplit_blk_ring *ring, struct xsplit_blk_req *req)
{
	int err;

	req->err = 0;
	req->nr_maps = 0;
	/* The bias keeps the request alive until every bio is submitted. */
	atomic_set(&req->bios, 1);
	if (req->d.kind == XSPLIT_BLK_FLUSH) {
		req->d.nr_segs = 0;
		xsplit_blk_submit_flush(ring, req);
		goto submitted;
	}
	err = xsplit_blk_load_segs(ring, req);
	if (err)
		goto bad;
	err = xsplit_blk_map_segs(ring, req);
	if (err) {
		dev_warn_ratelimited(&ring->be->xdev->dev,
				     "ring %u: request %llu: grant %s failed: %d\n",
				     ring->id, req->d.id,
				     ring->copy ? "copy" : "map", err);
		return err;
	}
	xsplit_blk_submit_rw(ring, req);
submitted:
	xsplit_blk_put_bios(req);
	return 0;

bad:
	req->d.nr_segs = 0;	/* nothing mapped, nothing to put back */
	dev_warn_ratelimited(&ring->be->xdev->dev,
			     "ring %u: request %llu: bad segments: %d\n",
			     ring->id, req->d.id, err);
	atomic64_inc(&ring->be->stats.bad_req);
	xsplit_blk_xstat_reject(ring, err);
	return err;
}

/* Discards are rare and synchronous, as in Linux's backend. */
int xsplit_blk_discard(struct xsplit_blk_ring *ring,
		       const struct xsplit_blk_desc *d)
{
	struct block_device *bdev = ring->be->bdev;

	if (!d->nr_sectors)
		return 0;
	if (d->secure)
		return blkdev_issue_secure_erase(bdev, d->sector,
						 d->nr_sectors, GFP_NOIO);
	return xsplit_blkdev_issue_discard(bdev, d->sector, d->nr_sectors,
					   GFP_NOIO);
}

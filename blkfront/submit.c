// SPDX-License-Identifier: GPL-2.0
/*
 * Requests onto the ring.  A blk request becomes one ring request, or
 * several when it has more segments than one ring request carries (after
 * a reconnect to a backend with smaller limits, or without indirect
 * descriptors): each part covers consecutive segments and so consecutive
 * sectors.  All parts are built first and only then copied to the ring,
 * so a failure (no memory, no grant reference) leaves the ring untouched.
 */
#include <linux/highmem.h>

#include "blkfront/blkfront.h"

/* Segments that fit the request itself; more go to indirect pages. */
#define DIRECT_SEGS		XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST
#define SEGS_PER_IND		XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME
#define MAX_PARTS		DIV_ROUND_UP(XSPLIT_BLKF_MAX_SEGS, DIRECT_SEGS)
#define BLKIF_SECTOR_MASK		(XSPLIT_BLKIF_SECTOR_SIZE - 1)

static unsigned int nr_parts(const struct xsplit_blkf_info *info,
			     const struct xsplit_blkf_pdu *pdu)
{
	return max(1U, DIV_ROUND_UP(pdu->nr_sg, info->seg_cap));
}

/* Undo a part: end every grant; copy read data out only if asked. */
void xsplit_blkf_part_release(struct xsplit_blkf_ring *ring,
			      struct xsplit_blkf_shadow *sh, bool copy_out,
			      bool *leaked)
{
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(sh->rq);
	unsigned int i;

	for (i = 0; i < sh->nr_sg; i++)
		xsplit_blkf_data_put(ring, &sh->data[i],
				     &pdu->sg[sh->first_sg + i], copy_out,
				     leaked);
	for (i = 0; i < sh->nr_ind; i++)
		xsplit_blkf_gpage_put(ring, &sh->ind[i], leaked);
	sh->nr_sg = 0;
	sh->nr_ind = 0;
}

static int seg_of(const struct scatterlist *sg, grant_ref_t ref,
		  struct xsplit_blkif_segment *seg)
{
	if ((sg->offset | sg->length) & BLKIF_SECTOR_MASK || !sg->length)
		return -EINVAL;
	*seg = (struct xsplit_blkif_segment){
		.gref = ref,
		.first_sect = sg->offset >> XSPLIT_BLKIF_SECTOR_SHIFT,
		.last_sect = (sg->offset + sg->length - 1) >>
			     XSPLIT_BLKIF_SECTOR_SHIFT,
	};
	return xsplit_blkif_seg_valid(seg) ? 0 : -EINVAL;
}

/* Zeroed indirect pages, read-only to the backend. */
static int part_indirect_pages(struct xsplit_blkf_ring *ring,
			       struct xsplit_blkf_shadow *sh,
			       unsigned int nr_segs)
{
	unsigned int i, n = xsplit_blkif_indirect_pages(nr_segs);
	int err;

	for (i = 0; i < n; i++) {
		err = xsplit_blkf_gpage_get(ring, &sh->ind[i], true);
		if (err)
			return err;
		sh->nr_ind++;
		sh->req.u.indirect.indirect_grefs[i] = sh->ind[i].ref;
	}
	return 0;
}

static struct page *ind_page(const struct xsplit_blkf_gpage *g)
{
	return g->gp ? g->gp->page : g->page;
}

/* Grant the part's data and write its segment list. */
static int part_segments(struct xsplit_blkf_ring *ring,
			 struct xsplit_blkf_shadow *sh, unsigned int nr_segs,
			 bool write)
{
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(sh->rq);
	struct xsplit_blkif_segment seg, *ind = NULL;
	struct scatterlist *sg;
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr_segs && !err; i++) {
		sg = &pdu->sg[sh->first_sg + i];
		err = xsplit_blkf_data_get(ring, &sh->data[i], sg, write);
		if (err)
			break;
		sh->nr_sg++;
		err = seg_of(sg, sh->data[i].ref, &seg);
		if (err)
			break;
		if (nr_segs <= DIRECT_SEGS) {
			sh->req.u.rw.seg[i] = seg;
			continue;
		}
		if (i % SEGS_PER_IND == 0) {
			if (ind)
				kunmap_local(ind);
			ind = kmap_local_page(ind_page(&sh->ind[i / SEGS_PER_IND]));
		}
		ind[i % SEGS_PER_IND] = seg;
	}
	if (ind)
		kunmap_local(ind);
	return err;
}

/*
 * A FUA write to a backend with barriers only goes as a barrier (see
 * read_features()); each part of a split one does.  After the backend
 * refused barriers, FUA is a plain write, as a flush is then a no-op.
 */
static u8 direct_op(struct xsplit_blkf_info *info, struct request *rq,
		    bool write)
{
	if (!write)
		return XSPLIT_BLKIF_OP_READ;
	if ((rq->cmd_flags & REQ_FUA) && READ_ONCE(info->fua))
		return XSPLIT_BLKIF_OP_WRITE_BARRIER;
	return XSPLIT_BLKIF_OP_WRITE;
}

/* Build one read/write part of nr_segs segments starting at first_sg. */
static int part_rw(struct xsplit_blkf_ring *ring, struct xsplit_blkf_shadow *sh,
		   unsigned int nr_segs, u64 sector, bool write)
{
	struct xsplit_blkif_request *req = &sh->req;
	struct xsplit_blkf_info *info = ring->info;
	u8 op = write ? XSPLIT_BLKIF_OP_WRITE : XSPLIT_BLKIF_OP_READ;
	int err;

	if (nr_segs <= DIRECT_SEGS) {
		req->operation = direct_op(info, sh->rq, write);
		req->u.rw.nr_segments = nr_segs;
		req->u.rw.handle = info->handle;
		req->u.rw.sector_number = sector;
	} else {
		req->operation = XSPLIT_BLKIF_OP_INDIRECT;
		req->u.indirect.indirect_op = op;
		req->u.indirect.nr_segments = nr_segs;
		req->u.indirect.handle = info->handle;
		req->u.indirect.sector_number = sector;
		err = part_indirect_pages(ring, sh, nr_segs);
		if (err)
			return err;
	}
	return part_segments(ring, sh, nr_segs, write);
}

static void part_nodata(struct xsplit_blkf_info *info, struct request *rq,
			struct xsplit_blkif_request *req)
{
	if (req_op(rq) == REQ_OP_FLUSH) {
		req->operation = info->flush_op;
		req->u.rw.handle = info->handle;
		return;
	}
	req->operation = XSPLIT_BLKIF_OP_DISCARD;
	req->u.discard.sector_number = blk_rq_pos(rq);
	req->u.discard.nr_sectors = blk_rq_sectors(rq);
	if (req_op(rq) == REQ_OP_SECURE_ERASE)
		req->u.discard.flag = XSPLIT_BLKIF_DISCARD_SECURE;
}

/* The id goes in the same place whatever the operation. */
static void set_id(struct xsplit_blkif_request *req, u32 id)
{
	if (req->operation == XSPLIT_BLKIF_OP_DISCARD)
		req->u.discard.id = id;
	else if (req->operation == XSPLIT_BLKIF_OP_INDIRECT)
		req->u.indirect.id = id;
	else
		req->u.rw.id = id;
}

static bool has_data(struct request *rq)
{
	return req_op(rq) == REQ_OP_READ || req_op(rq) == REQ_OP_WRITE;
}

/* Build part @p of @rq into table slot @id, already taken. */
static int part_build(struct xsplit_blkf_ring *ring, struct request *rq,
		      unsigned int p, u64 *sector, u32 id)
{
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(rq);
	unsigned int cap = ring->info->seg_cap, first = p * cap;
	unsigned int n = has_data(rq) ? min(pdu->nr_sg - first, cap) : 0;
	struct xsplit_blkf_shadow *sh = &ring->shadow[id];
	int ret = 0, i;

	*sh = (struct xsplit_blkf_shadow){ .rq = rq, .first_sg = first,
					   .data = sh->data };
	if (has_data(rq))
		ret = part_rw(ring, sh, n, *sector, req_op(rq) == REQ_OP_WRITE);
	else
		part_nodata(ring->info, rq, &sh->req);
	set_id(&sh->req, id);
	ring->tab.ent[id].op = sh->req.operation;
	if (sh->req.operation == XSPLIT_BLKIF_OP_INDIRECT)
		ring->tab.ent[id].indirect_op = sh->req.u.indirect.indirect_op;
	for (i = 0; i < n; i++)
		*sector += pdu->sg[first + i].length >> XSPLIT_BLKIF_SECTOR_SHIFT;
	return ret;
}

static void parts_undo(struct xsplit_blkf_ring *ring, const u32 *ids,
		       unsigned int n)
{
	bool leaked = false;

	while (n--) {
		xsplit_blkf_part_release(ring, &ring->shadow[ids[n]], false,
					 &leaked);
		xsplit_blkf_tab_release(&ring->tab, ids[n]);
	}
	/* never seen by the backend, so nothing of ours is mapped */
	WARN_ON_ONCE(leaked);
}

static bool ring_room(struct xsplit_blkf_ring *ring, unsigned int parts)
{
	return parts <= ring->tab.ids.nr_free &&
	       parts <= xsplit_front_free_reqs(&ring->front.r);
}

/*
 * A request built for an earlier backend's limits (requeued across a
 * reconnect) may need more parts than this ring has slots, or than we
 * build: waiting for room would wait forever, so it fails instead.
 */
static bool never_fits(struct xsplit_blkf_ring *ring, unsigned int parts)
{
	if (parts <= MAX_PARTS && parts <= ring->tab.ids.nr &&
	    parts <= ring->front.r.nr_ents)
		return false;
	dev_err_ratelimited(&ring->info->dev->xdev->dev,
			    "ring %u: a request needs %u ring slots, the ring has %u: failing it\n",
			    ring->idx, parts, ring->front.r.nr_ents);
	return true;
}

/*
 * Notify the backend, if it asked, for everything published since the
 * last decision: once per blk-mq batch, not once per request.
 */
static void commit_locked(struct xsplit_blkf_ring *ring)
{
	if (ring->up && xsplit_front_check_notify(&ring->front.r))
		xsplit_evtchn_notify(&ring->evtchn);
}

static blk_status_t submit_locked(struct xsplit_blkf_ring *ring,
				  struct request *rq)
{
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(rq);
	unsigned int p, parts = nr_parts(ring->info, pdu);
	u64 sector = blk_rq_pos(rq);
	u32 ids[MAX_PARTS];
	int err;

	/*
	 * A broken ring is on its way down: its report reaches the state
	 * machine from a work item, whose disconnect parks the requests on
	 * the ring for the next connect.  One that comes in between waits
	 * with them (blk-mq retries it until the queue is quiesced) rather
	 * than fail: it must not fare worse than those already on the ring.
	 */
	if (!ring->up || ring->broken)
		return BLK_STS_RESOURCE;
	if (never_fits(ring, parts))
		return BLK_STS_IOERR;
	if (!ring_room(ring, parts))
		return BLK_STS_RESOURCE;
	for (p = 0; p < parts; p++) {
		err = xsplit_blkf_tab_alloc(&ring->tab, 0, 0);
		if (WARN_ON_ONCE(err < 0)) {	/* room was checked */
			parts_undo(ring, ids, p);
			return BLK_STS_RESOURCE;
		}
		ids[p] = err;
		/*
		 * Undo this part too on failure: it holds a table slot and
		 * maybe grants (-ENOSPC here means no grant reference).
		 */
		err = part_build(ring, rq, p, &sector, ids[p]);
		if (err) {
			parts_undo(ring, ids, p + 1);
			return err == -EINVAL ? BLK_STS_IOERR : BLK_STS_RESOURCE;
		}
	}
	pdu->parts = parts;
	pdu->status = BLK_STS_OK;
	for (p = 0; p < parts; p++)
		xsplit_blkif_front_put_req(&ring->front,
					   &ring->shadow[ids[p]].req);
	/* a backend that is looking takes it now; the event waits for last */
	xsplit_front_publish_reqs(&ring->front.r);
	return BLK_STS_OK;
}

/**
 * xsplit_blkf_ring_submit - put a mapped request on a ring
 * @ring: the ring of the request's hardware queue
 * @rq: the request, its pdu's scatterlist filled
 * @last: the last request of blk-mq's batch: decide the event now
 *
 * A batch that ends without its last request gets its event from
 * xsplit_blkf_ring_commit() (blk-mq's commit_rqs).
 *
 * Return: BLK_STS_OK, BLK_STS_RESOURCE (no room now: blk-mq retries once
 * a request completes) or BLK_STS_IOERR.
 */
blk_status_t xsplit_blkf_ring_submit(struct xsplit_blkf_ring *ring,
				     struct request *rq, bool last)
{
	unsigned long flags;
	blk_status_t ret;

	spin_lock_irqsave(&ring->lock, flags);
	ret = submit_locked(ring, rq);
	if (last)
		commit_locked(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
	return ret;
}

/**
 * xsplit_blkf_ring_commit - send the event a batch of requests deferred
 * @ring: the ring
 */
void xsplit_blkf_ring_commit(struct xsplit_blkf_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	commit_locked(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}

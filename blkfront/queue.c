// SPDX-License-Identifier: GPL-2.0
/*
 * blk-mq and the gendisk: one hardware queue per ring negotiated at the
 * first connect.  The disk outlives backends: on a disconnect its queue is
 * quiesced and its in-flight requests wait on the requeue list; on the
 * next connect the limits are rewritten and the requests go out again.
 * If a later backend gives fewer rings, hardware queues share them.
 */
#include <linux/blkdev.h>
#include <linux/cdrom.h>
#include <linux/hdreg.h>
#include <linux/major.h>
#include <linux/uaccess.h>

#include "blkfront/blkfront.h"

/* HDIO_GETGEO: fdisk and older tools want a geometry; a made-up one. */
static int xsplit_blkf_getgeo(XSPLIT_GETGEO_ARG *arg, struct hd_geometry *hg)
{
	struct xsplit_blkf_geo geo;

	xsplit_blkf_geometry(get_capacity(xsplit_getgeo_disk(arg)), &geo);
	hg->heads = geo.heads;
	hg->sectors = geo.sectors;
	hg->cylinders = geo.cylinders;
	return 0;
}

/*
 * The two cdrom ioctls Linux's blkfront answers, so that tools probing a
 * PV cdrom (the toolstack's devtype=cdrom) find one: no multisession
 * (all zeroes), and the capability query succeeds on a cdrom only.
 * Everything else is -EINVAL, as there.
 */
static int xsplit_blkf_ioctl(struct block_device *bdev,
			     XSPLIT_BLK_OPEN_MODE mode, unsigned int cmd,
			     unsigned long arg)
{
	struct xsplit_blkf_info *info = bdev->bd_disk->private_data;
	struct cdrom_multisession ms;

	switch (cmd) {
	case CDROMMULTISESSION:
		memset(&ms, 0, sizeof(ms));
		if (copy_to_user((void __user *)arg, &ms, sizeof(ms)))
			return -EFAULT;
		return 0;
	case CDROM_GET_CAPABILITY:
		return info->vdisk_info & XSPLIT_VDISK_CDROM ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static const struct block_device_operations xsplit_blkf_fops = {
	.owner = THIS_MODULE,
	.getgeo = xsplit_blkf_getgeo,
	.ioctl = xsplit_blkf_ioctl,
	.compat_ioctl = blkdev_compat_ptr_ioctl,
};

static struct xsplit_blkf_ring *hctx_ring(struct xsplit_blkf_info *info,
					  struct blk_mq_hw_ctx *hctx)
{
	return &info->rings[hctx->queue_num % info->nr_rings];
}

/* Requests with nothing to send, answered here. */
static bool answer_locally(struct xsplit_blkf_info *info, struct request *rq,
			   blk_status_t *sts)
{
	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		*sts = BLK_STS_OK;	/* no cache to flush */
		return !info->flush_op;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		*sts = BLK_STS_NOTSUPP;
		return !info->discard ||
		       (req_op(rq) == REQ_OP_SECURE_ERASE &&
			!info->secure_discard);
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		return false;
	default:
		*sts = BLK_STS_NOTSUPP;
		return true;
	}
}

static blk_status_t xsplit_blkf_queue_rq(struct blk_mq_hw_ctx *hctx,
					 const struct blk_mq_queue_data *bd)
{
	struct xsplit_blkf_info *info = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(rq);
	blk_status_t sts;

	if (unlikely(READ_ONCE(info->dead)))
		return BLK_STS_IOERR;
	blk_mq_start_request(rq);
	if (answer_locally(info, rq, &sts)) {
		blk_mq_end_request(rq, sts);
		/* the batch's earlier requests may still wait for their event */
		if (bd->last)
			xsplit_blkf_ring_commit(hctx_ring(info, hctx));
		return BLK_STS_OK;
	}
	pdu->nr_sg = 0;
	/*
	 * Only reads and writes carry pages.  A discard counts one
	 * "segment" but its bio has no bvecs: mapping it dereferences NULL.
	 */
	if ((req_op(rq) == REQ_OP_READ || req_op(rq) == REQ_OP_WRITE) &&
	    blk_rq_nr_phys_segments(rq)) {
		sg_init_table(pdu->sg, info->max_sg);
		pdu->nr_sg = xsplit_blk_rq_map_sg(rq, pdu->sg);
	}
	return xsplit_blkf_ring_submit(hctx_ring(info, hctx), rq, bd->last);
}

/* blk-mq's batch ended before a request marked last: send its event. */
static void xsplit_blkf_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct xsplit_blkf_info *info = hctx->queue->queuedata;

	xsplit_blkf_ring_commit(hctx_ring(info, hctx));
}

static void xsplit_blkf_complete(struct request *rq)
{
	struct xsplit_blkf_pdu *pdu = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, pdu->status);
}

/*
 * A request has waited the queue's timeout (30 s, or the disk's
 * queue/io_timeout in sysfs).  Its response may be on the ring already,
 * its event lost: look, as the interrupt would have (the request, held by
 * blk-mq for this call, is then no longer in flight).  Otherwise keep
 * waiting, the backend notified again.  The request is never failed
 * here: the backend may still map its pages, and only a disconnect
 * (which requeues it) takes them back safely.
 */
static enum blk_eh_timer_return
xsplit_blkf_timeout(XSPLIT_BLK_TIMEOUT_PARAMS(rq))
{
	struct xsplit_blkf_info *info = rq->q->queuedata;
	struct xsplit_blkf_ring *ring = hctx_ring(info, rq->mq_hctx);
	bool found = xsplit_blkf_ring_poll(ring);

	if (blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT) {
		dev_warn_ratelimited(&info->dev->xdev->dev,
				     "ring %u: a response came without its event\n",
				     ring->idx);
		return BLK_EH_DONE;
	}
	dev_warn_ratelimited(&info->dev->xdev->dev,
			     "ring %u: request unanswered for %u ms%s; backend notified again\n",
			     ring->idx, jiffies_to_msecs(rq->q->rq_timeout),
			     found ? " (other responses were waiting)" : "");
	return BLK_EH_RESET_TIMER;
}

static const struct blk_mq_ops xsplit_blkf_mq_ops = {
	.queue_rq = xsplit_blkf_queue_rq,
	.commit_rqs = xsplit_blkf_commit_rqs,
	.complete = xsplit_blkf_complete,
	.timeout = xsplit_blkf_timeout,
};

static void discard_limits(const struct xsplit_blkf_info *info,
			   struct xsplit_blk_qlim *ql)
{
	if (!info->discard)
		return;
	ql->max_discard_sectors = UINT_MAX;
	ql->discard_granularity = info->discard_granularity ?:
				  info->phys_sector_size;
	ql->discard_alignment = info->discard_alignment;
	if (info->secure_discard)
		ql->max_secure_erase_sectors = UINT_MAX;
}

/* The queue limits from what the backend announced. */
static void queue_limits(const struct xsplit_blkf_info *info,
			 struct xsplit_blk_qlim *ql)
{
	unsigned int segs = min(info->seg_cap, info->max_sg);

	*ql = (struct xsplit_blk_qlim){
		.logical_block_size = info->sector_size,
		.physical_block_size = info->phys_sector_size,
		.max_hw_sectors = (segs * PAGE_SIZE) >>
				  XSPLIT_BLKIF_SECTOR_SHIFT,
		.max_segments = segs,
		/* one segment never crosses a page: it is one grant */
		.seg_boundary_mask = PAGE_SIZE - 1,
		.max_segment_size = PAGE_SIZE,
		.dma_alignment = XSPLIT_BLKIF_SECTOR_SIZE - 1,
		.write_cache = info->flush_op != 0,
		.fua = info->fua,
	};
	discard_limits(info, ql);
}

/* Size and flags; the limits are already set. */
static void apply_size(struct xsplit_blkf_info *info)
{
	xsplit_set_capacity_and_notify(info->gd, info->sectors);
	set_disk_ro(info->gd, info->vdisk_info & XSPLIT_VDISK_READONLY);
}

static int tag_set_init(struct xsplit_blkf_info *info)
{
	struct blk_mq_tag_set *set = &info->tag_set;

	memset(set, 0, sizeof(*set));
	/* room for the most any backend may get, so reconnects fit */
	info->max_sg = clamp_t(unsigned int, xsplit_blkf_want_segs(info),
			       XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST,
			       XSPLIT_BLKF_MAX_SEGS);
	set->ops = &xsplit_blkf_mq_ops;
	set->nr_hw_queues = info->nr_rings;
	set->queue_depth = info->rings[0].front.r.nr_ents;
	set->numa_node = NUMA_NO_NODE;
	set->flags = XSPLIT_BLK_MQ_F_MERGE;
	set->cmd_size = struct_size((struct xsplit_blkf_pdu *)NULL, sg,
				    info->max_sg);
	set->driver_data = info;
	return blk_mq_alloc_tag_set(set);
}

/**
 * xsplit_blkf_disk_add - create and announce the disk (first connect)
 * @info: the disk, rings started and limits read
 *
 * Return: 0 or a negative errno, everything undone.
 */
int xsplit_blkf_disk_add(struct xsplit_blkf_info *info)
{
	struct xsplit_blk_qlim ql;
	struct gendisk *gd;
	int err;

	err = tag_set_init(info);
	if (err)
		return err;
	queue_limits(info, &ql);
	gd = xsplit_blk_alloc_disk(&info->tag_set, &ql, info);
	if (IS_ERR(gd)) {
		err = PTR_ERR(gd);
		goto free_tag_set;
	}
	err = xsplit_blkf_vdev_name(&info->vd, gd->disk_name,
				    sizeof(gd->disk_name));
	if (err)
		goto put_disk;
	gd->major = XENVBD_MAJOR;
	gd->first_minor = info->vd.first_minor;
	gd->minors = info->vd.minors;
	gd->fops = &xsplit_blkf_fops;
	gd->private_data = info;
	if (info->vdisk_info & XSPLIT_VDISK_REMOVABLE)
		gd->flags |= GENHD_FL_REMOVABLE;
	info->gd = gd;
	apply_size(info);
	err = xsplit_device_add_disk(&info->dev->xdev->dev, gd);
	if (err)
		goto clear_gd;
	return 0;

clear_gd:
	info->gd = NULL;
put_disk:
	xsplit_blk_put_disk(gd);
free_tag_set:
	blk_mq_free_tag_set(&info->tag_set);
	return err;
}

/* Reconnect: new limits; the queue is still quiesced. */
void xsplit_blkf_disk_update(struct xsplit_blkf_info *info)
{
	struct xsplit_blk_qlim ql;

	if (!info->gd)
		return;
	queue_limits(info, &ql);
	if (xsplit_blk_set_limits(info->gd->queue, &ql))
		dev_warn(&info->dev->xdev->dev,
			 "the new backend's limits were refused; keeping the old ones\n");
	apply_size(info);
}

/* A new size on a live disk; the kernel tells user space (a uevent). */
void xsplit_blkf_disk_resize(struct xsplit_blkf_info *info)
{
	if (info->gd)
		xsplit_set_capacity_and_notify(info->gd, info->sectors);
}

void xsplit_blkf_disk_quiesce(struct xsplit_blkf_info *info)
{
	if (!info->gd || info->quiesced)
		return;
	blk_mq_quiesce_queue(info->gd->queue);
	info->quiesced = true;
}

/* Let requests flow again, the requeued ones first. */
void xsplit_blkf_disk_resume(struct xsplit_blkf_info *info)
{
	if (!info->gd)
		return;
	if (info->quiesced) {
		blk_mq_unquiesce_queue(info->gd->queue);
		info->quiesced = false;
	}
	blk_mq_kick_requeue_list(info->gd->queue);
}

/* Device going away: fail what waits, then remove the disk. */
void xsplit_blkf_disk_remove(struct xsplit_blkf_info *info)
{
	if (!info->gd)
		return;
	WRITE_ONCE(info->dead, true);
	xsplit_blkf_disk_resume(info);
	del_gendisk(info->gd);
	xsplit_blk_put_disk(info->gd);
	blk_mq_free_tag_set(&info->tag_set);
	info->gd = NULL;
}

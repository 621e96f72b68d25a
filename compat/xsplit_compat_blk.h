/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block layer as xsplit's block drivers use it, on every kernel xsplit
 * supports.  compat/Kbuild.inc probes the headers and defines the
 * XSPLIT_HAVE_* switches tested here; the drivers call only these wrappers
 * where the kernel's interface moved.
 */
#ifndef XSPLIT_COMPAT_BLK_H
#define XSPLIT_COMPAT_BLK_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/file.h>

#include "compat/xsplit_compat.h"

/* ---- blkback: the backing device, opened exclusively ---- */

/**
 * struct xsplit_bdev_ref - what the kernel hands back for an opened device
 *
 * Whatever it is, close it with xsplit_bdev_close().
 */
struct xsplit_bdev_ref {
#if defined(XSPLIT_HAVE_BDEV_FILE)
	struct file *file;
#elif defined(XSPLIT_HAVE_BDEV_HANDLE)
	struct bdev_handle *handle;
#else
	struct block_device *bdev;
	void *holder;
	bool write;
#endif
};

#if defined(XSPLIT_HAVE_BDEV_FILE)
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write,
		 void *holder)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct file *file = bdev_file_open_by_dev(dev, mode, holder, NULL);

	if (IS_ERR(file))
		return ERR_CAST(file);
	ref->file = file;
	return file_bdev(file);
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
#ifdef XSPLIT_HAVE_BDEV_FPUT
	/* gives up the claim now, not when a deferred fput runs */
	bdev_fput(ref->file);
#else
	fput(ref->file);
#endif
	ref->file = NULL;
}
#elif defined(XSPLIT_HAVE_BDEV_HANDLE)
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write,
		 void *holder)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct bdev_handle *handle = bdev_open_by_dev(dev, mode, holder, NULL);

	if (IS_ERR(handle))
		return ERR_CAST(handle);
	ref->handle = handle;
	return handle->bdev;
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
	bdev_release(ref->handle);
	ref->handle = NULL;
}
#elif defined(XSPLIT_HAVE_BLK_HOLDER_OPS)
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write,
		 void *holder)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);

	ref->bdev = blkdev_get_by_dev(dev, mode, holder, NULL);
	ref->holder = holder;
	return ref->bdev;
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
	blkdev_put(ref->bdev, ref->holder);
	ref->bdev = NULL;
}
#else
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write,
		 void *holder)
{
	fmode_t mode = FMODE_READ | FMODE_EXCL | (write ? FMODE_WRITE : 0);

	ref->bdev = blkdev_get_by_dev(dev, mode, holder);
	ref->write = write;
	return ref->bdev;
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
	blkdev_put(ref->bdev,
		   FMODE_READ | FMODE_EXCL | (ref->write ? FMODE_WRITE : 0));
	ref->bdev = NULL;
}
#endif

/* ---- blkfront: blk-mq ---- */

/* A tag set's flags for a disk that merges requests. */
#ifdef XSPLIT_HAVE_BLK_MQ_F_SHOULD_MERGE
#define XSPLIT_BLK_MQ_F_MERGE BLK_MQ_F_SHOULD_MERGE
#else
#define XSPLIT_BLK_MQ_F_MERGE 0
#endif

static inline int xsplit_blk_rq_map_sg(struct request *rq,
				       struct scatterlist *sg)
{
#ifdef XSPLIT_HAVE_BLK_RQ_MAP_SG_RQ
	return blk_rq_map_sg(rq, sg);
#else
	return blk_rq_map_sg(rq->q, rq, sg);
#endif
}

/* ---- blkfront: the queue limits of the disk ---- */

/**
 * struct xsplit_blk_qlim - the limits blkfront sets, in one place
 *
 * The kernel takes them either one setter at a time on a live queue or as
 * one struct queue_limits, at allocation and in an update transaction.
 */
struct xsplit_blk_qlim {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;
	unsigned int max_segments;
	unsigned long seg_boundary_mask;
	unsigned int max_segment_size;
	unsigned int dma_alignment;
	bool write_cache;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_secure_erase_sectors;
};

#ifdef XSPLIT_HAVE_QUEUE_LIMITS_UPDATE
static inline void xsplit_blk_fill_limits(struct queue_limits *lim,
					  const struct xsplit_blk_qlim *ql)
{
	lim->logical_block_size = ql->logical_block_size;
	lim->physical_block_size = ql->physical_block_size;
	lim->max_hw_sectors = ql->max_hw_sectors;
	lim->max_segments = ql->max_segments;
	lim->seg_boundary_mask = ql->seg_boundary_mask;
	lim->max_segment_size = ql->max_segment_size;
	lim->dma_alignment = ql->dma_alignment;
	lim->max_hw_discard_sectors = ql->max_discard_sectors;
	lim->discard_granularity = ql->discard_granularity;
	lim->discard_alignment = ql->discard_alignment;
	lim->max_secure_erase_sectors = ql->max_secure_erase_sectors;
#ifdef XSPLIT_HAVE_BLK_FEAT
	if (ql->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	else
		lim->features &= ~BLK_FEAT_WRITE_CACHE;
#endif
}

/* Before 6.11 the write cache is a queue flag, set apart. */
static inline void xsplit_blk_set_wc(struct request_queue *q,
				     const struct xsplit_blk_qlim *ql)
{
#ifndef XSPLIT_HAVE_BLK_FEAT
	blk_queue_write_cache(q, ql->write_cache, false);
#endif
}

/**
 * xsplit_blk_alloc_disk - a blk-mq disk with its first limits
 * @set: the tag set
 * @ql: the limits
 * @queuedata: the driver's, in queue->queuedata
 *
 * Return: the disk or an ERR_PTR.
 */
static inline struct gendisk *
xsplit_blk_alloc_disk(struct blk_mq_tag_set *set,
		      const struct xsplit_blk_qlim *ql, void *queuedata)
{
	struct queue_limits lim = {};
	struct gendisk *gd;

	xsplit_blk_fill_limits(&lim, ql);
	gd = blk_mq_alloc_disk(set, &lim, queuedata);
	if (!IS_ERR(gd))
		xsplit_blk_set_wc(gd->queue, ql);
	return gd;
}

/* Process context; the queue may be live or quiesced. */
static inline int xsplit_blk_set_limits(struct request_queue *q,
					const struct xsplit_blk_qlim *ql)
{
	struct queue_limits lim = queue_limits_start_update(q);
	int err;

	xsplit_blk_fill_limits(&lim, ql);
	err = queue_limits_commit_update(q, &lim);
	if (!err)
		xsplit_blk_set_wc(q, ql);
	return err;
}
#else /* !XSPLIT_HAVE_QUEUE_LIMITS_UPDATE */
static inline int xsplit_blk_set_limits(struct request_queue *q,
					const struct xsplit_blk_qlim *ql)
{
	blk_queue_logical_block_size(q, ql->logical_block_size);
	blk_queue_physical_block_size(q, ql->physical_block_size);
	blk_queue_max_hw_sectors(q, ql->max_hw_sectors);
	blk_queue_max_segments(q, ql->max_segments);
	blk_queue_segment_boundary(q, ql->seg_boundary_mask);
	blk_queue_max_segment_size(q, ql->max_segment_size);
	blk_queue_dma_alignment(q, ql->dma_alignment);
	blk_queue_write_cache(q, ql->write_cache, false);
	blk_queue_max_discard_sectors(q, ql->max_discard_sectors);
	q->limits.discard_granularity = ql->discard_granularity;
	q->limits.discard_alignment = ql->discard_alignment;
	blk_queue_max_secure_erase_sectors(q, ql->max_secure_erase_sectors);
	return 0;
}

static inline struct gendisk *
xsplit_blk_alloc_disk(struct blk_mq_tag_set *set,
		      const struct xsplit_blk_qlim *ql, void *queuedata)
{
	struct gendisk *gd = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(gd))
		xsplit_blk_set_limits(gd->queue, ql);
	return gd;
}
#endif /* XSPLIT_HAVE_QUEUE_LIMITS_UPDATE */

/*
 * From a completion, any context: the backend refused a flush or discard.
 * Since 6.11 the write cache can only change in a limits update, which
 * sleeps; it stays announced and blkfront answers flushes itself.
 */
static inline void xsplit_blk_stop_flush(struct request_queue *q)
{
#ifndef XSPLIT_HAVE_BLK_FEAT
	blk_queue_write_cache(q, false, false);
#endif
}

static inline void xsplit_blk_stop_discard(struct request_queue *q)
{
#ifdef XSPLIT_HAVE_BLK_QUEUE_DISABLE
	blk_queue_disable_discard(q);
	blk_queue_disable_secure_erase(q);
#else
	blk_queue_max_discard_sectors(q, 0);
	blk_queue_max_secure_erase_sectors(q, 0);
#endif
}

#endif /* XSPLIT_COMPAT_BLK_H */

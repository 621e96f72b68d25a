/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block layer as xsplit's block drivers use it, on every kernel xsplit
 * supports.  compat/Kbuild.inc probes the headers and defines the
 * XSPLIT_HAVE_* switches tested here; the drivers call only these wrappers
 * where the kernel's interface moved.
 */
#ifndef XSPLIT_COMPAT_BLK_H
#define XSPLIT_COMPAT_BLK_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>

#include "compat/xsplit_compat.h"

/*
 * ---- blkback: the backing device ----
 *
 * Opened without a holder, i.e. not exclusively, as Linux's blkback does:
 * a read-only image may serve several guests at once, and so may a
 * writable disk whose "mode" is "w!" (the toolstack's block script is what
 * refuses a second writer unless told "w!"; the backend never did).
 */

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
	bool write;
#endif
};

#if defined(XSPLIT_HAVE_BDEV_FILE)
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct file *file = bdev_file_open_by_dev(dev, mode, NULL, NULL);

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
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct bdev_handle *handle = bdev_open_by_dev(dev, mode, NULL, NULL);

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
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);

	ref->bdev = blkdev_get_by_dev(dev, mode, NULL, NULL);
	return ref->bdev;
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
	blkdev_put(ref->bdev, NULL);
	ref->bdev = NULL;
}
#else
static inline struct block_device *
xsplit_bdev_open(struct xsplit_bdev_ref *ref, dev_t dev, bool write)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0);

	ref->bdev = blkdev_get_by_dev(dev, mode, NULL);
	ref->write = write;
	return ref->bdev;
}

static inline void xsplit_bdev_close(struct xsplit_bdev_ref *ref)
{
	blkdev_put(ref->bdev, FMODE_READ | (ref->write ? FMODE_WRITE : 0));
	ref->bdev = NULL;
}
#endif

/* ---- blkback: bios and what the device offers ---- */

#ifndef XSPLIT_HAVE_BLK_OPF_T
#define blk_opf_t unsigned int		/* an op and its flags, 6.0 */
#endif

#ifndef BIO_MAX_VECS
#define BIO_MAX_VECS BIO_MAX_PAGES	/* renamed in 5.12 */
#endif

/* A bio for @bdev with room for @nr_vecs pages, doing @opf. */
static inline struct bio *xsplit_bio_alloc(struct block_device *bdev,
					   unsigned short nr_vecs,
					   blk_opf_t opf, gfp_t gfp)
{
#ifdef XSPLIT_HAVE_BIO_ALLOC_BDEV
	return bio_alloc(bdev, nr_vecs, opf, gfp);
#else
	struct bio *bio = bio_alloc(gfp, nr_vecs);

	bio_set_dev(bio, bdev);
	bio->bi_opf = opf;
	return bio;
#endif
}

static inline int xsplit_blkdev_issue_discard(struct block_device *bdev,
					      sector_t sector,
					      sector_t nr_sects, gfp_t gfp)
{
#ifdef XSPLIT_HAVE_BLKDEV_ISSUE_SECURE_ERASE
	return blkdev_issue_discard(bdev, sector, nr_sects, gfp);
#else
	return blkdev_issue_discard(bdev, sector, nr_sects, gfp, 0);
#endif
}

#ifndef XSPLIT_HAVE_BLKDEV_ISSUE_SECURE_ERASE
/* a discard with a flag before 5.19 */
static inline int blkdev_issue_secure_erase(struct block_device *bdev,
					    sector_t sector,
					    sector_t nr_sects, gfp_t gfp)
{
	return blkdev_issue_discard(bdev, sector, nr_sects, gfp,
				    BLKDEV_DISCARD_SECURE);
}
#endif

/* The bdev_*() queries of newer kernels, from the queue on older ones. */
#ifndef XSPLIT_HAVE_BDEV_NR_SECTORS
static inline sector_t bdev_nr_sectors(struct block_device *bdev)
{
	return i_size_read(bdev->bd_inode) >> SECTOR_SHIFT;
}
#endif

#ifndef XSPLIT_HAVE_BDEV_WRITE_CACHE
static inline bool bdev_write_cache(struct block_device *bdev)
{
	return test_bit(QUEUE_FLAG_WC, &bdev_get_queue(bdev)->queue_flags);
}
#endif

#ifndef XSPLIT_HAVE_BDEV_MAX_DISCARD
static inline unsigned int bdev_max_discard_sectors(struct block_device *bdev)
{
	struct request_queue *q = bdev_get_queue(bdev);

	return blk_queue_discard(q) ? q->limits.max_discard_sectors : 0;
}

static inline unsigned int
bdev_max_secure_erase_sectors(struct block_device *bdev)
{
	struct request_queue *q = bdev_get_queue(bdev);

	return blk_queue_secure_erase(q) ? q->limits.max_discard_sectors : 0;
}

static inline unsigned int bdev_discard_granularity(struct block_device *bdev)
{
	return bdev_get_queue(bdev)->limits.discard_granularity;
}
#endif

/* ---- both: mapping a page for a moment ---- */

#ifndef XSPLIT_HAVE_KMAP_LOCAL
/*
 * Before 5.11 there is no mapping that is short-lived yet preemptible;
 * without highmem (every 64-bit kernel) a page is always mapped anyway.
 */
#ifdef CONFIG_HIGHMEM
#error "xsplit needs Linux 5.11 or later on a kernel with CONFIG_HIGHMEM"
#endif
#define kmap_local_page(page) page_address(page)
#define kunmap_local(addr) ((void)(addr))
#endif

/* ---- blkfront: blk-mq ---- */

/* A tag set's flags for a disk that merges requests. */
#ifdef XSPLIT_HAVE_BLK_MQ_F_SHOULD_MERGE
#define XSPLIT_BLK_MQ_F_MERGE BLK_MQ_F_SHOULD_MERGE
#else
#define XSPLIT_BLK_MQ_F_MERGE 0
#endif

/* The parameters of a blk_mq_ops timeout handler ("reserved" until 6.0). */
#ifdef XSPLIT_HAVE_BLK_MQ_TIMEOUT_RQ
#define XSPLIT_BLK_TIMEOUT_PARAMS(rq)	struct request *rq
#else
#define XSPLIT_BLK_TIMEOUT_PARAMS(rq)	struct request *rq, bool reserved
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

/* ---- blkfront: the disk ---- */

/* Announce @disk; 0 or a negative errno (it could not fail before 5.15). */
static inline int xsplit_device_add_disk(struct device *parent,
					 struct gendisk *disk)
{
#ifdef XSPLIT_HAVE_DEVICE_ADD_DISK_INT
	return device_add_disk(parent, disk, NULL);
#else
	device_add_disk(parent, disk, NULL);
	return 0;
#endif
}

/* Drop a disk from xsplit_blk_alloc_disk(), added and deleted or never added. */
static inline void xsplit_blk_put_disk(struct gendisk *disk)
{
#if defined(XSPLIT_HAVE_BLK_CLEANUP_DISK)
	blk_cleanup_disk(disk);
#elif defined(XSPLIT_HAVE_BLK_MQ_ALLOC_DISK)
	put_disk(disk);
#else
	struct request_queue *q = disk->queue;

	blk_cleanup_queue(q);
	put_disk(disk);
#endif
}

static inline void xsplit_set_capacity_and_notify(struct gendisk *disk,
						  sector_t size)
{
#ifdef XSPLIT_HAVE_SET_CAPACITY_AND_NOTIFY
	set_capacity_and_notify(disk, size);
#else
	set_capacity_revalidate_and_notify(disk, size, true);
#endif
}

/* ---- blkfront: block_device_operations whose arguments moved ---- */

/* How the device was opened, as ioctl() is told: a blk_mode_t from 6.5. */
#ifdef XSPLIT_HAVE_BLK_MODE_T
#define XSPLIT_BLK_OPEN_MODE blk_mode_t
#else
#define XSPLIT_BLK_OPEN_MODE fmode_t
#endif

/* What getgeo() is given: the gendisk from 7.x, the block_device before. */
#ifdef XSPLIT_HAVE_GETGEO_GENDISK
#define XSPLIT_GETGEO_ARG struct gendisk
static inline struct gendisk *xsplit_getgeo_disk(struct gendisk *disk)
{
	return disk;
}
#else
#define XSPLIT_GETGEO_ARG struct block_device
static inline struct gendisk *xsplit_getgeo_disk(struct block_device *bdev)
{
	return bdev->bd_disk;
}
#endif

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
	bool fua;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_secure_erase_sectors;
};

#if !defined(XSPLIT_HAVE_QUEUE_LIMITS_UPDATE) || \
	!defined(XSPLIT_HAVE_BLK_QUEUE_DISABLE)
/* a limit since 5.19, a queue flag before */
static inline void xsplit_blk_set_secure_erase(struct request_queue *q,
					       unsigned int max_sectors)
{
#ifdef XSPLIT_HAVE_SECURE_ERASE_LIMIT
	blk_queue_max_secure_erase_sectors(q, max_sectors);
#else
	if (max_sectors)
		blk_queue_flag_set(QUEUE_FLAG_SECERASE, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_SECERASE, q);
#endif
}
#endif

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
	if (ql->fua)
		lim->features |= BLK_FEAT_FUA;
	else
		lim->features &= ~BLK_FEAT_FUA;
#endif
}

/* Before 6.11 the write cache is a queue flag, set apart. */
static inline void xsplit_blk_set_wc(struct request_queue *q,
				     const struct xsplit_blk_qlim *ql)
{
#ifndef XSPLIT_HAVE_BLK_FEAT
	blk_queue_write_cache(q, ql->write_cache, ql->fua);
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
	blk_queue_write_cache(q, ql->write_cache, ql->fua);
	blk_queue_max_discard_sectors(q, ql->max_discard_sectors);
	if (ql->max_discard_sectors) {
		q->limits.discard_granularity = ql->discard_granularity;
		q->limits.discard_alignment = ql->discard_alignment;
	}
	xsplit_blk_set_secure_erase(q, ql->max_secure_erase_sectors);
	return 0;
}

#ifdef XSPLIT_HAVE_BLK_MQ_ALLOC_DISK
static inline struct gendisk *xsplit_blk_mq_disk(struct blk_mq_tag_set *set,
						 void *queuedata)
{
	return blk_mq_alloc_disk(set, queuedata);
}
#else
/* before 5.14: the queue, then a disk on it */
static inline struct gendisk *xsplit_blk_mq_disk(struct blk_mq_tag_set *set,
						 void *queuedata)
{
	struct request_queue *q = blk_mq_init_queue_data(set, queuedata);
	struct gendisk *gd;

	if (IS_ERR(q))
		return ERR_CAST(q);
	gd = alloc_disk(0);
	if (!gd) {
		blk_cleanup_queue(q);
		return ERR_PTR(-ENOMEM);
	}
	gd->queue = q;
	return gd;
}
#endif

static inline struct gendisk *
xsplit_blk_alloc_disk(struct blk_mq_tag_set *set,
		      const struct xsplit_blk_qlim *ql, void *queuedata)
{
	struct gendisk *gd = xsplit_blk_mq_disk(set, queuedata);

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
	xsplit_blk_set_secure_erase(q, 0);
#endif
}

#endif /* XSPLIT_COMPAT_BLK_H */

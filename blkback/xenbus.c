// SPDX-License-Identifier: GPL-2.0
/*
 * The XenStore side of a vbd backend, as callbacks of the core's state
 * machine:
 *
 *   probe      per-device state and the sysfs files
 *   advertise  (before InitWait) what we offer: queues, ring order,
 *              indirect segments, persistent grants
 *   connect    (frontend Initialised, hotplug script done) open the block
 *              device the hotplug script named, read the frontend's
 *              choices, map and start the rings, publish the disk's
 *              geometry and features; the core then writes Connected
 *   disconnect stop the rings (waiting for every bio), close the device
 *   free       undo probe
 *
 * The keys and their meanings are those of Linux's xen-blkback, so xl,
 * the block hotplug script and every frontend work unchanged.
 */
#include <linux/blkdev.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>

#include "blkback/common.h"

/* Values of the frontend's "protocol" key (xen/interface/io/protocols.h). */
#define XSPLIT_BLK_PROTO_X86_32 "x86_32-abi"
#define XSPLIT_BLK_PROTO_X86_64 "x86_64-abi"

static unsigned int blk_max_queues(void)
{
	unsigned int n = READ_ONCE(xsplit_blkback_max_queues);

	if (!n)
		n = num_online_cpus();
	return clamp_t(unsigned int, n, 1, XSPLIT_KEY_MAX_QUEUES);
}

static int blk_probe(struct xsplit_xb_dev *xb)
{
	struct xsplit_blk_dev *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return -ENOMEM;
	be->xb = xb;
	be->xdev = xb->xdev;
	be->domid = xb->xdev->otherend_id;
	mutex_init(&be->rings_lock);
	xb->priv = be;
	err = xsplit_blk_sysfs_add(be);
	if (err)
		goto free_be;
	atomic_inc(&xsplit_blk_live.devices);
	return 0;

free_be:
	xb->priv = NULL;
	mutex_destroy(&be->rings_lock);
	kfree(be);
	return err;
}

static void blk_free(struct xsplit_xb_dev *xb)
{
	struct xsplit_blk_dev *be = xb->priv;

	if (!be)
		return;
	xsplit_blk_sysfs_del(be);
	xb->priv = NULL;
	mutex_destroy(&be->rings_lock);
	kfree(be);
	atomic_dec(&xsplit_blk_live.devices);
}

#define BE_KEY(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_blk_dev, field)

/* Our offer besides queues and ring order, as read from the parameters. */
static const struct xsplit_key_field xsplit_blk_offer_keys[] = {
	BE_KEY(XSPLIT_KEY_FEAT_MAX_INDIRECT, adv_indirect),
	BE_KEY(XSPLIT_KEY_FEAT_PERSISTENT, adv_persistent),
	/* 0 too, so a reconnect with data_copy off takes an old 1 back */
	BE_KEY(XSPLIT_KEY_FEAT_GRANT_COPY, adv_copy),
};

static int blk_advertise_txn(struct xsplit_xb_dev *xb,
			     struct xenbus_transaction xbt, void *arg)
{
	struct xsplit_blk_dev *be = arg;
	int err;

	err = xsplit_xb_mq_advertise(xb, xbt, be->adv_queues);
	if (err)
		return err;
	err = xsplit_xb_ring_advertise(xb, xbt, be->adv_order);
	if (err)
		return err;
	return xsplit_xb_publish(xb, xbt, xsplit_blk_offer_keys,
				 ARRAY_SIZE(xsplit_blk_offer_keys), be);
}

/* The parameters are read once here, so a later change cannot split us. */
static int blk_advertise(struct xsplit_xb_dev *xb)
{
	struct xsplit_blk_dev *be = xb->priv;

	be->adv_queues = blk_max_queues();
	be->adv_order = READ_ONCE(xsplit_blkback_max_ring_order);
	be->adv_indirect = READ_ONCE(xsplit_blkback_max_indirect_segs);
	be->adv_persistent = READ_ONCE(xsplit_blkback_feature_persistent);
	be->adv_copy = READ_ONCE(xsplit_blkback_data_copy);
	return xsplit_xb_transact(xb, blk_advertise_txn, be);
}

/* What the toolstack and hotplug script wrote: device, mode, type. */
static int blk_read_vbd(struct xsplit_blk_dev *be)
{
	char *str;
	int err;

	err = xsplit_xb_read_devnum(be->xb, &be->major, &be->minor);
	if (err)
		return err;
	if (MAJOR(MKDEV(be->major, be->minor)) != be->major ||
	    MINOR(MKDEV(be->major, be->minor)) != be->minor)
		return -EINVAL;
	str = xsplit_xb_read_str(be->xb, XSPLIT_KEY_MODE);
	if (IS_ERR(str))
		return PTR_ERR(str);
	be->readonly = !strchr(str, 'w');
	kfree(str);
	/* Linux's backend takes the cdrom hint from the frontend's side. */
	str = xsplit_xb_read_str(be->xb, XSPLIT_KEY_DEVICE_TYPE);
	be->cdrom = !IS_ERR_OR_NULL(str) && !strcmp(str, "cdrom");
	if (!IS_ERR(str))
		kfree(str);
	return 0;
}

static void blk_fill_limits(struct xsplit_blk_dev *be)
{
	struct block_device *bdev = be->bdev;
	struct xsplit_blk_limits *lim = &be->lim;
	bool discard_ok = xsplit_xb_read_flag(be->xb,
					      XSPLIT_KEY_DISCARD_ENABLE);

	*lim = (struct xsplit_blk_limits){
		.nr_sectors = bdev_nr_sectors(bdev),
		.lbs_sectors = bdev_logical_block_size(bdev) >>
			       XSPLIT_BLKIF_SECTOR_SHIFT,
		.max_indirect_segs = be->adv_indirect,
		.readonly = be->readonly,
	};
	/*
	 * Not on a read-only vbd: a flush offered there and refused would
	 * fail the guest's fsync() of a disk it only reads.
	 */
	xsplit_blk_offer(lim, bdev_write_cache(bdev),
			 discard_ok && bdev_max_discard_sectors(bdev),
			 bdev_max_secure_erase_sectors(bdev));
}

static int blk_open(struct xsplit_blk_dev *be)
{
	struct block_device *bdev;
	int err;

	err = blk_read_vbd(be);
	if (err) {
		xenbus_dev_error(be->xdev, err, "reading physical-device/mode");
		return err;
	}
	bdev = xsplit_bdev_open(&be->bdev_ref, MKDEV(be->major, be->minor),
				!be->readonly);
	if (IS_ERR(bdev)) {
		err = PTR_ERR(bdev);
		xenbus_dev_error(be->xdev, err, "opening device %x:%x",
				 be->major, be->minor);
		return err;
	}
	be->bdev = bdev;
	blk_fill_limits(be);
	return 0;
}

static void blk_close(struct xsplit_blk_dev *be)
{
	if (!be->bdev)
		return;
	xsplit_bdev_close(&be->bdev_ref);
	be->bdev = NULL;
}

static int blk_read_abi(struct xsplit_blk_dev *be, enum xsplit_blk_abi *abi)
{
	char *proto = xsplit_xb_read_str(be->xb, XSPLIT_KEY_PROTOCOL);
	int err = 0;

	*abi = XSPLIT_BLK_ABI_NATIVE;
	if (IS_ERR(proto))
		return PTR_ERR(proto);
	if (!proto)
		return 0;	/* absent: the native layout */
	if (!strcmp(proto, XSPLIT_BLK_PROTO_X86_32)) {
		*abi = XSPLIT_BLK_ABI_X86_32;
	} else if (!strcmp(proto, XSPLIT_BLK_PROTO_X86_64)) {
		*abi = XSPLIT_BLK_ABI_X86_64;
	} else {
		dev_warn(&be->xdev->dev, "unknown protocol '%s'\n", proto);
		err = -EPROTONOSUPPORT;
	}
	kfree(proto);
	return err;
}

/* The frontend's choices, each checked against what we offered. */
static int blk_negotiate(struct xsplit_blk_dev *be, unsigned int *nr,
			 unsigned int *order, enum xsplit_blk_abi *abi)
{
	int err;

	err = blk_read_abi(be, abi);
	if (err)
		return err;
	err = xsplit_xb_mq_read(be->xb, be->adv_queues, nr);
	if (err)
		return err;
	err = xsplit_xb_ring_read_order(be->xb, be->adv_order, order);
	if (err)
		return err;
	be->persistent = be->adv_persistent &&
			 xsplit_xb_read_flag(be->xb, XSPLIT_KEY_FEAT_PERSISTENT);
	dev_info(&be->xdev->dev, "%u queue(s), ring order %u, abi %d%s\n",
		 *nr, *order, *abi, be->persistent ? ", persistent grants" :
		 xsplit_blk_use_copy(be->adv_copy, false) ? ", grant copy" : "");
	return 0;
}

/* The disk as the frontend sees it, published at connect. */
struct xsplit_blk_disk {
	bool flush;
	bool discard;
	u32 discard_granularity;	/* with discard only */
	u32 discard_alignment;
	bool discard_secure;
	u64 sectors;
	u32 info;
	u32 sector_size;
	u32 phys_sector_size;
};

#define DISK_KEY(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_blk_disk, field)

static const struct xsplit_key_field xsplit_blk_disk_keys[] = {
	DISK_KEY(XSPLIT_KEY_FEAT_FLUSH_CACHE, flush),
	DISK_KEY(XSPLIT_KEY_FEAT_BARRIER, flush),
	DISK_KEY(XSPLIT_KEY_FEAT_DISCARD, discard),
	DISK_KEY(XSPLIT_KEY_SECTORS, sectors),
	DISK_KEY(XSPLIT_KEY_INFO, info),
	DISK_KEY(XSPLIT_KEY_SECTOR_SIZE, sector_size),
	DISK_KEY(XSPLIT_KEY_PHYS_SECTOR_SIZE, phys_sector_size),
};

static const struct xsplit_key_field xsplit_blk_discard_keys[] = {
	DISK_KEY(XSPLIT_KEY_DISCARD_GRANULARITY, discard_granularity),
	DISK_KEY(XSPLIT_KEY_DISCARD_ALIGNMENT, discard_alignment),
	DISK_KEY(XSPLIT_KEY_DISCARD_SECURE, discard_secure),
};

static unsigned int blk_info(struct xsplit_blk_dev *be)
{
	struct gendisk *disk = be->bdev->bd_disk;
	unsigned int info = 0;

	if (be->cdrom || disk_to_cdi(disk))
		info |= XSPLIT_VDISK_CDROM;
	if (disk->flags & GENHD_FL_REMOVABLE)
		info |= XSPLIT_VDISK_REMOVABLE;
	if (be->readonly)
		info |= XSPLIT_VDISK_READONLY;
	return info;
}

static int blk_write_sectors(struct xsplit_xb_dev *xb,
			     struct xenbus_transaction xbt, void *arg)
{
	struct xsplit_blk_dev *be = arg;

	return xsplit_xb_write_num(xb, xbt, XSPLIT_KEY_SECTORS, 1, 0, 0,
				   READ_ONCE(be->lim.nr_sectors));
}

/**
 * xsplit_blk_check_size - follow the device's size while connected
 * @be: the device, connected (its block device open, its rings running)
 *
 * Called by ring 0's thread each time it wakes, as Linux's blkback checks
 * from its ring threads: nothing tells a holder of a block device that it
 * grew (losetup -c, lvextend, a resized file), it has to look.  A new
 * size bounds the requests at once and is then written to "sectors" with
 * Connected again over Connected, which the frontend takes as "re-read
 * the size" (Linux's blkfront and ours).  Before we are Connected, or on
 * a XenStore error, the announcement waits for the next wake.
 */
void xsplit_blk_check_size(struct xsplit_blk_dev *be)
{
	u64 now = bdev_nr_sectors(be->bdev);
	int err;

	if (now != be->lim.nr_sectors) {
		dev_info(&be->xdev->dev, "device resized: %llu -> %llu sectors\n",
			 be->lim.nr_sectors, now);
		WRITE_ONCE(be->lim.nr_sectors, now);
		be->resize_pending = true;
	}
	if (!be->resize_pending)
		return;
	err = xsplit_xb_reannounce(be->xb, blk_write_sectors, be);
	if (!err)
		be->resize_pending = false;
	else if (err != -ENOTCONN)
		dev_warn_ratelimited(&be->xdev->dev,
				     "announcing the new size: %d\n", err);
}

static int blk_publish_txn(struct xsplit_xb_dev *xb,
			   struct xenbus_transaction xbt, void *arg)
{
	struct xsplit_blk_dev *be = arg;
	struct block_device *bdev = be->bdev;
	const struct xsplit_blk_disk disk = {
		.flush = be->lim.flush,
		.discard = be->lim.discard,
		.discard_granularity = bdev_discard_granularity(bdev),
		.discard_alignment = bdev_discard_alignment(bdev),
		.discard_secure = be->lim.discard_secure,
		.sectors = READ_ONCE(be->lim.nr_sectors),
		.info = blk_info(be),
		.sector_size = bdev_logical_block_size(bdev),
		.phys_sector_size = bdev_physical_block_size(bdev),
	};
	int err;

	if (disk.discard) {
		err = xsplit_xb_publish(xb, xbt, xsplit_blk_discard_keys,
					ARRAY_SIZE(xsplit_blk_discard_keys),
					&disk);
		if (err)
			return err;
	}
	return xsplit_xb_publish(xb, xbt, xsplit_blk_disk_keys,
				 ARRAY_SIZE(xsplit_blk_disk_keys), &disk);
}

static void blk_disconnect(struct xsplit_xb_dev *xb)
{
	struct xsplit_blk_dev *be = xb->priv;

	/* Rings first: their threads wait for every bio on the device. */
	xsplit_blk_rings_stop(be, xsplit_xb_peer_leaving(xb));
	blk_close(be);
}

static int blk_connect(struct xsplit_xb_dev *xb)
{
	struct xsplit_blk_dev *be = xb->priv;
	enum xsplit_blk_abi abi;
	unsigned int nr, order;
	int err;

	/*
	 * The core disconnects before it connects again; a connection still
	 * held here would be overwritten and leak, so refuse instead.
	 */
	if (WARN_ON_ONCE(be->bdev || READ_ONCE(be->rings)))
		return -EBUSY;
	err = blk_open(be);
	if (err)
		return err;
	err = blk_negotiate(be, &nr, &order, &abi);
	if (err)
		goto close;
	be->ring_order = order;
	be->resize_pending = false;
	err = xsplit_blk_rings_start(be, nr, order, abi);
	if (err)
		goto close;
	err = xsplit_xb_transact(xb, blk_publish_txn, be);
	if (err)
		goto stop_rings;
	return 0;

stop_rings:
	xsplit_blk_rings_stop(be, false);
close:
	blk_close(be);
	return err;
}

static const struct xsplit_xb_ops blk_ops = {
	.probe = blk_probe,
	.advertise = blk_advertise,
	.connect = blk_connect,
	.disconnect = blk_disconnect,
	.free = blk_free,
};

static struct xsplit_xb_driver blk_driver = {
	.type = "vbd",
	.role = XSPLIT_ROLE_BACKEND,
	.ops = &blk_ops,
	.wait_hotplug = true,
};

int xsplit_blk_xenbus_register(void)
{
	return xsplit_xb_register(&blk_driver);
}

void xsplit_blk_xenbus_unregister(void)
{
	xsplit_xb_unregister(&blk_driver);
}

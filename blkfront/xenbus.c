// SPDX-License-Identifier: GPL-2.0
/*
 * The XenBus side of blkfront: the callbacks the core's state machine
 * calls.  probe reads which disk we are; advertise (backend in InitWait)
 * chooses queues and ring size, grants the rings and writes our keys;
 * connect (backend Connected) reads the disk's size and features and
 * starts I/O, creating the disk the first time; disconnect stops I/O and
 * keeps the requests for the next connect.  Every value the backend wrote
 * is bounded here before use.
 */
#include <linux/cpumask.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <xen/interface/io/protocols.h>

#include "blkfront/blkfront.h"

static struct xsplit_blkf_info *to_info(struct xsplit_xb_dev *dev)
{
	return dev->priv;
}

/* The toolstack's virtual-device, or virtual-device-ext without it. */
static int read_vdevice(struct xsplit_xb_dev *dev, u32 *vdev)
{
	int err = xsplit_xb_read_top(dev, XSPLIT_KEY_VIRTUAL_DEVICE, vdev);

	if (err)
		err = xsplit_xb_read_top(dev, XSPLIT_KEY_VIRTUAL_DEVICE_EXT,
					 vdev);
	return err;
}

/* The device's number in its node name (device/vbd/<handle>). */
static int read_handle(struct xenbus_device *xdev, u16 *handle)
{
	const char *p = strrchr(xdev->nodename, '/');
	unsigned int h;
	int err;

	if (!p)
		return -EINVAL;
	err = kstrtouint(p + 1, 0, &h);
	*handle = (u16)h;	/* the wire carries 16 bits */
	return err;
}

/*
 * Is this vbd ours, in this guest (vdev.c decides)?  Outside a PV guest
 * the device model may still emulate it, or it is a cdrom.  A vbd we
 * cannot even read the number of is ours, for probe to fail loudly.
 */
static bool blkf_wanted(struct xsplit_xb_dev *dev)
{
	enum xsplit_blkf_verdict v;
	char *type = NULL;
	u32 vdev;

	if (read_vdevice(dev, &vdev))
		return true;
	if (xsplit_guest_is_hvm(&xsplit_blkf_guest)) {
		type = xsplit_xb_read_str(dev, XSPLIT_KEY_DEVICE_TYPE);
		if (IS_ERR(type))
			type = NULL;
	}
	v = xsplit_blkf_vdev_verdict(&xsplit_blkf_guest, vdev, type);
	kfree(type);
	if (v == XSPLIT_BLKF_TAKE)
		return true;
	dev_info(&dev->xdev->dev, "%s guest, virtual-device %#x: %s\n",
		 xsplit_guest_kind_name(xsplit_blkf_guest.kind), vdev,
		 xsplit_blkf_verdict_name(v));
	return false;
}

static int blkf_probe(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info;
	int err;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->dev = dev;
	err = read_vdevice(dev, &info->vdevice);
	if (!err)
		err = read_handle(dev->xdev, &info->handle);
	if (!err)
		err = xsplit_blkf_vdev_decode(info->vdevice, &info->vd);
	if (!err)
		err = xsplit_blkf_minors_get(info->vd.first_minor,
					     info->vd.minors);
	if (err) {
		dev_warn(&dev->xdev->dev, "virtual-device %#x unusable: %d\n",
			 info->vdevice, err);
		kfree(info);
		return err;
	}
	info->minors_held = true;
	dev->priv = info;
	return 0;
}

static int write_keys(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		      void *arg)
{
	struct xsplit_blkf_info *info = arg;
	int err;

	err = xsplit_blkf_rings_publish(info, xbt);
	if (!err)
		err = xsplit_xb_write_str(dev, xbt, XSPLIT_KEY_PROTOCOL,
					  XEN_IO_PROTO_ABI_NATIVE);
	if (!err)
		err = xsplit_xb_write(dev, xbt, XSPLIT_KEY_FEAT_PERSISTENT, 1, 0,
				      0, info->ask_persistent);
	return err;
}

/* Backend in InitWait: choose, grant and announce the rings. */
static int blkf_advertise(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info = to_info(dev);
	u32 wanted = min_t(u32, xsplit_blkf_max_queues_param,
			   num_online_cpus());
	u32 order, nr;
	int err;

	info->bounce = !xsplit_blkf_trusted_param ||
		       !xsplit_xb_read_flag(dev, XSPLIT_KEY_TRUSTED);
	/*
	 * A trusted backend that copies the data itself (xsplit's
	 * feature-grant-copy) gets the bio's own pages: no persistent
	 * grants, no copy in this guest.  An untrusted one keeps bouncing.
	 */
	info->grant_copy = !info->bounce &&
			   xsplit_xb_read_flag(dev, XSPLIT_KEY_FEAT_GRANT_COPY);
	info->ask_persistent = xsplit_blkf_persistent_param &&
			       !info->grant_copy;
	err = xsplit_xb_ring_choose_order(dev,
					  min_t(u32, xsplit_blkf_max_order_param,
						XSPLIT_RING_MAX_ORDER),
					  &order);
	if (!err)
		err = xsplit_xb_mq_choose(dev, max(wanted, 1U), &nr);
	if (err)
		return err;
	info->ring_order = order;
	info->nr_rings = nr;
	err = xsplit_blkf_rings_alloc(info);
	if (err)
		return err;
	return xsplit_xb_transact(dev, write_keys, info);
}

/* What the backend offers, read at connect. */
struct xsplit_blkf_offer {
	bool flush_cache;
	bool barrier;
	bool discard;
	u32 discard_granularity;
	u32 discard_alignment;
	bool secure_discard;
	u32 max_indirect_segs;
	bool persistent;
};

#define OFFER(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_blkf_offer, field)

static const struct xsplit_key_field xsplit_blkf_offer_keys[] = {
	OFFER(XSPLIT_KEY_FEAT_FLUSH_CACHE, flush_cache),
	OFFER(XSPLIT_KEY_FEAT_BARRIER, barrier),
	OFFER(XSPLIT_KEY_FEAT_DISCARD, discard),
	OFFER(XSPLIT_KEY_DISCARD_GRANULARITY, discard_granularity),
	OFFER(XSPLIT_KEY_DISCARD_ALIGNMENT, discard_alignment),
	OFFER(XSPLIT_KEY_DISCARD_SECURE, secure_discard),
	OFFER(XSPLIT_KEY_FEAT_MAX_INDIRECT, max_indirect_segs),
	OFFER(XSPLIT_KEY_FEAT_PERSISTENT, persistent),
};

/* The disk, read at connect: all required but the physical sector size. */
struct xsplit_blkf_geometry {
	u64 sectors;
	u32 info;
	u32 sector_size;
	u32 phys_sector_size;	/* 0: the logical one */
};

#define GEOMETRY(id, field) \
	XSPLIT_KEY_FIELD(id, struct xsplit_blkf_geometry, field)

static const struct xsplit_key_field xsplit_blkf_geometry_keys[] = {
	GEOMETRY(XSPLIT_KEY_SECTORS, sectors),
	GEOMETRY(XSPLIT_KEY_INFO, info),
	GEOMETRY(XSPLIT_KEY_SECTOR_SIZE, sector_size),
	GEOMETRY(XSPLIT_KEY_PHYS_SECTOR_SIZE, phys_sector_size),
};

static bool sector_size_ok(u32 size)
{
	return is_power_of_2(size) && size >= XSPLIT_BLKIF_SECTOR_SIZE &&
	       size <= PAGE_SIZE;
}

/* The disk's size, the one value that changes on a live connection. */
static int read_sectors(struct xsplit_blkf_info *info, u64 *sectors)
{
	return xsplit_xb_read_num(info->dev, XBT_NIL, XSPLIT_KEY_SECTORS, 1, 0,
				  0, sectors);
}

/* sectors, info, sector-size: required; physical-sector-size optional. */
static int read_geometry(struct xsplit_blkf_info *info)
{
	struct xsplit_blkf_geometry geo;
	int err;

	err = xsplit_xb_gather(info->dev, XBT_NIL, xsplit_blkf_geometry_keys,
			       ARRAY_SIZE(xsplit_blkf_geometry_keys), &geo);
	if (err)
		return err;
	if (!sector_size_ok(geo.sector_size))
		return -EINVAL;
	info->sectors = geo.sectors;
	info->vdisk_info = geo.info;
	info->sector_size = geo.sector_size;
	info->phys_sector_size = geo.phys_sector_size ?: geo.sector_size;
	if (!is_power_of_2(info->phys_sector_size) ||
	    info->phys_sector_size < geo.sector_size)
		info->phys_sector_size = geo.sector_size;
	return 0;
}

static void read_features(struct xsplit_blkf_info *info)
{
	struct xsplit_blkf_offer offer;
	unsigned int segs;

	/* optional keys only: cannot fail */
	xsplit_xb_gather(info->dev, XBT_NIL, xsplit_blkf_offer_keys,
			 ARRAY_SIZE(xsplit_blkf_offer_keys), &offer);
	/* a flush orders like a barrier; prefer it when both are there */
	info->flush_op = 0;
	if (offer.flush_cache)
		info->flush_op = XSPLIT_BLKIF_OP_FLUSH_DISKCACHE;
	else if (offer.barrier)
		info->flush_op = XSPLIT_BLKIF_OP_WRITE_BARRIER;
	info->discard = offer.discard;
	info->discard_granularity = offer.discard_granularity;
	info->discard_alignment = offer.discard_alignment;
	info->secure_discard = info->discard && offer.secure_discard;
	if (info->discard_granularity &&
	    !is_power_of_2(info->discard_granularity))
		info->discard_granularity = 0;
	if (info->discard_alignment >= (info->discard_granularity ?: 1))
		info->discard_alignment = 0;
	/*
	 * We never write a read-only disk: no cache of ours to flush, no
	 * discard.  (Linux's backend offers a flush there and refuses it,
	 * which would fail an fsync() of the disk.)
	 */
	if (info->vdisk_info & XSPLIT_VDISK_READONLY) {
		info->flush_op = 0;
		info->discard = false;
		info->secure_discard = false;
	}
	/*
	 * A barrier orders, flushes and writes through: a FUA write can go
	 * as one, as Linux's blkfront sends it to a backend with barriers
	 * and no flush.  A barrier has no indirect form, so every request
	 * then fits the direct segments (such old backends offer no
	 * indirect ones anyway).
	 */
	info->fua = info->flush_op == XSPLIT_BLKIF_OP_WRITE_BARRIER;

	segs = offer.max_indirect_segs;
	segs = min3(segs, xsplit_blkf_want_segs(info), XSPLIT_BLKF_MAX_SEGS);
	if (info->fua)
		segs = 0;
	info->seg_cap = max_t(unsigned int, segs,
			      XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST);

	if (info->ask_persistent && offer.persistent)
		info->gmode = XSPLIT_BLKF_PERSISTENT;
	else
		info->gmode = info->bounce ? XSPLIT_BLKF_BOUNCE :
					     XSPLIT_BLKF_DIRECT;
}

/* Backend Connected: read the disk, start the rings, show the disk. */
static int blkf_connect(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info = to_info(dev);
	int err;

	err = read_geometry(info);
	if (err) {
		dev_warn(&dev->xdev->dev, "bad disk geometry at %s: %d\n",
			 dev->xdev->otherend, err);
		return err;
	}
	read_features(info);
	err = xsplit_blkf_rings_start(info);
	if (err)
		return err;
	if (!info->gd)
		return xsplit_blkf_disk_add(info);
	xsplit_blkf_disk_update(info);
	xsplit_blkf_disk_resume(info);
	dev_info(&dev->xdev->dev, "reconnected: %u ring(s), %u segments\n",
		 info->nr_rings, info->seg_cap);
	return 0;
}

/*
 * The backend wrote Connected again while we are connected: its way of
 * saying that the disk was resized (Linux's blkback and ours).  Only the
 * size is re-read; anything else changes over a reconnect.
 */
static int blkf_refresh(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info = to_info(dev);
	u64 sectors;
	int err;

	if (!info->gd)
		return 0;
	err = read_sectors(info, &sectors);
	if (err)
		return err;
	if (sectors == info->sectors)
		return 0;
	dev_info(&dev->xdev->dev, "disk resized: %llu -> %llu sectors\n",
		 info->sectors, sectors);
	info->sectors = sectors;
	xsplit_blkf_disk_resize(info);
	return 0;
}

/* Stop I/O, keep in-flight requests for the next connect, free rings. */
static void blkf_disconnect(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info = to_info(dev);

	xsplit_blkf_disk_quiesce(info);
	xsplit_blkf_rings_stop(info);
	xsplit_blkf_rings_free(info);
}

static void blkf_free(struct xsplit_xb_dev *dev)
{
	struct xsplit_blkf_info *info = to_info(dev);

	if (!info)
		return;
	xsplit_blkf_disk_remove(info);
	if (info->minors_held)
		xsplit_blkf_minors_put(info->vd.first_minor, info->vd.minors);
	kfree(info);
	dev->priv = NULL;
}

static const struct xsplit_xb_ops xsplit_blkf_ops = {
	.wanted = blkf_wanted,
	.probe = blkf_probe,
	.advertise = blkf_advertise,
	.connect = blkf_connect,
	.disconnect = blkf_disconnect,
	.free = blkf_free,
	.refresh = blkf_refresh,
	/*
	 * No suspend or resume hook: requests keep flowing to the backend
	 * until the domain is frozen (a cancelled suspend just goes on);
	 * after a restore the core's disconnect parks the in-flight requests
	 * and the next connect re-issues them, split to the new limits.
	 */
};

struct xsplit_xb_driver xsplit_blkf_driver = {
	.type = "vbd",
	.role = XSPLIT_ROLE_FRONTEND,
	.ops = &xsplit_blkf_ops,
	/* a restarted backend gets our disk back, requests and all */
	.reconnect = true,
};

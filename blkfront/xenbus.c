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

#define KEY_TRUSTED		"trusted"
#define KEY_PROTOCOL		"protocol"
#define KEY_PERSISTENT		"feature-persistent"
#define KEY_GRANT_COPY		"feature-grant-copy"

static struct xsplit_blkf_info *to_info(struct xsplit_xb_dev *dev)
{
	return dev->priv;
}

static int read_vdevice(struct xenbus_device *xdev, u32 *vdev)
{
	int v, n;

	n = xenbus_scanf(XBT_NIL, xdev->nodename, "virtual-device", "%i", &v);
	if (n != 1)
		n = xenbus_scanf(XBT_NIL, xdev->nodename,
				 "virtual-device-ext", "%i", &v);
	if (n != 1)
		return n < 0 ? n : -ENODEV;
	*vdev = (u32)v;
	return 0;
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
static bool blkf_wanted(struct xenbus_device *xdev)
{
	enum xsplit_blkf_verdict v;
	char *type = NULL;
	u32 vdev;

	if (read_vdevice(xdev, &vdev))
		return true;
	if (xsplit_guest_is_hvm(&xsplit_blkf_guest)) {
		type = xenbus_read(XBT_NIL, xdev->nodename, "device-type",
				   NULL);
		if (IS_ERR(type))
			type = NULL;
	}
	v = xsplit_blkf_vdev_verdict(&xsplit_blkf_guest, vdev, type);
	kfree(type);
	if (v == XSPLIT_BLKF_TAKE)
		return true;
	dev_info(&xdev->dev, "%s guest, virtual-device %#x: %s\n",
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
	err = read_vdevice(dev->xdev, &info->vdevice);
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
		err = xenbus_write(xbt, dev->xdev->nodename, KEY_PROTOCOL,
				   XEN_IO_PROTO_ABI_NATIVE);
	if (!err)
		err = xenbus_printf(xbt, dev->xdev->nodename, KEY_PERSISTENT,
				    "%u", info->ask_persistent);
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
		       !xenbus_read_unsigned(dev->xdev->nodename, KEY_TRUSTED,
					     1);
	/*
	 * A trusted backend that copies the data itself (xsplit's
	 * feature-grant-copy) gets the bio's own pages: no persistent
	 * grants, no copy in this guest.  An untrusted one keeps bouncing.
	 */
	info->grant_copy = !info->bounce &&
			   xenbus_read_unsigned(dev->xdev->otherend,
						KEY_GRANT_COPY, 0);
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

static unsigned int backend_u32(struct xsplit_blkf_info *info,
				const char *key, unsigned int def)
{
	return xenbus_read_unsigned(info->dev->xdev->otherend, key, def);
}

static bool sector_size_ok(u32 size)
{
	return is_power_of_2(size) && size >= XSPLIT_BLKIF_SECTOR_SIZE &&
	       size <= PAGE_SIZE;
}

/* The disk's size, the one value that changes on a live connection. */
static int read_sectors(struct xsplit_blkf_info *info, u64 *sectors)
{
	unsigned long long v;
	int n;

	n = xenbus_scanf(XBT_NIL, info->dev->xdev->otherend, "sectors",
			 "%llu", &v);
	if (n != 1)
		return n < 0 ? n : -EINVAL;
	*sectors = v;
	return 0;
}

/* sectors, info, sector-size: required; physical-sector-size optional. */
static int read_geometry(struct xsplit_blkf_info *info)
{
	const char *be = info->dev->xdev->otherend;
	unsigned int ssize, vinfo;
	u64 sectors;
	int err;

	err = read_sectors(info, &sectors);
	if (err)
		return err;
	err = xenbus_gather(XBT_NIL, be, "info", "%u", &vinfo,
			    "sector-size", "%u", &ssize, NULL);
	if (err)
		return err;
	if (!sector_size_ok(ssize))
		return -EINVAL;
	info->sectors = sectors;
	info->vdisk_info = vinfo;
	info->sector_size = ssize;
	info->phys_sector_size = backend_u32(info, "physical-sector-size",
					     ssize);
	if (!is_power_of_2(info->phys_sector_size) ||
	    info->phys_sector_size < ssize)
		info->phys_sector_size = ssize;
	return 0;
}

static void read_features(struct xsplit_blkf_info *info)
{
	unsigned int segs;

	/* a flush orders like a barrier; prefer it when both are there */
	info->flush_op = 0;
	if (backend_u32(info, "feature-flush-cache", 0))
		info->flush_op = XSPLIT_BLKIF_OP_FLUSH_DISKCACHE;
	else if (backend_u32(info, "feature-barrier", 0))
		info->flush_op = XSPLIT_BLKIF_OP_WRITE_BARRIER;
	info->discard = backend_u32(info, "feature-discard", 0);
	info->discard_granularity = backend_u32(info, "discard-granularity", 0);
	info->discard_alignment = backend_u32(info, "discard-alignment", 0);
	info->secure_discard = info->discard &&
			       backend_u32(info, "discard-secure", 0);
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

	segs = backend_u32(info, "feature-max-indirect-segments", 0);
	segs = min3(segs, xsplit_blkf_want_segs(info), XSPLIT_BLKF_MAX_SEGS);
	if (info->fua)
		segs = 0;
	info->seg_cap = max_t(unsigned int, segs,
			      XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST);

	if (info->ask_persistent && backend_u32(info, KEY_PERSISTENT, 0))
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device sysfs files, under the xenbus device, with the names Linux's
 * backend uses (so existing tools read them): physical_device, mode and
 * statistics/{oo_req,rd_req,wr_req,f_req,ds_req,rd_sect,wr_sect}; plus
 * statistics/{bad_req,pgrant_hits,pgrant_misses,pgrant_entries}.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "blkback/common.h"

static struct xsplit_blk_dev *to_be(struct device *dev)
{
	struct xsplit_xb_dev *xb = dev_get_drvdata(dev);

	return xb ? xb->priv : NULL;
}

#define XSPLIT_BLK_STAT_ATTR(name)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct xsplit_blk_dev *be = to_be(dev);				\
									\
	return sysfs_emit(buf, "%lld\n",				\
			  be ? atomic64_read(&be->stats.name) : 0);	\
}									\
static DEVICE_ATTR_RO(name)

XSPLIT_BLK_STAT_ATTR(oo_req);
XSPLIT_BLK_STAT_ATTR(rd_req);
XSPLIT_BLK_STAT_ATTR(wr_req);
XSPLIT_BLK_STAT_ATTR(f_req);
XSPLIT_BLK_STAT_ATTR(ds_req);
XSPLIT_BLK_STAT_ATTR(rd_sect);
XSPLIT_BLK_STAT_ATTR(wr_sect);
XSPLIT_BLK_STAT_ATTR(bad_req);

/**
 * xsplit_blk_pgrant_totals - persistent-grant hits and misses of a device
 * @be: the device
 * @hits: of every cache it had and has
 * @misses: likewise
 */
void xsplit_blk_pgrant_totals(struct xsplit_blk_dev *be, u64 *hits,
			      u64 *misses)
{
	struct xsplit_pgi_stats pg;
	unsigned int i, nr;

	*hits = atomic64_read(&be->stats.pg_hits);
	*misses = atomic64_read(&be->stats.pg_misses);
	mutex_lock(&be->rings_lock);
	for (i = 0; i < be->nr_rings; i++) {
		if (!be->rings[i].pcache)
			continue;
		xsplit_pgrant_stats(be->rings[i].pcache, &pg, &nr);
		*hits += pg.hits;
		*misses += pg.misses;
	}
	mutex_unlock(&be->rings_lock);
}

static ssize_t pgrant_hits_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct xsplit_blk_dev *be = to_be(dev);
	u64 hits = 0, misses = 0;

	if (be)
		xsplit_blk_pgrant_totals(be, &hits, &misses);
	return sysfs_emit(buf, "%llu\n", hits);
}
static DEVICE_ATTR_RO(pgrant_hits);

static ssize_t pgrant_misses_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct xsplit_blk_dev *be = to_be(dev);
	u64 hits = 0, misses = 0;

	if (be)
		xsplit_blk_pgrant_totals(be, &hits, &misses);
	return sysfs_emit(buf, "%llu\n", misses);
}
static DEVICE_ATTR_RO(pgrant_misses);

static struct attribute *xsplit_blk_stat_attrs[] = {
	&dev_attr_oo_req.attr,
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	&dev_attr_bad_req.attr,
	&dev_attr_pgrant_hits.attr,
	&dev_attr_pgrant_misses.attr,
	NULL,
};

static const struct attribute_group xsplit_blk_stat_group = {
	.name = "statistics",
	.attrs = xsplit_blk_stat_attrs,
};

static ssize_t physical_device_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct xsplit_blk_dev *be = to_be(dev);

	return sysfs_emit(buf, "%x:%x\n", be ? be->major : 0,
			  be ? be->minor : 0);
}
static DEVICE_ATTR_RO(physical_device);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct xsplit_blk_dev *be = to_be(dev);

	return sysfs_emit(buf, "%s\n", be && be->readonly ? "r" : "w");
}
static DEVICE_ATTR_RO(mode);

static struct attribute *xsplit_blk_vbd_attrs[] = {
	&dev_attr_physical_device.attr,
	&dev_attr_mode.attr,
	NULL,
};

static const struct attribute_group xsplit_blk_vbd_group = {
	.attrs = xsplit_blk_vbd_attrs,
};

int xsplit_blk_sysfs_add(struct xsplit_blk_dev *be)
{
	struct kobject *kobj = &be->xdev->dev.kobj;
	int err;

	err = sysfs_create_group(kobj, &xsplit_blk_vbd_group);
	if (err)
		return err;
	err = sysfs_create_group(kobj, &xsplit_blk_stat_group);
	if (err)
		goto remove_vbd;
	err = xsplit_blk_xstat_add(be);
	if (err)
		goto remove_stat;
	return 0;

remove_stat:
	sysfs_remove_group(kobj, &xsplit_blk_stat_group);
remove_vbd:
	sysfs_remove_group(kobj, &xsplit_blk_vbd_group);
	return err;
}

void xsplit_blk_sysfs_del(struct xsplit_blk_dev *be)
{
	struct kobject *kobj = &be->xdev->dev.kobj;

	xsplit_blk_xstat_del(be);
	sysfs_remove_group(kobj, &xsplit_blk_stat_group);
	sysfs_remove_group(kobj, &xsplit_blk_vbd_group);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit blkfront: module parameters, the xvd major and its minor numbers,
 * registration with the core.  The parameters keep the in-tree frontend's
 * names, so existing command lines (xsplit_blkfront.max_queues=...) carry
 * over.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/blkdev.h>
#include <linux/major.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <xen/xen.h>

#include "blkfront/blkfront.h"

unsigned int xsplit_blkf_max_segs_param = XSPLIT_BLKF_DEF_INDIRECT_SEGS;
unsigned int xsplit_blkf_max_queues_param = XSPLIT_BLKF_DEF_QUEUES;
unsigned int xsplit_blkf_max_order_param;
bool xsplit_blkf_persistent_param = true;
bool xsplit_blkf_trusted_param = true;
struct xsplit_guest xsplit_blkf_guest;

static int set_segs(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, XSPLIT_BLKF_MAX_SEGS);
}

static int set_queues(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, XSPLIT_KEY_MAX_QUEUES);
}

static int set_order(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, XSPLIT_RING_MAX_ORDER);
}

static const struct kernel_param_ops segs_ops = {
	.set = set_segs, .get = param_get_uint,
};

static const struct kernel_param_ops queues_ops = {
	.set = set_queues, .get = param_get_uint,
};

static const struct kernel_param_ops order_ops = {
	.set = set_order, .get = param_get_uint,
};

module_param_cb(max_indirect_segments, &segs_ops,
		&xsplit_blkf_max_segs_param, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Most segments in one indirect request, 0-1024 (default 32; at least 256 with a grant-copy backend)");
module_param_cb(max_queues, &queues_ops, &xsplit_blkf_max_queues_param,
		0444);
MODULE_PARM_DESC(max_queues,
		 "Most hardware queues (rings) per disk, 1-64 (default 4, at most one per CPU)");
module_param_cb(max_ring_page_order, &order_ops,
		&xsplit_blkf_max_order_param, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Log2 of the most pages per ring, 0-4 (default 0)");
module_param_named(feature_persistent, xsplit_blkf_persistent_param, bool,
		   0644);
MODULE_PARM_DESC(feature_persistent,
		 "Use persistent grants when the backend offers them (default Y)");
module_param_named(trusted, xsplit_blkf_trusted_param, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust backends with our own data pages; N bounces all I/O (default Y)");

/* Minor ranges taken on major 202, so two vbds never share one. */
struct minor_range {
	struct list_head node;
	u32 first;
	u32 nr;
};

static LIST_HEAD(minor_ranges);
static DEFINE_MUTEX(minor_lock);

static bool overlaps(const struct minor_range *r, u32 first, u32 nr)
{
	return first < r->first + r->nr && r->first < first + nr;
}

int xsplit_blkf_minors_get(u32 first, u32 nr)
{
	struct minor_range *r, *new;
	int err = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->first = first;
	new->nr = nr;
	mutex_lock(&minor_lock);
	list_for_each_entry(r, &minor_ranges, node)
		if (overlaps(r, first, nr))
			err = -EBUSY;
	if (!err)
		list_add(&new->node, &minor_ranges);
	mutex_unlock(&minor_lock);
	if (err)
		kfree(new);
	return err;
}

void xsplit_blkf_minors_put(u32 first, u32 nr)
{
	struct minor_range *r, *tmp;

	mutex_lock(&minor_lock);
	list_for_each_entry_safe(r, tmp, &minor_ranges, node) {
		if (r->first == first && r->nr == nr) {
			list_del(&r->node);
			kfree(r);
			break;
		}
	}
	mutex_unlock(&minor_lock);
}

static int __init xsplit_blkf_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	xsplit_xb_guest_get(&xsplit_blkf_guest);
	if (!xsplit_guest_wants_pv(&xsplit_blkf_guest, XSPLIT_GUEST_DISKS)) {
		pr_info("%s guest whose emulated disks stay: not loading\n",
			xsplit_guest_kind_name(xsplit_blkf_guest.kind));
		return -ENODEV;
	}
	pr_info("%s guest%s\n", xsplit_guest_kind_name(xsplit_blkf_guest.kind),
		xsplit_guest_legacy_disks(&xsplit_blkf_guest) ?
		", emulated disks kept: xvd vbds only" : "");
	err = register_blkdev(XENVBD_MAJOR, "xvd");
	if (err)
		return err;
	err = xsplit_xb_register(&xsplit_blkf_driver);
	if (err)
		goto unregister_blkdev;
	return 0;

unregister_blkdev:
	unregister_blkdev(XENVBD_MAJOR, "xvd");
	return err;
}

static void __exit xsplit_blkf_exit(void)
{
	xsplit_xb_unregister(&xsplit_blkf_driver);
	unregister_blkdev(XENVBD_MAJOR, "xvd");
}

module_init(xsplit_blkf_init);
module_exit(xsplit_blkf_exit);
MODULE_DESCRIPTION("xsplit Xen virtual block device frontend");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS_BLOCKDEV_MAJOR(XENVBD_MAJOR);
/* what a guest's udev asks modprobe for when xenbus finds a vbd */
MODULE_ALIAS("xen:vbd");

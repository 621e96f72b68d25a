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
#include "core/xsplit_param.h"

unsigned int xsplit_blkf_max_segs_param = XSPLIT_BLKF_DEF_INDIRECT_SEGS;
unsigned int xsplit_blkf_max_queues_param = XSPLIT_BLKF_DEF_QUEUES;
unsigned int xsplit_blkf_max_order_param;
bool xsplit_blkf_persistent_param = true;
bool xsplit_blkf_trusted_param = true;
unsigned int xsplit_blkf_rsp_batch_param = 1;
struct xsplit_guest xsplit_blkf_guest;

/*
 * The disk's queue limits come from these when it is created, and every
 * reconnect must fit them again: fixed at load (as Linux's blkfront has
 * them).
 */
XSPLIT_PARAM_UINT(max_indirect_segments, xsplit_blkf_max_segs_param,
		  0, XSPLIT_BLKF_MAX_SEGS, XSPLIT_PARAM_FIXED,
		  "Most segments in one indirect request, 0-1024 (default 32; at least 256 with a grant-copy backend)");
XSPLIT_PARAM_UINT(max_queues, xsplit_blkf_max_queues_param,
		  1, XSPLIT_KEY_MAX_QUEUES, XSPLIT_PARAM_FIXED,
		  "Most hardware queues (rings) per disk, 1-64 (default 4, at most one per CPU)");
XSPLIT_PARAM_UINT(max_ring_page_order, xsplit_blkf_max_order_param,
		  0, XSPLIT_RING_MAX_ORDER, XSPLIT_PARAM_FIXED,
		  "Log2 of the most pages per ring, 0-4 (default 0)");
/* Read at each connect. */
XSPLIT_PARAM_BOOL(feature_persistent, xsplit_blkf_persistent_param,
		  XSPLIT_PARAM_RUNTIME,
		  "Use persistent grants when the backend offers them (default Y)");
XSPLIT_PARAM_BOOL(trusted, xsplit_blkf_trusted_param, XSPLIT_PARAM_RUNTIME,
		  "Trust backends with our own data pages; N bounces all I/O (default Y)");
/* Read at each event: a change applies at once. */
XSPLIT_PARAM_UINT(rsp_batch, xsplit_blkf_rsp_batch_param,
		  1, XSPLIT_BLKF_MAX_RSP_BATCH, XSPLIT_PARAM_RUNTIME,
		  "Most answers one event from the backend covers, 1-32, never more than half of those in flight (default 1: an event per answer)");

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

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_netback: module entry points and the module-wide counters in
 * debugfs.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <xen/xen.h>

#include "netback/common.h"

struct xsplit_nb_live xsplit_nb_live;
static struct dentry *xsplit_nb_debugfs;

static void xsplit_nb_debugfs_add(void)
{
	struct dentry *d = debugfs_create_dir(KBUILD_MODNAME, NULL);

	debugfs_create_atomic_t("vifs", 0444, d, &xsplit_nb_live.vifs);
	debugfs_create_atomic_t("queues", 0444, d, &xsplit_nb_live.queues);
	debugfs_create_atomic_t("skbs_queued", 0444, d, &xsplit_nb_live.skbs);
	xsplit_nb_debugfs = d;
}

static int __init xsplit_nb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	xsplit_nb_params_init();
	xsplit_nb_debugfs_add();
	err = xsplit_nb_xenbus_init();
	if (err)
		debugfs_remove(xsplit_nb_debugfs);
	return err;
}

static void __exit xsplit_nb_exit(void)
{
	xsplit_nb_xenbus_exit();
	debugfs_remove(xsplit_nb_debugfs);
}

module_init(xsplit_nb_init);
module_exit(xsplit_nb_exit);

MODULE_DESCRIPTION("xsplit Xen paravirtual network backend (vif)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS("xen-backend:vif");

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_netback: module entry points and the module-wide counters in
 * debugfs.
 */
#include <linux/module.h>
#include <xen/xen.h>

#include "netback/common.h"
#include "core/xsplit_counters.h"

struct xsplit_nb_live xsplit_nb_live;
struct dentry *xsplit_nb_debugfs;

/* /sys/kernel/debug/xsplit_netback/ */
static const struct xsplit_counter xsplit_nb_counters[] = {
	{ "vifs", &xsplit_nb_live.vifs },
	{ "queues", &xsplit_nb_live.queues },
	{ "skbs_queued", &xsplit_nb_live.skbs },
};

static int __init xsplit_nb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	xsplit_nb_params_init();
	err = xsplit_nb_zc_init();
	if (err)
		return err;
	xsplit_nb_debugfs = xsplit_counters_add(KBUILD_MODNAME,
						xsplit_nb_counters,
						ARRAY_SIZE(xsplit_nb_counters));
	err = xsplit_nb_xenbus_init();
	if (err) {
		xsplit_counters_remove(xsplit_nb_debugfs);
		xsplit_nb_zc_exit();
	}
	return err;
}

static void __exit xsplit_nb_exit(void)
{
	xsplit_nb_xenbus_exit();
	xsplit_counters_remove(xsplit_nb_debugfs);
	xsplit_nb_zc_exit();
}

module_init(xsplit_nb_init);
module_exit(xsplit_nb_exit);

MODULE_DESCRIPTION("xsplit Xen paravirtual network backend (vif)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS("xen-backend:vif");

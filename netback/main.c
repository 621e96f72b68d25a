// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_netback: module entry points only.
 */
#include <linux/module.h>
#include <xen/xen.h>

#include "netback/common.h"

static int __init xsplit_nb_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	xsplit_nb_params_init();
	return xsplit_nb_xenbus_init();
}

static void __exit xsplit_nb_exit(void)
{
	xsplit_nb_xenbus_exit();
}

module_init(xsplit_nb_init);
module_exit(xsplit_nb_exit);

MODULE_DESCRIPTION("xsplit Xen paravirtual network backend (vif)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS("xen-backend:vif");

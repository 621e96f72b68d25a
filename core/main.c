// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_core.ko: module init and exit only.  The shared core of the xsplit
 * split drivers is in xenbus/ (the XenBus state machine, XenStore keys),
 * grant/, evtchn/ and ring/; this folder holds what ties them into one
 * module and what every module shares (the counters registry, the
 * parameter helper).
 */
#include <linux/module.h>
#include <linux/init.h>
#include <xen/xen.h>

#include "core/core.h"
#include "core/stats.h"
#include "fault/xsplit_fault.h"

/* Brought up in order, torn down in reverse. */
static const struct xsplit_subsys xsplit_subsystems[] = {
	{ "counters", xsplit_core_stats_init, xsplit_core_stats_exit },
#ifdef CONFIG_XSPLIT_FAULT_INJECTION
	{ "fault injection", xsplit_fault_init, xsplit_fault_exit },
#endif
};

static void xsplit_core_unwind(size_t n)
{
	while (n--)
		if (xsplit_subsystems[n].exit)
			xsplit_subsystems[n].exit();
}

static int __init xsplit_core_init(void)
{
	size_t i;
	int err;

	/*
	 * The core holds no hypervisor state of its own; loading it outside
	 * Xen is allowed so that the drivers' dependency resolves, but say so.
	 */
	if (!xen_domain())
		pr_info("not running on Xen: core loaded, drivers will not bind\n");

	for (i = 0; i < ARRAY_SIZE(xsplit_subsystems); i++) {
		if (!xsplit_subsystems[i].init)
			continue;
		err = xsplit_subsystems[i].init();
		if (err) {
			pr_err("%s init failed: %d\n",
			       xsplit_subsystems[i].name, err);
			xsplit_core_unwind(i);
			return err;
		}
	}
	pr_info("version %s loaded\n", XSPLIT_VERSION);
	return 0;
}

static void __exit xsplit_core_exit(void)
{
	xsplit_core_unwind(ARRAY_SIZE(xsplit_subsystems));
	pr_info("unloaded\n");
}

module_init(xsplit_core_init);
module_exit(xsplit_core_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xsplit core: XenBus state machine, grant and event-channel helpers for Xen split drivers");
MODULE_AUTHOR("The xsplit authors");
MODULE_VERSION(XSPLIT_VERSION);

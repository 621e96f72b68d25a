// SPDX-License-Identifier: GPL-2.0
/*
 * Grant counters in debugfs, one read-only file each:
 *   grants_mapped  foreign grants mapped by xsplit_gnt_map() and not yet
 *                  unmapped (persistent-grant caches included)
 *   grants_leaked  mapped pages kept forever because Xen would not (or
 *                  could not be asked to) unmap them
 */
#include <linux/kernel.h>

#include "grant/stats.h"
#include "xenbus/xsplit_counters.h"

atomic_t xsplit_gnt_nr_mapped = ATOMIC_INIT(0);
atomic_t xsplit_gnt_nr_leaked = ATOMIC_INIT(0);

static const struct xsplit_counter xsplit_gnt_counters[] = {
	{ "grants_mapped", &xsplit_gnt_nr_mapped },
	{ "grants_leaked", &xsplit_gnt_nr_leaked },
};

static struct dentry *xsplit_gnt_debugfs;

int xsplit_gnt_stats_init(void)
{
	/* Counting goes on without debugfs; only the files are missing. */
	xsplit_gnt_debugfs = xsplit_counters_add(KBUILD_MODNAME,
						 xsplit_gnt_counters,
						 ARRAY_SIZE(xsplit_gnt_counters));
	return 0;
}

void xsplit_gnt_stats_exit(void)
{
	xsplit_counters_remove(xsplit_gnt_debugfs);
	xsplit_gnt_debugfs = NULL;
}

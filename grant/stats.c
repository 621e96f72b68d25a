// SPDX-License-Identifier: GPL-2.0
/*
 * Grant counters in debugfs, one read-only file each:
 *   grants_mapped  foreign grants mapped by xsplit_gnt_map() and not yet
 *                  unmapped (persistent-grant caches included)
 *   grants_leaked  mapped pages kept forever because Xen would not (or
 *                  could not be asked to) unmap them
 */
#include <linux/debugfs.h>

#include "grant/stats.h"

atomic_t xsplit_gnt_nr_mapped = ATOMIC_INIT(0);
atomic_t xsplit_gnt_nr_leaked = ATOMIC_INIT(0);

static struct dentry *xsplit_gnt_debugfs;

int xsplit_gnt_stats_init(void)
{
	/* Counting goes on without debugfs; only the files are missing. */
	xsplit_gnt_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_atomic_t("grants_mapped", 0444, xsplit_gnt_debugfs,
				&xsplit_gnt_nr_mapped);
	debugfs_create_atomic_t("grants_leaked", 0444, xsplit_gnt_debugfs,
				&xsplit_gnt_nr_leaked);
	return 0;
}

void xsplit_gnt_stats_exit(void)
{
	debugfs_remove(xsplit_gnt_debugfs);
	xsplit_gnt_debugfs = NULL;
}

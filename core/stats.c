// SPDX-License-Identifier: GPL-2.0
/*
 * The core module's counters in debugfs (/sys/kernel/debug/xsplit_core/),
 * one read-only file each, registered once for all the core's concerns:
 *   grants_mapped, grants_leaked   grant/stats.c: what is held, and lost
 *   watch_pending_peak             xenbus/watch.c: the most events one
 *                                  bounded watch ever had queued at once
 *   watch_dropped_total            xenbus/watch.c: events its bound dropped
 * The watch figures only grow while the core is loaded: tallies, not
 * things held (the "_peak" and "_total" names say so to the lab's leak
 * checks).
 */
#include <linux/kernel.h>

#include "grant/stats.h"
#include "core/stats.h"
#include "core/xsplit_counters.h"
#include "xenbus/xsplit_watch.h"

static const struct xsplit_counter xsplit_core_counters[] = {
	{ "grants_mapped", &xsplit_gnt_nr_mapped },
	{ "grants_leaked", &xsplit_gnt_nr_leaked },
	{ "watch_pending_peak", &xsplit_xb_watch_peak },
	{ "watch_dropped_total", &xsplit_xb_watch_dropped },
};

static struct dentry *xsplit_core_debugfs;

int xsplit_core_stats_init(void)
{
	/* Counting goes on without debugfs; only the files are missing. */
	xsplit_core_debugfs = xsplit_counters_add(KBUILD_MODNAME,
						  xsplit_core_counters,
						  ARRAY_SIZE(xsplit_core_counters));
	return 0;
}

void xsplit_core_stats_exit(void)
{
	xsplit_counters_remove(xsplit_core_debugfs);
	xsplit_core_debugfs = NULL;
}

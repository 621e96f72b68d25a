/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide grant counters of xsplit_core, read-only in debugfs
 * (/sys/kernel/debug/xsplit_core/, shown by core/stats.c): what a
 * backend has mapped right now, and the pages lost to grants that could
 * not be unmapped.  Leak checks compare them before and after a guest's
 * life.
 */
#ifndef XSPLIT_GRANT_STATS_H
#define XSPLIT_GRANT_STATS_H

#include <linux/atomic.h>

extern atomic_t xsplit_gnt_nr_mapped;
extern atomic_t xsplit_gnt_nr_leaked;

#endif /* XSPLIT_GRANT_STATS_H */

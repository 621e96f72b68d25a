/* SPDX-License-Identifier: GPL-2.0 */
/* The core module's debugfs counters (core/stats.c). */
#ifndef XSPLIT_XENBUS_STATS_H
#define XSPLIT_XENBUS_STATS_H

int xsplit_core_stats_init(void);
void xsplit_core_stats_exit(void);

#endif /* XSPLIT_XENBUS_STATS_H */

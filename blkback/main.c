// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_blkback: module parameters (named like Linux's xen-blkback's,
 * each range-checked when set) and module init/exit.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>

#include "blkback/common.h"
#include "core/xsplit_counters.h"
#include "core/xsplit_param.h"

/* Linux's defaults, so a switch of backend changes no behaviour. */
#define XSPLIT_BLK_DEF_PGRANTS		1056
#define XSPLIT_BLK_DEF_PGRANT_SECS	60
#define XSPLIT_BLK_DEF_INDIRECT_SEGS	256
/*
 * Copy mode's pages a ring keeps between requests: 16 MiB, a 1 MiB
 * request at queue depth 16 (a slot's pages beyond it are freed as its
 * request ends, so a frontend cannot make us hold ring slots x segments).
 */
#define XSPLIT_BLK_DEF_COPY_PAGES	4096
#define XSPLIT_BLK_MAX_COPY_PAGES	262144	/* 1 GiB */
/* Largest idle time we accept, one day: a typo must not pin grants. */
#define XSPLIT_BLK_MAX_PGRANT_SECS	86400
/*
 * Largest poll or coalescing window, 10 ms: far above what pays on
 * hardware (tens of us), room for the emulated lab, and a bound on the
 * latency a typo can add.
 */
#define XSPLIT_BLK_MAX_WINDOW_US	10000
/* A hold ends at a ring's worth of responses anyway. */
#define XSPLIT_BLK_MAX_COALESCE		512
#define XSPLIT_BLK_DEF_COALESCE		16

unsigned int xsplit_blkback_max_queues;
/* Order 4 holds 512 requests; order 3 would already hold >= 256. */
unsigned int xsplit_blkback_max_ring_order = XSPLIT_KEY_MAX_RING_ORDER;
unsigned int xsplit_blkback_max_pgrants = XSPLIT_BLK_DEF_PGRANTS;
unsigned int xsplit_blkback_pgrant_timeout = XSPLIT_BLK_DEF_PGRANT_SECS;
unsigned int xsplit_blkback_max_indirect_segs = XSPLIT_BLK_DEF_INDIRECT_SEGS;
unsigned int xsplit_blkback_copy_pages = XSPLIT_BLK_DEF_COPY_PAGES;
/*
 * Off by default: with data_copy, grant copy serves every frontend, and
 * dom0 then maps no data page of any guest (see README).
 */
bool xsplit_blkback_feature_persistent;
bool xsplit_blkback_indirect_copy = true;
bool xsplit_blkback_data_copy = true;
bool xsplit_blkback_log_stats;
unsigned int xsplit_blkback_poll_us;
unsigned int xsplit_blkback_coalesce_us;
unsigned int xsplit_blkback_coalesce_max = XSPLIT_BLK_DEF_COALESCE;

struct xsplit_blk_live xsplit_blk_live;
static struct dentry *xsplit_blk_debugfs;

/* All read at each connect or pass of a ring (XSPLIT_PARAM_RUNTIME). */
XSPLIT_PARAM_UINT(max_queues, xsplit_blkback_max_queues,
		  0, XSPLIT_KEY_MAX_QUEUES, XSPLIT_PARAM_RUNTIME,
		  "Most queues per device (default 0: one per CPU)");
XSPLIT_PARAM_UINT(max_ring_page_order, xsplit_blkback_max_ring_order,
		  0, XSPLIT_KEY_MAX_RING_ORDER, XSPLIT_PARAM_RUNTIME,
		  "Largest ring, as a page order (default 4)");
XSPLIT_PARAM_UINT(max_persistent_grants, xsplit_blkback_max_pgrants,
		  1, XSPLIT_PGI_MAX_ENTRIES, XSPLIT_PARAM_RUNTIME,
		  "Persistent grants kept mapped per ring (default 1056)");
XSPLIT_PARAM_UINT(persistent_grant_unused_seconds,
		  xsplit_blkback_pgrant_timeout,
		  0, XSPLIT_BLK_MAX_PGRANT_SECS, XSPLIT_PARAM_RUNTIME,
		  "Unmap a persistent grant unused this long, 0: never (default 60)");
XSPLIT_PARAM_UINT(max_indirect_segments, xsplit_blkback_max_indirect_segs,
		  XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST, XSPLIT_BLK_MAX_SEGS,
		  XSPLIT_PARAM_RUNTIME,
		  "Most segments of an indirect request (default 256)");
XSPLIT_PARAM_UINT(poll_us, xsplit_blkback_poll_us,
		  0, XSPLIT_BLK_MAX_WINDOW_US, XSPLIT_PARAM_RUNTIME,
		  "After finding requests, look at the ring again for up to this long (and a quarter of the device's service time) before asking for an event; adaptive, 0: off (default 0)");
XSPLIT_PARAM_UINT(coalesce_us, xsplit_blkback_coalesce_us,
		  0, XSPLIT_BLK_MAX_WINDOW_US, XSPLIT_PARAM_RUNTIME,
		  "Hold a response's event while others are in flight, up to this long and a quarter of the device's service time, so they share it; adaptive, 0: off (default 0)");
XSPLIT_PARAM_UINT(coalesce_max, xsplit_blkback_coalesce_max,
		  1, XSPLIT_BLK_MAX_COALESCE, XSPLIT_PARAM_RUNTIME,
		  "A held event goes out once this many responses wait for it (default 16)");

XSPLIT_PARAM_UINT(copy_pages, xsplit_blkback_copy_pages,
		  0, XSPLIT_BLK_MAX_COPY_PAGES, XSPLIT_PARAM_RUNTIME,
		  "Copy mode: pages a ring keeps for reuse between requests (default 4096)");

XSPLIT_PARAM_BOOL(feature_persistent, xsplit_blkback_feature_persistent,
		  XSPLIT_PARAM_RUNTIME,
		  "Offer persistent grants (default false: data_copy serves every frontend)");
XSPLIT_PARAM_BOOL(indirect_copy, xsplit_blkback_indirect_copy,
		  XSPLIT_PARAM_RUNTIME,
		  "Read indirect segment pages by grant copy, not map+unmap (default true)");
XSPLIT_PARAM_BOOL(data_copy, xsplit_blkback_data_copy, XSPLIT_PARAM_RUNTIME,
		  "Move data by grant copy through our own pages, not by mapping, for frontends without persistent grants; offer feature-grant-copy (default true)");
XSPLIT_PARAM_BOOL(log_stats, xsplit_blkback_log_stats, XSPLIT_PARAM_RUNTIME,
		  "Log request counters every 10 s (default false)");

/* /sys/kernel/debug/xsplit_blkback/ */
static const struct xsplit_counter xsplit_blk_counters[] = {
	{ "devices", &xsplit_blk_live.devices },
	{ "rings", &xsplit_blk_live.rings },
	{ "requests_inflight", &xsplit_blk_live.reqs },
	{ "bios_inflight", &xsplit_blk_live.bios },
};

static int __init xsplit_blkback_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	xsplit_blk_debugfs = xsplit_counters_add(KBUILD_MODNAME,
						 xsplit_blk_counters,
						 ARRAY_SIZE(xsplit_blk_counters));
	err = xsplit_blk_xenbus_register();
	if (err)
		xsplit_counters_remove(xsplit_blk_debugfs);
	return err;
}

static void __exit xsplit_blkback_exit(void)
{
	xsplit_blk_xenbus_unregister();
	xsplit_counters_remove(xsplit_blk_debugfs);
}

module_init(xsplit_blkback_init);
module_exit(xsplit_blkback_exit);

MODULE_DESCRIPTION("xsplit Xen block backend (vbd)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS("xen-backend:vbd");

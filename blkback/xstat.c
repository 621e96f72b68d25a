// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit/stats of a vbd backend device (format in xenbus/xsplit_stat.h,
 * keys in blkback/README.md): the device's totals, then one line per
 * ring with its requests, sectors, requests in flight, ring occupancy
 * from the shared indices, persistent-grant cache, event-channel kicks
 * and events, grant copies of the copy mode, and refused requests by
 * reason.
 *
 * The ring's thread counts into plain per-ring fields; only the reader
 * takes rings_lock, which keeps the rings from going away under it.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "blkback/common.h"
#include "xenbus/xsplit_stat.h"

/* One writer per field (the ring's thread): no atomics needed. */
#define XSTAT_ADD(field, n)	WRITE_ONCE(field, (field) + (n))

static const char *const rej_keys[XSPLIT_BLK_REJ_NR] = {
	[XSPLIT_BLK_REJ_MALFORMED] = "rej_malformed",
	[XSPLIT_BLK_REJ_NOTSUPP] = "rej_notsupp",
	[XSPLIT_BLK_REJ_READONLY] = "rej_readonly",
	[XSPLIT_BLK_REJ_RANGE] = "rej_range",
	[XSPLIT_BLK_REJ_OTHER] = "rej_other",
};

/* A request taken off the ring and found valid. */
void xsplit_blk_xstat_req(struct xsplit_blk_ring *ring,
			  const struct xsplit_blk_desc *d)
{
	struct xsplit_blk_ring_xstat *x = &ring->xstat;

	if (d->kind == XSPLIT_BLK_READ)
		XSTAT_ADD(x->rd_req, 1);
	else if (d->kind == XSPLIT_BLK_WRITE)
		XSTAT_ADD(x->wr_req, 1);
	else
		XSTAT_ADD(x->other_req, 1);
}

/* A request completed without error. */
void xsplit_blk_xstat_done(struct xsplit_blk_ring *ring,
			   const struct xsplit_blk_desc *d)
{
	struct xsplit_blk_ring_xstat *x = &ring->xstat;

	if (d->kind == XSPLIT_BLK_READ)
		XSTAT_ADD(x->rd_sect, d->nr_sectors);
	else if (d->kind == XSPLIT_BLK_WRITE)
		XSTAT_ADD(x->wr_sect, d->nr_sectors);
}

static enum xsplit_blk_rej rej_reason(int err)
{
	switch (err) {
	case -EINVAL:
		return XSPLIT_BLK_REJ_MALFORMED;
	case -EOPNOTSUPP:
		return XSPLIT_BLK_REJ_NOTSUPP;
	case -EROFS:
		return XSPLIT_BLK_REJ_READONLY;
	case -ERANGE:
		return XSPLIT_BLK_REJ_RANGE;
	default:
		return XSPLIT_BLK_REJ_OTHER;
	}
}

/* A request the validators refused with @err. */
void xsplit_blk_xstat_reject(struct xsplit_blk_ring *ring, int err)
{
	u64 *n = &ring->xstat.rejects[rej_reason(err)];

	XSTAT_ADD(*n, 1);
}

/* Copy mode: one batch of @ops grant copies, @bytes in all, @failed of them. */
void xsplit_blk_xstat_copy(struct xsplit_blk_ring *ring, unsigned int ops,
			   u64 bytes, unsigned int failed)
{
	struct xsplit_blk_ring_xstat *x = &ring->xstat;

	if (!ops)
		return;
	XSTAT_ADD(x->gc_calls, 1);
	XSTAT_ADD(x->gc_ops, ops);
	XSTAT_ADD(x->gc_bytes, bytes);
	XSTAT_ADD(x->gc_errors, failed);
}

static void dev_line(struct xsplit_statbuf *sb, struct xsplit_blk_dev *be)
{
	struct xsplit_blk_stats *st = &be->stats;
	u64 hits, misses;

	xsplit_blk_pgrant_totals(be, &hits, &misses);
	xsplit_stat_line(sb, true, 0);
	xsplit_stat_kv(sb, "rd_req", atomic64_read(&st->rd_req));
	xsplit_stat_kv(sb, "wr_req", atomic64_read(&st->wr_req));
	xsplit_stat_kv(sb, "f_req", atomic64_read(&st->f_req));
	xsplit_stat_kv(sb, "ds_req", atomic64_read(&st->ds_req));
	xsplit_stat_kv(sb, "rd_sect", atomic64_read(&st->rd_sect));
	xsplit_stat_kv(sb, "wr_sect", atomic64_read(&st->wr_sect));
	xsplit_stat_kv(sb, "oo_req", atomic64_read(&st->oo_req));
	xsplit_stat_kv(sb, "bad_req", atomic64_read(&st->bad_req));
	xsplit_stat_kv(sb, "pg_hits", hits);
	xsplit_stat_kv(sb, "pg_misses", misses);
	xsplit_stat_end(sb);
}

/* The ring's shared page and event channel: while it runs. */
static void ring_live(struct xsplit_statbuf *sb, struct xsplit_blk_ring *ring)
{
	const struct xsplit_back_ring *r = &ring->back.native.r;
	struct xsplit_evtchn_stats ev;
	/* ring_start() sets it outside rings_lock, an error pointer first */
	struct xsplit_pgrant_cache *pcache = READ_ONCE(ring->pcache);
	struct xsplit_pgi_stats pg = {};
	unsigned int entries = 0;

	if (!IS_ERR_OR_NULL(pcache))
		xsplit_pgrant_stats(pcache, &pg, &entries);
	xsplit_evtchn_get_stats(&ring->evtchn, &ev);
	xsplit_stat_kv(sb, "inflight", READ_ONCE(ring->inflight));
	if (READ_ONCE(r->sring)) {
		xsplit_stat_kv(sb, "ring_used", xsplit_back_occupancy(r));
		xsplit_stat_kv(sb, "ring_size", r->nr_ents);
	}
	xsplit_stat_kv(sb, "pg_hits", pg.hits);
	xsplit_stat_kv(sb, "pg_misses", pg.misses);
	xsplit_stat_kv(sb, "pg_entries", entries);
	xsplit_stat_kv(sb, "notifies", xsplit_evtchn_notifies(&ring->evtchn));
	xsplit_stat_kv(sb, "events", ev.events);
	xsplit_stat_kv(sb, "spurious", ev.spurious);
}

static void ring_line(struct xsplit_statbuf *sb, struct xsplit_blk_ring *ring)
{
	const struct xsplit_blk_ring_xstat *x = &ring->xstat;
	unsigned int i;

	xsplit_stat_line(sb, false, ring->id);
	xsplit_stat_kv(sb, "rd_req", READ_ONCE(x->rd_req));
	xsplit_stat_kv(sb, "wr_req", READ_ONCE(x->wr_req));
	xsplit_stat_kv(sb, "other_req", READ_ONCE(x->other_req));
	xsplit_stat_kv(sb, "rd_sect", READ_ONCE(x->rd_sect));
	xsplit_stat_kv(sb, "wr_sect", READ_ONCE(x->wr_sect));
	xsplit_stat_kv(sb, "gc_calls", READ_ONCE(x->gc_calls));
	xsplit_stat_kv(sb, "gc_ops", READ_ONCE(x->gc_ops));
	xsplit_stat_kv(sb, "gc_bytes", READ_ONCE(x->gc_bytes));
	xsplit_stat_kv(sb, "gc_errors", READ_ONCE(x->gc_errors));
	ring_live(sb, ring);
	for (i = 0; i < XSPLIT_BLK_REJ_NR; i++)
		xsplit_stat_kv(sb, rej_keys[i], READ_ONCE(x->rejects[i]));
	xsplit_stat_end(sb);
}

static ssize_t blk_stats_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct xsplit_xb_dev *xb = dev_get_drvdata(dev);
	struct xsplit_blk_dev *be = xb ? xb->priv : NULL;
	struct xsplit_statbuf sb;
	unsigned int i;

	xsplit_stat_begin(&sb, buf);
	if (!be)
		return xsplit_stat_finish(&sb);
	dev_line(&sb, be);
	mutex_lock(&be->rings_lock);
	for (i = 0; i < be->nr_rings; i++)
		ring_line(&sb, &be->rings[i]);
	mutex_unlock(&be->rings_lock);
	return xsplit_stat_finish(&sb);
}

DEFINE_XSPLIT_STAT_GROUP(xsplit_blk_xstat_group, blk_stats_show);

int xsplit_blk_xstat_add(struct xsplit_blk_dev *be)
{
	return sysfs_create_group(&be->xdev->dev.kobj, &xsplit_blk_xstat_group);
}

void xsplit_blk_xstat_del(struct xsplit_blk_dev *be)
{
	sysfs_remove_group(&be->xdev->dev.kobj, &xsplit_blk_xstat_group);
}

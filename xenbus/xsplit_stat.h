/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device statistics of the backends, one sysfs file per device:
 * /sys/bus/xen-backend/devices/<type>-<domid>-<id>/xsplit/stats.  Each
 * line is a scope, "dev" (the device's totals) or "q<N>" (queue N), then
 * "key=value" pairs of unsigned decimal counters or levels:
 *
 *   dev rd_req=10 wr_req=4 ...
 *   q0 rd_req=6 ... ring_used=3 ring_size=32
 *
 * Keys are only ever added, never renamed.  Lines that do not fit in the
 * page are left out whole, and a last line "truncated 1" says so.  The
 * helpers below build that page; tools/xsplit-stat reads it.
 */
#ifndef XSPLIT_STAT_H
#define XSPLIT_STAT_H

#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/sysfs.h>
#include <linux/types.h>

/* Room always kept for the "truncated 1" line. */
#define XSPLIT_STAT_RESERVE	16
#define XSPLIT_STAT_LIMIT	(PAGE_SIZE - XSPLIT_STAT_RESERVE)

struct xsplit_statbuf {
	char *buf;		/* the sysfs page */
	size_t len;		/* bytes of complete lines */
	size_t pos;		/* bytes written, the open line's too */
	bool full;
};

static inline void xsplit_stat_begin(struct xsplit_statbuf *sb, char *buf)
{
	sb->buf = buf;
	sb->len = 0;
	sb->pos = 0;
	sb->full = false;
}

/* After a write of @n bytes: a cut-off one marks the page full. */
static inline void xsplit_stat_wrote(struct xsplit_statbuf *sb, int n)
{
	sb->pos += n;
	if (sb->pos >= XSPLIT_STAT_LIMIT - 1)
		sb->full = true;
}

/* Open a line: "dev" or, for queue @q, "q<q>". */
static inline void xsplit_stat_line(struct xsplit_statbuf *sb, bool dev,
				    unsigned int q)
{
	char *at = sb->buf + sb->pos;
	size_t room = XSPLIT_STAT_LIMIT - sb->pos;

	if (sb->full)
		return;
	if (dev)
		xsplit_stat_wrote(sb, scnprintf(at, room, "dev"));
	else
		xsplit_stat_wrote(sb, scnprintf(at, room, "q%u", q));
}

static inline void xsplit_stat_kv(struct xsplit_statbuf *sb, const char *key,
				  u64 val)
{
	if (sb->full)
		return;
	xsplit_stat_wrote(sb, scnprintf(sb->buf + sb->pos,
					XSPLIT_STAT_LIMIT - sb->pos,
					" %s=%llu", key, val));
}

/* Close the open line, or drop it whole if it did not fit. */
static inline void xsplit_stat_end(struct xsplit_statbuf *sb)
{
	if (!sb->full && sb->pos + 1 < XSPLIT_STAT_LIMIT) {
		sb->buf[sb->pos++] = '\n';
		sb->len = sb->pos;
		return;
	}
	sb->full = true;
	sb->pos = sb->len;
}

/*
 * DEFINE_XSPLIT_STAT_GROUP(group, show): the attribute group of the
 * "xsplit" directory with its one file, "stats", which @show writes with
 * the helpers above; each backend adds it to its XenBus devices.
 */
#define DEFINE_XSPLIT_STAT_GROUP(group, show)				\
	static struct device_attribute group##_file =			\
		__ATTR(stats, 0444, show, NULL);			\
	static struct attribute *group##_attrs[] = {			\
		&group##_file.attr, NULL				\
	};								\
	static const struct attribute_group group = {			\
		.name = "xsplit", .attrs = group##_attrs,		\
	}

/* The byte count for sysfs, after the "truncated 1" line if needed. */
static inline ssize_t xsplit_stat_finish(struct xsplit_statbuf *sb)
{
	if (sb->full)
		sb->len += scnprintf(sb->buf + sb->len, PAGE_SIZE - sb->len,
				     "truncated 1\n");
	return sb->len;
}

#endif /* XSPLIT_STAT_H */

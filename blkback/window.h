/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An adaptive waiting window, the policy of blkback's notification
 * avoidance (issue #15).  Each ring has two: how long its thread keeps
 * looking at the ring after it found work before it asks the frontend for
 * an event again (poll), and how long it holds back the event for the
 * responses it published, so that later ones share it (coalesce).
 *
 * A window that caught something doubles, up to its maximum; one that
 * caught nothing halves, and below an eighth of the maximum it closes:
 * the next windows are skipped, one after the first such miss, twice as
 * many after each further one (up to 64), then a window of the smallest
 * size probes again.  So waiting that does not pay (a frontend with one
 * request at a time, an idle ring) stops within a few tries and costs one
 * small window in 64 from then on.  Pure code: it builds in user space.
 */
#ifndef XSPLIT_BLKBACK_WINDOW_H
#define XSPLIT_BLKBACK_WINDOW_H

#include "xsplit_types.h"

/* The smallest window: this fraction of the maximum. */
#define XSPLIT_BLK_WIN_MIN_SHIFT	3
/* Most windows skipped in a row while backing off: 1 << this. */
#define XSPLIT_BLK_WIN_SKIP_SHIFT	6

struct xsplit_blk_win {
	u32 cur;	/* the next window, ns; 0 while backing off */
	u32 skip;	/* windows still to skip */
	u8 misses;	/* windows of the smallest size that caught nothing */
};

u32 xsplit_blk_win_open(struct xsplit_blk_win *w, u32 max);
void xsplit_blk_win_close(struct xsplit_blk_win *w, u32 max, bool caught);

/*
 * A ring's service time: how long its requests spend between our
 * submission and their completion, a moving average (each new time
 * weighs 1 / 2^XSPLIT_BLK_SVC_SHIFT).  It scales both windows to the
 * device, so that one parameter serves every time scale: no window may
 * outlast 1 / 2^XSPLIT_BLK_WIN_SVC_SHIFT of it.  Behind an SSD answering
 * in 100 us an answer then waits at most 25 us for others to share its
 * event; behind a disk taking 20 ms (or an emulated one), up to the
 * parameter; behind a device that answers at once, hardly at all, as
 * nothing would join it.
 */
#define XSPLIT_BLK_SVC_SHIFT		3
#define XSPLIT_BLK_WIN_SVC_SHIFT	2

struct xsplit_blk_svc {
	u32 ns;		/* 0: nothing measured yet */
};

void xsplit_blk_svc_add(struct xsplit_blk_svc *s, u64 ns);
u32 xsplit_blk_svc_cap(const struct xsplit_blk_svc *s, u32 max);

#endif /* XSPLIT_BLKBACK_WINDOW_H */

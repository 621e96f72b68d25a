// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptive window of blkback's notification avoidance (see window.h).
 * The caller owns the state and serialises the calls (each ring's thread);
 * the maximum comes from a module parameter that may change at any time,
 * so every call takes it and clamps to it.
 */
#include "blkback/window.h"

static u32 win_min(u32 max)
{
	return max >> XSPLIT_BLK_WIN_MIN_SHIFT ?: 1;
}

/**
 * xsplit_blk_win_open - the length of the window to open now
 * @w: the window's state
 * @max: the largest window, ns; 0 turns waiting off
 *
 * Return: the window in ns, or 0: do not wait (then no close follows).
 */
u32 xsplit_blk_win_open(struct xsplit_blk_win *w, u32 max)
{
	if (!max) {
		*w = (struct xsplit_blk_win){ 0 };
		return 0;
	}
	if (!w->cur) {
		if (w->skip) {
			w->skip--;
			return 0;
		}
		w->cur = win_min(max);
	}
	if (w->cur > max)
		w->cur = max;
	return w->cur;
}

/**
 * xsplit_blk_svc_add - account for one request's service time
 * @s: the ring's average
 * @ns: the request's time in the device, ns (clamped to U32_MAX)
 */
void xsplit_blk_svc_add(struct xsplit_blk_svc *s, u64 ns)
{
	s64 v = ns > U32_MAX ? U32_MAX : ns;

	if (!s->ns) {
		s->ns = v ?: 1;
		return;
	}
	s->ns += (v - (s64)s->ns) / (1 << XSPLIT_BLK_SVC_SHIFT);
	if (!s->ns)
		s->ns = 1;
}

/**
 * xsplit_blk_svc_cap - the largest window for this ring now
 * @s: the ring's service time
 * @max: the parameter's bound, ns; 0: off
 *
 * Return: @max, or less for a device faster than 2^XSPLIT_BLK_WIN_SVC_SHIFT
 * times it; 0 (no waiting) while nothing has been measured.
 */
u32 xsplit_blk_svc_cap(const struct xsplit_blk_svc *s, u32 max)
{
	u32 cap = s->ns >> XSPLIT_BLK_WIN_SVC_SHIFT;

	return cap < max ? cap : max;
}

/**
 * xsplit_blk_win_close - account for a window that was opened
 * @w: the window's state
 * @max: the largest window, ns
 * @caught: whether waiting found what it waited for
 */
void xsplit_blk_win_close(struct xsplit_blk_win *w, u32 max, bool caught)
{
	if (caught) {
		w->cur = w->cur > max / 2 ? max : w->cur * 2;
		w->misses = 0;
		return;
	}
	w->cur /= 2;
	if (w->cur >= win_min(max))
		return;
	w->cur = 0;
	w->skip = 1U << w->misses;
	if (w->misses < XSPLIT_BLK_WIN_SKIP_SHIFT)
		w->misses++;
}

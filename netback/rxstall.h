/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When is a guest-receive queue stalled, and when is an rx event worth
 * waking the thread for?  Free of kernel calls so the unit tests exercise
 * them in user space; rx.c feeds them one queue's state.
 *
 * A queue is stalled when packets wait for the guest, the guest has
 * posted fewer buffers than the head packet needs, and it has had no room
 * for longer than the stall timeout.  "Had room" means buffers were
 * posted, not that our backlog happened to be empty: a backlog flushed by
 * the drain timeout says nothing about the guest.  It leaves the stall as
 * soon as the guest posts enough buffers for what waits (one, if nothing
 * does).
 */
#ifndef XSPLIT_NB_RXSTALL_H
#define XSPLIT_NB_RXSTALL_H

#include "xsplit_types.h"

enum xsplit_nb_stall_act {
	XSPLIT_NB_STALL_NONE,	/* nothing changes */
	XSPLIT_NB_STALL_ENTER,	/* drop the backlog, carrier off */
	XSPLIT_NB_STALL_LEAVE,	/* serve again, carrier on */
};

struct xsplit_nb_stall_in {
	bool stalled;		/* the queue is stalled now */
	bool queued;		/* packets wait for the guest */
	u32 posted;		/* buffers the guest posted, not yet used */
	u32 need;		/* buffers the head packet needs */
	unsigned long idle;	/* jiffies since the guest last had room */
	unsigned long timeout;	/* the stall timeout in jiffies; 0: never */
};

static inline enum xsplit_nb_stall_act
xsplit_nb_stall_check(const struct xsplit_nb_stall_in *in)
{
	u32 need = (in->queued && in->need) ? in->need : 1;

	if (in->stalled)
		return (in->posted >= need || !in->timeout) ?
		       XSPLIT_NB_STALL_LEAVE : XSPLIT_NB_STALL_NONE;
	if (in->timeout && in->queued && in->posted < need &&
	    in->idle > in->timeout)
		return XSPLIT_NB_STALL_ENTER;
	return XSPLIT_NB_STALL_NONE;
}

/* Does the guest have room, so the stall clock restarts? */
static inline bool xsplit_nb_stall_has_room(bool queued, u32 posted, u32 need)
{
	return posted >= ((queued && need) ? need : 1);
}

/*
 * Is an rx event work?  Only when the thread can act on it: copy the head
 * packet (the guest posted all the buffers it needs) or leave a stall.  A
 * guest that posts fewer buffers than the head packet needs and keeps
 * kicking gets its events answered as spurious, so Xen backs it off; the
 * thread has asked (req_event) to be kicked once enough are posted.
 */
static inline bool xsplit_nb_rx_event_work(bool queued, bool stalled,
					   u32 posted, u32 need)
{
	return (queued || stalled) &&
	       xsplit_nb_stall_has_room(queued, posted, need);
}

#endif /* XSPLIT_NB_RXSTALL_H */

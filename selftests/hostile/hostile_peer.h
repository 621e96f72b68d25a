/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hostile backends (hostile_blkbe.c, hostile_netbe.c) share: one
 * thread per device that watches the frontend's state with bounded waits,
 * switches its own, writes keys in a transaction, and, after a bad act,
 * gives the frontend a while to close.  Static inline: each module is a
 * single object, so nothing here is linked twice.
 */
#ifndef XSPLIT_HOSTILE_PEER_H
#define XSPLIT_HOSTILE_PEER_H

#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <xen/xenbus.h>

#include "xsplit_compat_xen.h"

/* How often a wait re-reads the state itself, in case a watch was missed. */
#define HOSTILE_POLL_MS		1000
#define HOSTILE_TXN_TRIES	10

#define HOSTILE_BIT(s)		(1U << (s))
/* The frontend has left the connection (or reset under us). */
#define HOSTILE_FE_DOWN		(HOSTILE_BIT(XenbusStateClosing) | \
				 HOSTILE_BIT(XenbusStateClosed) | \
				 HOSTILE_BIT(XenbusStateUnknown) | \
				 HOSTILE_BIT(XenbusStateInitialising))

/* One bound device, as the shared helpers see it. */
struct hostile_peer {
	struct xenbus_device *xdev;
	struct task_struct *task;
	wait_queue_head_t wq;
	int remote;			/* frontend state, from the watch */
	bool kick;			/* the frontend notified us */
	/* what the frontend did about the bad acts */
	unsigned int fe_closed, fe_ignored;
};

static inline void hostile_peer_init(struct hostile_peer *p,
				     struct xenbus_device *xdev)
{
	p->xdev = xdev;
	p->remote = XenbusStateUnknown;
	init_waitqueue_head(&p->wq);
}

static inline bool hostile_remote_in(struct hostile_peer *p, u32 states)
{
	return HOSTILE_BIT(READ_ONCE(p->remote)) & states;
}

/* The event channel's handler: the thread does the work. */
static inline void hostile_kick(struct hostile_peer *p)
{
	WRITE_ONCE(p->kick, true);
	wake_up(&p->wq);
}

/* Take the pending kick, if any. */
static inline bool hostile_take_kick(struct hostile_peer *p)
{
	return xchg(&p->kick, false);
}

/*
 * hostile_wait - wait until the frontend is in one of @states (bit mask)
 *
 * Woken by the otherend watch; re-reads XenStore every HOSTILE_POLL_MS
 * anyway, so a watch event lost or overtaken costs a second, not the run.
 *
 * Return: 0, -ETIMEDOUT after @ms, or -EINTR when the device goes away.
 */
static inline int hostile_wait(struct hostile_peer *p, u32 states,
			       unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	long slice;

	for (;;) {
		slice = min_t(long, (long)(end - jiffies),
			      msecs_to_jiffies(HOSTILE_POLL_MS));
		wait_event_interruptible_timeout(p->wq,
						 hostile_remote_in(p, states) ||
						 kthread_should_stop(),
						 max(slice, 0L));
		if (kthread_should_stop())
			return -EINTR;
		if (hostile_remote_in(p, states))
			return 0;
		if (time_after_eq(jiffies, end))
			return -ETIMEDOUT;
		WRITE_ONCE(p->remote, xsplit_xenbus_otherend_state(p->xdev));
	}
}

/*
 * Wait up to @ms for a kick, the frontend leaving @up or the device
 * going.  Return: -EINTR when stopped, 0 when the frontend left, 1 else.
 */
static inline int hostile_wait_work(struct hostile_peer *p, u32 up,
				    unsigned int ms)
{
	wait_event_interruptible_timeout(p->wq, READ_ONCE(p->kick) ||
					 !hostile_remote_in(p, up) ||
					 kthread_should_stop(),
					 msecs_to_jiffies(ms));
	if (kthread_should_stop())
		return -EINTR;
	return hostile_remote_in(p, up) ? 1 : 0;
}

static inline void hostile_switch(struct hostile_peer *p,
				  enum xenbus_state state)
{
	int err = xenbus_switch_state(p->xdev, state);

	if (err)
		pr_err("%s: going %s: %d\n", p->xdev->nodename,
		       xenbus_strstate(state), err);
}

/* @write's keys all at once, as a real backend writes them. */
static inline int
hostile_transact(struct hostile_peer *p,
		 int (*write)(struct hostile_peer *p,
			      struct xenbus_transaction xbt))
{
	struct xenbus_transaction xbt;
	unsigned int i;
	int err = -EAGAIN;

	for (i = 0; i < HOSTILE_TXN_TRIES && err == -EAGAIN; i++) {
		err = xenbus_transaction_start(&xbt);
		if (err)
			return err;
		err = write(p, xbt);
		if (err) {
			xenbus_transaction_end(xbt, 1);
			return err;
		}
		err = xenbus_transaction_end(xbt, 0);
	}
	return err;
}

/*
 * After bad act @nr: did the frontend close within @ms?  Counted and
 * logged either way.  Return: 0 (it closed), -ETIMEDOUT (it stayed) or
 * -EINTR.
 */
static inline int hostile_react(struct hostile_peer *p, unsigned int nr,
				unsigned int ms)
{
	int err = hostile_wait(p, HOSTILE_FE_DOWN, ms);

	if (err == -EINTR)
		return err;
	if (!err)
		p->fe_closed++;
	else
		p->fe_ignored++;
	pr_info("%s: frontend %s %s after bad act %u\n", p->xdev->nodename,
		err ? "stayed" : "went",
		xenbus_strstate(READ_ONCE(p->remote)), nr);
	return err;
}

/*
 * The connection is over (the frontend left, or we give up on it): go
 * Closed, wait for the frontend to be out of it too, then offer the
 * device again (InitWait): a frontend may come back.
 */
static inline int hostile_reoffer(struct hostile_peer *p, unsigned int ms)
{
	int err;

	hostile_switch(p, XenbusStateClosing);
	hostile_switch(p, XenbusStateClosed);
	err = hostile_wait(p, HOSTILE_BIT(XenbusStateClosed) |
			   HOSTILE_BIT(XenbusStateInitialising) |
			   HOSTILE_BIT(XenbusStateUnknown), ms);
	if (!err)
		hostile_switch(p, XenbusStateInitWait);
	return err;
}

/* The otherend watch: note the state; a detached, closed device goes. */
static inline void hostile_otherend_changed(struct hostile_peer *p,
					    enum xenbus_state state)
{
	WRITE_ONCE(p->remote, state);
	wake_up(&p->wq);
	/* As the real backends do: a detached and closed device goes away. */
	if ((state == XenbusStateClosed || state == XenbusStateUnknown) &&
	    !xenbus_dev_is_online(p->xdev))
		device_unregister(&p->xdev->dev);
}

/*
 * hostile_parse - a comma-separated list of scenario names into indices
 * @list: the module parameter
 * @names: the known names, @nr of them
 * @out: room for @max indices
 *
 * Return: how many, or -EINVAL (an unknown name, too many) or -ENOMEM.
 */
static inline int hostile_parse(const char *list,
				const char *const *names, unsigned int nr,
				unsigned int *out, unsigned int max)
{
	char *copy, *p, *name;
	unsigned int n = 0;
	int i, err = 0;

	copy = kstrdup(list, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	p = copy;
	while ((name = strsep(&p, ","))) {
		i = match_string(names, nr, name);
		if (i < 0 || n == max) {
			pr_err("bad scenario '%s' (or more than %u)\n", name,
			       max);
			err = -EINVAL;
			break;
		}
		out[n++] = i;
	}
	kfree(copy);
	return err ? err : n;
}

#endif /* XSPLIT_HOSTILE_PEER_H */

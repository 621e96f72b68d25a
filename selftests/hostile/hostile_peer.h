/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hostile peers share.  Every one of them (the backends
 * hostile_blkbe.c and hostile_netbe.c, the frontends hostile_vbd.c and
 * hostile_vif.c) runs one thread per device, started by probe and
 * stopped by remove, that waits on the other end's state with bounded
 * waits (hostile_start(), hostile_stop(), hostile_wait_state()).  The
 * backends also share struct hostile_peer and what builds on it:
 * switching state, writing keys in a transaction, mapping a ring page
 * and, after a bad act, giving the frontend a while to close.  Static
 * inline: small, and no module links this twice.
 */
#ifndef XSPLIT_HOSTILE_PEER_H
#define XSPLIT_HOSTILE_PEER_H

#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
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

struct hostile_peer;

/* What a hostile backend does on a connection (see hostile_serve()). */
struct hostile_backend_ops {
	/* the keys a frontend reads before InitWait, in one transaction */
	int (*publish)(struct hostile_peer *p, struct xenbus_transaction xbt);
	/* the frontend states in which it may be connected */
	u32 fe_up;
	/* map the rings, bind the channel, go Connected */
	int (*connect)(struct hostile_peer *p);
	/* serve until the frontend leaves (0), the device goes (-EINTR) or
	 * the frontend breaks its ring (-EPROTO)
	 */
	int (*run)(struct hostile_peer *p);
	/* undo connect, also a partial one */
	void (*disconnect)(struct hostile_peer *p);
};

/* One bound device, as the shared helpers see it. */
struct hostile_peer {
	struct xenbus_device *xdev;
	const struct hostile_backend_ops *ops;
	unsigned int wait_ms;		/* longest wait for a state change */
	struct task_struct *task;
	wait_queue_head_t wq;
	int remote;			/* frontend state, from the watch */
	bool kick;			/* the frontend notified us */
	/* what the frontend did about the bad acts */
	unsigned int fe_closed, fe_ignored;
};

/* Is @state, as the peer wrote it (any number), one of @states? */
static inline bool hostile_state_in(int state, u32 states)
{
	return (unsigned int)state < BITS_PER_TYPE(states) &&
	       (HOSTILE_BIT(state) & states);
}

/*
 * hostile_wait_state - wait until the other end is in one of @states
 * @xdev: the device
 * @wq: woken by the otherend watch (and by kthread_stop())
 * @remote: the other end's state, as the watch saw it
 * @states: bit mask of states
 * @ms: the longest wait
 *
 * Re-reads XenStore every HOSTILE_POLL_MS anyway (reading it inside the
 * wait condition would sleep in a sleep), so a watch event lost or
 * overtaken costs a second, not the run.  From the device's thread.
 *
 * Return: 0, -ETIMEDOUT after @ms, or -EINTR when the device goes away.
 */
static inline int hostile_wait_state(struct xenbus_device *xdev,
				     wait_queue_head_t *wq, int *remote,
				     u32 states, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	long slice;

	for (;;) {
		slice = min_t(long, (long)(end - jiffies),
			      msecs_to_jiffies(HOSTILE_POLL_MS));
		wait_event_interruptible_timeout(*wq,
						 hostile_state_in(READ_ONCE(*remote), states) ||
						 kthread_should_stop(),
						 max(slice, 0L));
		if (kthread_should_stop())
			return -EINTR;
		if (hostile_state_in(READ_ONCE(*remote), states))
			return 0;
		if (time_after_eq(jiffies, end))
			return -ETIMEDOUT;
		WRITE_ONCE(*remote, xsplit_xenbus_otherend_state(xdev));
	}
}

/*
 * hostile_start - the end of every hostile probe: @priv becomes the
 * device's data and its thread @fn starts, named @name.  On failure
 * @priv (kmalloc'ed, holding nothing else yet) is freed.
 *
 * Return: 0 or the thread's error.
 */
static inline int hostile_start(struct xenbus_device *xdev, void *priv,
				struct task_struct **task,
				int (*fn)(void *data), const char *name)
{
	struct task_struct *t;

	dev_set_drvdata(&xdev->dev, priv);
	t = kthread_run(fn, priv, "%s", name);
	if (!IS_ERR(t)) {
		*task = t;
		return 0;
	}
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(priv);
	return PTR_ERR(t);
}

/*
 * hostile_stop - every hostile remove: stop the device's @task (which
 * undoes its own connection when stopped), then free the device's data.
 */
static inline void hostile_stop(struct xenbus_device *xdev,
				struct task_struct *task)
{
	void *priv = dev_get_drvdata(&xdev->dev);

	kthread_stop(task);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(priv);
}

static inline void hostile_peer_init(struct hostile_peer *p,
				     struct xenbus_device *xdev,
				     const struct hostile_backend_ops *ops,
				     unsigned int wait_ms)
{
	p->xdev = xdev;
	p->ops = ops;
	p->wait_ms = wait_ms;
	p->remote = XenbusStateUnknown;
	init_waitqueue_head(&p->wq);
}

static inline bool hostile_remote_in(struct hostile_peer *p, u32 states)
{
	return hostile_state_in(READ_ONCE(p->remote), states);
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

/* Wait until the frontend is in one of @states (hostile_wait_state()). */
static inline int hostile_wait(struct hostile_peer *p, u32 states,
			       unsigned int ms)
{
	return hostile_wait_state(p->xdev, &p->wq, &p->remote, states, ms);
}

/*
 * Map the frontend's ring page @ref at *@addr (NULL when it fails, so
 * that the unmap on disconnect can tell).
 */
static inline int hostile_map_ring(struct hostile_peer *p, grant_ref_t ref,
				   void **addr)
{
	int err = xenbus_map_ring_valloc(p->xdev, &ref, 1, addr);

	if (err)
		*addr = NULL;
	return err;
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

/* One connection, from the frontend's coming up to its close. */
static inline int hostile_cycle(struct hostile_peer *p)
{
	int err;

	err = hostile_wait(p, p->ops->fe_up, p->wait_ms);
	if (err)
		return err;
	err = p->ops->connect(p);
	if (err) {
		pr_err("%s: connecting: %d\n", p->xdev->nodename, err);
		p->ops->disconnect(p);
		return err;
	}
	err = p->ops->run(p);
	p->ops->disconnect(p);
	if (err == -EINTR)
		return err;
	if (err == -EPROTO)
		pr_err("%s: the frontend corrupted its ring\n",
		       p->xdev->nodename);
	return hostile_reoffer(p, p->wait_ms);
}

/*
 * hostile_serve - the body of a hostile backend's device thread
 *
 * Offer the device, then serve one connection after another.  A timeout
 * means the frontend stopped answering: the run ends there and the
 * thread parks until the device goes, so that remove always has a
 * thread to stop.
 *
 * Return: how it ended, for the caller's summary line (-EINTR: the
 * device went; see hostile_end_note()).
 */
static inline int hostile_serve(struct hostile_peer *p)
{
	int err;

	WRITE_ONCE(p->remote, xsplit_xenbus_otherend_state(p->xdev));
	err = hostile_transact(p, p->ops->publish);
	if (!err)
		err = xenbus_switch_state(p->xdev, XenbusStateInitWait);
	while (!err)
		err = hostile_cycle(p);
	if (err != -EINTR) {
		pr_info("%s: stopped: %d (frontend %s)\n", p->xdev->nodename,
			err, xenbus_strstate(READ_ONCE(p->remote)));
		wait_event_interruptible(p->wq, kthread_should_stop());
	}
	p->ops->disconnect(p);
	return err;
}

/* How hostile_serve() ended, as the summary line's last word. */
static inline const char *hostile_end_note(int err)
{
	if (err == -ETIMEDOUT)
		return " error=frontend-timeout";
	return err != -EINTR ? " error=failed" : "";
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
 * A hostile backend's xenbus callbacks.  Its device data is its own
 * structure, whose first member (each asserts it) is its hostile_peer.
 */
static inline void hostile_be_otherend_changed(struct xenbus_device *xdev,
					       enum xenbus_state state)
{
	hostile_otherend_changed(dev_get_drvdata(&xdev->dev), state);
}

static inline XSPLIT_XENBUS_REMOVE_RET
hostile_be_remove(struct xenbus_device *xdev)
{
	struct hostile_peer *p = dev_get_drvdata(&xdev->dev);

	hostile_stop(xdev, p->task);
	return XSPLIT_XENBUS_REMOVED;
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

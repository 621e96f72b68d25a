// SPDX-License-Identifier: GPL-2.0
/*
 * Negotiation of queue count, ring size and event-channel ports.  The
 * backend advertises maxima, the frontend picks within them and writes its
 * choice, the backend checks that choice against what it advertised.
 */
#include "xenbus/internal.h"

int xsplit_xb_mq_advertise(struct xsplit_xb_dev *dev,
			   struct xenbus_transaction xbt, u32 max_queues)
{
	return xsplit_xb_write(dev, xbt, XSPLIT_KEY_MQ_MAX_QUEUES, 1, 0, 0,
			       max_queues);
}
EXPORT_SYMBOL_GPL(xsplit_xb_mq_advertise);

/* Frontend: as many queues as wanted, as the backend allows, at least 1. */
int xsplit_xb_mq_choose(struct xsplit_xb_dev *dev, u32 wanted, u32 *nr)
{
	u32 max;
	int err = xsplit_xb_read_top(dev, XSPLIT_KEY_MQ_MAX_QUEUES, &max);

	*nr = clamp_t(u32, wanted, 1, max);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_mq_choose);

/*
 * Remove what an earlier connection's layout left that @nr queues do not
 * use: queue-N directories beyond @nr, or with @nr > 1 the top-level ring
 * references and ports of a single-queue connection.
 */
static int mq_remove_stale(struct xsplit_xb_dev *dev,
			   struct xenbus_transaction xbt, u32 nr)
{
	const char *dir = dev->xdev->nodename;
	unsigned int i, n;
	char **names;
	int err = 0;

	names = xenbus_directory(xbt, dir, "", &n);
	if (IS_ERR(names))
		return PTR_ERR(names) == -ENOENT ? 0 : PTR_ERR(names);
	for (i = 0; i < n && !err; i++) {
		if (!xsplit_key_queue_dir_stale(names[i], nr) &&
		    !xsplit_key_top_queue_key_stale(names[i], nr))
			continue;
		err = xenbus_rm(xbt, dir, names[i]);
		if (err == -ENOENT)
			err = 0;
	}
	kfree(names);
	return err;
}

/*
 * Frontend: one queue is the layout without the key, as old backends know.
 * Our directory outlives a backend (restart, driver domain): what a
 * connection with more queues left there goes, or the backend would read
 * a stale count and stale queues' rings and ports.
 */
int xsplit_xb_mq_publish(struct xsplit_xb_dev *dev,
			 struct xenbus_transaction xbt, u32 nr)
{
	int err = mq_remove_stale(dev, xbt, nr);

	if (err)
		return err;
	if (nr <= 1)
		return xsplit_xb_remove(dev, xbt, XSPLIT_KEY_MQ_NUM_QUEUES, 1, 0);
	return xsplit_xb_write(dev, xbt, XSPLIT_KEY_MQ_NUM_QUEUES, 1, 0, 0, nr);
}
EXPORT_SYMBOL_GPL(xsplit_xb_mq_publish);

/* Backend: the frontend's queue count, refused above what we offered. */
int xsplit_xb_mq_read(struct xsplit_xb_dev *dev, u32 max_queues, u32 *nr)
{
	int err = xsplit_xb_read_top(dev, XSPLIT_KEY_MQ_NUM_QUEUES, nr);

	if (err)
		return err;
	err = xsplit_key_check_queues(*nr, max_queues);
	if (err)
		dev_warn_ratelimited(&dev->xdev->dev,
				     "frontend asks for %u queues, offered %u\n",
				     *nr, max_queues);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_mq_read);

int xsplit_xb_ring_advertise(struct xsplit_xb_dev *dev,
			     struct xenbus_transaction xbt, u32 max_order)
{
	return xsplit_xb_write(dev, xbt, XSPLIT_KEY_MAX_RING_PAGE_ORDER,
			       1, 0, 0, max_order);
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_advertise);

/* Frontend: the largest ring both ends allow. */
int xsplit_xb_ring_choose_order(struct xsplit_xb_dev *dev, u32 wanted,
				u32 *order)
{
	u32 max;
	int err = xsplit_xb_read_top(dev, XSPLIT_KEY_MAX_RING_PAGE_ORDER, &max);

	*order = min(wanted, max);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_choose_order);

/*
 * Frontend: order 0 is the layout without the key, as old backends know.
 * One left by an earlier connection with a larger ring would have the
 * backend map stale ring-refN pages, so it goes.
 */
int xsplit_xb_ring_publish_order(struct xsplit_xb_dev *dev,
				 struct xenbus_transaction xbt, u32 order)
{
	if (!order)
		return xsplit_xb_remove(dev, xbt, XSPLIT_KEY_RING_PAGE_ORDER,
					1, 0);
	return xsplit_xb_write(dev, xbt, XSPLIT_KEY_RING_PAGE_ORDER, 1, 0, 0,
			       order);
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_publish_order);

/* Backend: the frontend's ring order, refused above what we offered. */
int xsplit_xb_ring_read_order(struct xsplit_xb_dev *dev, u32 max_order,
			      u32 *order)
{
	int err = xsplit_xb_read_top(dev, XSPLIT_KEY_RING_PAGE_ORDER, order);

	if (err)
		return err;
	err = xsplit_key_check_order(*order, max_order);
	if (err)
		dev_warn_ratelimited(&dev->xdev->dev,
				     "frontend asks for ring order %u, offered %u\n",
				     *order, max_order);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_read_order);

/**
 * xsplit_xb_evtchn_read - backend: the frontend's event-channel port(s)
 * @dev: the device
 * @nr_queues: queues in use
 * @queue: which queue
 * @split: read event-channel-tx/-rx instead of event-channel
 * @tx: the port (the tx port when split)
 * @rx: the rx port when split, else the same as @tx
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_evtchn_read(struct xsplit_xb_dev *dev, unsigned int nr_queues,
			  unsigned int queue, bool split, evtchn_port_t *tx,
			  evtchn_port_t *rx)
{
	u32 a, b;
	int err;

	if (!split) {
		err = xsplit_xb_read(dev, XBT_NIL, XSPLIT_KEY_EVTCHN,
				     nr_queues, queue, 0, &a);
		b = a;
	} else {
		err = xsplit_xb_read(dev, XBT_NIL, XSPLIT_KEY_EVTCHN_TX,
				     nr_queues, queue, 0, &a);
		if (!err)
			err = xsplit_xb_read(dev, XBT_NIL,
					     XSPLIT_KEY_EVTCHN_RX, nr_queues,
					     queue, 0, &b);
	}
	if (err)
		return err;
	*tx = a;
	*rx = b;
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_xb_evtchn_read);

/**
 * xsplit_xb_evtchn_publish - frontend: write a queue's event-channel port(s)
 * @dev: the device
 * @xbt: the transaction that writes the rest of the queue's keys
 * @nr_queues: queues in use
 * @queue: which queue
 * @split: write event-channel-tx/-rx instead of event-channel
 * @tx: the port (the tx port when split)
 * @rx: the rx port when split; ignored otherwise
 *
 * The other layout's keys are removed: our directory outlives a backend
 * (restart, driver domain), and a port left from an earlier connection is
 * closed or, worse, reused by now.
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_evtchn_publish(struct xsplit_xb_dev *dev,
			     struct xenbus_transaction xbt,
			     unsigned int nr_queues, unsigned int queue,
			     bool split, evtchn_port_t tx, evtchn_port_t rx)
{
	enum xsplit_key_id ids[XSPLIT_KEY_EVTCHN_IDS];
	const evtchn_port_t ports[] = { tx, rx };
	unsigned int i, nr_write = xsplit_key_evtchn_ids(split, ids);
	int err = 0;

	for (i = 0; !err && i < nr_write; i++)
		err = xsplit_xb_write(dev, xbt, ids[i], nr_queues, queue, 0,
				      ports[i]);
	for (; !err && i < XSPLIT_KEY_EVTCHN_IDS; i++)
		err = xsplit_xb_remove(dev, xbt, ids[i], nr_queues, queue);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_evtchn_publish);

// SPDX-License-Identifier: GPL-2.0
/*
 * Shared rings across XenBus: the frontend allocates and grants the pages
 * and publishes their grant references; the backend reads the references
 * and maps them.  One ring is 2^order pages, one reference per page, in
 * "ring-ref" for a single page and "ring-ref0".."ring-refN" otherwise; a
 * single page is "ring-ref0" too when the frontend wrote its order (0).
 */
#include "xenbus/internal.h"
#include "grant/stats.h"

static_assert(XSPLIT_KEY_MAX_RING_ORDER == XENBUS_MAX_RING_GRANT_ORDER);

/**
 * xsplit_xb_ring_map - backend: map the ring the frontend granted
 * @dev: the device
 * @key: XSPLIT_KEY_RING_REF, or a single-page key (tx-ring-ref, ...)
 * @nr_queues: queues in use
 * @queue: which queue's ring
 * @order: the negotiated order (see xsplit_xb_ring_read_order())
 * @ring: filled in; unmap with xsplit_xb_ring_unmap()
 *
 * Return: 0 or a negative errno (bad or missing references are logged).
 */
int xsplit_xb_ring_map(struct xsplit_xb_dev *dev, enum xsplit_key_id key,
		       unsigned int nr_queues, unsigned int queue,
		       unsigned int order, struct xsplit_xb_ring *ring)
{
	bool order_written = key == XSPLIT_KEY_RING_REF && !order &&
			     xsplit_xb_written(dev, XSPLIT_KEY_RING_PAGE_ORDER);
	enum xsplit_key_id id = xsplit_key_ring_ref_id(key, order,
						       order_written);
	unsigned int i;
	u32 ref;
	int err;

	if (order > XSPLIT_KEY_MAX_RING_ORDER || id == XSPLIT_KEY_NR)
		return -ERANGE;
	ring->vaddr = NULL;
	ring->order = order;
	for (i = 0; i < (1U << order); i++) {
		err = xsplit_xb_read(dev, XBT_NIL, id, nr_queues, queue, i,
				     &ref);
		if (err) {
			/*
			 * Only a log line: the caller's connect fails with
			 * err, and the state machine reports it (a second,
			 * direct Closing here would bypass its teardown).
			 */
			dev_err_ratelimited(&dev->xdev->dev,
					    "reading ring reference %u: %d\n",
					    i, err);
			return err;
		}
		ring->grefs[i] = ref;
	}
	return xsplit_xb_ring_map_refs(dev, order, ring);
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_map);

/**
 * xsplit_xb_ring_map_refs - backend: map a ring whose references are known
 * @dev: the device
 * @order: 2^order pages
 * @ring: its grefs filled in; unmap with xsplit_xb_ring_unmap()
 *
 * Return: 0 or a negative errno, with ring->vaddr NULL.
 */
int xsplit_xb_ring_map_refs(struct xsplit_xb_dev *dev, unsigned int order,
			    struct xsplit_xb_ring *ring)
{
	int err;

	if (order > XSPLIT_KEY_MAX_RING_ORDER)
		return -ERANGE;
	ring->order = order;
	err = xenbus_map_ring_valloc(dev->xdev, ring->grefs, 1U << order,
				     &ring->vaddr);
	if (err) {
		ring->vaddr = NULL;
		return err;
	}
	/* Ring pages are grants mapped too: a leaked ring must show. */
	atomic_add(1U << order, &xsplit_gnt_nr_mapped);
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_map_refs);

void xsplit_xb_ring_unmap(struct xsplit_xb_dev *dev,
			  struct xsplit_xb_ring *ring)
{
	if (!ring->vaddr)
		return;
	xenbus_unmap_ring_vfree(dev->xdev, ring->vaddr);
	atomic_sub(1U << ring->order, &xsplit_gnt_nr_mapped);
	ring->vaddr = NULL;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_unmap);

/**
 * xsplit_xb_ring_grant - frontend: allocate a zeroed ring and grant it
 * @dev: the device (the backend domain gets access)
 * @order: 2^order pages
 * @ring: filled in; release with xsplit_xb_ring_ungrant()
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_ring_grant(struct xsplit_xb_dev *dev, unsigned int order,
			 struct xsplit_xb_ring *ring)
{
	unsigned int i;
	int err;

	ring->vaddr = NULL;
	ring->order = order;
	for (i = 0; i < ARRAY_SIZE(ring->grefs); i++)
		ring->grefs[i] = INVALID_GRANT_REF;
	if (order > XSPLIT_KEY_MAX_RING_ORDER)
		return -ERANGE;
	err = xenbus_setup_ring(dev->xdev, GFP_KERNEL, &ring->vaddr,
				1U << order, ring->grefs);
	if (err)
		ring->vaddr = NULL;
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_grant);

/* Revokes access and frees the pages; safe on a ring never granted. */
void xsplit_xb_ring_ungrant(struct xsplit_xb_ring *ring)
{
	if (!ring->vaddr)
		return;
	xenbus_teardown_ring(&ring->vaddr, 1U << ring->order, ring->grefs);
	ring->vaddr = NULL;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_ungrant);

/**
 * xsplit_xb_ring_publish - frontend: write a granted ring's references
 * @dev: the device
 * @xbt: the transaction that also writes the other connection keys
 * @key: XSPLIT_KEY_RING_REF or a single-page key
 * @nr_queues: queues in use
 * @queue: which queue's ring
 * @ring: a granted ring
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_ring_publish(struct xsplit_xb_dev *dev,
			   struct xenbus_transaction xbt,
			   enum xsplit_key_id key, unsigned int nr_queues,
			   unsigned int queue,
			   const struct xsplit_xb_ring *ring)
{
	enum xsplit_key_id id = ring->order ? XSPLIT_KEY_RING_REF_N : key;
	unsigned int i;
	int err;

	if (ring->order > XSPLIT_KEY_MAX_RING_ORDER ||
	    (ring->order && key != XSPLIT_KEY_RING_REF))
		return -ERANGE;
	for (i = 0; i < (1U << ring->order); i++) {
		err = xsplit_xb_write(dev, xbt, id, nr_queues, queue, i,
				      ring->grefs[i]);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_xb_ring_publish);

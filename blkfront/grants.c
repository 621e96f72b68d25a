// SPDX-License-Identifier: GPL-2.0
/*
 * The pages a backend is granted.  Only I/O data ever sits on them:
 *   direct      the request's own pages, granted for the request only;
 *   bounce      fresh zeroed pages the data is copied through, for a
 *               backend that is not trusted with our page cache pages;
 *   persistent  zeroed pages granted once (the core's pool) and reused,
 *               the data copied through them as well.
 * Indirect-segment pages are always our own (bounce or pool) pages.
 *
 * A page we own is never freed while the backend may still map it: the
 * core's revoke defers the free until the grant is released.  The
 * request's own pages cannot be deferred that way, so a direct grant the
 * backend still maps after answering is reported as leaked and the caller
 * must not complete the request.
 */
#include <linux/highmem.h>
#include <linux/mm.h>

#include "blkfront/blkfront.h"

static domid_t backend_id(struct xsplit_blkf_ring *ring)
{
	return ring->info->dev->xdev->otherend_id;
}

/**
 * xsplit_blkf_gpage_get - a zeroed page of ours, granted to the backend
 * @ring: the ring (its pool in persistent mode)
 * @g: filled in
 * @readonly: the backend only reads it (ignored for pool pages)
 *
 * Atomic context.  Return: 0 or -ENOMEM/-ENOSPC (retry later).
 */
int xsplit_blkf_gpage_get(struct xsplit_blkf_ring *ring,
			  struct xsplit_blkf_gpage *g, bool readonly)
{
	int ref;

	*g = (struct xsplit_blkf_gpage){ .ref = INVALID_GRANT_REF };
	if (ring->pool) {
		g->gp = xsplit_gnt_pool_get(ring->pool, GFP_ATOMIC);
		if (!g->gp)
			return -ENOMEM;
		g->ref = g->gp->ref;
		return 0;
	}
	g->page = alloc_page(GFP_ATOMIC | __GFP_ZERO | __GFP_NOWARN);
	if (!g->page)
		return -ENOMEM;
	ref = xsplit_gnt_grant_page(backend_id(ring), g->page, readonly);
	if (ref < 0) {
		__free_page(g->page);
		g->page = NULL;
		return ref;
	}
	g->ref = ref;
	return 0;
}

/* The page under a gpage we own, for filling or reading it. */
static struct page *own_page(const struct xsplit_blkf_gpage *g)
{
	return g->gp ? g->gp->page : g->page;
}

/**
 * xsplit_blkf_gpage_put - end the backend's access to a gpage
 * @ring: the ring
 * @g: a gpage from xsplit_blkf_gpage_get() or xsplit_blkf_data_get()
 * @leaked: set when the backend still maps a page we do not own
 */
void xsplit_blkf_gpage_put(struct xsplit_blkf_ring *ring,
			   struct xsplit_blkf_gpage *g, bool *leaked)
{
	if (g->gp) {
		xsplit_gnt_pool_put(ring->pool, g->gp);
	} else if (g->page) {
		/* frees the page now or once the backend lets go */
		xsplit_gnt_revoke_page(g->ref, g->page);
	} else if (g->ref != INVALID_GRANT_REF &&
		   !xsplit_gnt_try_revoke(g->ref)) {
		*leaked = true;
		return;
	}
	*g = (struct xsplit_blkf_gpage){ .ref = INVALID_GRANT_REF };
}

static bool sg_fits_page(const struct scatterlist *sg)
{
	return sg->offset + sg->length <= PAGE_SIZE;
}

/**
 * xsplit_blkf_data_get - grant one data segment
 * @ring: the ring
 * @g: filled in
 * @sg: the segment; lies within one page (the queue limits see to it)
 * @to_backend: a write: the backend reads the data (copied in first)
 *
 * Atomic context.  Return: 0 or a negative errno.
 */
int xsplit_blkf_data_get(struct xsplit_blkf_ring *ring,
			 struct xsplit_blkf_gpage *g, struct scatterlist *sg,
			 bool to_backend)
{
	int ref, err;

	if (WARN_ON_ONCE(!sg_fits_page(sg)))
		return -EINVAL;
	if (ring->info->gmode == XSPLIT_BLKF_DIRECT) {
		*g = (struct xsplit_blkf_gpage){ .ref = INVALID_GRANT_REF };
		ref = xsplit_gnt_grant_page(backend_id(ring), sg_page(sg),
					    to_backend);
		if (ref < 0)
			return ref;
		g->ref = ref;
		return 0;
	}
	err = xsplit_blkf_gpage_get(ring, g, to_backend);
	if (err)
		return err;
	if (to_backend)
		memcpy_to_page(own_page(g), sg->offset, sg_virt(sg),
			       sg->length);
	return 0;
}

/**
 * xsplit_blkf_data_put - take a data segment back
 * @ring: the ring
 * @g: from xsplit_blkf_data_get()
 * @sg: the same segment
 * @from_backend: a successful read: copy the data out of a bounce page
 * @leaked: set when a direct page is still mapped by the backend
 */
void xsplit_blkf_data_put(struct xsplit_blkf_ring *ring,
			  struct xsplit_blkf_gpage *g, struct scatterlist *sg,
			  bool from_backend, bool *leaked)
{
	if (from_backend && own_page(g))
		memcpy_from_page(sg_virt(sg), own_page(g), sg->offset,
				 sg->length);
	xsplit_blkf_gpage_put(ring, g, leaked);
}

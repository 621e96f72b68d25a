// SPDX-License-Identifier: GPL-2.0
/*
 * Frontend: a bounded pool of pages granted once and reused across
 * requests, for persistent-grant mode.  Pages start zeroed, so no stray
 * kernel data is ever shared; afterwards they only hold this device's I/O
 * data, which the peer has seen already.  The pool grows on demand up to
 * its bound and gives everything back at destroy.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "grant/xsplit_grant.h"

struct xsplit_gnt_pool {
	spinlock_t lock;	/* protects the fields below */
	struct list_head free;
	unsigned int nr_pages;	/* granted, in the pool or handed out */
	unsigned int nr_out;	/* handed out */
	unsigned int max_pages;
	domid_t domid;
};

/**
 * xsplit_gnt_pool_create - empty pool of at most @max_pages for @domid
 * @domid: the backend's domain
 * @max_pages: bound on the pages granted at once
 */
struct xsplit_gnt_pool *xsplit_gnt_pool_create(domid_t domid,
					       unsigned int max_pages)
{
	struct xsplit_gnt_pool *pool;

	if (!max_pages)
		return ERR_PTR(-EINVAL);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->free);
	pool->max_pages = max_pages;
	pool->domid = domid;
	return pool;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_pool_create);

/* A new zeroed page, granted read-write to the pool's domain. */
static struct xsplit_gnt_page *xsplit_gnt_pool_grow(struct xsplit_gnt_pool *pool,
						    gfp_t gfp)
{
	struct xsplit_gnt_page *gp;
	int ref;

	gp = kzalloc(sizeof(*gp), gfp);
	if (!gp)
		return NULL;
	gp->page = alloc_page(gfp | __GFP_ZERO);
	if (!gp->page)
		goto free_gp;
	ref = xsplit_gnt_grant_page(pool->domid, gp->page, false);
	if (ref < 0)
		goto free_page;
	gp->ref = ref;
	return gp;

free_page:
	__free_page(gp->page);
free_gp:
	kfree(gp);
	return NULL;
}

/**
 * xsplit_gnt_pool_get - a granted page for one request
 * @pool: the pool
 * @gfp: allocation flags, in case the pool has to grow
 *
 * Returns NULL when the pool is at its bound or memory/grant refs ran
 * out; the caller then waits for a put or uses a non-persistent grant.
 */
struct xsplit_gnt_page *xsplit_gnt_pool_get(struct xsplit_gnt_pool *pool,
					    gfp_t gfp)
{
	struct xsplit_gnt_page *gp;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	gp = list_first_entry_or_null(&pool->free, struct xsplit_gnt_page,
				      node);
	if (gp) {
		list_del(&gp->node);
		pool->nr_out++;
		spin_unlock_irqrestore(&pool->lock, flags);
		return gp;
	}
	if (pool->nr_pages >= pool->max_pages) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return NULL;
	}
	/* Reserve the room before dropping the lock to allocate. */
	pool->nr_pages++;
	pool->nr_out++;
	spin_unlock_irqrestore(&pool->lock, flags);

	gp = xsplit_gnt_pool_grow(pool, gfp);
	if (gp)
		return gp;

	spin_lock_irqsave(&pool->lock, flags);
	pool->nr_pages--;
	pool->nr_out--;
	spin_unlock_irqrestore(&pool->lock, flags);
	return NULL;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_pool_get);

/**
 * xsplit_gnt_pool_put - give a page back once its request completed
 * @pool: the pool it came from
 * @gp: the page
 */
void xsplit_gnt_pool_put(struct xsplit_gnt_pool *pool,
			 struct xsplit_gnt_page *gp)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (!WARN_ON_ONCE(!pool->nr_out)) {
		pool->nr_out--;
		list_add(&gp->node, &pool->free);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_pool_put);

/**
 * xsplit_gnt_pool_destroy - revoke every page and free the pool
 * @pool: the pool, or NULL
 *
 * Returns -EBUSY, leaving the pool intact, while pages are handed out.
 * A page the backend still maps is freed later by the grant code.
 */
int xsplit_gnt_pool_destroy(struct xsplit_gnt_pool *pool)
{
	struct xsplit_gnt_page *gp, *tmp;
	unsigned long flags;

	if (!pool)
		return 0;
	spin_lock_irqsave(&pool->lock, flags);
	if (pool->nr_out) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return -EBUSY;
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	list_for_each_entry_safe(gp, tmp, &pool->free, node) {
		list_del(&gp->node);
		xsplit_gnt_revoke_page(gp->ref, gp->page);
		kfree(gp);
	}
	kfree(pool);
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_pool_destroy);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit grant helpers, used by the drivers:
 *   backend  - batched map/unmap of foreign grants, a persistent-grant
 *              cache per ring, grant-copy batches;
 *   frontend - grant/revoke pages, a pool of pre-granted pages for
 *              persistent mode.
 * Map, unmap and the cache's miss path sleep: call them in process context.
 * One page is granted as one Xen page (PAGE_SIZE == XEN_PAGE_SIZE).
 */
#ifndef XSPLIT_GRANT_H
#define XSPLIT_GRANT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/gfp.h>
#include <xen/grant_table.h>

#include "compat/xsplit_compat_xen.h"
#include "grant/pgrant_index.h"

/* Never a handle Xen returns: marks an entry that is not mapped. */
#define XSPLIT_GNT_INVALID_HANDLE ((grant_handle_t)~0U)

/* One foreign grant to map; in: gref, domid, readonly; out: the rest. */
struct xsplit_gnt_map {
	grant_ref_t gref;
	domid_t domid;
	bool readonly;
	struct page *page;	/* mapped page, NULL unless status == 0 */
	grant_handle_t handle;
	int status;		/* 0 or -errno */
};

int xsplit_gnt_map(struct xsplit_gnt_map *maps, unsigned int n);
void xsplit_gnt_unmap(struct xsplit_gnt_map *maps, unsigned int n);
/*
 * Maps into pages the caller keeps (a pool), many per hypercall, in any
 * context; unmaps in process context (batch.c).  Queue ops with *_add(),
 * flush, read each op's outcome, then xsplit_gnt_batch_reset() before
 * queueing more.
 */
struct xsplit_gnt_batch {
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct page **pages;
	unsigned int nr;
	unsigned int max;
};

int xsplit_gnt_batch_init(struct xsplit_gnt_batch *b, unsigned int max);
void xsplit_gnt_batch_free(struct xsplit_gnt_batch *b);
unsigned int xsplit_gnt_batch_map_add(struct xsplit_gnt_batch *b,
				      struct page *page, grant_ref_t gref,
				      domid_t domid, bool readonly);
unsigned int xsplit_gnt_batch_map(struct xsplit_gnt_batch *b);
grant_handle_t xsplit_gnt_batch_handle(const struct xsplit_gnt_batch *b,
				       unsigned int i);
unsigned int xsplit_gnt_batch_unmap_add(struct xsplit_gnt_batch *b,
					struct page *page,
					grant_handle_t handle);
int xsplit_gnt_batch_unmap(struct xsplit_gnt_batch *b);
int xsplit_gnt_batch_unmap_sync(struct xsplit_gnt_batch *b);
bool xsplit_gnt_batch_unmapped(const struct xsplit_gnt_batch *b,
			       unsigned int i);

static inline void xsplit_gnt_batch_reset(struct xsplit_gnt_batch *b)
{
	b->nr = 0;
}

/* Persistent-grant cache of one ring (backend). */
struct xsplit_pgrant_cache;

struct xsplit_pgrant_cache *
xsplit_pgrant_cache_create(domid_t domid, unsigned int max);
int xsplit_pgrant_cache_destroy(struct xsplit_pgrant_cache *cache);
int xsplit_pgrant_get(struct xsplit_pgrant_cache *cache, grant_ref_t gref,
		      struct page **page);
void xsplit_pgrant_put(struct xsplit_pgrant_cache *cache, int slot);
unsigned int xsplit_pgrant_purge_idle(struct xsplit_pgrant_cache *cache,
				      unsigned int max_age_secs);
void xsplit_pgrant_stats(struct xsplit_pgrant_cache *cache,
			 struct xsplit_pgi_stats *stats,
			 unsigned int *nr_entries);

/* Grant-copy batch (backend). */
typedef void (*xsplit_gnt_copy_err_fn)(void *ctx, void *cookie,
				       const struct gnttab_copy *op);

struct xsplit_gnt_copy_batch {
	struct gnttab_copy *ops;
	void **cookies;
	unsigned int nr;
	unsigned int max;
	xsplit_gnt_copy_err_fn on_error;
	void *ctx;
};

int xsplit_gnt_copy_init(struct xsplit_gnt_copy_batch *batch,
			 unsigned int max, xsplit_gnt_copy_err_fn on_error,
			 void *ctx);
void xsplit_gnt_copy_free(struct xsplit_gnt_copy_batch *batch);
unsigned int xsplit_gnt_copy_add(struct xsplit_gnt_copy_batch *batch,
				 const struct gnttab_copy *op, void *cookie);
unsigned int xsplit_gnt_copy_flush(struct xsplit_gnt_copy_batch *batch);

/* Backend: read a few granted pages once, by copy (no mapping). */
#define XSPLIT_GNT_READ_MAX 8
int xsplit_gnt_read(domid_t domid, const grant_ref_t *grefs, unsigned int n,
		    void *dst, size_t len);

/* Frontend: share pages with the other end and take them back. */
int xsplit_gnt_grant_page(domid_t domid, struct page *page, bool readonly);
int xsplit_gnt_grant_pages(domid_t domid, struct page **pages,
			   unsigned int n, bool readonly, grant_ref_t *refs);
void xsplit_gnt_revoke_page(grant_ref_t ref, struct page *page);
void xsplit_gnt_revoke_pages(const grant_ref_t *refs, struct page **pages,
			     unsigned int n);
bool xsplit_gnt_try_revoke(grant_ref_t ref);

/* Frontend: pool of pages granted once and reused (persistent mode). */
struct xsplit_gnt_page {
	struct list_head node;
	struct page *page;
	grant_ref_t ref;
};

struct xsplit_gnt_pool;

struct xsplit_gnt_pool *xsplit_gnt_pool_create(domid_t domid,
					       unsigned int max_pages);
int xsplit_gnt_pool_destroy(struct xsplit_gnt_pool *pool);
struct xsplit_gnt_page *xsplit_gnt_pool_get(struct xsplit_gnt_pool *pool,
					    gfp_t gfp);
void xsplit_gnt_pool_put(struct xsplit_gnt_pool *pool,
			 struct xsplit_gnt_page *gp);

#endif /* XSPLIT_GRANT_H */

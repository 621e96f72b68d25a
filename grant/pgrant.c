// SPDX-License-Identifier: GPL-2.0
/*
 * Backend: the persistent-grant cache of one ring.  The policy (index, LRU,
 * counters) is pgrant_index.c; this file keeps the mapping of each slot and
 * does the map/unmap work outside the lock, since unmapping sleeps.
 *
 * A slot purged from the index stays reserved until its page is unmapped,
 * so a slot number never refers to two mappings at once.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "grant/xsplit_grant.h"

/* Victims unmapped per pass (one hypercall batch). */
#define XSPLIT_PGRANT_PURGE_BATCH 16

struct xsplit_pgrant_cache {
	spinlock_t lock;	/* protects idx and maps */
	struct xsplit_pgi idx;
	struct xsplit_pgi_slot *slots;
	u32 *buckets;
	struct xsplit_gnt_map *maps;	/* mapping of each slot */
	domid_t domid;
};

/**
 * xsplit_pgrant_cache_create - cache for grants from @domid
 * @domid: the frontend's domain
 * @max: most grants kept mapped (bounded by XSPLIT_PGI_MAX_ENTRIES)
 */
struct xsplit_pgrant_cache *
xsplit_pgrant_cache_create(domid_t domid, unsigned int max)
{
	struct xsplit_pgrant_cache *c;
	u32 nr_buckets;

	if (!max || max > XSPLIT_PGI_MAX_ENTRIES)
		return ERR_PTR(-EINVAL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	nr_buckets = xsplit_pgi_nr_buckets(max);
	c->slots = kvcalloc(max, sizeof(*c->slots), GFP_KERNEL);
	if (!c->slots)
		goto free_cache;
	c->buckets = kvcalloc(nr_buckets, sizeof(*c->buckets), GFP_KERNEL);
	if (!c->buckets)
		goto free_slots;
	c->maps = kvcalloc(max, sizeof(*c->maps), GFP_KERNEL);
	if (!c->maps)
		goto free_buckets;
	if (xsplit_pgi_init(&c->idx, c->slots, max, c->buckets, nr_buckets))
		goto free_maps;
	spin_lock_init(&c->lock);
	c->domid = domid;
	return c;

free_maps:
	kvfree(c->maps);
free_buckets:
	kvfree(c->buckets);
free_slots:
	kvfree(c->slots);
free_cache:
	kfree(c);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_cache_create);

/* Unmap purged slots, then hand them back to the index. */
static void xsplit_pgrant_reap(struct xsplit_pgrant_cache *c,
			       const u32 *victims, unsigned int n)
{
	struct xsplit_gnt_map maps[XSPLIT_PGRANT_PURGE_BATCH];
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&c->lock, flags);
	for (i = 0; i < n; i++)
		maps[i] = c->maps[victims[i]];
	spin_unlock_irqrestore(&c->lock, flags);

	xsplit_gnt_unmap(maps, n);

	spin_lock_irqsave(&c->lock, flags);
	for (i = 0; i < n; i++) {
		c->maps[victims[i]].page = NULL;
		WARN_ON_ONCE(xsplit_pgi_release(&c->idx, victims[i]));
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

static int xsplit_pgrant_lookup(struct xsplit_pgrant_cache *c,
				grant_ref_t gref, struct page **page)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&c->lock, flags);
	slot = xsplit_pgi_get(&c->idx, gref);
	if (slot >= 0)
		*page = c->maps[slot].page;
	spin_unlock_irqrestore(&c->lock, flags);
	return slot;
}

/* When the cache is full, evict a batch of unused entries. */
static void xsplit_pgrant_make_room(struct xsplit_pgrant_cache *c)
{
	u32 victims[XSPLIT_PGRANT_PURGE_BATCH];
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&c->lock, flags);
	if (xsplit_pgi_full(&c->idx))
		n = xsplit_pgi_purge_lru(&c->idx, victims, ARRAY_SIZE(victims));
	spin_unlock_irqrestore(&c->lock, flags);
	if (n)
		xsplit_pgrant_reap(c, victims, n);
}

/* Offer a fresh mapping to the index; on success the caller holds it. */
static int xsplit_pgrant_add(struct xsplit_pgrant_cache *c,
			     struct xsplit_gnt_map *m)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&c->lock, flags);
	slot = xsplit_pgi_insert(&c->idx, m->gref);
	if (slot >= 0)
		c->maps[slot] = *m;
	spin_unlock_irqrestore(&c->lock, flags);
	return slot;
}

/**
 * xsplit_pgrant_get - find or map a grant and take a use of it
 * @cache: the ring's cache
 * @gref: grant ref from the frontend
 * @page: where the mapped page is returned
 *
 * Returns a slot to give back to xsplit_pgrant_put(), or -errno: -ENOSPC
 * when every cached entry is in use (map the grant without the cache),
 * or the map error of this grant.  Sleeps.
 */
int xsplit_pgrant_get(struct xsplit_pgrant_cache *cache, grant_ref_t gref,
		      struct page **page)
{
	struct xsplit_gnt_map m = {
		.gref = gref, .domid = cache->domid, .readonly = false,
	};
	int slot;

	slot = xsplit_pgrant_lookup(cache, gref, page);
	if (slot >= 0)
		return slot;

	xsplit_pgrant_make_room(cache);
	if (xsplit_gnt_map(&m, 1))
		return m.status ? m.status : -EIO;

	slot = xsplit_pgrant_add(cache, &m);
	if (slot >= 0) {
		*page = m.page;
		return slot;
	}
	/* Full of entries in use, or another user cached it meanwhile. */
	xsplit_gnt_unmap(&m, 1);
	if (slot == -EEXIST)
		slot = xsplit_pgrant_lookup(cache, gref, page);
	return slot;
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_get);

/**
 * xsplit_pgrant_put - drop a use taken by xsplit_pgrant_get()
 * @cache: the ring's cache
 * @slot: what xsplit_pgrant_get() returned
 *
 * Callable from any context.
 */
void xsplit_pgrant_put(struct xsplit_pgrant_cache *cache, int slot)
{
	unsigned long flags;
	int err;

	if (WARN_ON_ONCE(slot < 0))
		return;
	spin_lock_irqsave(&cache->lock, flags);
	err = xsplit_pgi_put(&cache->idx, slot, get_jiffies_64());
	spin_unlock_irqrestore(&cache->lock, flags);
	WARN_ON_ONCE(err);
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_put);

/**
 * xsplit_pgrant_purge_idle - unmap entries unused for @max_age_secs
 * @cache: the ring's cache
 * @max_age_secs: idle time after which an unused entry goes
 *
 * Returns how many entries were unmapped.  Sleeps.
 */
unsigned int xsplit_pgrant_purge_idle(struct xsplit_pgrant_cache *cache,
				      unsigned int max_age_secs)
{
	u32 victims[XSPLIT_PGRANT_PURGE_BATCH];
	u64 max_age = (u64)max_age_secs * HZ;
	unsigned int n, total = 0;
	unsigned long flags;

	do {
		spin_lock_irqsave(&cache->lock, flags);
		n = xsplit_pgi_purge_idle(&cache->idx, get_jiffies_64(),
					  max_age, victims,
					  ARRAY_SIZE(victims));
		spin_unlock_irqrestore(&cache->lock, flags);
		if (n)
			xsplit_pgrant_reap(cache, victims, n);
		total += n;
	} while (n == ARRAY_SIZE(victims));
	return total;
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_purge_idle);

/**
 * xsplit_pgrant_stats - hit/miss/purge counters and the number of entries
 * @cache: the ring's cache
 * @stats: filled with the counters
 * @nr_entries: filled with the number of cached grants
 */
void xsplit_pgrant_stats(struct xsplit_pgrant_cache *cache,
			 struct xsplit_pgi_stats *stats,
			 unsigned int *nr_entries)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	*stats = cache->idx.stats;
	*nr_entries = cache->idx.nr_live;
	spin_unlock_irqrestore(&cache->lock, flags);
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_stats);

/**
 * xsplit_pgrant_cache_destroy - unmap everything and free the cache
 * @cache: the ring's cache, or NULL
 *
 * Returns -EBUSY, leaving the cache intact, while any entry is in use
 * (the ring still has requests in flight).  Sleeps.
 */
int xsplit_pgrant_cache_destroy(struct xsplit_pgrant_cache *cache)
{
	u32 victims[XSPLIT_PGRANT_PURGE_BATCH];
	unsigned long flags;
	int n;

	if (!cache)
		return 0;
	do {
		spin_lock_irqsave(&cache->lock, flags);
		n = xsplit_pgi_purge_all(&cache->idx, victims,
					 ARRAY_SIZE(victims));
		spin_unlock_irqrestore(&cache->lock, flags);
		if (n < 0)
			return n;
		xsplit_pgrant_reap(cache, victims, n);
	} while (n);

	kvfree(cache->maps);
	kvfree(cache->buckets);
	kvfree(cache->slots);
	kfree(cache);
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_pgrant_cache_destroy);

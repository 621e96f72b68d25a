/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy half of the persistent-grant cache: which grant refs are cached,
 * which are in use, which to purge.  It maps no pages and allocates nothing
 * (the caller hands it the arrays), so the same source builds in the kernel
 * and in user space, where it is unit-tested and fuzzed.
 *
 * Entries live in a caller-provided slot array; a slot number is what the
 * kernel side uses to find the page and handle that belong to an entry.
 *
 * An entry is in one of three states:
 *   FREE   slot unused, on the free list;
 *   LIVE   in the hash index; if no user holds it, also on the LRU list
 *          (most recently released first), so purging never sees an
 *          entry in use and the list is already in last-use order;
 *   DEAD   purged from the index, its page still to be unmapped; the slot
 *          is reused only after xsplit_pgi_release(), so a slot number
 *          never names two mappings at once.
 */
#ifndef XSPLIT_PGRANT_INDEX_H
#define XSPLIT_PGRANT_INDEX_H

#include "xsplit_types.h"

/* No slot: end of a list or hash chain. */
#define XSPLIT_PGI_NONE 0xffffffffu
/* Largest cache a driver may ask for; keeps slot numbers far from NONE. */
#define XSPLIT_PGI_MAX_ENTRIES 0x100000u

enum xsplit_pgi_state {
	XSPLIT_PGI_FREE,
	XSPLIT_PGI_LIVE,
	XSPLIT_PGI_DEAD,
};

struct xsplit_pgi_slot {
	u64 last_used;		/* caller's clock at the last release */
	u32 gref;
	u32 hnext;		/* next slot in the same hash bucket */
	u32 prev;		/* LRU neighbours, or free-list link in next */
	u32 next;
	u32 users;
	u8 state;		/* enum xsplit_pgi_state */
};

struct xsplit_pgi_stats {
	u64 hits;
	u64 misses;
	u64 purged_lru;		/* evicted to make room */
	u64 purged_idle;	/* evicted for being unused too long */
};

struct xsplit_pgi {
	struct xsplit_pgi_slot *slots;
	u32 *buckets;
	u32 max_entries;
	u32 bucket_mask;
	u32 lru_head;		/* most recently released unused entry */
	u32 lru_tail;		/* least recently released unused entry */
	u32 free_head;
	u32 nr_live;
	u32 nr_in_use;
	u32 nr_dead;
	struct xsplit_pgi_stats stats;
};

u32 xsplit_pgi_nr_buckets(u32 max_entries);
int xsplit_pgi_init(struct xsplit_pgi *idx, struct xsplit_pgi_slot *slots,
		    u32 max_entries, u32 *buckets, u32 nr_buckets);
int xsplit_pgi_get(struct xsplit_pgi *idx, u32 gref);
int xsplit_pgi_insert(struct xsplit_pgi *idx, u32 gref);
int xsplit_pgi_put(struct xsplit_pgi *idx, u32 slot, u64 now);
u32 xsplit_pgi_purge_lru(struct xsplit_pgi *idx, u32 *victims, u32 max);
u32 xsplit_pgi_purge_idle(struct xsplit_pgi *idx, u64 now, u64 max_age,
			  u32 *victims, u32 max);
int xsplit_pgi_purge_all(struct xsplit_pgi *idx, u32 *victims, u32 max);
int xsplit_pgi_release(struct xsplit_pgi *idx, u32 slot);

static inline bool xsplit_pgi_full(const struct xsplit_pgi *idx)
{
	return idx->free_head == XSPLIT_PGI_NONE;
}

#endif /* XSPLIT_PGRANT_INDEX_H */

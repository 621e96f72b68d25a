// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent-grant cache policy: a hash index keyed by grant ref, an LRU
 * list of the entries nobody holds, and counters.  See pgrant_index.h for
 * the entry states.  Every loop is bounded by max_entries, so a corrupted
 * or hostile sequence of calls can return an error but never spin.
 */
#include "grant/pgrant_index.h"

/* Fibonacci hashing spreads the small, dense refs a frontend hands out. */
#define XSPLIT_PGI_HASH_MUL 0x9e3779b1u
#define XSPLIT_PGI_HASH_FOLD 16

static u32 pgi_bucket(const struct xsplit_pgi *idx, u32 gref)
{
	u32 h = gref * XSPLIT_PGI_HASH_MUL;

	return (h ^ (h >> XSPLIT_PGI_HASH_FOLD)) & idx->bucket_mask;
}

static bool pgi_slot_valid(const struct xsplit_pgi *idx, u32 slot)
{
	return slot < idx->max_entries;
}

/* Smallest power of two that gives every entry a bucket of its own. */
u32 xsplit_pgi_nr_buckets(u32 max_entries)
{
	u32 n = 1;

	while (n < max_entries && n < XSPLIT_PGI_MAX_ENTRIES)
		n <<= 1;
	return n;
}

int xsplit_pgi_init(struct xsplit_pgi *idx, struct xsplit_pgi_slot *slots,
		    u32 max_entries, u32 *buckets, u32 nr_buckets)
{
	u32 i;

	if (!max_entries || max_entries > XSPLIT_PGI_MAX_ENTRIES)
		return -EINVAL;
	if (!nr_buckets || (nr_buckets & (nr_buckets - 1)))
		return -EINVAL;

	memset(idx, 0, sizeof(*idx));
	idx->slots = slots;
	idx->buckets = buckets;
	idx->max_entries = max_entries;
	idx->bucket_mask = nr_buckets - 1;
	idx->lru_head = XSPLIT_PGI_NONE;
	idx->lru_tail = XSPLIT_PGI_NONE;
	for (i = 0; i < nr_buckets; i++)
		buckets[i] = XSPLIT_PGI_NONE;
	for (i = 0; i < max_entries; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].state = XSPLIT_PGI_FREE;
		slots[i].hnext = XSPLIT_PGI_NONE;
		slots[i].prev = XSPLIT_PGI_NONE;
		slots[i].next = i + 1 < max_entries ? i + 1 : XSPLIT_PGI_NONE;
	}
	idx->free_head = 0;
	return 0;
}

static u32 pgi_find(const struct xsplit_pgi *idx, u32 gref)
{
	u32 slot = idx->buckets[pgi_bucket(idx, gref)];
	u32 steps;

	for (steps = 0; steps < idx->max_entries; steps++) {
		if (!pgi_slot_valid(idx, slot))
			return XSPLIT_PGI_NONE;
		if (idx->slots[slot].gref == gref)
			return slot;
		slot = idx->slots[slot].hnext;
	}
	return XSPLIT_PGI_NONE;
}

static void pgi_hash_add(struct xsplit_pgi *idx, u32 slot)
{
	u32 *head = &idx->buckets[pgi_bucket(idx, idx->slots[slot].gref)];

	idx->slots[slot].hnext = *head;
	*head = slot;
}

static void pgi_hash_del(struct xsplit_pgi *idx, u32 slot)
{
	u32 *link = &idx->buckets[pgi_bucket(idx, idx->slots[slot].gref)];
	u32 steps;

	for (steps = 0; steps < idx->max_entries; steps++) {
		if (!pgi_slot_valid(idx, *link))
			return;
		if (*link == slot) {
			*link = idx->slots[slot].hnext;
			idx->slots[slot].hnext = XSPLIT_PGI_NONE;
			return;
		}
		link = &idx->slots[*link].hnext;
	}
}

static void pgi_lru_del(struct xsplit_pgi *idx, u32 slot)
{
	struct xsplit_pgi_slot *s = &idx->slots[slot];

	if (s->prev != XSPLIT_PGI_NONE)
		idx->slots[s->prev].next = s->next;
	else
		idx->lru_head = s->next;
	if (s->next != XSPLIT_PGI_NONE)
		idx->slots[s->next].prev = s->prev;
	else
		idx->lru_tail = s->prev;
	s->prev = XSPLIT_PGI_NONE;
	s->next = XSPLIT_PGI_NONE;
}

static void pgi_lru_push(struct xsplit_pgi *idx, u32 slot)
{
	struct xsplit_pgi_slot *s = &idx->slots[slot];

	s->prev = XSPLIT_PGI_NONE;
	s->next = idx->lru_head;
	if (idx->lru_head != XSPLIT_PGI_NONE)
		idx->slots[idx->lru_head].prev = slot;
	else
		idx->lru_tail = slot;
	idx->lru_head = slot;
}

/*
 * Look a grant ref up and, on a hit, take a use of it.  Returns the slot
 * or -ENOENT on a miss.
 */
int xsplit_pgi_get(struct xsplit_pgi *idx, u32 gref)
{
	u32 slot = pgi_find(idx, gref);
	struct xsplit_pgi_slot *s;

	if (slot == XSPLIT_PGI_NONE) {
		idx->stats.misses++;
		return -ENOENT;
	}
	s = &idx->slots[slot];
	if (!s->users) {
		pgi_lru_del(idx, slot);
		idx->nr_in_use++;
	}
	s->users++;
	idx->stats.hits++;
	return slot;
}

/*
 * Add a grant ref the caller has just mapped; the caller holds one use.
 * Returns the slot, -EEXIST if the ref is already cached, or -ENOSPC when
 * every slot is taken (purge first, or use the mapping uncached).
 */
int xsplit_pgi_insert(struct xsplit_pgi *idx, u32 gref)
{
	struct xsplit_pgi_slot *s;
	u32 slot;

	if (pgi_find(idx, gref) != XSPLIT_PGI_NONE)
		return -EEXIST;
	slot = idx->free_head;
	if (!pgi_slot_valid(idx, slot))
		return -ENOSPC;
	s = &idx->slots[slot];
	idx->free_head = s->next;
	s->gref = gref;
	s->users = 1;
	s->last_used = 0;
	s->state = XSPLIT_PGI_LIVE;
	s->prev = XSPLIT_PGI_NONE;
	s->next = XSPLIT_PGI_NONE;
	pgi_hash_add(idx, slot);
	idx->nr_live++;
	idx->nr_in_use++;
	return slot;
}

/* Drop a use taken by get or insert; the last one makes it purgeable. */
int xsplit_pgi_put(struct xsplit_pgi *idx, u32 slot, u64 now)
{
	struct xsplit_pgi_slot *s;

	if (!pgi_slot_valid(idx, slot))
		return -EINVAL;
	s = &idx->slots[slot];
	if (s->state != XSPLIT_PGI_LIVE || !s->users)
		return -EINVAL;
	s->last_used = now;
	if (--s->users)
		return 0;
	idx->nr_in_use--;
	pgi_lru_push(idx, slot);
	return 0;
}

/* Unhook an unused entry from the index; its slot waits for release. */
static void pgi_kill(struct xsplit_pgi *idx, u32 slot)
{
	pgi_lru_del(idx, slot);
	pgi_hash_del(idx, slot);
	idx->slots[slot].state = XSPLIT_PGI_DEAD;
	idx->nr_live--;
	idx->nr_dead++;
}

/*
 * Purge up to @max least recently used entries that nobody holds.  Their
 * slots are written to @victims for the caller to unmap and then release.
 */
u32 xsplit_pgi_purge_lru(struct xsplit_pgi *idx, u32 *victims, u32 max)
{
	u32 n = 0;

	while (n < max && idx->lru_tail != XSPLIT_PGI_NONE) {
		victims[n] = idx->lru_tail;
		pgi_kill(idx, victims[n++]);
	}
	idx->stats.purged_lru += n;
	return n;
}

/*
 * Purge up to @max unused entries last released at least @max_age before
 * @now.  The LRU list is in release order, so the walk stops at the first
 * entry that is young enough (a clock that went backwards only delays
 * the purge, it never purges an entry in use).
 */
u32 xsplit_pgi_purge_idle(struct xsplit_pgi *idx, u64 now, u64 max_age,
			  u32 *victims, u32 max)
{
	u32 n = 0;
	u32 slot;

	while (n < max && idx->lru_tail != XSPLIT_PGI_NONE) {
		slot = idx->lru_tail;
		if (now < idx->slots[slot].last_used ||
		    now - idx->slots[slot].last_used < max_age)
			break;
		victims[n++] = slot;
		pgi_kill(idx, slot);
	}
	idx->stats.purged_idle += n;
	return n;
}

/*
 * Purge everything for a disconnect: refused with -EBUSY while any entry
 * is in use.  Returns how many slots were written to @victims; call again
 * while it returns @max.
 */
int xsplit_pgi_purge_all(struct xsplit_pgi *idx, u32 *victims, u32 max)
{
	u32 n = 0;

	if (idx->nr_in_use)
		return -EBUSY;
	while (n < max && idx->lru_tail != XSPLIT_PGI_NONE) {
		victims[n] = idx->lru_tail;
		pgi_kill(idx, victims[n++]);
	}
	return n;
}

/* The page of a purged slot is unmapped: the slot may be reused. */
int xsplit_pgi_release(struct xsplit_pgi *idx, u32 slot)
{
	struct xsplit_pgi_slot *s;

	if (!pgi_slot_valid(idx, slot))
		return -EINVAL;
	s = &idx->slots[slot];
	if (s->state != XSPLIT_PGI_DEAD)
		return -EINVAL;
	s->state = XSPLIT_PGI_FREE;
	s->next = idx->free_head;
	idx->free_head = slot;
	idx->nr_dead--;
	return 0;
}

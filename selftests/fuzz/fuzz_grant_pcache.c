// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: drive the persistent-grant cache policy with random
 * operation sequences (table size and bucket count chosen by the input too)
 * and check the structure's invariants after every step.
 */
#include <stdlib.h>
#include <stdio.h>

#include "grant/pgrant_index.h"

#define FZ_MAX_ENTRIES 32
#define FZ_MAX_BUCKETS 32
#define FZ_GREF_SPACE 64
#define FZ_OP_BYTES 3

static void fz_fail(const char *what)
{
	fprintf(stderr, "invariant broken: %s\n", what);
	abort();
}

#define FZ_CHECK(cond) do { if (!(cond)) fz_fail(#cond); } while (0)

static void check_lru(const struct xsplit_pgi *idx)
{
	u32 slot = idx->lru_head, prev = XSPLIT_PGI_NONE, n = 0;
	const struct xsplit_pgi_slot *s;

	while (slot != XSPLIT_PGI_NONE) {
		FZ_CHECK(slot < idx->max_entries && n < idx->max_entries);
		s = &idx->slots[slot];
		FZ_CHECK(s->state == XSPLIT_PGI_LIVE && s->users == 0);
		FZ_CHECK(s->prev == prev);
		/* Released later sits nearer the head. */
		if (prev != XSPLIT_PGI_NONE)
			FZ_CHECK(idx->slots[prev].last_used >= s->last_used);
		prev = slot;
		slot = s->next;
		n++;
	}
	FZ_CHECK(idx->lru_tail == prev);
	FZ_CHECK(n == idx->nr_live - idx->nr_in_use);
}

static void check_free(const struct xsplit_pgi *idx)
{
	u32 slot = idx->free_head, n = 0;

	while (slot != XSPLIT_PGI_NONE) {
		FZ_CHECK(slot < idx->max_entries && n < idx->max_entries);
		FZ_CHECK(idx->slots[slot].state == XSPLIT_PGI_FREE);
		slot = idx->slots[slot].next;
		n++;
	}
	FZ_CHECK(n == idx->max_entries - idx->nr_live - idx->nr_dead);
}

static void check_hash(const struct xsplit_pgi *idx)
{
	u32 b, slot, n = 0, in_use = 0, i;

	for (b = 0; b <= idx->bucket_mask; b++) {
		for (slot = idx->buckets[b]; slot != XSPLIT_PGI_NONE;
		     slot = idx->slots[slot].hnext) {
			FZ_CHECK(slot < idx->max_entries);
			FZ_CHECK(n++ < idx->max_entries);
			FZ_CHECK(idx->slots[slot].state == XSPLIT_PGI_LIVE);
		}
	}
	FZ_CHECK(n == idx->nr_live);
	for (i = 0; i < idx->max_entries; i++)
		in_use += idx->slots[i].state == XSPLIT_PGI_LIVE &&
			  idx->slots[i].users;
	FZ_CHECK(in_use == idx->nr_in_use);
}

static void run_op(struct xsplit_pgi *idx, const u8 *op, u64 *now)
{
	u32 victims[FZ_MAX_ENTRIES];
	u32 arg = op[1] | (u32)op[2] << 8;
	u32 users, n, i;
	int slot;

	*now += op[0] >> 7;
	switch (op[0] & 7) {
	case 0:
	case 1:
		slot = xsplit_pgi_get(idx, arg % FZ_GREF_SPACE);
		FZ_CHECK(slot == -ENOENT || idx->slots[slot].users > 0);
		break;
	case 2:
		slot = xsplit_pgi_insert(idx, arg % FZ_GREF_SPACE);
		FZ_CHECK(slot < 0 || idx->slots[slot].users == 1);
		break;
	case 3:
		i = arg % idx->max_entries;
		users = idx->slots[i].users;
		if (xsplit_pgi_put(idx, i, *now) == 0)
			FZ_CHECK(idx->slots[i].users == users - 1);
		break;
	case 4:
		n = xsplit_pgi_purge_lru(idx, victims, arg % FZ_MAX_ENTRIES);
		for (i = 0; i < n; i++)
			FZ_CHECK(idx->slots[victims[i]].state == XSPLIT_PGI_DEAD &&
				 !idx->slots[victims[i]].users);
		break;
	case 5:
		n = xsplit_pgi_purge_idle(idx, *now, arg >> 8, victims,
					  arg % FZ_MAX_ENTRIES);
		for (i = 0; i < n; i++)
			FZ_CHECK(*now - idx->slots[victims[i]].last_used >=
				 (arg >> 8));
		break;
	case 6:
		slot = xsplit_pgi_purge_all(idx, victims, FZ_MAX_ENTRIES);
		FZ_CHECK(slot == -EBUSY || idx->nr_live == 0);
		FZ_CHECK(slot != -EBUSY || idx->nr_in_use > 0);
		break;
	default:
		xsplit_pgi_release(idx, arg % idx->max_entries);
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct xsplit_pgi_slot slots[FZ_MAX_ENTRIES];
	static u32 buckets[FZ_MAX_BUCKETS];
	struct xsplit_pgi idx;
	u32 max, nr_buckets;
	u64 now = 0;
	size_t pos;

	if (size < 1)
		return 0;
	max = 1 + (data[0] & (FZ_MAX_ENTRIES - 1));
	nr_buckets = 1u << ((data[0] >> 5) % 6);
	if (xsplit_pgi_init(&idx, slots, max, buckets, nr_buckets))
		fz_fail("init");
	for (pos = 1; pos + FZ_OP_BYTES <= size; pos += FZ_OP_BYTES) {
		run_op(&idx, data + pos, &now);
		check_lru(&idx);
		check_free(&idx);
		check_hash(&idx);
	}
	return 0;
}

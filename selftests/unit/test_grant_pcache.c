// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the persistent-grant cache policy (grant/pgrant_index.c):
 * hits and misses, the bound, LRU order, entries in use never purged, idle
 * purge, purge-all, hash collisions, and a long random run checked step by
 * step against a plain reference model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "grant/pgrant_index.h"

#define T_MAX 8
#define T_BIG 64

struct fixture {
	struct xsplit_pgi idx;
	struct xsplit_pgi_slot slots[T_BIG];
	u32 buckets[T_BIG];
};

static struct fixture *fx_new(u32 max, u32 nr_buckets)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(xsplit_pgi_init(&f->idx, f->slots, max, f->buckets,
					 nr_buckets), 0);
	return f;
}

/* Insert and release @n refs base, base+1, ... at clock 0, 1, ... */
static void fill(struct fixture *f, u32 base, u32 n)
{
	u32 i;
	int slot;

	for (i = 0; i < n; i++) {
		slot = xsplit_pgi_insert(&f->idx, base + i);
		assert_true(slot >= 0);
		assert_int_equal(xsplit_pgi_put(&f->idx, slot, i), 0);
	}
}

static void test_init_rejects_bad_sizes(void **state)
{
	struct xsplit_pgi idx;
	struct xsplit_pgi_slot slots[2];
	u32 buckets[4];

	assert_int_equal(xsplit_pgi_init(&idx, slots, 0, buckets, 4), -EINVAL);
	assert_int_equal(xsplit_pgi_init(&idx, slots, 2, buckets, 3), -EINVAL);
	assert_int_equal(xsplit_pgi_init(&idx, slots, 2, buckets, 0), -EINVAL);
	assert_int_equal(xsplit_pgi_init(&idx, slots,
					 XSPLIT_PGI_MAX_ENTRIES + 1, buckets, 4),
			 -EINVAL);
	assert_int_equal(xsplit_pgi_nr_buckets(1), 1);
	assert_int_equal(xsplit_pgi_nr_buckets(5), 8);
	assert_int_equal(xsplit_pgi_nr_buckets(64), 64);
}

static void test_hit_miss(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	int slot, again;

	assert_int_equal(xsplit_pgi_get(&f->idx, 42), -ENOENT);
	slot = xsplit_pgi_insert(&f->idx, 42);
	assert_true(slot >= 0);
	assert_int_equal(xsplit_pgi_insert(&f->idx, 42), -EEXIST);
	assert_int_equal(xsplit_pgi_put(&f->idx, slot, 1), 0);
	again = xsplit_pgi_get(&f->idx, 42);
	assert_int_equal(again, slot);
	assert_int_equal(xsplit_pgi_get(&f->idx, 43), -ENOENT);
	assert_int_equal(f->idx.stats.hits, 1);
	assert_int_equal(f->idx.stats.misses, 2);
	assert_int_equal(f->idx.nr_in_use, 1);
	assert_int_equal(xsplit_pgi_put(&f->idx, slot, 2), 0);
	/* A put without a matching get is refused, not wrapped around. */
	assert_int_equal(xsplit_pgi_put(&f->idx, slot, 3), -EINVAL);
	assert_int_equal(xsplit_pgi_put(&f->idx, T_MAX, 3), -EINVAL);
	assert_int_equal(f->idx.nr_in_use, 0);
	free(f);
}

static void test_bound(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	u32 victim;

	fill(f, 100, T_MAX);
	assert_true(xsplit_pgi_full(&f->idx));
	assert_int_equal(xsplit_pgi_insert(&f->idx, 999), -ENOSPC);
	assert_int_equal(f->idx.nr_live, T_MAX);

	/* A purged slot is not reusable until its page is released. */
	assert_int_equal(xsplit_pgi_purge_lru(&f->idx, &victim, 1), 1);
	assert_int_equal(xsplit_pgi_insert(&f->idx, 999), -ENOSPC);
	assert_int_equal(xsplit_pgi_release(&f->idx, victim), 0);
	assert_int_equal(xsplit_pgi_release(&f->idx, victim), -EINVAL);
	assert_int_equal(xsplit_pgi_insert(&f->idx, 999), (int)victim);
	free(f);
}

static void test_lru_order(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	u32 victims[T_MAX];
	int slot;

	fill(f, 0, 4);
	/* Touch ref 0: it becomes the most recently used. */
	slot = xsplit_pgi_get(&f->idx, 0);
	assert_true(slot >= 0);
	assert_int_equal(xsplit_pgi_put(&f->idx, slot, 10), 0);

	assert_int_equal(xsplit_pgi_purge_lru(&f->idx, victims, 2), 2);
	assert_int_equal(f->slots[victims[0]].gref, 1);
	assert_int_equal(f->slots[victims[1]].gref, 2);
	assert_int_equal(xsplit_pgi_get(&f->idx, 1), -ENOENT);
	assert_int_equal(xsplit_pgi_get(&f->idx, 2), -ENOENT);
	assert_int_equal(f->idx.stats.purged_lru, 2);
	free(f);
}

static void test_in_use_never_purged(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	u32 victims[T_MAX];
	int held, slot;

	fill(f, 0, 3);
	held = xsplit_pgi_get(&f->idx, 0);	/* oldest, but held */
	slot = xsplit_pgi_get(&f->idx, 1);
	assert_true(held >= 0 && slot >= 0);
	/* Two users: one put leaves it held. */
	assert_int_equal(xsplit_pgi_get(&f->idx, 1), slot);
	assert_int_equal(xsplit_pgi_put(&f->idx, slot, 5), 0);

	assert_int_equal(xsplit_pgi_purge_lru(&f->idx, victims, T_MAX), 1);
	assert_int_equal(f->slots[victims[0]].gref, 2);
	assert_int_equal(xsplit_pgi_purge_idle(&f->idx, 1000, 0, victims,
					       T_MAX), 0);
	assert_int_equal(xsplit_pgi_purge_all(&f->idx, victims, T_MAX), -EBUSY);
	assert_int_equal(xsplit_pgi_get(&f->idx, 0), held);
	free(f);
}

static void test_idle_purge(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	u32 victims[T_MAX];
	u32 i;

	fill(f, 0, 6);		/* released at clock 0..5 */
	/* At clock 10 with max age 7: released at 0..3 are idle. */
	assert_int_equal(xsplit_pgi_purge_idle(&f->idx, 10, 7, victims, 2), 2);
	assert_int_equal(xsplit_pgi_purge_idle(&f->idx, 10, 7, victims + 2,
					       T_MAX), 2);
	for (i = 0; i < 4; i++)
		assert_int_equal(f->slots[victims[i]].gref, i);
	assert_int_equal(xsplit_pgi_get(&f->idx, 3), -ENOENT);
	assert_true(xsplit_pgi_get(&f->idx, 4) >= 0);
	assert_int_equal(f->idx.stats.purged_idle, 4);
	/* A clock that goes backwards purges nothing. */
	assert_int_equal(xsplit_pgi_purge_idle(&f->idx, 1, 0, victims, T_MAX),
			 0);
	free(f);
}

static void test_purge_all(void **state)
{
	struct fixture *f = fx_new(T_MAX, 8);
	u32 victims[T_MAX];
	int n, total = 0;
	u32 i;

	fill(f, 7, T_MAX);
	while ((n = xsplit_pgi_purge_all(&f->idx, victims, 3)) > 0) {
		total += n;
		for (i = 0; i < (u32)n; i++)
			assert_int_equal(xsplit_pgi_release(&f->idx,
							    victims[i]), 0);
	}
	assert_int_equal(n, 0);
	assert_int_equal(total, T_MAX);
	assert_int_equal(f->idx.nr_live, 0);
	assert_int_equal(f->idx.nr_dead, 0);
	assert_false(xsplit_pgi_full(&f->idx));
	free(f);
}

static void test_hash_collisions(void **state)
{
	/* One bucket: every ref collides; chains must still work. */
	struct fixture *f = fx_new(T_MAX, 1);
	int slots[T_MAX];
	u32 victims[2];
	u32 i;

	fill(f, 1000, T_MAX);
	for (i = 0; i < T_MAX; i++) {
		slots[i] = xsplit_pgi_get(&f->idx, 1000 + i);
		assert_true(slots[i] >= 0);
		assert_int_equal(f->slots[slots[i]].gref, 1000 + i);
	}
	/* Release the middle of the chain first, then purge it. */
	assert_int_equal(xsplit_pgi_put(&f->idx, slots[3], 50), 0);
	assert_int_equal(xsplit_pgi_put(&f->idx, slots[0], 51), 0);
	assert_int_equal(xsplit_pgi_purge_lru(&f->idx, victims, 1), 1);
	assert_int_equal(victims[0], slots[3]);
	assert_int_equal(xsplit_pgi_release(&f->idx, victims[0]), 0);
	assert_int_equal(xsplit_pgi_get(&f->idx, 1003), -ENOENT);
	for (i = 0; i < T_MAX; i++)
		if (i != 3)
			assert_int_equal(xsplit_pgi_get(&f->idx, 1000 + i),
					 slots[i]);
	/* The head of the chain too. */
	assert_int_equal(xsplit_pgi_insert(&f->idx, 1003), slots[3]);
	assert_int_equal(xsplit_pgi_put(&f->idx, slots[3], 52), 0);
	assert_int_equal(xsplit_pgi_purge_lru(&f->idx, victims, 2), 1);
	assert_int_equal(victims[0], slots[3]);
	assert_int_equal(xsplit_pgi_get(&f->idx, 1002), slots[2]);
	free(f);
}

/* Reference model: per slot, what the cache should hold. */
struct model_slot {
	int state;
	u32 gref;
	u32 users;
	u64 last_used;
	u64 seq;		/* order of the last release */
};

struct model {
	struct model_slot s[T_BIG];
	u32 max;
	u64 seq;
	u64 hits, misses, purged;
};

static int model_find(const struct model *m, u32 gref)
{
	u32 i;

	for (i = 0; i < m->max; i++)
		if (m->s[i].state == XSPLIT_PGI_LIVE && m->s[i].gref == gref)
			return i;
	return -1;
}

/* The unused live slot released longest ago, or -1. */
static int model_oldest(const struct model *m)
{
	int best = -1;
	u32 i;

	for (i = 0; i < m->max; i++) {
		if (m->s[i].state != XSPLIT_PGI_LIVE || m->s[i].users)
			continue;
		if (best < 0 || m->s[i].seq < m->s[best].seq)
			best = i;
	}
	return best;
}

static bool model_has_free(const struct model *m)
{
	u32 i;

	for (i = 0; i < m->max; i++)
		if (m->s[i].state == XSPLIT_PGI_FREE)
			return true;
	return false;
}

static void step_get(struct fixture *f, struct model *m, u32 gref)
{
	int want = model_find(m, gref);
	int got = xsplit_pgi_get(&f->idx, gref);

	if (want < 0) {
		assert_int_equal(got, -ENOENT);
		m->misses++;
		return;
	}
	assert_int_equal(got, want);
	m->s[want].users++;
	m->hits++;
}

static void step_insert(struct fixture *f, struct model *m, u32 gref)
{
	int got = xsplit_pgi_insert(&f->idx, gref);

	if (model_find(m, gref) >= 0) {
		assert_int_equal(got, -EEXIST);
		return;
	}
	if (!model_has_free(m)) {
		assert_int_equal(got, -ENOSPC);
		return;
	}
	assert_true(got >= 0 && (u32)got < m->max);
	assert_int_equal(m->s[got].state, XSPLIT_PGI_FREE);
	m->s[got].state = XSPLIT_PGI_LIVE;
	m->s[got].gref = gref;
	m->s[got].users = 1;
}

static void step_put(struct fixture *f, struct model *m, u32 slot, u64 now)
{
	int got = xsplit_pgi_put(&f->idx, slot, now);
	struct model_slot *s = &m->s[slot];

	if (s->state != XSPLIT_PGI_LIVE || !s->users) {
		assert_int_equal(got, -EINVAL);
		return;
	}
	assert_int_equal(got, 0);
	s->last_used = now;
	if (!--s->users)
		s->seq = ++m->seq;
}

static void step_purge(struct fixture *f, struct model *m, u32 k, u64 now,
		       u64 age, bool idle)
{
	u32 victims[T_BIG];
	u32 n, i;
	int want;

	n = idle ? xsplit_pgi_purge_idle(&f->idx, now, age, victims, k) :
		   xsplit_pgi_purge_lru(&f->idx, victims, k);
	for (i = 0; i < n; i++) {
		want = model_oldest(m);
		assert_int_equal(victims[i], want);
		if (idle)
			assert_true(now - m->s[want].last_used >= age);
		m->s[want].state = XSPLIT_PGI_DEAD;
		m->purged++;
	}
	/* It stopped for a reason: the budget, no candidate, or too young. */
	want = model_oldest(m);
	if (n < k && want >= 0)
		assert_true(idle && now - m->s[want].last_used < age);
}

static void step_release(struct fixture *f, struct model *m, u32 slot)
{
	int got = xsplit_pgi_release(&f->idx, slot);

	if (m->s[slot].state != XSPLIT_PGI_DEAD) {
		assert_int_equal(got, -EINVAL);
		return;
	}
	assert_int_equal(got, 0);
	m->s[slot].state = XSPLIT_PGI_FREE;
}

static void test_random_vs_model(void **state)
{
	struct fixture *f = fx_new(16, 4);	/* small table: collisions */
	struct model m = { .max = 16 };
	u64 now = 0;
	u32 i, r;

	srand(12345);
	for (i = 0; i < 200000; i++) {
		r = (u32)rand();
		now += r & 1;
		switch ((r >> 1) % 7) {
		case 0:
		case 1:
			step_get(f, &m, (r >> 4) % 40);
			break;
		case 2:
			step_insert(f, &m, (r >> 4) % 40);
			break;
		case 3:
			step_put(f, &m, (r >> 4) % m.max, now);
			break;
		case 4:
			step_purge(f, &m, (r >> 4) % 4, now, (r >> 8) % 50,
				   (r >> 12) & 1);
			break;
		default:
			step_release(f, &m, (r >> 4) % m.max);
			break;
		}
		assert_int_equal(f->idx.stats.hits, m.hits);
		assert_int_equal(f->idx.stats.misses, m.misses);
		assert_int_equal(f->idx.stats.purged_lru +
				 f->idx.stats.purged_idle, m.purged);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_sizes),
		cmocka_unit_test(test_hit_miss),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_lru_order),
		cmocka_unit_test(test_in_use_never_purged),
		cmocka_unit_test(test_idle_purge),
		cmocka_unit_test(test_purge_all),
		cmocka_unit_test(test_hash_collisions),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests_name("grant_pcache", tests, NULL, NULL);
}

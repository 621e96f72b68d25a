/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outstanding ids: who owns each of ids 0..nr-1, us or the other end.
 *
 * A frontend names each request it puts on a ring by an id the backend
 * echoes in its response (blkfront's requests, netfront's tx slots); a
 * backend names the pages it lends (netback's zero-copy pool).  The other
 * end is not trusted to echo an id once, or one we gave at all: put()
 * refuses an id that is not outstanding, so a forged or repeated answer
 * can never free a slot twice or push the free stack past its size.
 *
 * Free ids are a stack (the most recently freed is reused first, its
 * data still warm in the cache); a fresh set hands out 0, 1, 2... so a
 * new ring's ids stay small.  Storage is the caller's: one u32 and one
 * byte per id.  The caller serializes calls on one set.  Header-only and
 * free of kernel calls: every module inlines it and the unit tests and
 * fuzzers build it in user space.
 */
#ifndef XSPLIT_IDS_H
#define XSPLIT_IDS_H

#include "xsplit_types.h"

struct xsplit_ids {
	u32 *free;	/* stack of free ids, nr deep */
	u8 *busy;	/* per id: outstanding */
	u32 nr;
	u32 nr_free;
};

/**
 * xsplit_ids_init - a set of @nr ids, all free
 * @ids: the set
 * @free: room for @nr ids, owned by the caller
 * @busy: @nr bytes, owned by the caller
 * @nr: ids 0..@nr-1
 *
 * Return: 0, or -EINVAL without storage or ids.
 */
static inline int xsplit_ids_init(struct xsplit_ids *ids, u32 *free, u8 *busy,
				  u32 nr)
{
	u32 i;

	if (!free || !busy || !nr)
		return -EINVAL;
	memset(busy, 0, nr);
	for (i = 0; i < nr; i++)
		free[i] = nr - 1 - i;	/* id 0 on top */
	*ids = (struct xsplit_ids){ free, busy, nr, nr };
	return 0;
}

/* Take a free id, now outstanding; -ENOSPC when all are out. */
static inline int xsplit_ids_get(struct xsplit_ids *ids)
{
	u32 id;

	if (!ids->nr_free)
		return -ENOSPC;
	id = ids->free[--ids->nr_free];
	ids->busy[id] = 1;
	return (int)id;
}

static inline bool xsplit_ids_busy(const struct xsplit_ids *ids, u32 id)
{
	return id < ids->nr && ids->busy[id];
}

/* End an outstanding id; -EINVAL if it was not (out of range, or free). */
static inline int xsplit_ids_put(struct xsplit_ids *ids, u32 id)
{
	if (!xsplit_ids_busy(ids, id))
		return -EINVAL;
	ids->busy[id] = 0;
	ids->free[ids->nr_free++] = id;
	return 0;
}

#endif /* XSPLIT_IDS_H */

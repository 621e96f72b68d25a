// SPDX-License-Identifier: GPL-2.0
/*
 * Outstanding-request table and response validator; see rsp.h.
 */
#include "blkfront/rsp.h"

/**
 * xsplit_blkf_tab_init - an empty table with every id free
 * @tab: the table
 * @ent: @nr entries, owned by the caller
 * @free: room for @nr ids, owned by the caller
 * @nr: ids 0..@nr-1 (the ring's size)
 *
 * Return: 0 or -EINVAL.
 */
int xsplit_blkf_tab_init(struct xsplit_blkf_tab *tab,
			 struct xsplit_blkf_out *ent, u32 *free, u32 nr)
{
	u32 i;

	if (!ent || !free || !nr)
		return -EINVAL;
	memset(ent, 0, sizeof(*ent) * nr);
	/* Lowest ids on top, which keeps a fresh ring's ids small. */
	for (i = 0; i < nr; i++)
		free[i] = nr - 1 - i;
	*tab = (struct xsplit_blkf_tab){ ent, free, nr, nr };
	return 0;
}

/* Take a free id for a request with this operation; -ENOSPC if none. */
int xsplit_blkf_tab_alloc(struct xsplit_blkf_tab *tab, u8 op, u8 indirect_op)
{
	struct xsplit_blkf_out *e;
	u32 id;

	if (!tab->nr_free)
		return -ENOSPC;
	id = tab->free[--tab->nr_free];
	e = &tab->ent[id];
	e->op = op;
	e->indirect_op = indirect_op;
	e->busy = 1;
	return (int)id;
}

/*
 * Give an id back without a response: a request never pushed, or one
 * taken back from a backend that went away.
 */
int xsplit_blkf_tab_release(struct xsplit_blkf_tab *tab, u32 id)
{
	if (id >= tab->nr || !tab->ent[id].busy)
		return -EINVAL;
	tab->ent[id].busy = 0;
	tab->free[tab->nr_free++] = id;
	return 0;
}

bool xsplit_blkf_tab_busy(const struct xsplit_blkf_tab *tab, u32 id)
{
	return id < tab->nr && tab->ent[id].busy;
}

/* Does the response's operation echo the request's? */
static bool op_matches(const struct xsplit_blkf_out *e, u8 op)
{
	if (op == e->op)
		return true;
	/* Backends answer an indirect request with either operation. */
	return e->op == XSPLIT_BLKIF_OP_INDIRECT && op == e->indirect_op;
}

static int map_status(s16 status, int *err)
{
	switch (status) {
	case XSPLIT_BLKIF_RSP_OKAY:
		*err = 0;
		return 0;
	case XSPLIT_BLKIF_RSP_EOPNOTSUPP:
		*err = -EOPNOTSUPP;
		return 0;
	case XSPLIT_BLKIF_RSP_ERROR:
		*err = -EIO;
		return 0;
	default:
		*err = -EIO;
		return -EBADMSG;
	}
}

/**
 * xsplit_blkf_rsp_check - validate one response against the table
 * @tab: outstanding requests
 * @rsp: the response, already copied off the shared ring
 * @done: on 0 or -EBADMSG: the id (now free again), status and operation
 *
 * Return: 0 for a valid response; -EBADMSG when the id and operation are
 * right but the status is outside the ABI (the request is done, with
 * -EIO); and, leaving the table unchanged, -ERANGE for an id outside the
 * table, -EALREADY for an id not on the ring (a duplicate or invented
 * response), -EPROTO for an operation that is not the request's.  The last
 * three mean the backend is broken or hostile.
 */
int xsplit_blkf_rsp_check(struct xsplit_blkf_tab *tab,
			  const struct xsplit_blkif_response *rsp,
			  struct xsplit_blkf_done *done)
{
	const struct xsplit_blkf_out *e;
	u64 id = rsp->id;
	int ret;

	if (id >= tab->nr)
		return -ERANGE;
	e = &tab->ent[id];
	if (!e->busy)
		return -EALREADY;
	if (!op_matches(e, rsp->operation))
		return -EPROTO;
	done->id = (u32)id;
	done->op = e->op;
	ret = map_status(rsp->status, &done->status);
	xsplit_blkf_tab_release(tab, done->id);
	return ret;
}

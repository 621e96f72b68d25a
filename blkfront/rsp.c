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
 * @busy: @nr bytes, owned by the caller
 * @nr: ids 0..@nr-1 (the ring's size)
 *
 * Return: 0 or -EINVAL.
 */
int xsplit_blkf_tab_init(struct xsplit_blkf_tab *tab,
			 struct xsplit_blkf_out *ent, u32 *free, u8 *busy,
			 u32 nr)
{
	if (!ent)
		return -EINVAL;
	memset(ent, 0, sizeof(*ent) * nr);
	tab->ent = ent;
	return xsplit_ids_init(&tab->ids, free, busy, nr);
}

/* Take a free id for a request with this operation; -ENOSPC if none. */
int xsplit_blkf_tab_alloc(struct xsplit_blkf_tab *tab, u8 op, u8 indirect_op)
{
	int id = xsplit_ids_get(&tab->ids);

	if (id < 0)
		return id;
	tab->ent[id].op = op;
	tab->ent[id].indirect_op = indirect_op;
	return id;
}

/*
 * Give an id back without a response: a request never pushed, or one
 * taken back from a backend that went away.
 */
int xsplit_blkf_tab_release(struct xsplit_blkf_tab *tab, u32 id)
{
	return xsplit_ids_put(&tab->ids, id);
}

bool xsplit_blkf_tab_busy(const struct xsplit_blkf_tab *tab, u32 id)
{
	return xsplit_ids_busy(&tab->ids, id);
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

	if (id >= tab->ids.nr)
		return -ERANGE;
	if (!xsplit_ids_busy(&tab->ids, (u32)id))
		return -EALREADY;
	e = &tab->ent[id];
	if (!op_matches(e, rsp->operation))
		return -EPROTO;
	done->id = (u32)id;
	done->op = e->op;
	ret = map_status(rsp->status, &done->status);
	xsplit_blkf_tab_release(tab, done->id);
	return ret;
}

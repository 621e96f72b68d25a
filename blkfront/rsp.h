/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frontend's table of outstanding ring requests and the validator of the
 * backend's responses.  Pure code, also built in user space for the unit
 * tests and the fuzzer.
 *
 * A request's ring id is its index in the table.  A response copied off the
 * ring (once, by the ring code) is accepted only if its id names a request
 * that is on the ring now and its operation echoes that request's; the id
 * is then free again, so a second response with the same id is refused.
 * The status is mapped to an errno; a value outside the ABI completes the
 * request with -EIO.
 */
#ifndef XSPLIT_BLKF_RSP_H
#define XSPLIT_BLKF_RSP_H

#include "ring/blkif.h"
#include "ring/xsplit_ids.h"

/* What we remember of a request while the backend holds it. */
struct xsplit_blkf_out {
	u8 op;			/* operation we wrote */
	u8 indirect_op;		/* READ/WRITE inside an INDIRECT request */
};

/* An id is outstanding (ids) while its request is on the ring. */
struct xsplit_blkf_tab {
	struct xsplit_blkf_out *ent;	/* ids.nr entries */
	struct xsplit_ids ids;
};

/* A response that passed the checks. */
struct xsplit_blkf_done {
	u32 id;
	int status;		/* 0, -EOPNOTSUPP or -EIO */
	u8 op;			/* the request's operation */
};

int xsplit_blkf_tab_init(struct xsplit_blkf_tab *tab,
			 struct xsplit_blkf_out *ent, u32 *free, u8 *busy,
			 u32 nr);
int xsplit_blkf_tab_alloc(struct xsplit_blkf_tab *tab, u8 op, u8 indirect_op);
int xsplit_blkf_tab_release(struct xsplit_blkf_tab *tab, u32 id);
bool xsplit_blkf_tab_busy(const struct xsplit_blkf_tab *tab, u32 id);
int xsplit_blkf_rsp_check(struct xsplit_blkf_tab *tab,
			  const struct xsplit_blkif_response *rsp,
			  struct xsplit_blkf_done *done);

#endif /* XSPLIT_BLKF_RSP_H */

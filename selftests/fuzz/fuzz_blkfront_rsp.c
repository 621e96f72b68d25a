// SPDX-License-Identifier: GPL-2.0
/*
 * A frontend consuming responses from a ring a hostile backend controls:
 * the response slots, rsp_prod at any moment.  The frontend side runs the
 * real path: copy a response off the ring once, check it against the
 * outstanding-request table, complete it.  A shadow model in the harness
 * checks that every request completes at most once, only after it was
 * issued, with the operation it was issued with, that the table's free
 * count always matches the model, and that a broken ring stays broken.
 *
 * Input: [order] then steps of one byte each, some followed by operands.
 */
#include <stdlib.h>

#include "blkfront/rsp.h"

#define MAX_ORDER 2
#define MAX_ENTS 128

/* Not assert(): a fuzzer must check whatever NDEBUG says. */
#define check(cond) do { if (!(cond)) abort(); } while (0)

enum step {
	STEP_ISSUE,		/* frontend: one request on the ring */
	STEP_DRAIN,		/* frontend: consume everything */
	STEP_ANSWER,		/* backend: a response with fuzzed fields */
	STEP_ANSWER_GOOD,	/* backend: a correct response to a request */
	STEP_SET_PROD,		/* backend: rsp_prod = anything */
	STEP_NR,
};

struct input {
	const u8 *data;
	size_t len, pos;
};

static u8 take8(struct input *in)
{
	return in->pos < in->len ? in->data[in->pos++] : 0;
}

static u32 take32(struct input *in)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | take8(in);
	return v;
}

static const u8 ops[] = {
	XSPLIT_BLKIF_OP_READ, XSPLIT_BLKIF_OP_WRITE,
	XSPLIT_BLKIF_OP_FLUSH_DISKCACHE, XSPLIT_BLKIF_OP_DISCARD,
	XSPLIT_BLKIF_OP_INDIRECT,
};

struct fe {
	struct xsplit_blkif_front front;
	struct xsplit_blkf_tab tab;
	struct xsplit_blkf_out ent[MAX_ENTS];
	u32 free[MAX_ENTS];
	u8 busy[MAX_ENTS];
	/* model */
	bool out[MAX_ENTS];
	u8 op[MAX_ENTS], iop[MAX_ENTS];
	u32 nr_out;
	bool broken;
	/* backend's private producer */
	u32 rsp_prod;
};

static void issue(struct fe *fe, struct input *in)
{
	struct xsplit_blkif_request req;
	u8 op = ops[take8(in) % sizeof(ops)];
	u8 iop = op == XSPLIT_BLKIF_OP_INDIRECT ? XSPLIT_BLKIF_OP_WRITE : 0;
	int id;

	if (fe->broken || xsplit_front_full(&fe->front.r))
		return;
	id = xsplit_blkf_tab_alloc(&fe->tab, op, iop);
	check(id >= 0 && !fe->out[id]);
	memset(&req, 0, sizeof(req));
	req.operation = op;
	req.u.rw.id = id;
	check(xsplit_blkif_front_put_req(&fe->front, &req) == 0);
	xsplit_front_push_reqs(&fe->front.r);
	fe->out[id] = true;
	fe->op[id] = op;
	fe->iop[id] = iop;
	fe->nr_out++;
}

static void complete(struct fe *fe, const struct xsplit_blkif_response *r)
{
	struct xsplit_blkf_done d;
	int ret = xsplit_blkf_rsp_check(&fe->tab, r, &d);

	if (ret && ret != -EBADMSG) {
		fe->broken = true;
		return;
	}
	check(d.id < fe->tab.ids.nr && fe->out[d.id]);
	check(r->operation == fe->op[d.id] || r->operation == fe->iop[d.id]);
	check(d.op == fe->op[d.id]);
	check(d.status == 0 || d.status == -EIO || d.status == -EOPNOTSUPP);
	fe->out[d.id] = false;
	fe->nr_out--;
}

static void drain(struct fe *fe)
{
	struct xsplit_blkif_response r;
	int ret;

	while (!fe->broken) {
		ret = xsplit_blkif_front_copy_rsp(&fe->front, &r);
		if (ret < 0) {
			fe->broken = true;
			check(xsplit_blkif_front_copy_rsp(&fe->front, &r) < 0);
			return;
		}
		if (!ret && xsplit_front_final_check(&fe->front.r) <= 0)
			return;
		if (ret)
			complete(fe, &r);
	}
}

/* The backend writes the next response slot and publishes it. */
static void answer(struct fe *fe, const struct xsplit_blkif_response *r)
{
	union xsplit_blkif_slot *slot;

	slot = xsplit_ring_slot(fe->front.r.sring, fe->front.r.nr_ents,
				fe->front.r.slot_size, fe->rsp_prod++);
	memcpy(&slot->rsp, r, sizeof(*r));
	WRITE_ONCE(fe->front.r.sring->rsp_prod, fe->rsp_prod);
}

static void answer_fuzzed(struct fe *fe, struct input *in)
{
	struct xsplit_blkif_response r;

	memset(&r, 0, sizeof(r));
	r.id = take8(in) & 1 ? take32(in) : take8(in) % MAX_ENTS;
	r.operation = take8(in);
	if (r.operation & 0x80)
		r.operation = ops[r.operation % sizeof(ops)];
	r.status = (s16)(take8(in) | take8(in) << 8);
	answer(fe, &r);
}

static void answer_good(struct fe *fe, struct input *in)
{
	struct xsplit_blkif_response r;
	u32 i, start = take8(in);

	memset(&r, 0, sizeof(r));
	for (i = 0; i < fe->tab.ids.nr; i++) {
		u32 id = (start + i) % fe->tab.ids.nr;

		if (fe->out[id]) {
			r.id = id;
			r.operation = fe->op[id];
			answer(fe, &r);
			return;
		}
	}
}

static void step(struct fe *fe, struct input *in)
{
	switch (take8(in) % STEP_NR) {
	case STEP_ISSUE:
		issue(fe, in);
		break;
	case STEP_DRAIN:
		drain(fe);
		break;
	case STEP_ANSWER:
		answer_fuzzed(fe, in);
		break;
	case STEP_ANSWER_GOOD:
		answer_good(fe, in);
		break;
	case STEP_SET_PROD:
		fe->rsp_prod = take32(in);
		WRITE_ONCE(fe->front.r.sring->rsp_prod, fe->rsp_prod);
		break;
	}
	check(fe->tab.ids.nr_free + fe->nr_out == fe->tab.ids.nr);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct input in = { data, len, 0 };
	unsigned int order = take8(&in) % (MAX_ORDER + 1);
	struct fe *fe = calloc(1, sizeof(*fe));
	void *page = malloc(XSPLIT_RING_BYTES(order));

	check(fe && page);
	check(xsplit_blkif_sring_init(page, order) == 0);
	check(xsplit_blkif_front_attach(&fe->front, page, order, 0) == 0);
	check(fe->front.r.nr_ents <= MAX_ENTS);
	check(xsplit_blkf_tab_init(&fe->tab, fe->ent, fe->free, fe->busy,
				   fe->front.r.nr_ents) == 0);
	while (in.pos < in.len)
		step(fe, &in);
	free(page);
	free(fe);
	return 0;
}

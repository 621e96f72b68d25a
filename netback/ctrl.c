// SPDX-License-Identifier: GPL-2.0
/*
 * Control-ring message handler and the Toeplitz hash (see ctrl.h).  The
 * parameter checks follow Linux's netback so frontends written against it
 * (Windows PV drivers use the control ring) behave the same.
 */
#include "netback/ctrl.h"

#define BITS_PER_BYTE_ 8U
#define TOEPLITZ_WINDOW_BITS 32U
/* SET_HASH_KEY / SET_HASH_MAPPING: data[0] gref, data[1] length ... */
#define CTRL_GREF 0
#define CTRL_LEN 1
/* ... and data[2] the first mapping entry to set. */
#define CTRL_OFF 2

void xsplit_nb_ctrl_init(struct xsplit_nb_ctrl *ctrl, u32 nr_queues)
{
	memset(ctrl, 0, sizeof(*ctrl));
	ctrl->nr_queues = nr_queues ? nr_queues : 1;
}

static u32 set_flags(struct xsplit_nb_ctrl *ctrl, u32 flags)
{
	if (flags & ~XSPLIT_NB_HASH_TYPES_SUPPORTED)
		return XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	/* Hash types mean nothing until an algorithm is chosen. */
	if (ctrl->hash.alg == XSPLIT_NETIF_CTRL_HASH_ALGORITHM_NONE)
		return XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	ctrl->hash.flags = flags;
	return XSPLIT_NETIF_CTRL_STATUS_SUCCESS;
}

static u32 set_alg(struct xsplit_nb_ctrl *ctrl, u32 alg)
{
	if (!xsplit_netif_hash_algorithm_valid(alg))
		return XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	ctrl->hash.alg = alg;
	return XSPLIT_NETIF_CTRL_STATUS_SUCCESS;
}

static u32 set_mapping_size(struct xsplit_nb_ctrl *ctrl, u32 size)
{
	if (size > XSPLIT_NETIF_HASH_MAPPING_MAX)
		return XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	ctrl->hash.size = size;
	/* Every entry points at queue 0 until the frontend says otherwise. */
	memset(ctrl->hash.mapping, 0, sizeof(ctrl->hash.mapping));
	return XSPLIT_NETIF_CTRL_STATUS_SUCCESS;
}

/* Entries [off, off + len) must lie in the table the frontend sized. */
static bool mapping_range_ok(const struct xsplit_nb_ctrl *ctrl, u32 off,
			     u32 len)
{
	return off <= ctrl->hash.size && len <= ctrl->hash.size - off;
}

static enum xsplit_nb_ctrl_step ask_copy(struct xsplit_nb_ctrl_copy *copy,
					 u32 gref, u32 len)
{
	copy->gref = gref;
	copy->len = len;
	return XSPLIT_NB_CTRL_COPY;
}

static enum xsplit_nb_ctrl_step
begin_copy(struct xsplit_nb_ctrl *ctrl,
	   const struct xsplit_netif_ctrl_request *req,
	   struct xsplit_netif_ctrl_response *rsp,
	   struct xsplit_nb_ctrl_copy *copy)
{
	u32 gref = req->data[CTRL_GREF], len = req->data[CTRL_LEN];

	rsp->status = XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	if (req->type == XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY) {
		if (len > XSPLIT_NETIF_HASH_KEY_SIZE)
			return XSPLIT_NB_CTRL_DONE;
		return ask_copy(copy, gref, len);
	}
	if (!mapping_range_ok(ctrl, req->data[CTRL_OFF], len))
		return XSPLIT_NB_CTRL_DONE;
	return ask_copy(copy, gref, len * (u32)sizeof(u32));
}

/**
 * xsplit_nb_ctrl_begin - first step of one control message
 * @ctrl: the vif's control state
 * @req: private copy of the request
 * @rsp: the response, filled in when the result is XSPLIT_NB_CTRL_DONE
 * @copy: the grant copy to perform when the result is XSPLIT_NB_CTRL_COPY
 *
 * Return: the next step.
 */
enum xsplit_nb_ctrl_step
xsplit_nb_ctrl_begin(struct xsplit_nb_ctrl *ctrl,
		     const struct xsplit_netif_ctrl_request *req,
		     struct xsplit_netif_ctrl_response *rsp,
		     struct xsplit_nb_ctrl_copy *copy)
{
	*rsp = (struct xsplit_netif_ctrl_response){
		.id = req->id, .type = req->type,
		.status = XSPLIT_NETIF_CTRL_STATUS_SUCCESS,
	};
	*copy = (struct xsplit_nb_ctrl_copy){ 0 };
	switch (req->type) {
	case XSPLIT_NETIF_CTRL_TYPE_GET_HASH_FLAGS:
		rsp->data = XSPLIT_NB_HASH_TYPES_SUPPORTED;
		break;
	case XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS:
		rsp->status = set_flags(ctrl, req->data[0]);
		break;
	case XSPLIT_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE:
		rsp->data = XSPLIT_NETIF_HASH_MAPPING_MAX;
		break;
	case XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE:
		rsp->status = set_mapping_size(ctrl, req->data[0]);
		break;
	case XSPLIT_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM:
		rsp->status = set_alg(ctrl, req->data[0]);
		break;
	case XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY:
	case XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING:
		return begin_copy(ctrl, req, rsp, copy);
	default:
		rsp->status = XSPLIT_NETIF_CTRL_STATUS_NOT_SUPPORTED;
		break;
	}
	return XSPLIT_NB_CTRL_DONE;
}

static u32 finish_key(struct xsplit_nb_ctrl *ctrl, u32 len)
{
	/* A short key is zero-padded, as Linux's netback does. */
	memset(ctrl->hash.key, 0, sizeof(ctrl->hash.key));
	memcpy(ctrl->hash.key, ctrl->staging, len);
	return XSPLIT_NETIF_CTRL_STATUS_SUCCESS;
}

static u32 finish_mapping(struct xsplit_nb_ctrl *ctrl, u32 off, u32 len)
{
	u32 i, q;

	/* Check every entry before touching the live table. */
	for (i = 0; i < len; i++) {
		memcpy(&q, ctrl->staging + i * sizeof(q), sizeof(q));
		if (q >= ctrl->nr_queues)
			return XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	}
	memcpy(&ctrl->hash.mapping[off], ctrl->staging, len * sizeof(q));
	return XSPLIT_NETIF_CTRL_STATUS_SUCCESS;
}

/**
 * xsplit_nb_ctrl_finish - second step, after the grant copy
 * @ctrl: the vif's control state; the copied bytes are in ctrl->staging
 * @req: the same request as for xsplit_nb_ctrl_begin()
 * @rsp: the response, filled in
 * @copied: whether the grant copy succeeded
 */
void xsplit_nb_ctrl_finish(struct xsplit_nb_ctrl *ctrl,
			   const struct xsplit_netif_ctrl_request *req,
			   struct xsplit_netif_ctrl_response *rsp,
			   bool copied)
{
	u32 len = req->data[CTRL_LEN];

	*rsp = (struct xsplit_netif_ctrl_response){
		.id = req->id, .type = req->type,
		.status = XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER,
	};
	if (!copied)
		return;
	/* Re-check: the request is ours, but finish must stand alone. */
	if (req->type == XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY &&
	    len <= XSPLIT_NETIF_HASH_KEY_SIZE)
		rsp->status = finish_key(ctrl, len);
	else if (req->type == XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING &&
		 mapping_range_ok(ctrl, req->data[CTRL_OFF], len))
		rsp->status = finish_mapping(ctrl, req->data[CTRL_OFF], len);
}

/*
 * Toeplitz: for every set bit of the input, XOR in the 32-bit window of
 * the key that starts at that bit.  Key bits past the end read as zero.
 */
u32 xsplit_nb_toeplitz(const u8 *key, u32 keylen, const u8 *data, u32 len)
{
	u64 window = 0;
	u32 hash = 0, i, bit, next = 0;

	/* Preload 64 key bits: the window is the top 32. */
	for (i = 0; i < sizeof(window); i++)
		window = (window << BITS_PER_BYTE_) |
			 (next < keylen ? key[next++] : 0);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < BITS_PER_BYTE_; bit++) {
			if (data[i] & (0x80U >> bit))
				hash ^= (u32)(window >> TOEPLITZ_WINDOW_BITS);
			window <<= 1;
		}
		/* Eight bits used: refill the low byte. */
		window |= next < keylen ? key[next++] : 0;
	}
	return hash;
}

u32 xsplit_nb_hash_queue(const struct xsplit_nb_hash *hash, u32 value,
			 u32 nr_queues)
{
	/* The table may change under a reader: read the size once. */
	u32 size = READ_ONCE(hash->size), q;

	if (!nr_queues)
		return 0;
	if (!size || size > XSPLIT_NETIF_HASH_MAPPING_MAX)
		return value % nr_queues;
	q = READ_ONCE(hash->mapping[value % size]);
	return q < nr_queues ? q : 0;
}

/**
 * xsplit_nb_ctrl_serve - answer the control ring's requests, a bounded number
 * @b: the ring's back end
 * @budget: requests to answer at most in this call
 * @ops: answer one request, notify the frontend
 * @arg: handed to @ops
 * @served: set to the number of requests answered
 *
 * Answers until the ring stays empty past its final check, or until
 * @budget is used up: a frontend refilling the ring as fast as we answer
 * would otherwise keep the caller (a work item on a shared workqueue)
 * for ever.
 */
enum xsplit_nb_ctrl_run
xsplit_nb_ctrl_serve(struct xsplit_netif_ctrl_back *b, u32 budget,
		     const struct xsplit_nb_ctrl_serve_ops *ops, void *arg,
		     u32 *served)
{
	struct xsplit_netif_ctrl_request req;
	int ret = 0;

	*served = 0;
	do {
		while (*served < budget &&
		       (ret = xsplit_netif_ctrl_back_copy_req(b, &req)) > 0) {
			ops->answer(arg, &req);
			(*served)++;
		}
		if (xsplit_back_push_rsps(&b->r))
			ops->notify(arg);
		if (ret < 0)
			return XSPLIT_NB_CTRL_BROKEN;
		if (*served == budget)
			return XSPLIT_NB_CTRL_AGAIN;
	} while ((ret = xsplit_back_final_check(&b->r)) > 0);
	return ret < 0 ? XSPLIT_NB_CTRL_BROKEN : XSPLIT_NB_CTRL_IDLE;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control-ring messages (feature-ctrl-ring): the frontend configures the
 * Toeplitz hash that spreads guest-bound packets over the queues and that
 * is passed to the guest in a HASH extra-info slot.  Pure code: the kernel
 * side copies each request out of the ring once, performs the one grant
 * copy a message may need, and hands the bytes back here.
 *
 * A message is handled in two steps so the grant copy stays outside:
 *   xsplit_nb_ctrl_begin()   validate; answer at once, or ask for a copy
 *                            of @len bytes from offset 0 of @gref into
 *                            the staging buffer
 *   xsplit_nb_ctrl_finish()  with the copy's outcome: validate the copied
 *                            bytes, apply them, answer
 * Configuration only changes when a message is valid as a whole.
 */
#ifndef XSPLIT_NB_CTRL_H
#define XSPLIT_NB_CTRL_H

#include "xsplit_types.h"
#include "ring/netif.h"

#define XSPLIT_NB_HASH_TYPES_SUPPORTED	XSPLIT_NETIF_CTRL_HASH_TYPE_ALL
#define XSPLIT_NB_CTRL_STAGING \
	(XSPLIT_NETIF_HASH_MAPPING_MAX * sizeof(u32))

struct xsplit_nb_hash {
	u32 alg;		/* XSPLIT_NETIF_CTRL_HASH_ALGORITHM_* */
	u32 flags;		/* XSPLIT_NETIF_CTRL_HASH_TYPE_* */
	u8 key[XSPLIT_NETIF_HASH_KEY_SIZE];
	u32 size;		/* entries of mapping[] in use; 0: none */
	u32 mapping[XSPLIT_NETIF_HASH_MAPPING_MAX];
};

struct xsplit_nb_ctrl {
	struct xsplit_nb_hash hash;
	u32 nr_queues;		/* mapping entries must be below this */
	u8 staging[XSPLIT_NB_CTRL_STAGING];
};

/* A grant copy the kernel side performs between begin and finish. */
struct xsplit_nb_ctrl_copy {
	u32 gref;
	u32 len;		/* bytes, from offset 0 of the granted page */
};

enum xsplit_nb_ctrl_step {
	XSPLIT_NB_CTRL_DONE,	/* *rsp is the answer */
	XSPLIT_NB_CTRL_COPY,	/* perform *copy, then call finish */
};

void xsplit_nb_ctrl_init(struct xsplit_nb_ctrl *ctrl, u32 nr_queues);
enum xsplit_nb_ctrl_step
xsplit_nb_ctrl_begin(struct xsplit_nb_ctrl *ctrl,
		     const struct xsplit_netif_ctrl_request *req,
		     struct xsplit_netif_ctrl_response *rsp,
		     struct xsplit_nb_ctrl_copy *copy);
void xsplit_nb_ctrl_finish(struct xsplit_nb_ctrl *ctrl,
			   const struct xsplit_netif_ctrl_request *req,
			   struct xsplit_netif_ctrl_response *rsp,
			   bool copied);

/*
 * Serving the ring: the kernel side answers one request (its grant copy,
 * its response) and notifies the frontend; the loop is here.
 */
struct xsplit_nb_ctrl_serve_ops {
	void (*answer)(void *arg, const struct xsplit_netif_ctrl_request *req);
	void (*notify)(void *arg);
};

enum xsplit_nb_ctrl_run {
	XSPLIT_NB_CTRL_IDLE,	/* ring empty, req_event re-armed: EOI */
	XSPLIT_NB_CTRL_AGAIN,	/* budget used up: run again later */
	XSPLIT_NB_CTRL_BROKEN,	/* ring indices corrupt: stop serving */
};

enum xsplit_nb_ctrl_run
xsplit_nb_ctrl_serve(struct xsplit_netif_ctrl_back *b, u32 budget,
		     const struct xsplit_nb_ctrl_serve_ops *ops, void *arg,
		     u32 *served);

/* Toeplitz hash of @len bytes of @data with a key of @keylen bytes. */
u32 xsplit_nb_toeplitz(const u8 *key, u32 keylen, const u8 *data, u32 len);

/* Queue for @hash under the mapping table, or the hash modulo queues. */
u32 xsplit_nb_hash_queue(const struct xsplit_nb_hash *hash, u32 value,
			 u32 nr_queues);

#endif /* XSPLIT_NB_CTRL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the control-message handler: byte 0 sets the queue count, then each
 * 18-byte record is a request, a "copy succeeded" bit and a fill byte for
 * the copied data.  After every message the configuration must be sane:
 * flags known, mapping size in bounds, every live mapping entry a queue.
 */
#include <stdlib.h>

#include "netback/ctrl.h"

#define RECORD (sizeof(struct xsplit_netif_ctrl_request) + 2)

static void check(const struct xsplit_nb_ctrl *ctrl)
{
	u32 i;

	if (!xsplit_netif_hash_flags_valid(ctrl->hash.flags) ||
	    !xsplit_netif_hash_algorithm_valid(ctrl->hash.alg) ||
	    ctrl->hash.size > XSPLIT_NETIF_HASH_MAPPING_MAX)
		abort();
	for (i = 0; i < ctrl->hash.size; i++)
		if (ctrl->hash.mapping[i] >= ctrl->nr_queues)
			abort();
	if (xsplit_nb_hash_queue(&ctrl->hash, ctrl->hash.key[0] * 7919U,
				 ctrl->nr_queues) >= ctrl->nr_queues)
		abort();
}

static void one(struct xsplit_nb_ctrl *ctrl, const u8 *rec)
{
	struct xsplit_netif_ctrl_request req;
	struct xsplit_netif_ctrl_response rsp;
	struct xsplit_nb_ctrl_copy copy;
	u8 fill = rec[sizeof(req) + 1];

	memcpy(&req, rec, sizeof(req));
	if (xsplit_nb_ctrl_begin(ctrl, &req, &rsp, &copy) ==
	    XSPLIT_NB_CTRL_COPY) {
		if (copy.len > sizeof(ctrl->staging))
			abort();
		/* Mostly small values, so mapping entries are sometimes valid. */
		memset(ctrl->staging, fill & 0x3, copy.len);
		if (copy.len)
			ctrl->staging[0] = fill;
		xsplit_nb_ctrl_finish(ctrl, &req, &rsp, rec[sizeof(req)] & 1);
	}
	if (rsp.id != req.id || rsp.type != req.type ||
	    rsp.status > XSPLIT_NETIF_CTRL_STATUS_BUFFER_OVERFLOW)
		abort();
	check(ctrl);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct xsplit_nb_ctrl ctrl;
	size_t pos;

	if (size < 1)
		return 0;
	xsplit_nb_ctrl_init(&ctrl, data[0] % 9);
	for (pos = 1; pos + RECORD <= size; pos += RECORD)
		one(&ctrl, data + pos);
	(void)xsplit_nb_toeplitz(ctrl.hash.key, sizeof(ctrl.hash.key),
				 data, size);
	return 0;
}

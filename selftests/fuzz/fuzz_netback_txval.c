// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the tx-packet validator: bytes 0-1 set max_slots and fatal_slots,
 * the rest is a ring's worth of requests.  Packets are parsed back to back
 * as the backend would; every accepted packet must be safe to copy.
 */
#include <stdlib.h>

#include "netback/txval.h"

#define PAGE 4096U

static void check_packet(const struct xsplit_nb_txv *v)
{
	const struct xsplit_netif_extra_info *gso;
	u32 i, sum = v->first_len;

	if (v->len < XSPLIT_NB_ETH_HLEN || v->nr_frags + 1 > v->max_slots)
		abort();
	if (!xsplit_netif_in_page(v->first.offset, v->first_len))
		abort();
	for (i = 0; i < v->nr_frags; i++) {
		if (!v->frags[i].size ||
		    !xsplit_netif_in_page(v->frags[i].offset, v->frags[i].size))
			abort();
		sum += v->frags[i].size;
	}
	if (sum != v->len)
		abort();
	gso = xsplit_nb_txv_extra(v, XSPLIT_NETIF_EXTRA_TYPE_GSO);
	if (gso && (!gso->u.gso.size ||
		    !xsplit_netif_gso_type_valid(gso->u.gso.type)))
		abort();
}

static void check_done(const struct xsplit_nb_txv *v, int verdict)
{
	if (xsplit_nb_txv_slots(v) > 1 + XSPLIT_NB_MAX_EXTRAS + v->fatal_slots)
		abort();
	if (verdict == XSPLIT_NB_TXV_PACKET)
		check_packet(v);
	if ((verdict == XSPLIT_NB_TXV_MCAST_ADD ||
	     verdict == XSPLIT_NB_TXV_MCAST_DEL) && v->nr_frags)
		abort();
	if (verdict == XSPLIT_NB_TXV_PACKET && v->reason)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct xsplit_netif_tx_request req;
	static struct xsplit_nb_txv v;
	int verdict = XSPLIT_NB_TXV_MORE;
	u32 max_slots, fatal_slots;
	size_t pos = 2;

	if (size < 2)
		return 0;
	max_slots = data[0] % (XSPLIT_NB_FATAL_SLOTS_MAX + 8);
	fatal_slots = data[1] % (XSPLIT_NB_FATAL_SLOTS_MAX + 8);
	xsplit_nb_txv_init(&v, max_slots, fatal_slots);
	for (; pos + sizeof(req) <= size; pos += sizeof(req)) {
		memcpy(&req, data + pos, sizeof(req));
		verdict = xsplit_nb_txv_feed(&v, &req);
		if (verdict == XSPLIT_NB_TXV_MORE)
			continue;
		check_done(&v, verdict);
		if (verdict == XSPLIT_NB_TXV_FATAL)
			return 0;
		xsplit_nb_txv_init(&v, max_slots, fatal_slots);
	}
	return 0;
}

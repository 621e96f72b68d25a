/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of one packet on the tx ring (guest transmit), free of kernel
 * calls so the unit tests and a fuzzer exercise it in user space.
 *
 * The caller copies each request out of the shared ring exactly once and
 * feeds the copy here; the validator keeps everything it needs (ids for
 * the responses, offsets and sizes for the copies), so nothing is ever
 * re-read from shared memory.  A packet on the ring is:
 *
 *   first slot   size = whole packet length, flags say what follows
 *   extra slots  if EXTRA_INFO: extra-info records chained by FLAG_MORE
 *   data slots   while MORE_DATA: size = bytes in this slot
 *
 * Verdicts follow Linux's netback: a malformed but harmless packet is
 * dropped (every slot answered with an error); a frontend that breaks the
 * protocol in a way only a hostile or broken guest does (slots crossing a
 * page, more slots than fatal_slots, bad extra types, GSO size 0 or
 * GSO_BY_FRAGS) is fatal: the caller stops using the vif.
 */
#ifndef XSPLIT_NB_TXVAL_H
#define XSPLIT_NB_TXVAL_H

#include "xsplit_types.h"
#include "ring/netif.h"

/* Ethernet header: the shortest frame we can hand to the stack. */
#define XSPLIT_NB_ETH_HLEN		14U
/* Data slots every backend accepts; more are dropped (Linux's legacy). */
#define XSPLIT_NB_MAX_SLOTS_DEFAULT	XSPLIT_NETIF_NR_SLOTS_MIN
/* Data slots beyond which a frontend is treated as malicious. */
#define XSPLIT_NB_FATAL_SLOTS_DEFAULT	20U
/* Upper bound of fatal_skb_slots; sizes the per-queue parse state. */
#define XSPLIT_NB_FATAL_SLOTS_MAX	64U
/*
 * GSO sizes.  One no TCP stack makes is Linux's GSO_BY_FRAGS ("segment by
 * frag list", an SCTP special): fatal, as size 0 is.  A size below
 * Linux's TCP_MIN_GSO_SIZE (TCP_MIN_SND_MSS 48 less 40 bytes of options;
 * not in every kernel we build for) is raised to it, as the kernel does for
 * virtio guests (virtio_net_hdr_to_skb()): a 64 KiB packet then makes at
 * most 8192 segments when dom0 segments it in software, not 65535.
 */
#define XSPLIT_NB_GSO_BY_FRAGS		0xffffU
#define XSPLIT_NB_MIN_GSO_SIZE		8U
/* One extra-info record of each valid type at most. */
#define XSPLIT_NB_MAX_EXTRAS		(XSPLIT_NETIF_EXTRA_TYPE_MAX - 1)

enum xsplit_nb_txv_verdict {
	XSPLIT_NB_TXV_MORE,	 /* feed the next request */
	XSPLIT_NB_TXV_PACKET,	 /* a valid data packet */
	XSPLIT_NB_TXV_MCAST_ADD, /* a multicast filter add, no data */
	XSPLIT_NB_TXV_MCAST_DEL, /* a multicast filter removal, no data */
	XSPLIT_NB_TXV_DROP,	 /* answer every slot with an error */
	XSPLIT_NB_TXV_FATAL,	 /* protocol violation: disable the vif */
};

enum xsplit_nb_txv_reason {
	XSPLIT_NB_TXR_NONE,
	XSPLIT_NB_TXR_BAD_FLAGS,	/* unknown tx flag bits */
	XSPLIT_NB_TXR_SHORT,		/* shorter than an Ethernet header */
	XSPLIT_NB_TXR_ZERO_SLOT,	/* a data slot of 0 bytes */
	XSPLIT_NB_TXR_OVERSIZE_SLOT,	/* slot larger than the bytes left */
	XSPLIT_NB_TXR_TOO_MANY_SLOTS,	/* above max_slots */
	XSPLIT_NB_TXR_DUP_EXTRA,	/* the same extra type twice */
	XSPLIT_NB_TXR_BAD_MCAST,	/* multicast op with data or both ops */
	XSPLIT_NB_TXR_FATAL_SLOTS,	/* fatal: above fatal_slots */
	XSPLIT_NB_TXR_CROSS_PAGE,	/* fatal: offset + size > page */
	XSPLIT_NB_TXR_BAD_EXTRA,	/* fatal: extra type out of range */
	XSPLIT_NB_TXR_BAD_GSO,		/* fatal: GSO type or size */
	XSPLIT_NB_TXR_NR,
};

struct xsplit_nb_txv {
	/* limits, from xsplit_nb_txv_init() */
	u32 max_slots;
	u32 fatal_slots;

	/* parse state */
	u8 phase;
	u8 verdict;
	u8 reason;
	u32 remaining;		/* bytes of the packet not yet in a slot */

	/* the packet, valid once the verdict is not MORE */
	struct xsplit_netif_tx_request first;
	u32 len;		/* whole packet */
	u32 first_len;		/* bytes in the first slot */
	u32 nr_extras;		/* extra slots consumed */
	u32 extra_mask;		/* bit (type - 1) set for each present */
	struct xsplit_netif_extra_info extras[XSPLIT_NB_MAX_EXTRAS];
	u32 nr_frags;		/* data slots after the first */
	struct xsplit_netif_tx_request frags[XSPLIT_NB_FATAL_SLOTS_MAX];
};

void xsplit_nb_txv_init(struct xsplit_nb_txv *v, u32 max_slots,
			u32 fatal_slots);
enum xsplit_nb_txv_verdict
xsplit_nb_txv_feed(struct xsplit_nb_txv *v,
		   const struct xsplit_netif_tx_request *req);
const char *xsplit_nb_txv_reason_name(unsigned int reason);

/* Slots consumed so far: the number of responses the packet needs. */
static inline u32 xsplit_nb_txv_slots(const struct xsplit_nb_txv *v)
{
	return 1 + v->nr_extras + v->nr_frags;
}

static inline const struct xsplit_netif_extra_info *
xsplit_nb_txv_extra(const struct xsplit_nb_txv *v, unsigned int type)
{
	if (!xsplit_netif_extra_type_valid(type) ||
	    !(v->extra_mask & (1U << (type - 1))))
		return NULL;
	return &v->extras[type - 1];
}

#endif /* XSPLIT_NB_TXVAL_H */

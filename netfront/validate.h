/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netfront: checks of everything the backend writes on the tx and rx rings,
 * as pure code that also builds in user space (unit tests, fuzzer).
 *
 * Every response is first copied out of the shared ring (ring/netif.h), then
 * handed here.  Nothing here touches a page, an skb or a grant: the verdicts
 * tell the driver which buffer it may take, which it must repost untouched,
 * and whether the packet as a whole must be dropped.
 *
 * tx: each data request carries an id from a private free list; the backend
 * answers every request slot once, extra-info slots with status NULL.  An id
 * that is not outstanding, or a status outside the four defined values, is a
 * hostile response and must not free anything.
 *
 * rx: request i of the ring carries id (i mod ring size) and the buffer at
 * that index.  A packet is a first data slot, optionally followed by a chain
 * of extra-info slots (NETRXF_EXTRA_INFO on the first slot, then
 * EXTRA_FLAG_MORE on each extra), then more data slots while NETRXF_MORE_DATA
 * is set on the previous data slot.  An extra-info slot overlays the response,
 * so its buffer was never written and goes back to the backend.
 */
#ifndef XSPLIT_NETFRONT_VALIDATE_H
#define XSPLIT_NETFRONT_VALIDATE_H

#include "ring/netif.h"
#include "ring/xsplit_ids.h"

/* One-page rings: the only layout tx-ring-ref / rx-ring-ref can name. */
#define XSPLIT_NF_TX_RING_SIZE \
	XSPLIT_RING_SIZE(sizeof(union xsplit_netif_tx_slot), 0)
#define XSPLIT_NF_RX_RING_SIZE \
	XSPLIT_RING_SIZE(sizeof(union xsplit_netif_rx_slot), 0)
static_assert(XSPLIT_NF_TX_RING_SIZE == 256);
static_assert(XSPLIT_NF_RX_RING_SIZE == 256);

/* Smallest frame we hand to the stack: an Ethernet header. */
#define XSPLIT_NF_MIN_FRAME 14U
/*
 * The tx ids (ring/xsplit_ids.h): the ids the backend owes us an answer
 * for are outstanding, with their storage.
 */
struct xsplit_nf_txids {
	struct xsplit_ids ids;
	u32 free[XSPLIT_NF_TX_RING_SIZE];
	u8 busy[XSPLIT_NF_TX_RING_SIZE];
};

void xsplit_nf_txids_init(struct xsplit_nf_txids *t, u16 nr);

enum xsplit_nf_tx_verdict {
	XSPLIT_NF_TX_NULL,	/* answers an extra-info slot: nothing to do */
	XSPLIT_NF_TX_OK,	/* id's request was sent */
	XSPLIT_NF_TX_ERR,	/* id's request failed (error or dropped) */
	XSPLIT_NF_TX_BAD,	/* id not outstanding or status undefined */
};

enum xsplit_nf_tx_verdict
xsplit_nf_tx_check(const struct xsplit_nf_txids *t,
		   const struct xsplit_netif_tx_response *rsp);

/* What the driver does with the buffer of one rx slot. */
enum xsplit_nf_rx_use {
	XSPLIT_NF_RX_TAKE,	/* holds [off, off + len) of the packet */
	XSPLIT_NF_RX_REPOST,	/* unused (extra slot, error, drop): repost */
};

/* Extra-info types a backend may put on the rx ring. */
#define XSPLIT_NF_RX_EXTRAS (BIT(XSPLIT_NETIF_EXTRA_TYPE_GSO) | \
			     BIT(XSPLIT_NETIF_EXTRA_TYPE_HASH) | \
			     BIT(XSPLIT_NETIF_EXTRA_TYPE_XDP))

/* The packet being parsed; see xsplit_nf_rx_begin(). */
struct xsplit_nf_rx_pkt {
	unsigned int max_data;	/* data slots the driver can take */
	u16 flags;		/* XSPLIT_NETRXF_* of the first slot */
	u32 len;		/* bytes in the slots taken */
	unsigned int nr_data;	/* data slots seen */
	unsigned int nr_extra;	/* extra slots seen */
	u32 extra_mask;		/* BIT(type) of each extra seen */
	struct xsplit_netif_extra_info extra[XSPLIT_NETIF_EXTRA_TYPE_MAX];
	int err;		/* first reason to drop the packet, or 0 */
	u8 next;		/* private: what the next slot must be */
};

void xsplit_nf_rx_begin(struct xsplit_nf_rx_pkt *p, unsigned int max_data);
enum xsplit_nf_rx_use
xsplit_nf_rx_feed(struct xsplit_nf_rx_pkt *p,
		  const struct xsplit_netif_rx_response *rsp, u16 want_id,
		  u16 *off, u16 *len);
bool xsplit_nf_rx_done(const struct xsplit_nf_rx_pkt *p);
int xsplit_nf_rx_finish(struct xsplit_nf_rx_pkt *p);
void xsplit_nf_rx_truncated(struct xsplit_nf_rx_pkt *p);

/*
 * XDP (see xdp.c).  The verdicts are the kernel's UAPI values (enum
 * xdp_action, checked at build time); anything else a program returns is
 * counted as aborted.
 */
enum xsplit_nf_xdp_act {
	XSPLIT_NF_XDP_ABORTED = 0,
	XSPLIT_NF_XDP_DROP = 1,
	XSPLIT_NF_XDP_PASS = 2,
	XSPLIT_NF_XDP_TX = 3,
	XSPLIT_NF_XDP_REDIRECT = 4,
};

/* The per-verdict counter a program's return value goes to. */
enum xsplit_nf_xdp_ctr {
	XSPLIT_NF_XDP_CTR_PASS,
	XSPLIT_NF_XDP_CTR_DROP,
	XSPLIT_NF_XDP_CTR_TX,
	XSPLIT_NF_XDP_CTR_REDIRECT,
	XSPLIT_NF_XDP_CTR_ABORTED,
	XSPLIT_NF_XDP_NR_CTRS,
};

enum xsplit_nf_xdp_ctr xsplit_nf_xdp_ctr(u32 act);
int xsplit_nf_rx_xdp_data(const struct xsplit_nf_rx_pkt *p, unsigned int nr,
			  u16 *off, u16 *len);
bool xsplit_nf_xdp_fits(unsigned int nr_data, u32 off, u32 len, u32 page,
			u32 tailroom);
u32 xsplit_nf_xdp_max_mtu(u32 page, u32 headroom, u32 tailroom, u32 l2);

#endif /* XSPLIT_NETFRONT_VALIDATE_H */

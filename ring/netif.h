/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netif wire format: the tx and rx rings of a network queue, the extra
 * info slots that ride on them, and the optional control ring.  The layouts
 * are the same for every guest ABI.  Offsets and constants are checked
 * against the kernel's headers in layout_check.c.
 *
 * Only wire-level helpers live here; whole-packet validation belongs to the
 * drivers.
 */
#ifndef XSPLIT_NETIF_H
#define XSPLIT_NETIF_H

#include "ring/xsplit_ring.h"

/*
 * Slots a packet may use that every back end must accept; a back end may
 * accept more, a front end must not send more unless told so.
 */
#define XSPLIT_NETIF_NR_SLOTS_MIN	18
/* Largest packet on the tx ring: the first slot's 16-bit size field. */
#define XSPLIT_NETIF_MAX_TX_SIZE	0xFFFF
#define XSPLIT_NETIF_MAX_XDP_HEADROOM	0x7FFF
/* Toeplitz hash key size and mapping table size that we implement. */
#define XSPLIT_NETIF_HASH_KEY_SIZE	40
#define XSPLIT_NETIF_HASH_MAPPING_MAX	128

/* tx request flags */
#define XSPLIT_NETTXF_CSUM_BLANK	0x1U  /* checksum to fill in */
#define XSPLIT_NETTXF_DATA_VALIDATED	0x2U  /* checksum known good */
#define XSPLIT_NETTXF_MORE_DATA		0x4U  /* another slot follows */
#define XSPLIT_NETTXF_EXTRA_INFO	0x8U  /* an extra slot follows */
#define XSPLIT_NETTXF_ALL		0xfU

/* rx response flags */
#define XSPLIT_NETRXF_DATA_VALIDATED	0x1U
#define XSPLIT_NETRXF_CSUM_BLANK	0x2U
#define XSPLIT_NETRXF_MORE_DATA		0x4U
#define XSPLIT_NETRXF_EXTRA_INFO	0x8U
#define XSPLIT_NETRXF_GSO_PREFIX	0x10U  /* obsolete GSO prefix slot */

/* tx/rx response status; a positive rx status is a byte count */
enum xsplit_netif_status {
	XSPLIT_NETIF_RSP_DROPPED	= -2,
	XSPLIT_NETIF_RSP_ERROR		= -1,
	XSPLIT_NETIF_RSP_OKAY		= 0,
	XSPLIT_NETIF_RSP_NULL		= 1,	/* answers an extra-info slot */
};

/* Extra info: a slot of a packet that carries metadata, not data. */
enum xsplit_netif_extra_type {
	XSPLIT_NETIF_EXTRA_TYPE_NONE		= 0,	/* never valid */
	XSPLIT_NETIF_EXTRA_TYPE_GSO		= 1,
	XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD	= 2,
	XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL	= 3,
	XSPLIT_NETIF_EXTRA_TYPE_HASH		= 4,
	XSPLIT_NETIF_EXTRA_TYPE_XDP		= 5,
	XSPLIT_NETIF_EXTRA_TYPE_MAX		= 6,
};

/* extra_info.flags: another extra slot follows this one */
#define XSPLIT_NETIF_EXTRA_FLAG_MORE	0x1U

enum xsplit_netif_gso_type {
	XSPLIT_NETIF_GSO_TYPE_NONE	= 0,
	XSPLIT_NETIF_GSO_TYPE_TCPV4	= 1,
	XSPLIT_NETIF_GSO_TYPE_TCPV6	= 2,
};

struct xsplit_netif_tx_request {
	u32 gref;
	u16 offset;	/* of the data in the granted page */
	u16 flags;	/* XSPLIT_NETTXF_* */
	u16 id;		/* echoed in the response */
	u16 size;	/* first slot: whole packet; others: this slot */
};

struct xsplit_netif_tx_response {
	u16 id;
	s16 status;
};

struct xsplit_netif_rx_request {
	u16 id;
	u16 _pad;
	u32 gref;	/* page the back end may copy a packet into */
};

struct xsplit_netif_rx_response {
	u16 id;
	u16 offset;
	u16 flags;	/* XSPLIT_NETRXF_* */
	s16 status;	/* bytes received, or XSPLIT_NETIF_RSP_* < 0 */
};

struct xsplit_netif_extra_gso {
	u16 size;	/* MSS */
	u8 type;	/* XSPLIT_NETIF_GSO_TYPE_* */
	u8 _pad;
	u16 features;
};

struct xsplit_netif_extra_mcast {
	u8 addr[6];
};

struct xsplit_netif_extra_hash {
	u8 type;	/* XSPLIT_NETIF_CTRL_HASH_TYPE_* bit number */
	u8 algorithm;
	u8 value[4];
};

struct xsplit_netif_extra_xdp {
	u16 headroom;
	u16 _pad[2];
};

/* Occupies a tx request slot or an rx response slot. */
struct xsplit_netif_extra_info {
	u8 type;	/* XSPLIT_NETIF_EXTRA_TYPE_* */
	u8 flags;	/* XSPLIT_NETIF_EXTRA_FLAG_* */
	union {
		struct xsplit_netif_extra_gso gso;
		struct xsplit_netif_extra_mcast mcast;
		struct xsplit_netif_extra_hash hash;
		struct xsplit_netif_extra_xdp xdp;
		u16 pad[3];
	} u;
};

/* ---- control ring ---- */

enum xsplit_netif_ctrl_type {
	XSPLIT_NETIF_CTRL_TYPE_INVALID			= 0,
	XSPLIT_NETIF_CTRL_TYPE_GET_HASH_FLAGS		= 1,
	XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS		= 2,
	XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY		= 3,
	XSPLIT_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE	= 4,
	XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE	= 5,
	XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING		= 6,
	XSPLIT_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM	= 7,
	XSPLIT_NETIF_CTRL_TYPE_MAX			= 8,
};

enum xsplit_netif_ctrl_status {
	XSPLIT_NETIF_CTRL_STATUS_SUCCESS		= 0,
	XSPLIT_NETIF_CTRL_STATUS_NOT_SUPPORTED		= 1,
	XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER	= 2,
	XSPLIT_NETIF_CTRL_STATUS_BUFFER_OVERFLOW	= 3,
};

enum xsplit_netif_ctrl_hash_algorithm {
	XSPLIT_NETIF_CTRL_HASH_ALGORITHM_NONE		= 0,
	XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ	= 1,
};

/* Bit numbers of the hash types, as in extra_info.u.hash.type ... */
enum xsplit_netif_ctrl_hash_type_bit {
	XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4		= 0,
	XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4_TCP	= 1,
	XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6		= 2,
	XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6_TCP	= 3,
	XSPLIT_NETIF_CTRL_HASH_TYPE_BITS		= 4,
};

/* ... and as flags, in the hash-flags control messages. */
#define XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4 \
	(1U << XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4)
#define XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4_TCP \
	(1U << XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4_TCP)
#define XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6 \
	(1U << XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6)
#define XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6_TCP \
	(1U << XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6_TCP)
#define XSPLIT_NETIF_CTRL_HASH_TYPE_ALL \
	((1U << XSPLIT_NETIF_CTRL_HASH_TYPE_BITS) - 1)

#define XSPLIT_NETIF_CTRL_DATA_WORDS	3

struct xsplit_netif_ctrl_request {
	u16 id;
	u16 type;	/* XSPLIT_NETIF_CTRL_TYPE_* */
	u32 data[XSPLIT_NETIF_CTRL_DATA_WORDS];
};

struct xsplit_netif_ctrl_response {
	u16 id;
	u16 type;
	u32 status;	/* XSPLIT_NETIF_CTRL_STATUS_* */
	u32 data;
};

static_assert(sizeof(struct xsplit_netif_tx_request) == 12);
static_assert(sizeof(struct xsplit_netif_tx_response) == 4);
static_assert(sizeof(struct xsplit_netif_rx_request) == 8);
static_assert(sizeof(struct xsplit_netif_rx_response) == 8);
static_assert(sizeof(struct xsplit_netif_extra_info) == 8);
static_assert(sizeof(struct xsplit_netif_ctrl_request) == 16);
static_assert(sizeof(struct xsplit_netif_ctrl_response) == 12);

XSPLIT_DEFINE_RING(xsplit_netif_tx, struct xsplit_netif_tx_request,
		   struct xsplit_netif_tx_response)
XSPLIT_DEFINE_RING(xsplit_netif_rx, struct xsplit_netif_rx_request,
		   struct xsplit_netif_rx_response)
XSPLIT_DEFINE_RING(xsplit_netif_ctrl, struct xsplit_netif_ctrl_request,
		   struct xsplit_netif_ctrl_response)

/*
 * An extra-info slot sits in a slot of the tx request / rx response union;
 * these views give it its own type while reading from a private copy.
 */
static_assert(sizeof(struct xsplit_netif_extra_info) <=
	      sizeof(struct xsplit_netif_tx_request));
static_assert(sizeof(struct xsplit_netif_extra_info) <=
	      sizeof(struct xsplit_netif_rx_response));

static inline void
xsplit_netif_tx_extra(struct xsplit_netif_extra_info *extra,
		      const struct xsplit_netif_tx_request *req)
{
	memcpy(extra, req, sizeof(*extra));
}

static inline void
xsplit_netif_rx_extra(struct xsplit_netif_extra_info *extra,
		      const struct xsplit_netif_rx_response *rsp)
{
	memcpy(extra, rsp, sizeof(*extra));
}

/* ---- wire-level helpers ---- */

/* 4 KiB ring pages whose slots a buffer of len bytes at offset spans. */
static inline unsigned int xsplit_netif_slots(u32 offset, u32 len)
{
	u64 end = (u64)(offset % XSPLIT_RING_PAGE_SIZE) + len;

	return (end + XSPLIT_RING_PAGE_SIZE - 1) >> XSPLIT_RING_PAGE_SHIFT;
}

/* Does [offset, offset + len) stay inside one granted page? */
static inline bool xsplit_netif_in_page(u32 offset, u32 len)
{
	return offset <= XSPLIT_RING_PAGE_SIZE &&
	       len <= XSPLIT_RING_PAGE_SIZE - offset;
}

static inline bool xsplit_netif_extra_type_valid(u8 type)
{
	return type > XSPLIT_NETIF_EXTRA_TYPE_NONE &&
	       type < XSPLIT_NETIF_EXTRA_TYPE_MAX;
}

static inline bool xsplit_netif_gso_type_valid(u8 type)
{
	return type == XSPLIT_NETIF_GSO_TYPE_TCPV4 ||
	       type == XSPLIT_NETIF_GSO_TYPE_TCPV6;
}

static inline bool xsplit_netif_tx_flags_valid(u16 flags)
{
	return !(flags & ~XSPLIT_NETTXF_ALL);
}

static inline bool xsplit_netif_ctrl_type_valid(u16 type)
{
	return type > XSPLIT_NETIF_CTRL_TYPE_INVALID &&
	       type < XSPLIT_NETIF_CTRL_TYPE_MAX;
}

static inline bool xsplit_netif_hash_flags_valid(u32 flags)
{
	return !(flags & ~XSPLIT_NETIF_CTRL_HASH_TYPE_ALL);
}

static inline bool xsplit_netif_hash_algorithm_valid(u32 alg)
{
	return alg == XSPLIT_NETIF_CTRL_HASH_ALGORITHM_NONE ||
	       alg == XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
}

/* How much of a packet a hash extra-info's type says the hash covers. */
enum xsplit_netif_hash_level {
	XSPLIT_NETIF_HASH_NONE,		/* an unknown type: no hash */
	XSPLIT_NETIF_HASH_L3,		/* the addresses */
	XSPLIT_NETIF_HASH_L4,		/* the addresses and TCP ports */
};

/*
 * A frontend may pass the hash it computed with a transmitted packet
 * (an XSPLIT_NETIF_EXTRA_TYPE_HASH slot; its type is a hash-type bit
 * number).  Any type the protocol does not define is no hash at all.
 */
static inline enum xsplit_netif_hash_level
xsplit_netif_hash_level(u8 type_bit)
{
	switch (type_bit) {
	case XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4:
	case XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6:
		return XSPLIT_NETIF_HASH_L3;
	case XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4_TCP:
	case XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6_TCP:
		return XSPLIT_NETIF_HASH_L4;
	default:
		return XSPLIT_NETIF_HASH_NONE;
	}
}

#endif /* XSPLIT_NETIF_H */

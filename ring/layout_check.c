// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time proof that ring/'s layouts and constants are Xen's: every size,
 * every field offset and width, every constant is compared with the kernel's
 * <xen/interface/io/{ring,blkif,netif}.h>.  A mismatch fails the build.
 * The x86_32 blkif layout has no kernel header (blkback keeps it private),
 * so it is pinned to the i386 ABI's offsets by number.  No code.
 */
#include <linux/stddef.h>
#include <xen/page.h>
#include <xen/interface/io/ring.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/netif.h>

#include "ring/xsplit_ring.h"
#include "ring/blkif.h"
#include "ring/netif.h"

#define SAME_SIZE(ours, theirs) \
	static_assert(sizeof(ours) == sizeof(theirs))
/* Same offset and same width: a field can be neither moved nor resized. */
#define SAME_FIELD(ours, ofield, theirs, tfield)			\
	static_assert(offsetof(ours, ofield) == offsetof(theirs, tfield) && \
		      sizeof_field(ours, ofield) == sizeof_field(theirs, tfield))
#define AT(type, field, off, size)					\
	static_assert(offsetof(type, field) == (off) &&			\
		      sizeof_field(type, field) == (size))
#define SAME_CONST(ours, theirs) static_assert((ours) == (theirs))

/* ---- the shared ring ---- */

SAME_CONST(XSPLIT_RING_PAGE_SIZE, XEN_PAGE_SIZE);
SAME_CONST(XSPLIT_RING_PAGE_SHIFT, XEN_PAGE_SHIFT);
SAME_FIELD(struct xsplit_sring, req_prod, struct blkif_sring, req_prod);
SAME_FIELD(struct xsplit_sring, req_event, struct blkif_sring, req_event);
SAME_FIELD(struct xsplit_sring, rsp_prod, struct blkif_sring, rsp_prod);
SAME_FIELD(struct xsplit_sring, rsp_event, struct blkif_sring, rsp_event);
SAME_FIELD(struct xsplit_sring, pad, struct blkif_sring, __pad);
static_assert(offsetof(struct xsplit_sring, slots) ==
	      offsetof(struct blkif_sring, ring));
SAME_SIZE(u32, RING_IDX);

/* Slot size and the number of slots for every page order we support. */
#define SAME_ORDER(ours, theirs, order)					\
	(XSPLIT_RING_SIZE(sizeof(union ours##_slot), order) ==		\
	 __CONST_RING_SIZE(theirs, XEN_PAGE_SIZE << (order)))
#define SAME_RING(ours, theirs)						\
	static_assert(sizeof(union ours##_slot) ==			\
		      sizeof(union theirs##_sring_entry) &&		\
		      SAME_ORDER(ours, theirs, 0) &&			\
		      SAME_ORDER(ours, theirs, 1) &&			\
		      SAME_ORDER(ours, theirs, 2) &&			\
		      SAME_ORDER(ours, theirs, 3) &&			\
		      SAME_ORDER(ours, theirs, 4))

static_assert(XSPLIT_RING_MAX_ORDER == 4);
SAME_RING(xsplit_blkif, blkif);
SAME_RING(xsplit_netif_tx, xen_netif_tx);
SAME_RING(xsplit_netif_rx, xen_netif_rx);
SAME_RING(xsplit_netif_ctrl, xen_netif_ctrl);

/* ---- blkif constants ---- */

SAME_CONST(XSPLIT_BLKIF_OP_READ, BLKIF_OP_READ);
SAME_CONST(XSPLIT_BLKIF_OP_WRITE, BLKIF_OP_WRITE);
SAME_CONST(XSPLIT_BLKIF_OP_WRITE_BARRIER, BLKIF_OP_WRITE_BARRIER);
SAME_CONST(XSPLIT_BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_FLUSH_DISKCACHE);
SAME_CONST(XSPLIT_BLKIF_OP_DISCARD, BLKIF_OP_DISCARD);
SAME_CONST(XSPLIT_BLKIF_OP_INDIRECT, BLKIF_OP_INDIRECT);
SAME_CONST(XSPLIT_BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_EOPNOTSUPP);
SAME_CONST(XSPLIT_BLKIF_RSP_ERROR, BLKIF_RSP_ERROR);
SAME_CONST(XSPLIT_BLKIF_RSP_OKAY, BLKIF_RSP_OKAY);
SAME_CONST(XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST,
	   BLKIF_MAX_SEGMENTS_PER_REQUEST);
SAME_CONST(XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST,
	   BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
SAME_CONST(XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME,
	   XEN_PAGE_SIZE / sizeof(struct blkif_request_segment));
SAME_CONST(XSPLIT_BLKIF_DISCARD_SECURE, BLKIF_DISCARD_SECURE);
SAME_CONST(XSPLIT_VDISK_CDROM, VDISK_CDROM);
SAME_CONST(XSPLIT_VDISK_REMOVABLE, VDISK_REMOVABLE);
SAME_CONST(XSPLIT_VDISK_READONLY, VDISK_READONLY);

/* ---- blkif native layout (x86_64 here) ---- */

#define B_REQ struct xsplit_blkif_request
#define K_REQ struct blkif_request
SAME_SIZE(struct xsplit_blkif_segment, struct blkif_request_segment);
SAME_FIELD(struct xsplit_blkif_segment, gref,
	   struct blkif_request_segment, gref);
SAME_FIELD(struct xsplit_blkif_segment, first_sect,
	   struct blkif_request_segment, first_sect);
SAME_FIELD(struct xsplit_blkif_segment, last_sect,
	   struct blkif_request_segment, last_sect);
SAME_SIZE(B_REQ, K_REQ);
SAME_FIELD(B_REQ, operation, K_REQ, operation);
SAME_FIELD(B_REQ, u.rw.nr_segments, K_REQ, u.rw.nr_segments);
SAME_FIELD(B_REQ, u.rw.handle, K_REQ, u.rw.handle);
SAME_FIELD(B_REQ, u.rw.id, K_REQ, u.rw.id);
SAME_FIELD(B_REQ, u.rw.sector_number, K_REQ, u.rw.sector_number);
SAME_FIELD(B_REQ, u.rw.seg, K_REQ, u.rw.seg);
SAME_FIELD(B_REQ, u.discard.flag, K_REQ, u.discard.flag);
SAME_FIELD(B_REQ, u.discard.id, K_REQ, u.discard.id);
SAME_FIELD(B_REQ, u.discard.sector_number, K_REQ, u.discard.sector_number);
SAME_FIELD(B_REQ, u.discard.nr_sectors, K_REQ, u.discard.nr_sectors);
SAME_FIELD(B_REQ, u.other.id, K_REQ, u.other.id);
SAME_FIELD(B_REQ, u.indirect.indirect_op, K_REQ, u.indirect.indirect_op);
SAME_FIELD(B_REQ, u.indirect.nr_segments, K_REQ, u.indirect.nr_segments);
SAME_FIELD(B_REQ, u.indirect.id, K_REQ, u.indirect.id);
SAME_FIELD(B_REQ, u.indirect.sector_number,
	   K_REQ, u.indirect.sector_number);
SAME_FIELD(B_REQ, u.indirect.handle, K_REQ, u.indirect.handle);
SAME_FIELD(B_REQ, u.indirect.indirect_grefs,
	   K_REQ, u.indirect.indirect_grefs);
SAME_SIZE(struct xsplit_blkif_response, struct blkif_response);
SAME_FIELD(struct xsplit_blkif_response, id, struct blkif_response, id);
SAME_FIELD(struct xsplit_blkif_response, operation,
	   struct blkif_response, operation);
SAME_FIELD(struct xsplit_blkif_response, status,
	   struct blkif_response, status);

/* ---- blkif x86_32 layout: the i386 ABI, by number ---- */

#define R32 struct xsplit_blkif_x86_32_request
AT(R32, operation, 0, 1);
AT(R32, u.rw.nr_segments, 1, 1);
AT(R32, u.rw.handle, 2, 2);
AT(R32, u.rw.id, 4, 8);
AT(R32, u.rw.sector_number, 12, 8);
AT(R32, u.rw.seg, 20, 88);
AT(R32, u.discard.flag, 1, 1);
AT(R32, u.discard.id, 4, 8);
AT(R32, u.discard.sector_number, 12, 8);
AT(R32, u.discard.nr_sectors, 20, 8);
AT(R32, u.other.id, 4, 8);
AT(R32, u.indirect.indirect_op, 1, 1);
AT(R32, u.indirect.nr_segments, 2, 2);
AT(R32, u.indirect.id, 4, 8);
AT(R32, u.indirect.sector_number, 12, 8);
AT(R32, u.indirect.handle, 20, 2);
AT(R32, u.indirect.indirect_grefs, 24, 32);
static_assert(sizeof(R32) == 108);
AT(struct xsplit_blkif_x86_32_response, id, 0, 8);
AT(struct xsplit_blkif_x86_32_response, operation, 8, 1);
AT(struct xsplit_blkif_x86_32_response, status, 10, 2);
static_assert(sizeof(union xsplit_blkif_x86_32_slot) == 108);

/* ---- blkif x86_64 layout: the kernel's own on x86_64 ---- */

#define R64 struct xsplit_blkif_x86_64_request
AT(R64, operation, 0, 1);
AT(R64, u.rw.nr_segments, 1, 1);
AT(R64, u.rw.handle, 2, 2);
AT(R64, u.rw.id, 8, 8);
AT(R64, u.rw.sector_number, 16, 8);
AT(R64, u.rw.seg, 24, 88);
AT(R64, u.discard.flag, 1, 1);
AT(R64, u.discard.id, 8, 8);
AT(R64, u.discard.sector_number, 16, 8);
AT(R64, u.discard.nr_sectors, 24, 8);
AT(R64, u.other.id, 8, 8);
AT(R64, u.indirect.indirect_op, 1, 1);
AT(R64, u.indirect.nr_segments, 2, 2);
AT(R64, u.indirect.id, 8, 8);
AT(R64, u.indirect.sector_number, 16, 8);
AT(R64, u.indirect.handle, 24, 2);
AT(R64, u.indirect.indirect_grefs, 28, 32);
static_assert(sizeof(R64) == 112);
AT(struct xsplit_blkif_x86_64_response, id, 0, 8);
AT(struct xsplit_blkif_x86_64_response, operation, 8, 1);
AT(struct xsplit_blkif_x86_64_response, status, 10, 2);
static_assert(sizeof(union xsplit_blkif_x86_64_slot) == 112);

/* ---- netif constants ---- */

SAME_CONST(XSPLIT_NETIF_NR_SLOTS_MIN, XEN_NETIF_NR_SLOTS_MIN);
SAME_CONST(XSPLIT_NETIF_MAX_TX_SIZE, XEN_NETIF_MAX_TX_SIZE);
SAME_CONST(XSPLIT_NETIF_MAX_XDP_HEADROOM, XEN_NETIF_MAX_XDP_HEADROOM);
SAME_CONST(XSPLIT_NETTXF_CSUM_BLANK, XEN_NETTXF_csum_blank);
SAME_CONST(XSPLIT_NETTXF_DATA_VALIDATED, XEN_NETTXF_data_validated);
SAME_CONST(XSPLIT_NETTXF_MORE_DATA, XEN_NETTXF_more_data);
SAME_CONST(XSPLIT_NETTXF_EXTRA_INFO, XEN_NETTXF_extra_info);
SAME_CONST(XSPLIT_NETRXF_DATA_VALIDATED, XEN_NETRXF_data_validated);
SAME_CONST(XSPLIT_NETRXF_CSUM_BLANK, XEN_NETRXF_csum_blank);
SAME_CONST(XSPLIT_NETRXF_MORE_DATA, XEN_NETRXF_more_data);
SAME_CONST(XSPLIT_NETRXF_EXTRA_INFO, XEN_NETRXF_extra_info);
SAME_CONST(XSPLIT_NETRXF_GSO_PREFIX, XEN_NETRXF_gso_prefix);
SAME_CONST(XSPLIT_NETIF_RSP_DROPPED, XEN_NETIF_RSP_DROPPED);
SAME_CONST(XSPLIT_NETIF_RSP_ERROR, XEN_NETIF_RSP_ERROR);
SAME_CONST(XSPLIT_NETIF_RSP_OKAY, XEN_NETIF_RSP_OKAY);
SAME_CONST(XSPLIT_NETIF_RSP_NULL, XEN_NETIF_RSP_NULL);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_NONE, XEN_NETIF_EXTRA_TYPE_NONE);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_TYPE_GSO);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_MCAST_DEL, XEN_NETIF_EXTRA_TYPE_MCAST_DEL);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_TYPE_HASH);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_XDP, XEN_NETIF_EXTRA_TYPE_XDP);
SAME_CONST(XSPLIT_NETIF_EXTRA_TYPE_MAX, XEN_NETIF_EXTRA_TYPE_MAX);
SAME_CONST(XSPLIT_NETIF_EXTRA_FLAG_MORE, XEN_NETIF_EXTRA_FLAG_MORE);
SAME_CONST(XSPLIT_NETIF_GSO_TYPE_NONE, XEN_NETIF_GSO_TYPE_NONE);
SAME_CONST(XSPLIT_NETIF_GSO_TYPE_TCPV4, XEN_NETIF_GSO_TYPE_TCPV4);
SAME_CONST(XSPLIT_NETIF_GSO_TYPE_TCPV6, XEN_NETIF_GSO_TYPE_TCPV6);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_INVALID, XEN_NETIF_CTRL_TYPE_INVALID);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_GET_HASH_FLAGS,
	   XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
	   XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_SET_HASH_KEY,
	   XEN_NETIF_CTRL_TYPE_SET_HASH_KEY);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE,
	   XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
	   XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
	   XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING);
SAME_CONST(XSPLIT_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
	   XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM);
SAME_CONST(XSPLIT_NETIF_CTRL_STATUS_SUCCESS, XEN_NETIF_CTRL_STATUS_SUCCESS);
SAME_CONST(XSPLIT_NETIF_CTRL_STATUS_NOT_SUPPORTED,
	   XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED);
SAME_CONST(XSPLIT_NETIF_CTRL_STATUS_INVALID_PARAMETER,
	   XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
SAME_CONST(XSPLIT_NETIF_CTRL_STATUS_BUFFER_OVERFLOW,
	   XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_ALGORITHM_NONE,
	   XEN_NETIF_CTRL_HASH_ALGORITHM_NONE);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ,
	   XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4,
	   _XEN_NETIF_CTRL_HASH_TYPE_IPV4);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4_TCP,
	   _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6,
	   _XEN_NETIF_CTRL_HASH_TYPE_IPV6);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6_TCP,
	   _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4, XEN_NETIF_CTRL_HASH_TYPE_IPV4);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4_TCP,
	   XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6, XEN_NETIF_CTRL_HASH_TYPE_IPV6);
SAME_CONST(XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6_TCP,
	   XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);

/* ---- netif layouts ---- */

#define TXQ struct xsplit_netif_tx_request
#define K_TXQ struct xen_netif_tx_request
SAME_SIZE(TXQ, K_TXQ);
SAME_FIELD(TXQ, gref, K_TXQ, gref);
SAME_FIELD(TXQ, offset, K_TXQ, offset);
SAME_FIELD(TXQ, flags, K_TXQ, flags);
SAME_FIELD(TXQ, id, K_TXQ, id);
SAME_FIELD(TXQ, size, K_TXQ, size);

#define TXP struct xsplit_netif_tx_response
#define K_TXP struct xen_netif_tx_response
SAME_SIZE(TXP, K_TXP);
SAME_FIELD(TXP, id, K_TXP, id);
SAME_FIELD(TXP, status, K_TXP, status);

#define RXQ struct xsplit_netif_rx_request
#define K_RXQ struct xen_netif_rx_request
SAME_SIZE(RXQ, K_RXQ);
SAME_FIELD(RXQ, id, K_RXQ, id);
SAME_FIELD(RXQ, _pad, K_RXQ, pad);
SAME_FIELD(RXQ, gref, K_RXQ, gref);

#define RXP struct xsplit_netif_rx_response
#define K_RXP struct xen_netif_rx_response
SAME_SIZE(RXP, K_RXP);
SAME_FIELD(RXP, id, K_RXP, id);
SAME_FIELD(RXP, offset, K_RXP, offset);
SAME_FIELD(RXP, flags, K_RXP, flags);
SAME_FIELD(RXP, status, K_RXP, status);

#define EXT struct xsplit_netif_extra_info
#define K_EXT struct xen_netif_extra_info
SAME_SIZE(EXT, K_EXT);
SAME_FIELD(EXT, type, K_EXT, type);
SAME_FIELD(EXT, flags, K_EXT, flags);
SAME_FIELD(EXT, u, K_EXT, u);
SAME_FIELD(EXT, u.gso.size, K_EXT, u.gso.size);
SAME_FIELD(EXT, u.gso.type, K_EXT, u.gso.type);
SAME_FIELD(EXT, u.gso._pad, K_EXT, u.gso.pad);
SAME_FIELD(EXT, u.gso.features, K_EXT, u.gso.features);
SAME_FIELD(EXT, u.mcast.addr, K_EXT, u.mcast.addr);
SAME_FIELD(EXT, u.hash.type, K_EXT, u.hash.type);
SAME_FIELD(EXT, u.hash.algorithm, K_EXT, u.hash.algorithm);
SAME_FIELD(EXT, u.hash.value, K_EXT, u.hash.value);
SAME_FIELD(EXT, u.xdp.headroom, K_EXT, u.xdp.headroom);
SAME_FIELD(EXT, u.xdp._pad, K_EXT, u.xdp.pad);
SAME_FIELD(EXT, u.pad, K_EXT, u.pad);

#define CTQ struct xsplit_netif_ctrl_request
#define K_CTQ struct xen_netif_ctrl_request
SAME_SIZE(CTQ, K_CTQ);
SAME_FIELD(CTQ, id, K_CTQ, id);
SAME_FIELD(CTQ, type, K_CTQ, type);
SAME_FIELD(CTQ, data, K_CTQ, data);

#define CTP struct xsplit_netif_ctrl_response
#define K_CTP struct xen_netif_ctrl_response
SAME_SIZE(CTP, K_CTP);
SAME_FIELD(CTP, id, K_CTP, id);
SAME_FIELD(CTP, type, K_CTP, type);
SAME_FIELD(CTP, status, K_CTP, status);
SAME_FIELD(CTP, data, K_CTP, data);

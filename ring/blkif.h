/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blkif wire format: requests and responses on the block-device ring, in
 * the native layout and in the x86_32 and x86_64 layouts a back end must
 * serve (a 32-bit guest packs its requests differently: no padding before
 * the 64-bit id).  Every struct spells out its padding, so a whole-struct
 * copy onto a shared page never carries stray bytes.  Offsets and constants
 * are checked against the kernel's headers in layout_check.c.
 *
 * Only wire-level helpers live here; whole-request validation belongs to the
 * drivers.
 */
#ifndef XSPLIT_BLKIF_H
#define XSPLIT_BLKIF_H

#include "ring/xsplit_ring.h"

/* Operations (blkif_request.operation). */
enum xsplit_blkif_op {
	XSPLIT_BLKIF_OP_READ		= 0,
	XSPLIT_BLKIF_OP_WRITE		= 1,
	XSPLIT_BLKIF_OP_WRITE_BARRIER	= 2,
	XSPLIT_BLKIF_OP_FLUSH_DISKCACHE	= 3,
	/* 4 was BLKIF_OP_RESERVED_1, never to be used */
	XSPLIT_BLKIF_OP_DISCARD		= 5,
	XSPLIT_BLKIF_OP_INDIRECT	= 6,
};

/* Response status (blkif_response.status). */
enum xsplit_blkif_status {
	XSPLIT_BLKIF_RSP_EOPNOTSUPP	= -2,
	XSPLIT_BLKIF_RSP_ERROR		= -1,
	XSPLIT_BLKIF_RSP_OKAY		= 0,
};

/* Segments carried directly in a read/write request. */
#define XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST	11
/* Grant references of indirect-segment pages in an indirect request. */
#define XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/* Sectors are always 512 bytes on the wire, whatever the disk's size. */
#define XSPLIT_BLKIF_SECTOR_SHIFT	9
#define XSPLIT_BLKIF_SECTOR_SIZE	512U
static_assert(XSPLIT_BLKIF_SECTOR_SIZE == 1U << XSPLIT_BLKIF_SECTOR_SHIFT);
#define XSPLIT_BLKIF_SECTORS_PER_PAGE \
	(XSPLIT_RING_PAGE_SIZE >> XSPLIT_BLKIF_SECTOR_SHIFT)

/* discard.flag */
#define XSPLIT_BLKIF_DISCARD_SECURE	0x1U

/* The backend's "info" XenStore key. */
#define XSPLIT_VDISK_CDROM		0x1
#define XSPLIT_VDISK_REMOVABLE		0x2
#define XSPLIT_VDISK_READONLY		0x4

/* One page (or part of one) of I/O data: sectors first..last, inclusive. */
struct xsplit_blkif_segment {
	u32 gref;
	u8 first_sect;
	u8 last_sect;
	u8 _pad[2];
};

/* Segments in one indirect page. */
#define XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME \
	(XSPLIT_RING_PAGE_SIZE / sizeof(struct xsplit_blkif_segment))
#define XSPLIT_BLKIF_MAX_INDIRECT_SEGMENTS \
	(XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * \
	 XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME)

/*
 * The x86_32 layout, used by 32-bit x86 guests: 64-bit fields are 4-byte
 * aligned there, so the id follows the 16-bit handle directly.  The union
 * members below are what follows the one-byte operation.
 */
struct xsplit_blkif_x86_32_rw {
	u8 nr_segments;
	u16 handle;
	u64 id;
	u64 sector_number;
	struct xsplit_blkif_segment seg[XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __packed;

struct xsplit_blkif_x86_32_discard {
	u8 flag;
	u16 _pad1;
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
} __packed;

struct xsplit_blkif_x86_32_other {
	u8 _pad1;
	u16 _pad2;
	u64 id;
} __packed;

struct xsplit_blkif_x86_32_indirect {
	u8 indirect_op;
	u16 nr_segments;
	u64 id;
	u64 sector_number;
	u16 handle;
	u16 _pad1;
	u32 indirect_grefs[XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	u64 _pad2;
} __packed;

struct xsplit_blkif_x86_32_request {
	u8 operation;
	union {
		struct xsplit_blkif_x86_32_rw rw;
		struct xsplit_blkif_x86_32_discard discard;
		struct xsplit_blkif_x86_32_other other;
		struct xsplit_blkif_x86_32_indirect indirect;
	} u;
} __packed;

struct xsplit_blkif_x86_32_response {
	u64 id;
	u8 operation;
	u8 _pad1;
	s16 status;
} __packed;

/* The x86_64 layout (also every non-x86_32 guest): id at offset 8. */
struct xsplit_blkif_x86_64_rw {
	u8 nr_segments;
	u16 handle;
	u32 _pad1;
	u64 id;
	u64 sector_number;
	struct xsplit_blkif_segment seg[XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __packed;

struct xsplit_blkif_x86_64_discard {
	u8 flag;
	u16 _pad1;
	u32 _pad2;
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
} __packed;

struct xsplit_blkif_x86_64_other {
	u8 _pad1;
	u16 _pad2;
	u32 _pad3;
	u64 id;
} __packed;

struct xsplit_blkif_x86_64_indirect {
	u8 indirect_op;
	u16 nr_segments;
	u32 _pad1;
	u64 id;
	u64 sector_number;
	u16 handle;
	u16 _pad2;
	u32 indirect_grefs[XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	u32 _pad3;
} __packed;

struct xsplit_blkif_x86_64_request {
	u8 operation;
	union {
		struct xsplit_blkif_x86_64_rw rw;
		struct xsplit_blkif_x86_64_discard discard;
		struct xsplit_blkif_x86_64_other other;
		struct xsplit_blkif_x86_64_indirect indirect;
	} u;
} __packed;

struct xsplit_blkif_x86_64_response {
	u64 id;
	u8 operation;
	u8 _pad1;
	s16 status;
	u32 _pad2;
} __packed;

/*
 * The native layout is the one of the architecture we are built for; the
 * names alias the matching explicit layout so the two cannot drift apart.
 */
#ifdef CONFIG_X86_32
#define xsplit_blkif_request	xsplit_blkif_x86_32_request
#define xsplit_blkif_response	xsplit_blkif_x86_32_response
#else
#define xsplit_blkif_request	xsplit_blkif_x86_64_request
#define xsplit_blkif_response	xsplit_blkif_x86_64_response
#endif

static_assert(sizeof(struct xsplit_blkif_segment) == 8);
static_assert(sizeof(struct xsplit_blkif_x86_32_request) == 108);
static_assert(sizeof(struct xsplit_blkif_x86_64_request) == 112);
static_assert(sizeof(struct xsplit_blkif_x86_32_response) == 12);
static_assert(sizeof(struct xsplit_blkif_x86_64_response) == 16);

XSPLIT_DEFINE_RING(xsplit_blkif, struct xsplit_blkif_request,
		   struct xsplit_blkif_response)
XSPLIT_DEFINE_RING(xsplit_blkif_x86_32, struct xsplit_blkif_x86_32_request,
		   struct xsplit_blkif_x86_32_response)
XSPLIT_DEFINE_RING(xsplit_blkif_x86_64, struct xsplit_blkif_x86_64_request,
		   struct xsplit_blkif_x86_64_response)

/* ---- wire-level helpers ---- */

static inline bool xsplit_blkif_op_known(u8 op)
{
	switch (op) {
	case XSPLIT_BLKIF_OP_READ:
	case XSPLIT_BLKIF_OP_WRITE:
	case XSPLIT_BLKIF_OP_WRITE_BARRIER:
	case XSPLIT_BLKIF_OP_FLUSH_DISKCACHE:
	case XSPLIT_BLKIF_OP_DISCARD:
	case XSPLIT_BLKIF_OP_INDIRECT:
		return true;
	default:
		return false;
	}
}

/* A segment must name sectors inside one page, first <= last. */
static inline bool xsplit_blkif_seg_valid(const struct xsplit_blkif_segment *s)
{
	return s->first_sect <= s->last_sect &&
	       s->last_sect < XSPLIT_BLKIF_SECTORS_PER_PAGE;
}

/* Sectors a segment transfers; 0 for an invalid segment. */
static inline unsigned int
xsplit_blkif_seg_sectors(const struct xsplit_blkif_segment *s)
{
	if (!xsplit_blkif_seg_valid(s))
		return 0;
	return s->last_sect - s->first_sect + 1;
}

static inline unsigned int
xsplit_blkif_seg_bytes(const struct xsplit_blkif_segment *s)
{
	return xsplit_blkif_seg_sectors(s) << XSPLIT_BLKIF_SECTOR_SHIFT;
}

/* Byte offset of a segment's data in its page. */
static inline unsigned int
xsplit_blkif_seg_offset(const struct xsplit_blkif_segment *s)
{
	return (unsigned int)s->first_sect << XSPLIT_BLKIF_SECTOR_SHIFT;
}

/* Indirect pages needed to describe nr_segs segments. */
static inline unsigned int xsplit_blkif_indirect_pages(unsigned int nr_segs)
{
	return nr_segs / XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME +
	       !!(nr_segs % XSPLIT_BLKIF_SEGS_PER_INDIRECT_FRAME);
}

/* ---- x86_32 / x86_64 <-> native ---- */

/*
 * Converters between layouts, for requests already copied off the ring.
 * Only the fields of the variant that 'operation' selects are carried and
 * everything else in dst is zeroed, so no byte the peer put in a field we
 * do not use survives.  Counts are copied as they are and the arrays whole:
 * checking a count against its array is the caller's validation.
 */
#define XSPLIT_BLKIF_DEFINE_REQ_CONVERT(fn, dst_t, src_t)		\
static inline void fn(dst_t *dst, const src_t *src)			\
{									\
	memset(dst, 0, sizeof(*dst));					\
	dst->operation = src->operation;				\
	switch (src->operation) {					\
	case XSPLIT_BLKIF_OP_READ:					\
	case XSPLIT_BLKIF_OP_WRITE:					\
	case XSPLIT_BLKIF_OP_WRITE_BARRIER:				\
	case XSPLIT_BLKIF_OP_FLUSH_DISKCACHE:				\
		dst->u.rw.nr_segments = src->u.rw.nr_segments;		\
		dst->u.rw.handle = src->u.rw.handle;			\
		dst->u.rw.id = src->u.rw.id;				\
		dst->u.rw.sector_number = src->u.rw.sector_number;	\
		memcpy(dst->u.rw.seg, src->u.rw.seg, sizeof(dst->u.rw.seg)); \
		break;							\
	case XSPLIT_BLKIF_OP_DISCARD:					\
		dst->u.discard.flag = src->u.discard.flag;		\
		dst->u.discard.id = src->u.discard.id;			\
		dst->u.discard.sector_number = src->u.discard.sector_number; \
		dst->u.discard.nr_sectors = src->u.discard.nr_sectors;	\
		break;							\
	case XSPLIT_BLKIF_OP_INDIRECT:					\
		dst->u.indirect.indirect_op = src->u.indirect.indirect_op; \
		dst->u.indirect.nr_segments = src->u.indirect.nr_segments; \
		dst->u.indirect.id = src->u.indirect.id;		\
		dst->u.indirect.sector_number =				\
			src->u.indirect.sector_number;			\
		dst->u.indirect.handle = src->u.indirect.handle;	\
		memcpy(dst->u.indirect.indirect_grefs,			\
		       src->u.indirect.indirect_grefs,			\
		       sizeof(dst->u.indirect.indirect_grefs));		\
		break;							\
	default:							\
		/* unknown: keep the id so the error response echoes it */ \
		dst->u.other.id = src->u.other.id;			\
		break;							\
	}								\
}

#define XSPLIT_BLKIF_DEFINE_RSP_CONVERT(fn, dst_t, src_t)		\
static inline void fn(dst_t *dst, const src_t *src)			\
{									\
	memset(dst, 0, sizeof(*dst));					\
	dst->id = src->id;						\
	dst->operation = src->operation;				\
	dst->status = src->status;					\
}

XSPLIT_BLKIF_DEFINE_REQ_CONVERT(xsplit_blkif_req_from_x86_32,
				struct xsplit_blkif_request,
				struct xsplit_blkif_x86_32_request)
XSPLIT_BLKIF_DEFINE_REQ_CONVERT(xsplit_blkif_req_from_x86_64,
				struct xsplit_blkif_request,
				struct xsplit_blkif_x86_64_request)
XSPLIT_BLKIF_DEFINE_REQ_CONVERT(xsplit_blkif_req_to_x86_32,
				struct xsplit_blkif_x86_32_request,
				struct xsplit_blkif_request)
XSPLIT_BLKIF_DEFINE_REQ_CONVERT(xsplit_blkif_req_to_x86_64,
				struct xsplit_blkif_x86_64_request,
				struct xsplit_blkif_request)
XSPLIT_BLKIF_DEFINE_RSP_CONVERT(xsplit_blkif_rsp_to_x86_32,
				struct xsplit_blkif_x86_32_response,
				struct xsplit_blkif_response)
XSPLIT_BLKIF_DEFINE_RSP_CONVERT(xsplit_blkif_rsp_to_x86_64,
				struct xsplit_blkif_x86_64_response,
				struct xsplit_blkif_response)
XSPLIT_BLKIF_DEFINE_RSP_CONVERT(xsplit_blkif_rsp_from_x86_32,
				struct xsplit_blkif_response,
				struct xsplit_blkif_x86_32_response)
XSPLIT_BLKIF_DEFINE_RSP_CONVERT(xsplit_blkif_rsp_from_x86_64,
				struct xsplit_blkif_response,
				struct xsplit_blkif_x86_64_response)

#endif /* XSPLIT_BLKIF_H */

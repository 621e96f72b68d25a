/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XenStore keys the core handles, as one declarative table, and the
 * pure code around it: value parsing with bounds and defaults, and the
 * node names of the multi-queue and multi-page ring layouts.  Values come
 * from the other end and are hostile until parsed here.
 */
#ifndef XSPLIT_XENBUS_KEYS_H
#define XSPLIT_XENBUS_KEYS_H

#include "xsplit_types.h"
#include "ring/xsplit_ring.h"

/* Largest ring the core maps or grants: the ring layout's own limit. */
#define XSPLIT_KEY_MAX_RING_ORDER ((unsigned int)XSPLIT_RING_MAX_ORDER)
#define XSPLIT_KEY_MAX_RING_PAGES BIT(XSPLIT_KEY_MAX_RING_ORDER)
/* Most queues the core negotiates per device. */
#define XSPLIT_KEY_MAX_QUEUES 64U
/* Event-channel ports are below 2^17 (FIFO ABI); port 0 is never valid. */
#define XSPLIT_KEY_MAX_EVTCHN ((1U << 17) - 1)
/* Longest string value (protocol name, hotplug-status) we accept. */
#define XSPLIT_KEY_MAX_STRLEN 32U
/* Longest hotplug script path (the toolstack's "script") we accept. */
#define XSPLIT_KEY_MAX_SCRIPT 255U
/* Longest "rate" ("bytes,usec", each up to 20 digits) we accept. */
#define XSPLIT_KEY_MAX_RATE 48U
/* Bytes of a MAC address. */
#define XSPLIT_KEY_MAC_LEN 6U
/* Room for "queue-4294967295/event-channel-tx" and the like, plus NUL. */
#define XSPLIT_KEY_PATH_MAX 64U

/*
 * Every key of every protocol, one id space; the rows live in one table
 * per protocol, in a file of its own: the transport's (rings, queues,
 * event channels, state, hotplug) in keys.c, blkif's in keys_blkif.c,
 * netif's in keys_netif.c.
 */
enum xsplit_key_id {
	/* transport: keys.c */
	XSPLIT_KEY_MQ_MAX_QUEUES,
	XSPLIT_KEY_MQ_NUM_QUEUES,
	XSPLIT_KEY_MAX_RING_PAGE_ORDER,
	XSPLIT_KEY_RING_PAGE_ORDER,
	XSPLIT_KEY_RING_REF,
	XSPLIT_KEY_RING_REF_N,
	XSPLIT_KEY_TX_RING_REF,
	XSPLIT_KEY_RX_RING_REF,
	XSPLIT_KEY_EVTCHN,
	XSPLIT_KEY_EVTCHN_TX,
	XSPLIT_KEY_EVTCHN_RX,
	XSPLIT_KEY_SPLIT_EVTCHN,
	XSPLIT_KEY_PROTOCOL,
	XSPLIT_KEY_HOTPLUG_STATUS,
	XSPLIT_KEY_STATE,
	XSPLIT_KEY_ONLINE,
	XSPLIT_KEY_SCRIPT,
	XSPLIT_KEY_TRUSTED,
	XSPLIT_KEY_CORE_END,

	/* blkif: keys_blkif.c */
	XSPLIT_KEY_BLKIF_FIRST = XSPLIT_KEY_CORE_END,
	XSPLIT_KEY_VIRTUAL_DEVICE = XSPLIT_KEY_BLKIF_FIRST,
	XSPLIT_KEY_VIRTUAL_DEVICE_EXT,
	XSPLIT_KEY_DEVICE_TYPE,
	XSPLIT_KEY_PHYSICAL_DEVICE,
	XSPLIT_KEY_MODE,
	XSPLIT_KEY_DISCARD_ENABLE,
	XSPLIT_KEY_FEAT_PERSISTENT,
	XSPLIT_KEY_FEAT_MAX_INDIRECT,
	XSPLIT_KEY_FEAT_GRANT_COPY,
	XSPLIT_KEY_FEAT_FLUSH_CACHE,
	XSPLIT_KEY_FEAT_BARRIER,
	XSPLIT_KEY_FEAT_DISCARD,
	XSPLIT_KEY_DISCARD_GRANULARITY,
	XSPLIT_KEY_DISCARD_ALIGNMENT,
	XSPLIT_KEY_DISCARD_SECURE,
	XSPLIT_KEY_SECTORS,
	XSPLIT_KEY_INFO,
	XSPLIT_KEY_SECTOR_SIZE,
	XSPLIT_KEY_PHYS_SECTOR_SIZE,
	XSPLIT_KEY_BLKIF_END,

	/* netif: keys_netif.c */
	XSPLIT_KEY_NETIF_FIRST = XSPLIT_KEY_BLKIF_END,
	XSPLIT_KEY_MAC = XSPLIT_KEY_NETIF_FIRST,
	XSPLIT_KEY_HANDLE,
	XSPLIT_KEY_MTU,
	XSPLIT_KEY_RATE,
	XSPLIT_KEY_REQ_RX_COPY,
	XSPLIT_KEY_FEAT_RX_COPY,
	XSPLIT_KEY_FEAT_RX_FLIP,
	XSPLIT_KEY_FEAT_RX_NOTIFY,
	XSPLIT_KEY_FEAT_SG,
	XSPLIT_KEY_FEAT_GSO_TCPV4,
	XSPLIT_KEY_FEAT_GSO_TCPV6,
	XSPLIT_KEY_FEAT_IPV6_CSUM,
	XSPLIT_KEY_FEAT_NO_CSUM,
	XSPLIT_KEY_FEAT_MCAST_CTRL,
	XSPLIT_KEY_FEAT_DYN_MCAST_CTRL,
	XSPLIT_KEY_REQ_MCAST_CTRL,
	XSPLIT_KEY_FEAT_CTRL_RING,
	XSPLIT_KEY_CTRL_RING_REF,
	XSPLIT_KEY_EVTCHN_CTRL,
	XSPLIT_KEY_XDP_HEADROOM,
	XSPLIT_KEY_FEAT_XDP_HEADROOM,
	XSPLIT_KEY_NETIF_END,

	XSPLIT_KEY_NR = XSPLIT_KEY_NETIF_END,
};

enum xsplit_key_type {
	XSPLIT_KEY_U32,		/* decimal; also a grant ref, a port */
	XSPLIT_KEY_BOOL,	/* 0 or 1 */
	XSPLIT_KEY_STRING,	/* printable ASCII, max is the longest */
	XSPLIT_KEY_U64,		/* decimal */
	XSPLIT_KEY_ETHER,	/* "xx:xx:xx:xx:xx:xx", hex */
};

/* Whose directory the key lives in, i.e. who may write it. */
enum xsplit_key_writer {
	XSPLIT_KEY_BY_BACKEND,
	XSPLIT_KEY_BY_FRONTEND,
	XSPLIT_KEY_BY_TOOLSTACK,	/* in the backend's directory */
	XSPLIT_KEY_BY_EACH,		/* each end writes its own */
	XSPLIT_KEY_BY_TOOLSTACK_FRONT,	/* in the frontend's directory */
	XSPLIT_KEY_BY_TOOLSTACK_EACH,	/* in each end's, read by that end */
};

enum xsplit_key_flags {
	XSPLIT_KEYF_REQUIRED = 1U << 0,	/* absent is an error, not default */
	/* an advertised limit: above max means "at least max", not bad */
	XSPLIT_KEYF_CLAMP = 1U << 1,
	XSPLIT_KEYF_PER_QUEUE = 1U << 2, /* under queue-N/ when multi-queue */
	XSPLIT_KEYF_INDEXED = 1U << 3,	/* name is a "%u" template */
	/* also "0x" hex and "0" octal, as the C library's "%i" reads */
	XSPLIT_KEYF_ANY_BASE = 1U << 4,
};

struct xsplit_key {
	const char *name;
	enum xsplit_key_type type;
	enum xsplit_key_writer writer;
	u64 def;		/* value when absent (not for REQUIRED) */
	u64 min;		/* inclusive bounds, for U32, BOOL, U64 */
	u64 max;		/* for STRING: longest length */
	u32 flags;		/* enum xsplit_key_flags */
};

const struct xsplit_key *xsplit_key_get(enum xsplit_key_id id);

int xsplit_key_parse_u32(const struct xsplit_key *key, const char *s,
			 size_t len, u32 *val);
int xsplit_key_parse_num(const struct xsplit_key *key, const char *s,
			 size_t len, u64 *val);
int xsplit_key_parse_str(const struct xsplit_key *key, const char *s,
			 size_t len);
int xsplit_key_parse_mac(const struct xsplit_key *key, const char *s,
			 size_t len, u8 mac[XSPLIT_KEY_MAC_LEN]);
int xsplit_key_gather_value(const struct xsplit_key *key, const char *s,
			    size_t len, u64 *val);

/*
 * A driver's binding of keys to the fields of one of its structs: which
 * key fills (or is published from) which field.  The key's row says where
 * it lives, its type, bounds and default; the field, where the value goes.
 * Fields are bool, u32 (unsigned int) or u64.
 */
struct xsplit_key_field {
	enum xsplit_key_id id;
	u16 offset;
	u8 size;
	u8 flags;		/* enum xsplit_key_field_flags */
};

enum xsplit_key_field_flags {
	XSPLIT_KEY_FIELD_NOT = 1U << 0,	/* a bool the key says "no" to */
};

#define XSPLIT_KEY_FIELD_SIZE_OK(sz) ((sz) == 1 || (sz) == 4 || (sz) == 8)
#define __XSPLIT_KEY_FIELD(key, type, member, fl)			\
	{								\
		.id = (key),						\
		.offset = offsetof(type, member),			\
		.size = sizeof(((type *)0)->member) +			\
			BUILD_BUG_ON_ZERO(!XSPLIT_KEY_FIELD_SIZE_OK(	\
				sizeof(((type *)0)->member))),		\
		.flags = (fl),						\
	}
#define XSPLIT_KEY_FIELD(key, type, member) \
	__XSPLIT_KEY_FIELD(key, type, member, 0)
#define XSPLIT_KEY_FIELD_NOT(key, type, member) \
	__XSPLIT_KEY_FIELD(key, type, member, XSPLIT_KEY_FIELD_NOT)

int xsplit_key_field_load(const struct xsplit_key_field *f, const void *obj,
			  u64 *val);
int xsplit_key_field_store(const struct xsplit_key_field *f, void *obj,
			   u64 val);

int xsplit_key_path(char *buf, size_t size, enum xsplit_key_id id,
		    unsigned int nr_queues, unsigned int queue,
		    unsigned int index);
int xsplit_key_ring_ref_path(char *buf, size_t size, enum xsplit_key_id id,
			     unsigned int nr_queues, unsigned int queue,
			     unsigned int order, unsigned int page);
enum xsplit_key_id xsplit_key_ring_ref_id(enum xsplit_key_id id,
					  unsigned int order,
					  bool order_written);

/*
 * A queue's event-channel keys: "event-channel", or "event-channel-tx" and
 * "event-channel-rx" when split.  A frontend writes one layout and removes
 * the other, which an earlier connection to another backend (or with other
 * settings) may have left in its directory: a backend that finds both
 * layouts binds the split one.
 */
#define XSPLIT_KEY_EVTCHN_IDS 3U

unsigned int xsplit_key_evtchn_ids(bool split,
				   enum xsplit_key_id ids[XSPLIT_KEY_EVTCHN_IDS]);

int xsplit_key_check_order(u32 order, u32 max_order);
int xsplit_key_check_queues(u32 nr_queues, u32 max_queues);
bool xsplit_key_queue_dir_stale(const char *name, unsigned int nr_queues);
bool xsplit_key_top_queue_key_stale(const char *name, unsigned int nr_queues);

/* hotplug-status values written by the toolstack's hotplug scripts. */
enum xsplit_hotplug_status {
	XSPLIT_HOTPLUG_PENDING,		/* absent or not yet meaningful */
	XSPLIT_HOTPLUG_CONNECTED,
	XSPLIT_HOTPLUG_ERROR,
};

enum xsplit_hotplug_status xsplit_key_hotplug_status(const char *s,
						     size_t len);

/* Per-protocol rows, and the values only one protocol knows how to read. */
const struct xsplit_key *xsplit_key_blkif_get(enum xsplit_key_id id);
const struct xsplit_key *xsplit_key_netif_get(enum xsplit_key_id id);

int xsplit_key_parse_devnum(const char *s, size_t len, u32 *major,
			    u32 *minor);
int xsplit_key_parse_rate(const char *s, size_t len, u64 *bytes, u64 *usec);

#endif /* XSPLIT_XENBUS_KEYS_H */

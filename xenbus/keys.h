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
/* Room for "queue-4294967295/event-channel-tx" and the like, plus NUL. */
#define XSPLIT_KEY_PATH_MAX 64U

enum xsplit_key_id {
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
	XSPLIT_KEY_XDP_HEADROOM,
	XSPLIT_KEY_SCRIPT,
	XSPLIT_KEY_FEAT_XDP_HEADROOM,
	XSPLIT_KEY_NR,
};

enum xsplit_key_type {
	XSPLIT_KEY_U32,
	XSPLIT_KEY_BOOL,
	XSPLIT_KEY_STRING,
};

/* Whose directory the key lives in, i.e. who may write it. */
enum xsplit_key_writer {
	XSPLIT_KEY_BY_BACKEND,
	XSPLIT_KEY_BY_FRONTEND,
	XSPLIT_KEY_BY_TOOLSTACK,	/* in the backend's directory */
	XSPLIT_KEY_BY_EACH,		/* each end writes its own */
};

enum xsplit_key_flags {
	XSPLIT_KEYF_REQUIRED = 1U << 0,	/* absent is an error, not default */
	/* an advertised limit: above max means "at least max", not bad */
	XSPLIT_KEYF_CLAMP = 1U << 1,
	XSPLIT_KEYF_PER_QUEUE = 1U << 2, /* under queue-N/ when multi-queue */
	XSPLIT_KEYF_INDEXED = 1U << 3,	/* name is a "%u" template */
};

struct xsplit_key {
	const char *name;
	enum xsplit_key_type type;
	enum xsplit_key_writer writer;
	u32 def;		/* value when absent (not for REQUIRED) */
	u32 min;		/* inclusive bounds, for U32 */
	u32 max;		/* for STRING: longest length */
	u32 flags;		/* enum xsplit_key_flags */
};

const struct xsplit_key *xsplit_key_get(enum xsplit_key_id id);

int xsplit_key_parse_u32(const struct xsplit_key *key, const char *s,
			 size_t len, u32 *val);
int xsplit_key_parse_str(const struct xsplit_key *key, const char *s,
			 size_t len);

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

#endif /* XSPLIT_XENBUS_KEYS_H */

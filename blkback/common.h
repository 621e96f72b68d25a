/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit blkback: the objects shared by its files.
 *
 *   xsplit_blk_dev   one vbd backend device: the block device, the
 *                    negotiated protocol, its rings, its statistics
 *   xsplit_blk_ring  one queue: the mapped shared ring, its event
 *                    channel, its thread, its request pool and
 *                    persistent-grant cache
 *   xsplit_blk_req   one request in flight, from intake to response
 *
 * Each ring's thread does everything that may sleep: it copies requests
 * off the ring, validates them, maps grants, submits bios, and, when the
 * bios complete (in interrupt context, which only queues the request on
 * the done list), unmaps the grants and writes the response.  So one
 * thread owns the ring's response side and its pool: no lock there.
 */
#ifndef XSPLIT_BLKBACK_COMMON_H
#define XSPLIT_BLKBACK_COMMON_H

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "compat/xsplit_compat_blk.h"
#include "xenbus/xsplit_xenbus.h"
#include "grant/xsplit_grant.h"
#include "evtchn/xsplit_evtchn.h"
#include "ring/blkif.h"
#include "blkback/validate.h"
#include "blkback/window.h"
#include "blkback/copyplan.h"

/*
 * What the module holds right now, over all devices (main.c); read-only in
 * debugfs (/sys/kernel/debug/xsplit_blkback/), all back to 0 once every
 * guest is gone.
 */
struct xsplit_blk_live {
	atomic_t devices;	/* probed vbd devices */
	atomic_t rings;		/* rings mapped and running */
	atomic_t reqs;		/* requests taken off a ring, not answered */
	atomic_t bios;		/* bios submitted, not ended */
};

extern struct xsplit_blk_live xsplit_blk_live;

/* Module parameters (main.c), read when a device connects. */
extern unsigned int xsplit_blkback_max_queues;
extern unsigned int xsplit_blkback_max_ring_order;
extern unsigned int xsplit_blkback_max_pgrants;
extern unsigned int xsplit_blkback_pgrant_timeout;
extern unsigned int xsplit_blkback_max_indirect_segs;
extern unsigned int xsplit_blkback_copy_pages;
extern bool xsplit_blkback_feature_persistent;
extern bool xsplit_blkback_indirect_copy;
extern bool xsplit_blkback_data_copy;
extern bool xsplit_blkback_log_stats;
extern unsigned int xsplit_blkback_poll_us;
extern unsigned int xsplit_blkback_coalesce_us;
extern unsigned int xsplit_blkback_coalesce_max;

/* The guest's ABI for the ring layout (the frontend's "protocol" key). */
enum xsplit_blk_abi {
	XSPLIT_BLK_ABI_NATIVE,
	XSPLIT_BLK_ABI_X86_32,
	XSPLIT_BLK_ABI_X86_64,
};

/* Where one data segment of a request in flight is mapped. */
struct xsplit_blk_seg {
	struct page *page;
	int pslot;		/* persistent-cache slot, or -1 */
	int map;		/* index in req->maps, or -1 */
};

struct xsplit_blk_ring;

struct xsplit_blk_req {
	struct list_head node;		/* pool free list or done list */
	struct xsplit_blk_ring *ring;
	struct xsplit_blk_desc d;
	atomic_t bios;			/* bios in flight, plus one */
	ktime_t start;			/* when we took it; 0: untimed */
	int err;			/* first I/O error */
	unsigned int nr_maps;
	struct xsplit_gnt_map *maps;	/* non-persistent mappings */
	struct xsplit_blk_seg *segs;
	struct xsplit_blkif_segment *wire; /* private copy of the segments */
	/*
	 * Copy mode: our pages the data goes through, one per segment,
	 * allocated at first use and kept with the pool entry (reused by
	 * every later request of this slot, freed with the ring), as long
	 * as the ring keeps no more than copy_pages.
	 */
	struct page **bufs;
};

/* Ring flag bits. */
enum {
	XSPLIT_BLK_EVENT,	/* an event awaits its late EOI */
	XSPLIT_BLK_MORE,	/* intake stopped early: go on */
	XSPLIT_BLK_DEAD,	/* the frontend broke the ring */
	XSPLIT_BLK_LINGER,	/* the stop waits for a leaving frontend */
};

/* Why a request was refused: the validators' errors (xstat.c). */
enum xsplit_blk_rej {
	XSPLIT_BLK_REJ_MALFORMED,	/* -EINVAL */
	XSPLIT_BLK_REJ_NOTSUPP,		/* an operation or feature not offered */
	XSPLIT_BLK_REJ_READONLY,	/* a write to a read-only device */
	XSPLIT_BLK_REJ_RANGE,		/* sectors beyond the device */
	XSPLIT_BLK_REJ_OTHER,
	XSPLIT_BLK_REJ_NR,
};

/*
 * One ring's counters for xsplit/stats (xstat.c).  Only the ring's thread
 * writes them (WRITE_ONCE), sysfs reads them; they start at 0 with the
 * ring, the device's totals stay in struct xsplit_blk_stats.
 */
struct xsplit_blk_ring_xstat {
	u64 rd_req;
	u64 wr_req;
	u64 other_req;		/* flush and discard */
	u64 rd_sect;		/* completed without error */
	u64 wr_sect;
	u64 rejects[XSPLIT_BLK_REJ_NR];
	u64 gc_calls;		/* grant-copy hypercalls (batches) */
	u64 gc_ops;		/* grant-copy ops issued */
	u64 gc_bytes;		/* bytes those ops moved */
	u64 gc_errors;		/* ops Xen failed */
};

struct xsplit_blk_ring {
	struct xsplit_blk_dev *be;
	unsigned int id;
	enum xsplit_blk_abi abi;
	union {
		struct xsplit_blkif_back native;
		struct xsplit_blkif_x86_32_back x86_32;
		struct xsplit_blkif_x86_64_back x86_64;
	} back;
	struct xsplit_xb_ring shared;
	struct xsplit_evtchn evtchn;
	struct task_struct *thread;
	wait_queue_head_t wq;
	unsigned long flags;

	/* requests: the pool is the thread's; done is filled by bio ends */
	struct xsplit_blk_req *pool;
	unsigned int pool_size;
	struct list_head free;
	unsigned int inflight;
	spinlock_t done_lock;		/* protects done */
	struct list_head done;

	/* notification avoidance (window.h), the thread's own */
	struct xsplit_blk_win poll_win;
	struct xsplit_blk_win hold_win;
	struct xsplit_blk_svc svc;	/* the device's service time */
	ktime_t poll_end;	/* req_event left unasked until then; 0: none */
	ktime_t hold_end;	/* the held event goes out by then; 0: none */
	u32 hold_from;		/* responses held when the window opened */
	bool eoi_work;		/* requests taken since the last EOI */
	unsigned int stop_left;	/* requests the stop may still take */
	unsigned long pushed_at;	/* jiffies of the last answers */
	unsigned int lingers;		/* the stop's waits so far */
	unsigned int linger_reqs;	/* requests those waits brought */

	struct xsplit_pgrant_cache *pcache;	/* NULL: not persistent */
	bool copy;		/* data moved by grant copy (copyplan.h) */
	struct xsplit_gnt_copy_batch cbatch;	/* the thread's, if copy */
	unsigned int bufs_kept;		/* pages in the slots' bufs */
	unsigned int bufs_max;		/* copy_pages, read at connect */
	unsigned int pool_segs;		/* entries of each slot's arrays */
	unsigned long next_purge;		/* jiffies */
	unsigned long next_log;

	struct xsplit_blk_ring_xstat xstat;
};

/* Per-device counters with Linux's sysfs names. */
struct xsplit_blk_stats {
	atomic64_t oo_req;
	atomic64_t rd_req;
	atomic64_t wr_req;
	atomic64_t f_req;
	atomic64_t ds_req;
	atomic64_t rd_sect;
	atomic64_t wr_sect;
	atomic64_t bad_req;
	atomic64_t pg_hits;	/* of caches already destroyed */
	atomic64_t pg_misses;
};

struct xsplit_blk_dev {
	struct xsplit_xb_dev *xb;
	struct xenbus_device *xdev;
	domid_t domid;

	/* the block device, open while connected */
	struct block_device *bdev;
	struct xsplit_bdev_ref bdev_ref;
	u32 major, minor;
	bool readonly;
	bool cdrom;
	/*
	 * lim.nr_sectors follows the device's size: ring 0's thread updates
	 * it (WRITE_ONCE) when the device grows or shrinks under us, and
	 * every ring's validator reads it.
	 */
	struct xsplit_blk_limits lim;
	bool resize_pending;	/* ring 0's: size not yet told the frontend */

	/* what advertise offered: the frontend's choices are held to it */
	unsigned int adv_queues;
	unsigned int adv_order;
	unsigned int adv_indirect;
	bool adv_persistent;
	bool adv_copy;		/* feature-grant-copy */

	/* rings: changed under rings_lock, which sysfs readers take too */
	struct mutex rings_lock;
	struct xsplit_blk_ring *rings;
	unsigned int nr_rings;
	unsigned int ring_order;
	bool persistent;

	struct xsplit_blk_stats stats;
};

/* ring.c */
int xsplit_blk_rings_start(struct xsplit_blk_dev *be, unsigned int nr,
			   unsigned int order, enum xsplit_blk_abi abi);
void xsplit_blk_rings_stop(struct xsplit_blk_dev *be, bool linger);
void xsplit_blk_respond(struct xsplit_blk_ring *ring, u64 id, u8 op,
			int err);
void xsplit_blk_req_done(struct xsplit_blk_req *req);

/* io.c */
int xsplit_blk_submit(struct xsplit_blk_ring *ring, struct xsplit_blk_req *req);
int xsplit_blk_finish(struct xsplit_blk_ring *ring, struct xsplit_blk_req *req,
		      int err);
int xsplit_blk_discard(struct xsplit_blk_ring *ring,
		       const struct xsplit_blk_desc *d);

/* sysfs.c */
int xsplit_blk_sysfs_add(struct xsplit_blk_dev *be);
void xsplit_blk_sysfs_del(struct xsplit_blk_dev *be);
void xsplit_blk_pgrant_totals(struct xsplit_blk_dev *be, u64 *hits,
			      u64 *misses);

/* xstat.c */
int xsplit_blk_xstat_add(struct xsplit_blk_dev *be);
void xsplit_blk_xstat_del(struct xsplit_blk_dev *be);
void xsplit_blk_xstat_req(struct xsplit_blk_ring *ring,
			  const struct xsplit_blk_desc *d);
void xsplit_blk_xstat_done(struct xsplit_blk_ring *ring,
			   const struct xsplit_blk_desc *d);
void xsplit_blk_xstat_reject(struct xsplit_blk_ring *ring, int err);
void xsplit_blk_xstat_copy(struct xsplit_blk_ring *ring, unsigned int ops,
			   u64 bytes, unsigned int failed);

/* xenbus.c */
void xsplit_blk_check_size(struct xsplit_blk_dev *be);
int xsplit_blk_xenbus_register(void);
void xsplit_blk_xenbus_unregister(void);

#endif /* XSPLIT_BLKBACK_COMMON_H */

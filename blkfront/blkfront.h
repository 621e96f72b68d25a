/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit blkfront: private structures shared by its files.
 *
 *   main.c      module init/exit, parameters, minor numbers
 *   xenbus.c    the XenBus callbacks: negotiation, connect, reconnect
 *   ring.c      rings and event channels; in-flight requests handed back
 *               to blk-mq on disconnect
 *   submit.c    a blk request onto the ring as one or more ring requests
 *   complete.c  responses off the ring, through the validator of rsp.c
 *   grants.c    the pages the backend sees: direct, bounced or persistent
 *   queue.c     blk-mq and the gendisk
 *   vdev.c, rsp.c   pure code, unit-tested in user space
 */
#ifndef XSPLIT_BLKFRONT_H
#define XSPLIT_BLKFRONT_H

#include <linux/blk-mq.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "compat/xsplit_compat_blk.h"
#include "ring/blkif.h"
#include "xenbus/xsplit_xenbus.h"
#include "grant/xsplit_grant.h"
#include "evtchn/xsplit_evtchn.h"
#include "blkfront/rsp.h"
#include "blkfront/vdev.h"

/* Largest request we ever build, whatever a backend offers (4 MiB). */
#define XSPLIT_BLKF_MAX_SEGS		1024U
/* Most answers one event may wait for (rsp_batch); a ring holds 32 and up. */
#define XSPLIT_BLKF_MAX_RSP_BATCH	32U
#define XSPLIT_BLKF_DEF_INDIRECT_SEGS	32U
/*
 * With a backend that grant-copies (feature-grant-copy): a 1 MiB request
 * in one ring request, one indirect page and one copy hypercall (the
 * bench: 4.4x the 32-segment persistent path at 1M seqread under TCG).
 * Not with persistent grants: 8 requests of 256 pages in flight overrun
 * a backend's persistent cache (1056 pages in Linux's and ours), and
 * every miss is a map and an unmap.
 */
#define XSPLIT_BLKF_COPY_INDIRECT_SEGS	256U
#define XSPLIT_BLKF_DEF_QUEUES		4U
#define XSPLIT_BLKF_IRQ_NAME_LEN	XSPLIT_EVTCHN_NAME_LEN

/* Module parameters (main.c). */
extern unsigned int xsplit_blkf_max_segs_param;
extern unsigned int xsplit_blkf_max_queues_param;
extern unsigned int xsplit_blkf_max_order_param;
extern bool xsplit_blkf_persistent_param;
extern bool xsplit_blkf_trusted_param;
extern unsigned int xsplit_blkf_rsp_batch_param;
/* This guest's kind and emulated disks, read once at load (main.c). */
extern struct xsplit_guest xsplit_blkf_guest;

/* How data pages reach the backend. */
enum xsplit_blkf_gmode {
	XSPLIT_BLKF_DIRECT,	/* grant the request's own pages */
	XSPLIT_BLKF_BOUNCE,	/* copy through fresh zeroed pages */
	XSPLIT_BLKF_PERSISTENT,	/* copy through pages granted once */
};

/* One page the backend is granted for a request. */
struct xsplit_blkf_gpage {
	grant_ref_t ref;
	struct page *page;		/* bounce page; NULL when direct */
	struct xsplit_gnt_page *gp;	/* persistent pool page */
};

/* One ring request: a whole blk request or one part of a split one. */
struct xsplit_blkf_shadow {
	struct request *rq;
	unsigned int first_sg;		/* this part's sg entries */
	unsigned int nr_sg;
	unsigned int nr_ind;		/* indirect pages */
	struct xsplit_blkf_gpage *data;	/* seg_cap entries */
	struct xsplit_blkf_gpage ind[XSPLIT_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct xsplit_blkif_request req;	/* built before it goes out */
};

struct xsplit_blkf_info;

struct xsplit_blkf_ring {
	struct xsplit_blkf_info *info;
	unsigned int idx;
	spinlock_t lock;		/* ring, table, shadows */
	struct xsplit_blkif_front front;
	struct xsplit_xb_ring xr;
	struct xsplit_evtchn evtchn;
	struct xsplit_blkf_tab tab;
	struct xsplit_blkf_out *tab_ent;
	u32 *tab_free;
	u8 *tab_busy;
	struct xsplit_blkf_shadow *shadow;
	struct xsplit_blkf_gpage *gpages;
	struct xsplit_gnt_pool *pool;
	bool up;			/* accepting requests */
	bool broken;			/* the backend broke the protocol */
	char name[XSPLIT_BLKF_IRQ_NAME_LEN];
};

/* Per blk request. */
struct xsplit_blkf_pdu {
	unsigned int nr_sg;
	unsigned int parts;		/* ring requests still out */
	blk_status_t status;
	struct scatterlist sg[];
};

struct xsplit_blkf_info {
	struct xsplit_xb_dev *dev;
	u32 vdevice;
	u16 handle;
	struct xsplit_blkf_vdev vd;
	bool minors_held;

	/* negotiated; rewritten on every (re)connect */
	unsigned int nr_rings;
	unsigned int ring_order;
	unsigned int seg_cap;		/* segments one ring request carries */
	enum xsplit_blkf_gmode gmode;
	bool bounce;			/* trusted = 0 */
	bool grant_copy;		/* trusted backend that copies */
	bool ask_persistent;		/* what we wrote at advertise */
	u8 flush_op;			/* 0: no flush */
	bool fua;			/* FUA writes go as barriers */
	bool discard;
	bool secure_discard;
	u32 discard_granularity;
	u32 discard_alignment;
	u32 vdisk_info;
	u64 sectors;
	u32 sector_size;
	u32 phys_sector_size;
	struct xsplit_blkf_ring *rings;

	/* the disk; lives from the first connect to free */
	struct blk_mq_tag_set tag_set;
	struct gendisk *gd;
	unsigned int max_sg;		/* sg entries per request, fixed */
	bool quiesced;
	bool dead;
};

/*
 * Most segments per request we ask for: the parameter, and at least
 * XSPLIT_BLKF_COPY_INDIRECT_SEGS with a backend that grant-copies.
 */
static inline unsigned int xsplit_blkf_want_segs(const struct xsplit_blkf_info *info)
{
	if (info->grant_copy)
		return max(xsplit_blkf_max_segs_param,
			   XSPLIT_BLKF_COPY_INDIRECT_SEGS);
	return xsplit_blkf_max_segs_param;
}

/* main.c */
int xsplit_blkf_minors_get(u32 first, u32 nr);
void xsplit_blkf_minors_put(u32 first, u32 nr);

/* xenbus.c */
extern struct xsplit_xb_driver xsplit_blkf_driver;

/* ring.c */
int xsplit_blkf_rings_alloc(struct xsplit_blkf_info *info);
int xsplit_blkf_rings_publish(struct xsplit_blkf_info *info,
			      struct xenbus_transaction xbt);
int xsplit_blkf_rings_start(struct xsplit_blkf_info *info);
void xsplit_blkf_rings_stop(struct xsplit_blkf_info *info);
void xsplit_blkf_rings_free(struct xsplit_blkf_info *info);

/* submit.c */
blk_status_t xsplit_blkf_ring_submit(struct xsplit_blkf_ring *ring,
				     struct request *rq, bool last);
void xsplit_blkf_ring_commit(struct xsplit_blkf_ring *ring);
void xsplit_blkf_part_release(struct xsplit_blkf_ring *ring,
			      struct xsplit_blkf_shadow *sh, bool copy_out,
			      bool *leaked);

/* complete.c */
bool xsplit_blkf_ring_poll(struct xsplit_blkf_ring *ring);
enum xsplit_evtchn_ret
xsplit_blkf_ring_interrupt(struct xsplit_evtchn *ch, void *data);

/* grants.c */
int xsplit_blkf_gpage_get(struct xsplit_blkf_ring *ring,
			  struct xsplit_blkf_gpage *g, bool readonly);
void xsplit_blkf_gpage_put(struct xsplit_blkf_ring *ring,
			   struct xsplit_blkf_gpage *g, bool *leaked);
int xsplit_blkf_data_get(struct xsplit_blkf_ring *ring,
			 struct xsplit_blkf_gpage *g, struct scatterlist *sg,
			 bool to_backend);
void xsplit_blkf_data_put(struct xsplit_blkf_ring *ring,
			  struct xsplit_blkf_gpage *g, struct scatterlist *sg,
			  bool from_backend, bool *leaked);

/* queue.c */
int xsplit_blkf_disk_add(struct xsplit_blkf_info *info);
void xsplit_blkf_disk_update(struct xsplit_blkf_info *info);
void xsplit_blkf_disk_resize(struct xsplit_blkf_info *info);
void xsplit_blkf_disk_quiesce(struct xsplit_blkf_info *info);
void xsplit_blkf_disk_resume(struct xsplit_blkf_info *info);
void xsplit_blkf_disk_remove(struct xsplit_blkf_info *info);

#endif /* XSPLIT_BLKFRONT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared request/response ring of Xen's split drivers, layout-identical
 * to Xen's io/ring.h so any peer can use it, but with typed functions and a
 * consumer side that never trusts the other end:
 *
 *  - entries are copied out of shared memory exactly once, into the caller's
 *    private buffer, and the shared slot is never handed out for reading;
 *  - a producer index further ahead than the peer could legitimately be
 *    (more entries than it had room for) marks the ring broken: every
 *    consumer call then returns -EIO, so no loop can spin on a bad index;
 *  - all index arithmetic is u32 modulo 2^32, as the peer sees it.
 *
 * Shared page(s):  | req_prod req_event rsp_prod rsp_event | pad | slots ... |
 *                  0                                      16    64
 * Each slot holds one request or one response (a union of both); the number
 * of slots is the largest power of two that fits, so an index maps to a slot
 * with a mask.  The front end produces requests and consumes responses, the
 * back end does the mirror.  A "*_event" index is written by the consumer to
 * say "notify me when the producer index passes this value".
 *
 * Builds in the kernel and in user space (unit tests, fuzzers).
 */
#ifndef XSPLIT_RING_H
#define XSPLIT_RING_H

#include "xsplit_types.h"

/* Ring pages are 4 KiB whatever the guest's page size (Xen ABI). */
#define XSPLIT_RING_PAGE_SHIFT	12
#define XSPLIT_RING_PAGE_SIZE	4096U
/* Largest multi-page ring (ring-page-order) that we accept or offer. */
#define XSPLIT_RING_MAX_ORDER	4
/* Offset of the first slot: four indices plus Xen's 48 bytes of padding. */
#define XSPLIT_RING_HDR_SIZE	64
static_assert(XSPLIT_RING_PAGE_SIZE == 1U << XSPLIT_RING_PAGE_SHIFT);
#define XSPLIT_RING_HDR_PAD	(XSPLIT_RING_HDR_SIZE - 4 * sizeof(u32))

/* The shared header.  Everything in it is written by one end, read by both. */
struct xsplit_sring {
	u32 req_prod;	/* written by the front end */
	u32 req_event;	/* written by the back end */
	u32 rsp_prod;	/* written by the back end */
	u32 rsp_event;	/* written by the front end */
	u8 pad[XSPLIT_RING_HDR_PAD];
	u8 slots[];
};

static_assert(sizeof(struct xsplit_sring) == XSPLIT_RING_HDR_SIZE);

/* Largest power of two <= x (0 for 0); a constant expression for constants. */
#define XSPLIT_RING_RD_POW2(x) \
	((x) ? 1U << (31 - __builtin_clz((u32)(x))) : 0U)

/* Bytes of a ring of 2^order pages. */
#define XSPLIT_RING_BYTES(order) (XSPLIT_RING_PAGE_SIZE << (order))

/* Number of slots of slot_size bytes in a ring of 2^order pages. */
#define XSPLIT_RING_SIZE(slot_size, order) \
	XSPLIT_RING_RD_POW2((XSPLIT_RING_BYTES(order) - XSPLIT_RING_HDR_SIZE) / \
			    (slot_size))

/*
 * Private state of each end.  Only the end that owns a structure writes it;
 * the shared page is read through READ_ONCE and only the producer and event
 * indices this end owns are written to it.
 */
struct xsplit_front_ring {
	struct xsplit_sring *sring;
	u32 nr_ents;		/* power of two */
	u32 slot_size;
	u32 req_prod_pvt;	/* next request slot we fill */
	u32 req_pushed;		/* last req_prod we published */
	u32 req_checked;	/* req_pushed at the last notify decision */
	u32 rsp_cons;		/* next response we consume */
	bool broken;		/* the back end corrupted the ring */
};

struct xsplit_back_ring {
	struct xsplit_sring *sring;
	u32 nr_ents;
	u32 slot_size;
	u32 rsp_prod_pvt;	/* next response slot we fill */
	u32 rsp_pushed;		/* last rsp_prod we published */
	u32 rsp_checked;	/* rsp_pushed at the last notify decision */
	u32 req_cons;		/* next request we consume */
	bool broken;		/* the front end corrupted the ring */
};

/* Consumer results besides 0 ("nothing there") and 1 ("one entry"). */
#define XSPLIT_RING_CORRUPT	(-EIO)

static inline u32 xsplit_ring_nr_ents(unsigned int order, size_t slot_size)
{
	if (order > XSPLIT_RING_MAX_ORDER || !slot_size ||
	    slot_size > XSPLIT_RING_BYTES(order) - XSPLIT_RING_HDR_SIZE)
		return 0;
	return XSPLIT_RING_SIZE(slot_size, order);
}

static inline void *xsplit_ring_slot(struct xsplit_sring *sring, u32 nr_ents,
				     u32 slot_size, u32 idx)
{
	return sring->slots + (size_t)(idx & (nr_ents - 1)) * slot_size;
}

/*
 * Front end: clear the whole shared area and start both producers at 0.
 * Clearing every byte, not just the header, keeps stale kernel data off a
 * page that is about to be granted to another domain.
 */
static inline int xsplit_sring_init(void *page, unsigned int order,
				    size_t slot_size)
{
	struct xsplit_sring *sring = page;

	if (!xsplit_ring_nr_ents(order, slot_size))
		return -EINVAL;
	memset(page, 0, XSPLIT_RING_BYTES(order));
	/* An event index one past the producer: notify on the first entry. */
	sring->req_event = 1;
	sring->rsp_event = 1;
	return 0;
}

/*
 * Attach private state to a shared ring whose producers are both at idx
 * (0 for a fresh ring; the peer's indices when reconnecting to a live one).
 */
static inline int xsplit_front_attach(struct xsplit_front_ring *r, void *page,
				      unsigned int order, size_t slot_size,
				      u32 idx)
{
	u32 nr_ents = xsplit_ring_nr_ents(order, slot_size);

	if (!nr_ents)
		return -EINVAL;
	*r = (struct xsplit_front_ring) {
		.sring = page, .nr_ents = nr_ents, .slot_size = slot_size,
		.req_prod_pvt = idx, .req_pushed = idx, .req_checked = idx,
		.rsp_cons = idx,
	};
	return 0;
}

static inline int xsplit_back_attach(struct xsplit_back_ring *r, void *page,
				     unsigned int order, size_t slot_size,
				     u32 idx)
{
	u32 nr_ents = xsplit_ring_nr_ents(order, slot_size);

	if (!nr_ents)
		return -EINVAL;
	*r = (struct xsplit_back_ring) {
		.sring = page, .nr_ents = nr_ents, .slot_size = slot_size,
		.rsp_prod_pvt = idx, .rsp_pushed = idx, .rsp_checked = idx,
		.req_cons = idx,
	};
	return 0;
}

/*
 * Back end: take over a live ring from an earlier back end (a reload of the
 * driver while the frontend stays connected).  The earlier one answered
 * everything it had taken before it let go, so the requests still to serve
 * start at the published rsp_prod; more of them than the ring holds means
 * the front end's header is not a ring's.  Returns -EIO then, -EINVAL for
 * a bad size, 0 with both private indices at rsp_prod.  A fresh ring (all
 * indices 0) attaches as with xsplit_back_attach(..., 0).
 */
static inline int xsplit_back_rejoin(struct xsplit_back_ring *r, void *page,
				     unsigned int order, size_t slot_size)
{
	struct xsplit_sring *sring = page;
	u32 rsp_prod = READ_ONCE(sring->rsp_prod);
	u32 req_prod = READ_ONCE(sring->req_prod);
	u32 nr_ents = xsplit_ring_nr_ents(order, slot_size);

	if (!nr_ents)
		return -EINVAL;
	if (req_prod - rsp_prod > nr_ents)
		return -EIO;
	return xsplit_back_attach(r, page, order, slot_size, rsp_prod);
}

/*
 * The notify decision: the consumer asked to be woken when the producer
 * passes 'event'; notify iff event lies in (old, new], computed modulo 2^32.
 */
static inline bool xsplit_ring_need_notify(u32 old, u32 new, u32 event)
{
	return (u32)(new - event) < (u32)(new - old);
}

/* ---- front end: requests out, responses in ---- */

/* Request slots we may still fill: those not waiting for a response. */
static inline u32 xsplit_front_free_reqs(const struct xsplit_front_ring *r)
{
	return r->nr_ents - (r->req_prod_pvt - r->rsp_cons);
}

static inline bool xsplit_front_full(const struct xsplit_front_ring *r)
{
	return !xsplit_front_free_reqs(r);
}

/* Filled but not yet answered, pushed or not. */
static inline u32 xsplit_front_outstanding(const struct xsplit_front_ring *r)
{
	return r->req_prod_pvt - r->rsp_cons;
}

/*
 * Has the back end published responses we have not consumed?  A look
 * only, from outside the consumer's context (a watchdog): no check, no
 * state changed; the consumer validates what it then takes.
 */
static inline bool xsplit_front_rsps_waiting(const struct xsplit_front_ring *r)
{
	return READ_ONCE(r->sring->rsp_prod) != READ_ONCE(r->rsp_cons);
}

/*
 * Are responses waiting that the back end owes us an event for?  Not
 * while it has yet to reach the index we asked an event for, ahead of
 * what is in (a batched final check): those wait for the batch to fill.
 * A rsp_prod outside [rsp_cons, rsp_event) is owed a look, which then
 * finds any corruption.  A look only, as xsplit_front_rsps_waiting().
 */
static inline bool xsplit_front_rsp_event_owed(const struct xsplit_front_ring *r)
{
	u32 cons = READ_ONCE(r->rsp_cons);
	u32 in = READ_ONCE(r->sring->rsp_prod) - cons;
	u32 asked = READ_ONCE(r->sring->rsp_event) - cons;

	return in && !(in < asked && asked <= r->nr_ents);
}

static inline bool xsplit_front_broken(const struct xsplit_front_ring *r)
{
	return r->broken;
}

/*
 * Publishing and notifying are two steps, so that a batch of requests can
 * be published as it is built (a back end that is looking sees them at
 * once) and the event decided once for the whole batch: the decision
 * covers every request published since the previous one.
 */
static inline void xsplit_front_publish_reqs(struct xsplit_front_ring *r)
{
	virt_wmb(); /* the back end sees the requests before the index */
	WRITE_ONCE(r->sring->req_prod, r->req_prod_pvt);
	r->req_pushed = r->req_prod_pvt;
}

/* True if the back end asked for an event within what was published. */
static inline bool xsplit_front_check_notify(struct xsplit_front_ring *r)
{
	u32 old = r->req_checked, new = r->req_pushed;

	r->req_checked = new;
	virt_mb(); /* publish req_prod before reading the back end's req_event */
	return xsplit_ring_need_notify(old, new, READ_ONCE(r->sring->req_event));
}

/* Publish filled requests; returns true if the back end must be notified. */
static inline bool xsplit_front_push_reqs(struct xsplit_front_ring *r)
{
	xsplit_front_publish_reqs(r);
	return xsplit_front_check_notify(r);
}

/*
 * Responses ready to consume, or XSPLIT_RING_CORRUPT.  The back end can only
 * answer requests we made: more responses than outstanding requests (also a
 * rsp_prod that went backwards, which wraps to a huge count) is corruption.
 */
static inline int xsplit_front_rsps_pending(struct xsplit_front_ring *r)
{
	u32 avail;

	if (unlikely(r->broken))
		return XSPLIT_RING_CORRUPT;
	avail = READ_ONCE(r->sring->rsp_prod) - r->rsp_cons;
	virt_rmb(); /* read the entries only after seeing rsp_prod */
	if (unlikely(avail > xsplit_front_outstanding(r))) {
		r->broken = true;
		return XSPLIT_RING_CORRUPT;
	}
	return avail;
}

/*
 * Before sleeping: if nothing is pending, ask for a notification once up
 * to @batch more responses are in, then look again, since some may have
 * arrived in between.  Returns > 0 if there is work, 0 if it is safe to
 * sleep, or -EIO.
 *
 * A @batch above 1 lets one event (the back end's notify hypercall, our
 * upcall, interrupt and wake-up) cover several answers.  Only answers
 * certain to come are waited for: requests published and not answered,
 * and no more than half of them, so that the back end still has work
 * while we take the first half and nothing waits on a request that was
 * never sent.  The bound is a count, not a time: a response waits at
 * most until as many others of those in flight have been answered.
 * @batch 0 or 1 asks for the next response.
 */
static inline int xsplit_front_final_check_batch(struct xsplit_front_ring *r,
						 u32 batch)
{
	int pending = xsplit_front_rsps_pending(r);
	u32 due;

	if (pending)
		return pending;
	due = (r->req_pushed - r->rsp_cons) / 2;
	if (batch > due)
		batch = due;
	if (!batch)
		batch = 1;
	WRITE_ONCE(r->sring->rsp_event, r->rsp_cons + batch);
	virt_mb(); /* publish rsp_event before re-reading rsp_prod */
	return xsplit_front_rsps_pending(r);
}

/* The check for the next response: every response is owed its event. */
static inline int xsplit_front_final_check(struct xsplit_front_ring *r)
{
	return xsplit_front_final_check_batch(r, 1);
}

/* ---- back end: requests in, responses out ---- */

/* Requests consumed but not yet answered. */
static inline u32 xsplit_back_unanswered(const struct xsplit_back_ring *r)
{
	return r->req_cons - r->rsp_prod_pvt;
}

/*
 * Slots holding requests not answered yet, consumed or not: how full the
 * ring is, for statistics read from any context.  The front end writes
 * req_prod, so the result is clamped to the ring's size.
 */
static inline u32 xsplit_back_occupancy(const struct xsplit_back_ring *r)
{
	u32 used = READ_ONCE(r->sring->req_prod) - READ_ONCE(r->rsp_prod_pvt);

	return used < r->nr_ents ? used : r->nr_ents;
}

static inline bool xsplit_back_broken(const struct xsplit_back_ring *r)
{
	return r->broken;
}

/*
 * Requests ready to consume, or XSPLIT_RING_CORRUPT.  The front end may only
 * fill slots whose responses have been produced: req_prod can be at most a
 * ring's worth ahead of rsp_prod_pvt.  Anything further (or backwards) means
 * it overwrote slots we have not answered, or lies.
 */
static inline int xsplit_back_reqs_pending(struct xsplit_back_ring *r)
{
	u32 avail;

	if (unlikely(r->broken))
		return XSPLIT_RING_CORRUPT;
	avail = READ_ONCE(r->sring->req_prod) - r->req_cons;
	virt_rmb(); /* read the entries only after seeing req_prod */
	if (unlikely(avail > r->nr_ents - xsplit_back_unanswered(r))) {
		r->broken = true;
		return XSPLIT_RING_CORRUPT;
	}
	return avail;
}

/* The mirror of the front end's two steps, for responses. */
static inline void xsplit_back_publish_rsps(struct xsplit_back_ring *r)
{
	virt_wmb(); /* the front end sees the responses before the index */
	WRITE_ONCE(r->sring->rsp_prod, r->rsp_prod_pvt);
	r->rsp_pushed = r->rsp_prod_pvt;
}

/* Published responses not yet covered by a notify decision. */
static inline u32 xsplit_back_unchecked(const struct xsplit_back_ring *r)
{
	return r->rsp_pushed - r->rsp_checked;
}

static inline bool xsplit_back_check_notify(struct xsplit_back_ring *r)
{
	u32 old = r->rsp_checked, new = r->rsp_pushed;

	r->rsp_checked = new;
	virt_mb(); /* publish rsp_prod before reading the front's rsp_event */
	return xsplit_ring_need_notify(old, new, READ_ONCE(r->sring->rsp_event));
}

/* Publish responses; returns true if the front end must be notified. */
static inline bool xsplit_back_push_rsps(struct xsplit_back_ring *r)
{
	xsplit_back_publish_rsps(r);
	return xsplit_back_check_notify(r);
}

/* The mirror of xsplit_front_final_check() for requests. */
static inline int xsplit_back_final_check(struct xsplit_back_ring *r)
{
	int pending = xsplit_back_reqs_pending(r);

	if (pending)
		return pending;
	WRITE_ONCE(r->sring->req_event, r->req_cons + 1);
	virt_mb(); /* publish req_event before re-reading req_prod */
	return xsplit_back_reqs_pending(r);
}

/*
 * Slot of the next entry to consume, after the checks above; only for the
 * typed copy functions below, which copy it out once and advance.
 * Returns 1 and sets *slot, 0 if the ring is empty, or -EIO.
 */
static inline int __xsplit_front_next_rsp(struct xsplit_front_ring *r,
					  const void **slot)
{
	int pending = xsplit_front_rsps_pending(r);

	if (pending <= 0)
		return pending;
	*slot = xsplit_ring_slot(r->sring, r->nr_ents, r->slot_size,
				 r->rsp_cons);
	return 1;
}

static inline int __xsplit_back_next_req(struct xsplit_back_ring *r,
					 const void **slot)
{
	int pending = xsplit_back_reqs_pending(r);

	if (pending <= 0)
		return pending;
	*slot = xsplit_ring_slot(r->sring, r->nr_ents, r->slot_size,
				 r->req_cons);
	return 1;
}

/* Slot for the next request we produce, or NULL if the ring is full. */
static inline void *__xsplit_front_next_req(struct xsplit_front_ring *r)
{
	if (xsplit_front_full(r))
		return NULL;
	return xsplit_ring_slot(r->sring, r->nr_ents, r->slot_size,
				r->req_prod_pvt);
}

/* Slot for the next response, or NULL if no consumed request awaits one. */
static inline void *__xsplit_back_next_rsp(struct xsplit_back_ring *r)
{
	if (!xsplit_back_unanswered(r))
		return NULL;
	return xsplit_ring_slot(r->sring, r->nr_ents, r->slot_size,
				r->rsp_prod_pvt);
}

/*
 * XSPLIT_DEFINE_RING(name, req_type, rsp_type) declares a typed ring:
 *
 *   union name_slot             one shared slot (its size is the slot size)
 *   struct name_front/_back     the two ends; .r is the generic state that
 *                               the xsplit_front_* / xsplit_back_* calls take
 *   name_sring_init(page, order)              front: clear and reset
 *   name_front_attach(f, page, order, idx)
 *   name_back_attach(b, page, order, idx)
 *   name_back_rejoin(b, page, order)  back: take over a live ring
 *   name_front_put_req(f, req)   copy a request in; -ENOSPC if full
 *   name_front_copy_rsp(f, rsp)  copy a response out once; 1, 0 empty, -EIO
 *   name_back_copy_req(b, req)   copy a request out once; 1, 0 empty, -EIO
 *   name_back_put_rsp(b, rsp)    copy a response in; -ENOSPC if unasked
 *
 * A copy out is a memcpy() followed by virt_rmb(), which is also a compiler
 * barrier: the compiler must then assume the slot changed, so it can never
 * drop the private copy and re-read the shared slot in its place.
 */
#define XSPLIT_DEFINE_RING(name, req_t, rsp_t)				\
union name##_slot {							\
	req_t req;							\
	rsp_t rsp;							\
};									\
struct name##_front {							\
	struct xsplit_front_ring r;					\
};									\
struct name##_back {							\
	struct xsplit_back_ring r;					\
};									\
static inline int name##_sring_init(void *page, unsigned int order)	\
{									\
	return xsplit_sring_init(page, order, sizeof(union name##_slot)); \
}									\
static inline int name##_front_attach(struct name##_front *f,		\
				      void *page, unsigned int order,	\
				      u32 idx)				\
{									\
	return xsplit_front_attach(&f->r, page, order,			\
				   sizeof(union name##_slot), idx);	\
}									\
static inline int name##_back_attach(struct name##_back *b,		\
				     void *page, unsigned int order,	\
				     u32 idx)				\
{									\
	return xsplit_back_attach(&b->r, page, order,			\
				  sizeof(union name##_slot), idx);	\
}									\
static inline int name##_back_rejoin(struct name##_back *b,		\
				     void *page, unsigned int order)	\
{									\
	return xsplit_back_rejoin(&b->r, page, order,			\
				  sizeof(union name##_slot));		\
}									\
static inline int name##_front_put_req(struct name##_front *f,		\
				       const req_t *req)		\
{									\
	union name##_slot *slot = __xsplit_front_next_req(&f->r);	\
									\
	if (!slot)							\
		return -ENOSPC;						\
	slot->req = *req;						\
	f->r.req_prod_pvt++;						\
	return 0;							\
}									\
static inline int name##_back_put_rsp(struct name##_back *b,		\
				      const rsp_t *rsp)			\
{									\
	union name##_slot *slot = __xsplit_back_next_rsp(&b->r);	\
									\
	if (!slot)							\
		return -ENOSPC;						\
	slot->rsp = *rsp;						\
	b->r.rsp_prod_pvt++;						\
	return 0;							\
}									\
static inline int name##_front_copy_rsp(struct name##_front *f,		\
					rsp_t *rsp)			\
{									\
	const void *slot;						\
	int ret = __xsplit_front_next_rsp(&f->r, &slot);		\
									\
	if (ret <= 0)							\
		return ret;						\
	memcpy(rsp, slot, sizeof(*rsp));				\
	virt_rmb(); /* the copy is final: never re-read the slot */	\
	f->r.rsp_cons++;						\
	return 1;							\
}									\
static inline int name##_back_copy_req(struct name##_back *b,		\
				       req_t *req)			\
{									\
	const void *slot;						\
	int ret = __xsplit_back_next_req(&b->r, &slot);			\
									\
	if (ret <= 0)							\
		return ret;						\
	memcpy(req, slot, sizeof(*req));				\
	virt_rmb(); /* the copy is final: never re-read the slot */	\
	b->r.req_cons++;						\
	return 1;							\
}

#endif /* XSPLIT_RING_H */

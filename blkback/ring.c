// SPDX-License-Identifier: GPL-2.0
/*
 * One ring per queue: mapping and attaching the shared ring, its event
 * channel and thread, the intake of requests (copied off the ring once,
 * converted to the native layout, validated), the responses, and the
 * teardown that waits for every bio before any grant is unmapped.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "blkback/common.h"
#include "fault/xsplit_fault.h"

/* Requests taken off the ring before completions get a turn. */
#define XSPLIT_BLK_INTAKE_BATCH 64
/* How often the persistent-grant cache is purged of idle entries. */
#define XSPLIT_BLK_IDLE_TICK (10 * HZ)
/*
 * How often ring 0's thread wakes when idle, to look at the device's size
 * (a busy ring wakes far more often): a guest sees a resize within it.
 * The other rings' threads wake every XSPLIT_BLK_IDLE_TICK.
 */
#define XSPLIT_BLK_WAKE_TICK HZ
#define XSPLIT_BLK_LOG_INTERVAL (10 * HZ)
/*
 * How long after its last answers a leaving frontend may still publish
 * requests they released (ring_linger()), and how often the stop waits
 * for that.  Linux's blkfront sends what its block layer held within one
 * pass of its interrupt and of blk-mq's queue run; a quarter of a second
 * covers that on a busy emulated guest.
 */
#define XSPLIT_BLK_LINGER (HZ / 4)
#define XSPLIT_BLK_LINGER_ROUNDS 4

static struct xsplit_back_ring *ring_r(struct xsplit_blk_ring *ring)
{
	return &ring->back.native.r;
}

static enum xsplit_evtchn_ret ring_event(struct xsplit_evtchn *ch,
					 void *data)
{
	struct xsplit_blk_ring *ring = data;

	/* Late EOI: no further event until the thread has looked. */
	set_bit(XSPLIT_BLK_EVENT, &ring->flags);
	wake_up(&ring->wq);
	return XSPLIT_EVTCHN_DEFERRED;
}

/* Copy the next request off the ring once; 1, 0 (empty) or -EIO. */
static int ring_get_req(struct xsplit_blk_ring *ring,
			struct xsplit_blkif_request *req)
{
	union {
		struct xsplit_blkif_x86_32_request r32;
		struct xsplit_blkif_x86_64_request r64;
	} w;
	int rc;

	switch (ring->abi) {
	case XSPLIT_BLK_ABI_X86_32:
		rc = xsplit_blkif_x86_32_back_copy_req(&ring->back.x86_32,
						       &w.r32);
		if (rc == 1)
			xsplit_blkif_req_from_x86_32(req, &w.r32);
		return rc;
	case XSPLIT_BLK_ABI_X86_64:
		rc = xsplit_blkif_x86_64_back_copy_req(&ring->back.x86_64,
						       &w.r64);
		if (rc == 1)
			xsplit_blkif_req_from_x86_64(req, &w.r64);
		return rc;
	default:
		return xsplit_blkif_back_copy_req(&ring->back.native, req);
	}
}

/**
 * xsplit_blk_respond - queue a response (published by the thread's push)
 * @ring: the ring
 * @id: the request's id
 * @op: the operation to echo
 * @err: 0 or the request's error
 *
 * Every byte of the response is written: the structs spell out their
 * padding and are zeroed before use.
 */
void xsplit_blk_respond(struct xsplit_blk_ring *ring, u64 id, u8 op, int err)
{
	struct xsplit_blkif_x86_32_response r32;
	struct xsplit_blkif_x86_64_response r64;
	struct xsplit_blkif_response rsp;
	int rc;

	memset(&rsp, 0, sizeof(rsp));
	rsp.id = id;
	rsp.operation = op;
	rsp.status = xsplit_blk_status(err);
	switch (ring->abi) {
	case XSPLIT_BLK_ABI_X86_32:
		xsplit_blkif_rsp_to_x86_32(&r32, &rsp);
		rc = xsplit_blkif_x86_32_back_put_rsp(&ring->back.x86_32, &r32);
		break;
	case XSPLIT_BLK_ABI_X86_64:
		xsplit_blkif_rsp_to_x86_64(&r64, &rsp);
		rc = xsplit_blkif_x86_64_back_put_rsp(&ring->back.x86_64, &r64);
		break;
	default:
		rc = xsplit_blkif_back_put_rsp(&ring->back.native, &rsp);
		break;
	}
	/* Only requests we consumed get answers: anything else is our bug. */
	WARN_ON_ONCE(rc);
}

/*
 * Whether a window may open: only then is the device's service time worth
 * a clock read per request (ring->svc).
 */
static bool ring_windows_on(void)
{
	return READ_ONCE(xsplit_blkback_coalesce_us) ||
	       READ_ONCE(xsplit_blkback_poll_us);
}

/* A window's bound: the parameter, scaled down to the device (window.h). */
static u32 window_ns(struct xsplit_blk_ring *ring, unsigned int *param_us)
{
	return xsplit_blk_svc_cap(&ring->svc,
				  READ_ONCE(*param_us) * NSEC_PER_USEC);
}

/*
 * More answers are on their way without anyone waiting for them: bios in
 * flight, or requests on the ring that this thread takes next.
 */
static bool ring_more_coming(struct xsplit_blk_ring *ring)
{
	if (ring->inflight || test_bit(XSPLIT_BLK_MORE, &ring->flags))
		return true;
	return !test_bit(XSPLIT_BLK_DEAD, &ring->flags) &&
	       xsplit_back_reqs_pending(ring_r(ring)) > 0;
}

/*
 * Coalescing: whether the event for the published responses may wait.
 * It waits only while more answers are coming anyway, so a frontend is
 * never kept waiting for a timer: a ring that has nothing else in flight
 * answers at once.  The window bounds a wait behind a slow device, and
 * the event also goes out once coalesce_max responses wait, or when the
 * thread stops.  Responses are published at once: a frontend already
 * draining others takes them without an event.
 */
static bool ring_hold(struct xsplit_blk_ring *ring)
{
	u32 max = window_ns(ring, &xsplit_blkback_coalesce_us), win;
	u32 held = xsplit_back_unchecked(ring_r(ring));
	bool more;
	ktime_t now;

	if (!ring->hold_end && !max)
		return false;
	more = ring_more_coming(ring) && !kthread_should_stop();
	now = ktime_get();
	if (!ring->hold_end) {
		win = more ? xsplit_blk_win_open(&ring->hold_win, max) : 0;
		if (!win)
			return false;
		ring->hold_end = ktime_add_ns(now, win);
		ring->hold_from = held;
	}
	if (more && held < READ_ONCE(xsplit_blkback_coalesce_max) &&
	    ktime_before(now, ring->hold_end))
		return true;
	/* it paid if responses joined the first ones */
	xsplit_blk_win_close(&ring->hold_win, max, held > ring->hold_from);
	ring->hold_end = 0;
	return false;
}

static void ring_push(struct xsplit_blk_ring *ring)
{
	struct xsplit_back_ring *r = ring_r(ring);

	if (r->rsp_prod_pvt != r->rsp_pushed) {
		xsplit_back_publish_rsps(r);
		ring->pushed_at = jiffies;
	}
	if (!xsplit_back_unchecked(r) || ring_hold(ring))
		return;
	if (xsplit_back_check_notify(r))
		xsplit_evtchn_notify(&ring->evtchn);
}

/* Called from bio completion, any context. */
void xsplit_blk_req_done(struct xsplit_blk_req *req)
{
	struct xsplit_blk_ring *ring = req->ring;
	unsigned long flags;

	spin_lock_irqsave(&ring->done_lock, flags);
	list_add_tail(&req->node, &ring->done);
	spin_unlock_irqrestore(&ring->done_lock, flags);
	wake_up(&ring->wq);
}

static bool ring_done_pending(struct xsplit_blk_ring *ring)
{
	bool pending;

	spin_lock_irq(&ring->done_lock);
	pending = !list_empty(&ring->done);
	spin_unlock_irq(&ring->done_lock);
	return pending;
}

static void ring_account(struct xsplit_blk_ring *ring,
			 const struct xsplit_blk_desc *d)
{
	struct xsplit_blk_stats *st = &ring->be->stats;

	xsplit_blk_xstat_done(ring, d);
	if (d->kind == XSPLIT_BLK_READ)
		atomic64_add(d->nr_sectors, &st->rd_sect);
	else if (d->kind == XSPLIT_BLK_WRITE)
		atomic64_add(d->nr_sectors, &st->wr_sect);
}

/* Unmap (or copy out), answer, and give the request back to the pool. */
static void ring_retire(struct xsplit_blk_ring *ring,
			struct xsplit_blk_req *req, int err)
{
	err = xsplit_blk_finish(ring, req, err);
	if (!err)
		ring_account(ring, &req->d);
	xsplit_blk_respond(ring, req->d.id, req->d.rsp_op, err);
	list_add(&req->node, &ring->free);
	ring->inflight--;
	atomic_dec(&xsplit_blk_live.reqs);
}

static void ring_complete(struct xsplit_blk_ring *ring)
{
	struct xsplit_blk_req *req, *tmp;
	ktime_t now = 0;
	LIST_HEAD(list);

	spin_lock_irq(&ring->done_lock);
	list_splice_init(&ring->done, &list);
	spin_unlock_irq(&ring->done_lock);
	list_for_each_entry_safe(req, tmp, &list, node) {
		list_del(&req->node);
		if (req->start) {	/* timed at dispatch */
			now = now ?: ktime_get();
			xsplit_blk_svc_add(&ring->svc,
					   ktime_to_ns(ktime_sub(now, req->start)));
		}
		ring_retire(ring, req, req->err);
	}
}

/* A barrier: every earlier request completes before it starts. */
static void ring_drain(struct xsplit_blk_ring *ring)
{
	while (ring->inflight) {
		wait_event_timeout(ring->wq, ring_done_pending(ring), HZ);
		ring_complete(ring);
	}
}

static void ring_count(struct xsplit_blk_ring *ring,
		       const struct xsplit_blk_desc *d)
{
	struct xsplit_blk_stats *st = &ring->be->stats;

	xsplit_blk_xstat_req(ring, d);
	if (d->preflush)
		atomic64_inc(&st->f_req);
	else if (d->kind == XSPLIT_BLK_READ)
		atomic64_inc(&st->rd_req);
	else if (d->kind == XSPLIT_BLK_WRITE)
		atomic64_inc(&st->wr_req);
	else if (d->kind == XSPLIT_BLK_DISCARD)
		atomic64_inc(&st->ds_req);
}

static void ring_bad_request(struct xsplit_blk_ring *ring,
			     const struct xsplit_blkif_request *wire,
			     const struct xsplit_blk_desc *d, int err)
{
	atomic64_inc(&ring->be->stats.bad_req);
	xsplit_blk_xstat_reject(ring, err);
	dev_warn_ratelimited(&ring->be->xdev->dev,
			     "ring %u: bad request %llu (op %u): %d\n",
			     ring->id, d->id, wire->operation, err);
	xsplit_blk_respond(ring, d->id, d->rsp_op, err);
}

static void ring_dispatch(struct xsplit_blk_ring *ring,
			  const struct xsplit_blkif_request *wire)
{
	struct xsplit_blk_req *req;
	struct xsplit_blk_desc d;
	int err;

	err = xsplit_blk_parse(wire, &ring->be->lim, &d);
	if (err) {
		ring_bad_request(ring, wire, &d, err);
		return;
	}
	ring_count(ring, &d);
	if (d.kind == XSPLIT_BLK_DISCARD) {
		xsplit_blk_respond(ring, d.id, d.rsp_op,
				   xsplit_blk_discard(ring, &d));
		return;
	}
	if (d.drain)
		ring_drain(ring);
	req = list_first_entry(&ring->free, struct xsplit_blk_req, node);
	list_del(&req->node);
	ring->inflight++;
	atomic_inc(&xsplit_blk_live.reqs);
	req->d = d;
	req->start = ring_windows_on() ? ktime_get() : 0;
	err = xsplit_blk_submit(ring, req);
	if (err)
		ring_retire(ring, req, err);
}

static void ring_broken(struct xsplit_blk_ring *ring)
{
	if (test_and_set_bit(XSPLIT_BLK_DEAD, &ring->flags))
		return;
	/* A guest can corrupt and reconnect in a loop: bound the log. */
	dev_err_ratelimited(&ring->be->xdev->dev,
			    "ring %u: frontend's producer index is beyond the ring\n",
			    ring->id);
	/*
	 * No more intake here; the core disconnects every ring (this
	 * thread too) and takes the device to Closing, as for any close.
	 */
	xsplit_xb_fatal(ring->be->xb, -EIO, "ring corrupted");
}

/*
 * Every pool entry is in flight: the normal state of a frontend that keeps
 * the whole ring busy.  Completions wake the thread, which then looks at
 * the ring again.  The ring itself then holds no request: the frontend may
 * only fill slots we answered, and each answer returned an entry first
 * (xsplit_back_reqs_pending() enforces that bound).  A request waiting
 * here anyway is our accounting bug.
 *
 * statistics/oo_req counts these stops.  Linux's blkback counts a request
 * found on the ring with no free request to take it, its pool being one
 * per slot as ours; its responses go out before the request returns to
 * the pool, so the frontend can refill the slot in between.  Ours return
 * first, so that never happens here, and the nearest thing, a full ring
 * whose next request must wait for one of ours to complete, is counted.
 */
static unsigned int ring_pool_exhausted(struct xsplit_blk_ring *ring,
					unsigned int n)
{
	WARN_ON_ONCE(xsplit_back_reqs_pending(ring_r(ring)) > 0);
	atomic64_inc(&ring->be->stats.oo_req);
	/* completions wake the thread: a poll window has nothing to bound */
	ring->poll_end = 0;
	return n;
}

/*
 * Polling: the ring is empty after this pass took @found requests; true
 * if the thread may go on without asking for an event (req_event stays
 * behind req_cons, so the frontend sends none).  That is only while the
 * thread runs again anyway, for a completion or a held event, and looks
 * at the ring then; a pass that found requests opens the window, and its
 * end bounds the wait for a request that comes while a slow device keeps
 * its bios.  So the poll costs no wake-up of its own and never spins
 * (dom0 may have one vCPU), and a ring that goes idle asks for its event
 * at once: no latency at queue depth 1.
 */
static bool ring_poll(struct xsplit_blk_ring *ring, unsigned int found)
{
	u32 max = window_ns(ring, &xsplit_blkback_poll_us), win;
	bool waking = ring->inflight || ring->hold_end;
	ktime_t now;

	if (!ring->poll_end && (!found || !waking || !max))
		return false;
	now = ktime_get();
	if (ring->poll_end) {
		if (!found && waking && ktime_before(now, ring->poll_end))
			return true;
		/* found: requests came that no event announced */
		xsplit_blk_win_close(&ring->poll_win, max, found);
		ring->poll_end = 0;
	}
	if (!found || !waking)
		return false;
	win = xsplit_blk_win_open(&ring->poll_win, max);
	if (!win)
		return false;
	ring->poll_end = ktime_add_ns(now, win);
	return true;
}

/* Take requests off the ring; how many. */
static unsigned int ring_intake(struct xsplit_blk_ring *ring)
{
	struct xsplit_blkif_request req;
	unsigned int n;
	int rc;

	for (n = 0; n < XSPLIT_BLK_INTAKE_BATCH; n++) {
		if (list_empty(&ring->free))
			return ring_pool_exhausted(ring, n);
		rc = ring_get_req(ring, &req);
		if (!rc && !ring_poll(ring, n)) {
			/* Ask for an event, then look again: no lost wake-up. */
			rc = xsplit_back_final_check(ring_r(ring));
			if (rc > 0)
				rc = ring_get_req(ring, &req);
		}
		if (rc < 0)
			ring_broken(ring);
		if (rc <= 0)
			return n;
		ring_dispatch(ring, &req);
	}
	set_bit(XSPLIT_BLK_MORE, &ring->flags);
	return n;
}

/* The late EOI of a taken @event; spurious if no request came since. */
static void ring_eoi(struct xsplit_blk_ring *ring, bool event)
{
	if (!event)
		return;
	xsplit_evtchn_eoi(&ring->evtchn, ring->eoi_work);
	ring->eoi_work = false;
}

/*
 * The EOI calls an event spurious (Xen's back-off then delays the next
 * one) only if no request was taken since the previous EOI: an event
 * whose requests a pass woken by completions already took did its job.
 */
static void ring_events(struct xsplit_blk_ring *ring)
{
	bool event = test_and_clear_bit(XSPLIT_BLK_EVENT, &ring->flags);

	clear_bit(XSPLIT_BLK_MORE, &ring->flags);
	if (test_bit(XSPLIT_BLK_DEAD, &ring->flags))
		ring->poll_end = 0;	/* no intake: no window to end */
	else if (ring_intake(ring))
		ring->eoi_work = true;
	ring_eoi(ring, event);
}

/*
 * Told to stop, the thread still takes the requests the frontend had
 * published, about one ring's worth at most (a frontend that keeps
 * publishing cannot hold the stop), and answers them.  Dropped, they
 * would never be answered, and a frontend without a request timeout
 * (Linux's blkfront) waits for them for good: its disk never goes at a
 * detach under load.
 * A live upgrade's next instance starts at the published rsp_prod
 * either way.  Return: whether it took any.
 */
static bool ring_stop_intake(struct xsplit_blk_ring *ring)
{
	unsigned int n;

	if (test_bit(XSPLIT_BLK_DEAD, &ring->flags) || !ring->stop_left)
		return false;
	n = min(ring_intake(ring), ring->stop_left);
	ring->stop_left -= n;
	return n;
}

static void ring_log_stats(struct xsplit_blk_ring *ring)
{
	struct xsplit_blk_stats *st = &ring->be->stats;

	dev_info(&ring->be->xdev->dev,
		 "oo %lld rd %lld wr %lld f %lld ds %lld bad %lld\n",
		 atomic64_read(&st->oo_req), atomic64_read(&st->rd_req),
		 atomic64_read(&st->wr_req), atomic64_read(&st->f_req),
		 atomic64_read(&st->ds_req), atomic64_read(&st->bad_req));
}

static void ring_housekeeping(struct xsplit_blk_ring *ring)
{
	unsigned int timeout = READ_ONCE(xsplit_blkback_pgrant_timeout);

	/* One ring is enough: the size is the device's. */
	if (!ring->id && !kthread_should_stop())
		xsplit_blk_check_size(ring->be);

	if (ring->pcache && timeout && time_after(jiffies, ring->next_purge)) {
		xsplit_pgrant_purge_idle(ring->pcache, timeout);
		ring->next_purge = jiffies + XSPLIT_BLK_IDLE_TICK;
	}
	if (READ_ONCE(xsplit_blkback_log_stats) && !ring->id &&
	    time_after(jiffies, ring->next_log)) {
		ring_log_stats(ring);
		ring->next_log = jiffies + XSPLIT_BLK_LOG_INTERVAL;
	}
}

static bool ring_has_work(struct xsplit_blk_ring *ring)
{
	return test_bit(XSPLIT_BLK_EVENT, &ring->flags) ||
	       test_bit(XSPLIT_BLK_MORE, &ring->flags) ||
	       ring_done_pending(ring) || kthread_should_stop();
}

/* The earliest end of an open poll or coalescing window; 0: none. */
static ktime_t ring_deadline(struct xsplit_blk_ring *ring)
{
	if (!ring->poll_end)
		return ring->hold_end;
	if (!ring->hold_end || ktime_before(ring->poll_end, ring->hold_end))
		return ring->poll_end;
	return ring->hold_end;
}

static void ring_wait(struct xsplit_blk_ring *ring)
{
	ktime_t end = ring_deadline(ring), left;

	if (!end) {
		wait_event_interruptible_timeout(ring->wq, ring_has_work(ring),
						 ring->id ?
						 XSPLIT_BLK_IDLE_TICK :
						 XSPLIT_BLK_WAKE_TICK);
		return;
	}
	left = ktime_sub(end, ktime_get());
	if (ktime_to_ns(left) > 0)
		wait_event_interruptible_hrtimeout(ring->wq,
						   ring_has_work(ring), left);
}

/* The stop's intake, woken by an event: EOI it as ring_events() does. */
static bool ring_stop_take(struct xsplit_blk_ring *ring)
{
	bool event = test_and_clear_bit(XSPLIT_BLK_EVENT, &ring->flags);
	bool took = ring_stop_intake(ring);

	if (took)
		ring->eoi_work = true;
	ring_eoi(ring, event);
	return took;
}

/*
 * A leaving frontend may publish requests after the stop found the ring
 * empty: Linux's blkfront stops its queues and writes Closed with
 * requests in flight, and the interrupt that takes their answers starts
 * the queues again (blkif_interrupt(), kick_pending_request_queues_locked()),
 * so what its block layer still held then reaches the ring.  Nobody would
 * answer those, and a frontend without a request timeout holds its disk
 * for good.  So, for XSPLIT_BLK_LINGER after the last answers, the stop
 * waits for the frontend's event and takes what it publishes, up to one
 * ring's worth a wait; XSPLIT_BLK_LINGER_ROUNDS bounds the waits, so a
 * frontend cannot hold the stop.  Return: whether it took any.
 */
static bool ring_linger(struct xsplit_blk_ring *ring)
{
	unsigned long end = ring->pushed_at + XSPLIT_BLK_LINGER;
	unsigned int before;

	/* the flag was set before kthread_stop(), which we have seen */
	smp_rmb();
	if (!test_bit(XSPLIT_BLK_LINGER, &ring->flags) ||
	    test_bit(XSPLIT_BLK_DEAD, &ring->flags) ||
	    ring->lingers >= XSPLIT_BLK_LINGER_ROUNDS ||
	    !time_in_range(jiffies, ring->pushed_at, end))
		return false;
	ring->lingers++;
	ring->stop_left = ring_r(ring)->nr_ents;
	before = ring->stop_left;
	/* an intake that finds the ring empty asks for the event */
	while (!ring_stop_take(ring) && time_before(jiffies, end))
		wait_event_timeout(ring->wq,
				   test_bit(XSPLIT_BLK_EVENT, &ring->flags),
				   end - jiffies);
	ring->linger_reqs += before - ring->stop_left;
	return ring->stop_left != before;
}

/*
 * The ring's thread.  When told to stop it takes only what was published
 * (ring_stop_intake()), and what a leaving frontend publishes soon after
 * (ring_linger()), and keeps completing until nothing is in flight, so
 * no grant is unmapped under a bio.
 */
static int ring_thread(void *arg)
{
	struct xsplit_blk_ring *ring = arg;

	while (!kthread_should_stop() || ring->inflight ||
	       ring_stop_intake(ring) || ring_linger(ring)) {
		if (!kthread_should_stop())
			ring_wait(ring);
		else if (ring->inflight)
			wait_event_timeout(ring->wq, ring_done_pending(ring),
					   HZ);
		ring_complete(ring);
		/* A slow device, as the frontend sees it: answers come late. */
		if (xsplit_fault(XSPLIT_FAULT_DELAY))
			msleep(xsplit_fault_delay_ms());
		/* answers first: a held event's end is decided before intake */
		ring_push(ring);
		if (!kthread_should_stop())
			ring_events(ring);
		else
			ring_stop_intake(ring);
		ring_push(ring);	/* answers of intake: errors, discards */
		ring_housekeeping(ring);
	}
	/* a stop that came after the last push finds an event held */
	ring_push(ring);
	return 0;
}

/*
 * Pick the ring up where the frontend has it: at 0 when fresh, at the
 * published rsp_prod when an earlier instance of this driver handed the
 * connection over (live upgrade).
 */
static int ring_attach(struct xsplit_blk_ring *ring, unsigned int order)
{
	void *page = ring->shared.vaddr;

	switch (ring->abi) {
	case XSPLIT_BLK_ABI_X86_32:
		return xsplit_blkif_x86_32_back_rejoin(&ring->back.x86_32,
						       page, order);
	case XSPLIT_BLK_ABI_X86_64:
		return xsplit_blkif_x86_64_back_rejoin(&ring->back.x86_64,
						       page, order);
	default:
		return xsplit_blkif_back_rejoin(&ring->back.native, page,
						order);
	}
}

/* Copy mode's pages of one pool entry, those it holds. */
static void ring_bufs_free(struct xsplit_blk_ring *ring,
			   struct xsplit_blk_req *req)
{
	unsigned int i;

	for (i = 0; req->bufs && i < ring->pool_segs; i++) {
		if (!req->bufs[i])
			continue;
		__free_page(req->bufs[i]);
		ring->bufs_kept--;
	}
	kvfree(req->bufs);
	req->bufs = NULL;
}

static void ring_pool_free(struct xsplit_blk_ring *ring)
{
	unsigned int i;

	for (i = 0; ring->pool && i < ring->pool_size; i++) {
		ring_bufs_free(ring, &ring->pool[i]);
		kvfree(ring->pool[i].maps);
		kvfree(ring->pool[i].segs);
		kvfree(ring->pool[i].wire);
	}
	kvfree(ring->pool);
	ring->pool = NULL;
}

/* One request per ring slot: the frontend cannot have more unanswered. */
static int ring_pool_alloc(struct xsplit_blk_ring *ring, unsigned int segs)
{
	struct xsplit_blk_req *req;
	unsigned int i;

	ring->pool_size = ring_r(ring)->nr_ents;
	ring->pool_segs = segs;
	ring->pool = kvcalloc(ring->pool_size, sizeof(*ring->pool),
			      GFP_KERNEL);
	if (!ring->pool)
		return -ENOMEM;
	for (i = 0; i < ring->pool_size; i++) {
		req = &ring->pool[i];
		req->ring = ring;
		req->maps = kvcalloc(segs, sizeof(*req->maps), GFP_KERNEL);
		req->segs = kvcalloc(segs, sizeof(*req->segs), GFP_KERNEL);
		req->wire = kvcalloc(segs, sizeof(*req->wire), GFP_KERNEL);
		if (!req->maps || !req->segs || !req->wire)
			return -ENOMEM;
		if (ring->copy) {
			req->bufs = kvcalloc(segs, sizeof(*req->bufs),
					     GFP_KERNEL);
			if (!req->bufs)
				return -ENOMEM;
		}
		list_add_tail(&req->node, &ring->free);
	}
	return 0;
}

static int ring_bind(struct xsplit_blk_ring *ring, unsigned int nr)
{
	struct xsplit_blk_dev *be = ring->be;
	evtchn_port_t port, unused;
	char name[XSPLIT_EVTCHN_NAME_LEN];
	int err;

	err = xsplit_xb_evtchn_read(be->xb, nr, ring->id, false, &port,
				    &unused);
	if (err)
		return err;
	snprintf(name, sizeof(name), "xsplit-blk%u-%u", be->domid, ring->id);
	return xsplit_evtchn_bind_backend(&ring->evtchn, be->xdev, port, name,
					  ring_event, ring);
}

static void ring_stop(struct xsplit_blk_ring *ring, bool linger)
{
	struct xsplit_blk_stats *st = &ring->be->stats;
	struct xsplit_pgi_stats pg;
	unsigned int nr;

	if (linger)
		set_bit(XSPLIT_BLK_LINGER, &ring->flags);
	/* pairs with ring_linger()'s smp_rmb(): seen before the stop is */
	smp_mb__after_atomic();
	if (ring->thread)
		kthread_stop(ring->thread);
	ring->thread = NULL;
	if (ring->linger_reqs)
		dev_info_ratelimited(&ring->be->xdev->dev,
				     "ring %u: answered %u requests the closing frontend sent after our last answers\n",
				     ring->id, ring->linger_reqs);
	xsplit_evtchn_unbind(&ring->evtchn);
	if (ring->pcache) {
		xsplit_pgrant_stats(ring->pcache, &pg, &nr);
		atomic64_add(pg.hits, &st->pg_hits);
		atomic64_add(pg.misses, &st->pg_misses);
		/* Nothing is in flight any more: no entry can be busy. */
		WARN_ON_ONCE(xsplit_pgrant_cache_destroy(ring->pcache));
		ring->pcache = NULL;
	}
	if (ring->shared.vaddr)
		atomic_dec(&xsplit_blk_live.rings);
	xsplit_xb_ring_unmap(ring->be->xb, &ring->shared);
	ring_pool_free(ring);
	/* every page counted went back with its slot */
	WARN_ON_ONCE(ring->bufs_kept);
	if (ring->cbatch.ops)
		xsplit_gnt_copy_free(&ring->cbatch);
}

/*
 * Copy mode: one batch of a request's segments, so one hypercall moves a
 * request's data (256 segments: 1 MiB).
 */
static int ring_copy_init(struct xsplit_blk_ring *ring, unsigned int segs)
{
	ring->copy = xsplit_blk_use_copy(ring->be->adv_copy,
					 ring->be->persistent);
	if (!ring->copy)
		return 0;
	ring->bufs_max = READ_ONCE(xsplit_blkback_copy_pages);
	return xsplit_gnt_copy_init(&ring->cbatch, segs, NULL, NULL);
}

static int ring_start(struct xsplit_blk_ring *ring, unsigned int nr,
		      unsigned int order)
{
	struct xsplit_blk_dev *be = ring->be;
	unsigned int segs = max_t(unsigned int, be->lim.max_indirect_segs,
				  XSPLIT_BLKIF_MAX_SEGMENTS_PER_REQUEST);
	int err;

	err = xsplit_xb_ring_map(be->xb, XSPLIT_KEY_RING_REF, nr, ring->id,
				 order, &ring->shared);
	if (err)
		return err;
	atomic_inc(&xsplit_blk_live.rings);
	err = ring_attach(ring, order);
	if (err)
		return err;
	err = ring_copy_init(ring, segs);
	if (err)
		return err;
	err = ring_pool_alloc(ring, segs);
	if (err)
		return err;
	if (be->persistent) {
		unsigned int max = READ_ONCE(xsplit_blkback_max_pgrants);

		ring->pcache = xsplit_pgrant_cache_create(be->domid, max);
		if (IS_ERR(ring->pcache)) {
			err = PTR_ERR(ring->pcache);
			ring->pcache = NULL;
			return err;
		}
	}
	err = ring_bind(ring, nr);
	if (err)
		return err;
	/*
	 * Look at the ring at once: requests a rejoined frontend queued
	 * while no backend was bound came with notifications nobody got.
	 */
	set_bit(XSPLIT_BLK_MORE, &ring->flags);
	ring->stop_left = ring_r(ring)->nr_ents;
	ring->thread = kthread_run(ring_thread, ring, "xsplit-blk%u.%u",
				   be->domid, ring->id);
	if (IS_ERR(ring->thread)) {
		err = PTR_ERR(ring->thread);
		ring->thread = NULL;
	}
	return err;
}

static void ring_init(struct xsplit_blk_dev *be, struct xsplit_blk_ring *ring,
		      unsigned int id, enum xsplit_blk_abi abi)
{
	ring->be = be;
	ring->id = id;
	ring->abi = abi;
	ring->evtchn.irq = -1;
	init_waitqueue_head(&ring->wq);
	spin_lock_init(&ring->done_lock);
	INIT_LIST_HEAD(&ring->free);
	INIT_LIST_HEAD(&ring->done);
	ring->next_purge = jiffies + XSPLIT_BLK_IDLE_TICK;
	ring->next_log = jiffies + XSPLIT_BLK_LOG_INTERVAL;
	/* nothing answered yet: no linger (ring_linger()) */
	ring->pushed_at = jiffies - 2 * XSPLIT_BLK_LINGER;
}

/**
 * xsplit_blk_rings_start - map and start every ring the frontend set up
 * @be: the device, its block device open and be->lim filled in
 * @nr: number of queues
 * @order: ring-page-order
 * @abi: the frontend's protocol
 *
 * Return: 0, or an error with everything undone.
 */
int xsplit_blk_rings_start(struct xsplit_blk_dev *be, unsigned int nr,
			   unsigned int order, enum xsplit_blk_abi abi)
{
	struct xsplit_blk_ring *rings;
	unsigned int i;
	int err = 0;

	rings = kcalloc(nr, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		ring_init(be, &rings[i], i, abi);
	mutex_lock(&be->rings_lock);
	be->rings = rings;
	be->nr_rings = nr;
	mutex_unlock(&be->rings_lock);
	for (i = 0; i < nr && !err; i++)
		err = ring_start(&rings[i], nr, order);
	if (err)
		xsplit_blk_rings_stop(be, false);
	return err;
}

/*
 * Stop and free every ring; safe on a partial start and when none.
 * @linger: the frontend is leaving; see ring_linger().
 */
void xsplit_blk_rings_stop(struct xsplit_blk_dev *be, bool linger)
{
	struct xsplit_blk_ring *rings;
	unsigned int i, nr;

	mutex_lock(&be->rings_lock);
	rings = be->rings;
	nr = be->nr_rings;
	for (i = nr; rings && i-- > 0;)
		ring_stop(&rings[i], linger);
	be->rings = NULL;
	be->nr_rings = 0;
	mutex_unlock(&be->rings_lock);
	kfree(rings);
}

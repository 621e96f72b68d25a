// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario "late": a detach under load as Linux's blkfront plays it.
 * Each of `cycles` rounds connects, publishes HV_LATE_FIRST reads, goes
 * Closed while they are in flight (the lab gives this device a disk that
 * completes each request after a timer), and at the first answer
 * publishes HV_LATE_MORE more.  That is what blkfront does: it stops its
 * queues and writes Closed with requests in flight, and the interrupt
 * that takes their answers starts the queues again, so what its block
 * layer still held reaches the ring after our Closed.  Every request
 * must be answered: blkfront has no request timeout and holds its disk
 * for good for one it never gets.
 *
 * Summary:
 *   done scenario=late cycles=N sent=N answered=N late_sent=N
 *        late_answered=N lost=N unknown=N failed=N elapsed_ms=N
 * lost: requests of either batch never answered before the backend went
 * Closed (or wait_ms passed); unknown: answers to nothing we asked.
 */
#define pr_fmt(fmt) "hostile-vbd: " fmt

#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/wait.h>

#include <xen/events.h>
#include <xen/page.h>

#include "xsplit_compat_xen.h"
#include "hostile_vbd.h"

/* A few of each: fewer than the ring holds, so neither batch waits. */
#define HV_LATE_FIRST		8
#define HV_LATE_MORE		8
#define HV_LATE_ALL		(HV_LATE_FIRST + HV_LATE_MORE)
#define HV_LATE_FILL		0x3c

struct hv_late {
	struct hv_dev *hv;
	struct hv_grant data;		/* every read lands here */
	u64 seq;			/* next request id */
	u64 base, late_base;		/* this round's first ids */
	DECLARE_BITMAP(seen, HV_LATE_ALL);
	unsigned int got, late_got;	/* this round's answers */
	u64 sent, answered, late_sent, late_answered, lost, unknown;
};

/* Publish @n one-page reads of sector 0 and notify. */
static void hv_late_send(struct hv_late *l, unsigned int n)
{
	struct blkif_front_ring *f = &l->hv->front;
	struct blkif_request *req;
	int notify;

	for (; n; n--) {
		req = RING_GET_REQUEST(f, f->req_prod_pvt);
		memset(req, 0, sizeof(*req));
		hv_read1(req, 0, l->data.ref);
		req->u.rw.id = l->seq++;
		f->req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, notify);
	if (notify)
		notify_remote_via_evtchn(l->hv->port);
}

static void hv_late_count(void *ctx, const struct blkif_response *rsp)
{
	struct hv_late *l = ctx;
	u64 k = rsp->id - l->base;

	if (rsp->id < l->base || rsp->id >= l->seq ||
	    test_and_set_bit(k, l->seen))
		l->unknown++;
	else if (rsp->id >= l->late_base)
		l->late_got++;
	else
		l->got++;
}

static void hv_late_reap(struct hv_late *l)
{
	if (!hv_reap_ring(l->hv, hv_late_count, l))
		l->unknown++;
}

static bool hv_late_woken(struct hv_late *l)
{
	return RING_HAS_UNCONSUMED_RESPONSES(&l->hv->front) ||
	       hv_remote_in(l->hv, HV_BIT(XenbusStateClosed)) ||
	       kthread_should_stop();
}

/*
 * Reap until @want answers of the round came, the backend is Closed or
 * wait_ms passed.  Answers after the backend's Closed are not counted: a
 * frontend may let its ring go then (Linux's blkback answers its
 * in-flight requests only after it wrote Closed).
 */
static void hv_late_collect(struct hv_late *l, unsigned int want)
{
	unsigned long end = jiffies + msecs_to_jiffies(hv_wait_ms);

	for (;;) {
		hv_late_reap(l);
		if (l->got + l->late_got >= want || kthread_should_stop() ||
		    hv_remote_in(l->hv, HV_BIT(XenbusStateClosed)) ||
		    time_after_eq(jiffies, end))
			return;
		wait_event_interruptible_timeout(l->hv->wq, hv_late_woken(l),
						 msecs_to_jiffies(HV_POLL_MS));
	}
}

static int hv_late_round(struct hv_late *l, unsigned int cycle)
{
	struct hv_dev *hv = l->hv;
	int err;

	err = hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
	if (!err)
		err = hv_connect(hv, cycle);
	if (err)
		goto close;
	l->base = l->seq;
	l->late_base = l->seq + HV_LATE_FIRST;
	l->got = 0;
	l->late_got = 0;
	bitmap_zero(l->seen, HV_LATE_ALL);
	hv_late_send(l, HV_LATE_FIRST);
	err = xenbus_switch_state(hv->xdev, XenbusStateClosed);
	if (err) {
		hv_report(hv, cycle, "going Closed", err);
		goto close;
	}
	hv_late_collect(l, 1);
	hv_late_send(l, HV_LATE_MORE);
	hv_late_collect(l, HV_LATE_ALL);
	l->sent += HV_LATE_FIRST;
	l->late_sent += HV_LATE_MORE;
	l->answered += l->got;
	l->late_answered += l->late_got;
	l->lost += HV_LATE_ALL - l->got - l->late_got;
close:
	if (hv_close(hv, cycle) && !err)
		err = -ETIMEDOUT;
	return err;
}

int hv_run_late(struct hv_dev *hv)
{
	struct hv_late l = { .hv = hv };
	unsigned long t0 = jiffies;
	unsigned int i;
	int err;

	err = hv_grant_page(hv, &l.data, false, HV_LATE_FILL);
	for (i = 1; !err && i <= hv_cycles; i++) {
		err = hv_late_round(&l, i);
		/* a round the backend refused is counted; go on */
		if (err == -ECONNREFUSED)
			err = 0;
	}
	hv_grant_end(hv, &l.data);
	pr_info("%s: done scenario=late cycles=%u sent=%llu answered=%llu late_sent=%llu late_answered=%llu lost=%llu unknown=%llu failed=%u elapsed_ms=%u%s\n",
		hv->xdev->nodename, hv_cycles, l.sent, l.answered, l.late_sent,
		l.late_answered, l.lost, l.unknown, hv->failed,
		jiffies_to_msecs(jiffies - t0),
		err == -ETIMEDOUT ? " error=backend-timeout" :
		err == -EINTR ? " error=interrupted" : err ? " error=setup" : "");
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_hostile_vbd: a test-only vbd FRONTEND that misbehaves on purpose.
 *
 * Loaded in a lab guest that runs no other block frontend, it binds the
 * guest's vbd devices and plays a hostile peer against whatever backend
 * dom0 runs (xsplit's or the kernel's), so that the lab can measure what
 * the hostility costs dom0.  It is not a driver: the only I/O it asks for
 * is the late scenario's reads of one sector.
 *
 * Scenario "cycle", repeated `cycles` times per device:
 *   1. wait for the backend's InitWait
 *   2. grant a fresh shared ring, allocate and bind an event channel,
 *      publish ring-ref, event-channel, protocol; go Initialised
 *   3. wait for the backend's Connected
 *   4. corrupt the ring: req_prod far beyond the ring; notify
 *   5. give the backend up to `react_ms` to go Closing (xsplit's does; the
 *      kernel's xen-blkback halts the ring and stays Connected)
 *   6. go Closed; wait for the backend's Closed (or InitWait)
 *   7. unbind and close the event channel, end the grant (the kernel
 *      defers freeing a page the backend still maps); go Initialising
 *
 * The other scenarios (hv_malformed.c, hv_abuse.c):
 *   malformed  connected, a stream of invalid requests of every kind the
 *              backend's validator knows, in batches that fill the ring
 *   storm      connected with an empty ring, `events` notifications
 *   toggle     `toggles` state changes that never make a connection
 *   nodes      `writes` writes of garbage to every key the backend reads,
 *              with a connect attempt every `attempt_every` of them
 * and hv_late.c's:
 *   late       `cycles` rounds of a detach under load as Linux's blkfront
 *              does it: requests published after our Closed
 *
 * Every wait is bounded by `wait_ms`: a backend that stops answering ends
 * the run with an error line, never a hang.  At the end one line:
 *   hostile-vbd: <device>: done scenario=cycle cycles=N ok=N failed=N ...
 * which the lab's hostile-vbd scenarios read from the guest's console.
 * The backend only ever sees grant references we own (pages granted to
 * it, a reference claimed and never granted) or ones beyond any table.
 */
#define pr_fmt(fmt) "hostile-vbd: " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>

#include "xsplit_compat_xen.h"
#include "hostile_peer.h"
#include "hostile_vbd.h"

static char *scenario = "cycle";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "What to do to the backend: cycle, malformed, storm, toggle, nodes, late (default cycle)");

unsigned int hv_cycles = 100;
module_param_named(cycles, hv_cycles, uint, 0444);
MODULE_PARM_DESC(cycles, "cycle, late: rounds per device, 1..100000 (default 100)");

unsigned int hv_wait_ms = 30000;
module_param_named(wait_ms, hv_wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "Longest wait for one backend state change or batch of answers, ms, 100..600000 (default 30000)");

unsigned int hv_react_ms = 1000;
module_param_named(react_ms, hv_react_ms, uint, 0444);
MODULE_PARM_DESC(react_ms, "Time the backend gets to react to a corrupt ring or bad keys, ms, 0..60000 (default 1000)");

unsigned int hv_requests = 1000000;
module_param_named(requests, hv_requests, uint, 0444);
MODULE_PARM_DESC(requests, "malformed: requests to send, 1..100000000 (default 1000000)");

unsigned int hv_events = 100000;
module_param_named(events, hv_events, uint, 0444);
MODULE_PARM_DESC(events, "storm: notifications to send, 1..100000000 (default 100000)");

unsigned int hv_toggles = 1000;
module_param_named(toggles, hv_toggles, uint, 0444);
MODULE_PARM_DESC(toggles, "toggle: state changes, 1..10000000 (default 1000)");

unsigned int hv_writes = 10000;
module_param_named(writes, hv_writes, uint, 0444);
MODULE_PARM_DESC(writes, "nodes: key writes, 1..10000000 (default 10000)");

unsigned int hv_attempt_every = 500;
module_param_named(attempt_every, hv_attempt_every, uint, 0444);
MODULE_PARM_DESC(attempt_every, "nodes: key writes between connect attempts, 1..10000000 (default 500)");

unsigned int hv_max_s = 600;
module_param_named(max_s, hv_max_s, uint, 0444);
MODULE_PARM_DESC(max_s, "malformed, storm, nodes: stop after this many seconds, 1..86400 (default 600)");

unsigned int hv_hold_ms = 2000;
module_param_named(hold_ms, hv_hold_ms, uint, 0444);
MODULE_PARM_DESC(hold_ms, "storm: stay connected this long before and after the storm, ms, 0..60000 (default 2000)");

bool hv_persistent = true;
module_param_named(persistent, hv_persistent, bool, 0444);
MODULE_PARM_DESC(persistent, "malformed: offer feature-persistent (default Y)");

#define HV_MAX_CYCLES		100000
#define HV_MAX_COUNT		100000000
#define HV_MAX_TOGGLES		10000000
#define HV_MAX_SECONDS		86400
#define HV_MIN_WAIT_MS		100
#define HV_MAX_WAIT_MS		600000
#define HV_MAX_REACT_MS		60000
/* Requests "produced" beyond the ring: any value > ring size will do. */
#define HV_BOGUS_REQS		0x10000
/* Failure lines printed per device; the summary counts them all. */
#define HV_MAX_REPORTS		10
/* A Closed backend has unmapped the ring; allow it a little slack. */
#define HV_UNMAP_TRIES		5
#define HV_UNMAP_STEP_MS	100
#define HV_TXN_TRIES		10

static irqreturn_t hv_interrupt(int irq, void *data)
{
	struct hv_dev *hv = data;

	/* Count, for the log; a scenario waiting for answers looks itself. */
	WRITE_ONCE(hv->events, hv->events + 1);
	wake_up(&hv->wq);
	return IRQ_HANDLED;
}

static void hv_otherend_changed(struct xenbus_device *xdev,
				enum xenbus_state state)
{
	struct hv_dev *hv = dev_get_drvdata(&xdev->dev);

	WRITE_ONCE(hv->remote, state);
	WRITE_ONCE(hv->remote_changes, hv->remote_changes + 1);
	wake_up(&hv->wq);
}

bool hv_remote_in(struct hv_dev *hv, u32 states)
{
	return hostile_state_in(READ_ONCE(hv->remote), states);
}

/* Wait until the backend is in one of @states (hostile_wait_state()). */
int hv_wait(struct hv_dev *hv, u32 states, unsigned int ms)
{
	return hostile_wait_state(hv->xdev, &hv->wq, &hv->remote, states, ms);
}

/* One line per failure, for the first few only: a run may fail 100 times. */
void hv_report(struct hv_dev *hv, unsigned int cycle, const char *what,
	       int err)
{
	hv->failed++;
	if (hv->failed > HV_MAX_REPORTS)
		return;
	pr_err("%s: cycle %u: %s: error %d (backend state %s)%s\n",
	       hv->xdev->nodename, cycle, what, err,
	       xenbus_strstate(READ_ONCE(hv->remote)),
	       hv->failed == HV_MAX_REPORTS ? "; further failures not shown" : "");
}

static int hv_ring_grant(struct hv_dev *hv)
{
	struct blkif_sring *sring;
	int ref;

	hv->ring_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hv->ring_page)
		return -ENOMEM;
	sring = page_address(hv->ring_page);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&hv->front, sring, XEN_PAGE_SIZE);
	ref = gnttab_grant_foreign_access(hv->xdev->otherend_id,
					  xen_page_to_gfn(hv->ring_page), 0);
	if (ref < 0) {
		__free_page(hv->ring_page);
		hv->ring_page = NULL;
		return ref;
	}
	hv->ref = ref;
	return 0;
}

/*
 * End a grant we gave the backend and free its page.  A backend done with
 * it (Closed, or a request answered) must have unmapped it; one that still
 * maps it is counted, and the page goes to the kernel's deferred list,
 * which frees it if the backend ever lets go.
 */
static void hv_end_access(struct hv_dev *hv, grant_ref_t ref,
			  struct page *page)
{
	unsigned int i;

	for (i = 0; i < HV_UNMAP_TRIES; i++) {
		if (gnttab_try_end_foreign_access(ref)) {
			__free_page(page);
			return;
		}
		msleep(HV_UNMAP_STEP_MS);
	}
	hv->still_mapped++;
	xsplit_gnttab_end_foreign_access(ref, page);
}

static void hv_ring_end(struct hv_dev *hv)
{
	if (!hv->ring_page)
		return;
	hv_end_access(hv, hv->ref, hv->ring_page);
	hv->ring_page = NULL;
	hv->ref = INVALID_GRANT_REF;
}

/**
 * hv_grant_page - a page of ours, filled with @fill, granted to the backend
 * @hv: the device
 * @g: where the page and its grant go
 * @readonly: grant read-only (the backend may map it only to read)
 * @fill: the byte every byte of the page holds; hv_page_intact() checks it
 *
 * Return: 0 or a negative errno.
 */
int hv_grant_page(struct hv_dev *hv, struct hv_grant *g, bool readonly,
		  u8 fill)
{
	int ref;

	g->page = alloc_page(GFP_KERNEL);
	if (!g->page)
		return -ENOMEM;
	memset(page_address(g->page), fill, PAGE_SIZE);
	ref = gnttab_grant_foreign_access(hv->xdev->otherend_id,
					  xen_page_to_gfn(g->page), readonly);
	if (ref < 0) {
		__free_page(g->page);
		g->page = NULL;
		return ref;
	}
	g->ref = ref;
	return 0;
}

void hv_grant_end(struct hv_dev *hv, struct hv_grant *g)
{
	if (!g->page)
		return;
	hv_end_access(hv, g->ref, g->page);
	g->page = NULL;
	g->ref = INVALID_GRANT_REF;
}

/* Does every byte of the page still hold @fill (nobody wrote to it)? */
bool hv_page_intact(struct hv_grant *g, u8 fill)
{
	const u8 *p = page_address(g->page);

	return p[0] == fill && !memcmp(p, p + 1, PAGE_SIZE - 1);
}

static int hv_evtchn_bind(struct hv_dev *hv)
{
	int err;

	err = xenbus_alloc_evtchn(hv->xdev, &hv->port);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler(hv->port, hv_interrupt, 0,
					"hostile-vbd", hv);
	if (err < 0) {
		xenbus_free_evtchn(hv->xdev, hv->port);
		return err;
	}
	hv->irq = err;
	return 0;
}

/* Unbinding the irq also closes the port. */
static void hv_evtchn_free(struct hv_dev *hv)
{
	if (hv->irq < 0)
		return;
	unbind_from_irqhandler(hv->irq, hv);
	hv->irq = -1;
}

static int hv_publish_txn(struct hv_dev *hv, struct xenbus_transaction xbt)
{
	const char *dir = hv->xdev->nodename;
	int err;

	err = xenbus_printf(xbt, dir, "ring-ref", "%u", hv->ref);
	if (err)
		return err;
	err = xenbus_printf(xbt, dir, "event-channel", "%u", hv->port);
	if (err)
		return err;
	err = xenbus_printf(xbt, dir, "protocol", "%s",
			    XEN_IO_PROTO_ABI_NATIVE);
	if (err || !hv->persistent)
		return err;
	return xenbus_printf(xbt, dir, "feature-persistent", "%u", 1);
}

/* The connection keys, all at once as a real frontend writes them. */
static int hv_publish(struct hv_dev *hv)
{
	struct xenbus_transaction xbt;
	unsigned int i;
	int err = -EAGAIN;

	for (i = 0; i < HV_TXN_TRIES && err == -EAGAIN; i++) {
		err = xenbus_transaction_start(&xbt);
		if (err)
			return err;
		err = hv_publish_txn(hv, xbt);
		if (err) {
			xenbus_transaction_end(xbt, 1);
			return err;
		}
		err = xenbus_transaction_end(xbt, 0);
	}
	return err;
}

/* Steps 2-3: a ring and a channel, Initialised, the backend Connected. */
int hv_connect(struct hv_dev *hv, unsigned int cycle)
{
	int err;

	err = hv_ring_grant(hv);
	if (err) {
		hv_report(hv, cycle, "granting the ring", err);
		return err;
	}
	err = hv_evtchn_bind(hv);
	if (err) {
		hv_report(hv, cycle, "allocating the event channel", err);
		return err;
	}
	err = hv_publish(hv);
	if (!err)
		err = xenbus_switch_state(hv->xdev, XenbusStateInitialised);
	if (err) {
		hv_report(hv, cycle, "publishing the ring", err);
		return err;
	}
	err = hv_wait(hv, HV_BIT(XenbusStateConnected) |
		      HV_BIT(XenbusStateClosing) | HV_BIT(XenbusStateClosed),
		      hv_wait_ms);
	if (!err && !hv_remote_in(hv, HV_BIT(XenbusStateConnected)))
		err = -ECONNREFUSED;
	if (err)
		hv_report(hv, cycle, "waiting for Connected", err);
	return err;
}

/* Steps 4-5: claim far more requests than the ring holds; note the reply. */
static void hv_corrupt(struct hv_dev *hv)
{
	struct blkif_sring *sring = hv->front.sring;
	int err;

	/* The backend consumed nothing yet: its req_cons is our req_prod_pvt. */
	sring->req_prod = hv->front.req_prod_pvt + HV_BOGUS_REQS;
	/* The index must be visible before the backend looks. */
	wmb();
	notify_remote_via_evtchn(hv->port);
	err = hv_wait(hv, HV_BIT(XenbusStateClosing) |
		      HV_BIT(XenbusStateClosed), hv_react_ms);
	if (!err)
		hv->went_closing++;
	else if (err == -ETIMEDOUT)
		hv->stayed_connected++;
}

/* Steps 6-7: Closed, wait for the backend, drop the ring, Initialising. */
int hv_close(struct hv_dev *hv, unsigned int cycle)
{
	int err;

	err = xenbus_switch_state(hv->xdev, XenbusStateClosed);
	if (!err)
		err = hv_wait(hv, HV_BIT(XenbusStateClosed) |
			      HV_BIT(XenbusStateInitWait), hv_wait_ms);
	if (err && err != -EINTR)
		hv_report(hv, cycle, "waiting for the backend to close", err);
	hv_evtchn_free(hv);
	hv_ring_end(hv);
	if (err)
		return err;
	err = xenbus_switch_state(hv->xdev, XenbusStateInitialising);
	if (err)
		hv_report(hv, cycle, "going Initialising", err);
	return err;
}

/**
 * hv_reap_ring - take every answer on the ring, each copied off it once
 * @hv: the device, connected
 * @take: called with each answer, in ring order
 * @ctx: @take's
 *
 * Return: false if the backend's rsp_prod is beyond the ring (then
 * nothing more is taken).
 */
bool hv_reap_ring(struct hv_dev *hv,
		  void (*take)(void *ctx, const struct blkif_response *rsp),
		  void *ctx)
{
	struct blkif_front_ring *f = &hv->front;
	struct blkif_response rsp;
	RING_IDX i, rp;
	int more;

	do {
		rp = READ_ONCE(f->sring->rsp_prod);
		virt_rmb();	/* the answers up to rp are visible */
		if (rp - f->rsp_cons > RING_SIZE(f))
			return false;
		for (i = f->rsp_cons; i != rp; i++) {
			memcpy(&rsp, RING_GET_RESPONSE(f, i), sizeof(rsp));
			take(ctx, &rsp);
		}
		f->rsp_cons = rp;
		RING_FINAL_CHECK_FOR_RESPONSES(f, more);
	} while (more);
	return true;
}

/*
 * Write our state node directly, as a frontend that ignores the rules
 * would (xenbus_switch_state() also quietly writes nothing over a state
 * key that does not parse, as the nodes scenario leaves it); the bus's
 * idea of our state follows, so that a later xenbus_switch_state() is not
 * skipped as "no change".
 */
int hv_state_write(struct hv_dev *hv, enum xenbus_state state)
{
	hv->xdev->state = state;
	return xenbus_printf(XBT_NIL, hv->xdev->nodename, "state", "%d",
			     state);
}

/*
 * Back to a backend in InitWait from wherever the abuse left it: Closed
 * (written directly, see hv_state_write()) until the backend is Closed
 * too, then Initialising until it offers the device again.  Waiting for
 * Closed first matters: a backend still in InitWait from before has not
 * seen our Closed yet, and would go Closed under the next connect.
 */
int hv_reset(struct hv_dev *hv)
{
	int err;

	hv_state_write(hv, XenbusStateClosed);
	err = hv_wait(hv, HV_BIT(XenbusStateClosed), hv_wait_ms);
	hv_evtchn_free(hv);
	hv_ring_end(hv);
	if (err)
		return err;
	hv_state_write(hv, XenbusStateInitialising);
	return hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
}

static int hv_cycle(struct hv_dev *hv, unsigned int cycle)
{
	int err, close_err;

	err = hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
	if (err) {
		if (err != -EINTR)
			hv_report(hv, cycle, "waiting for InitWait", err);
		return err;
	}
	err = hv_connect(hv, cycle);
	if (!err)
		hv_corrupt(hv);
	/* Whatever happened, close: a half-set-up connection is undone too. */
	close_err = hv_close(hv, cycle);
	if (!err && !close_err)
		hv->ok++;
	return err ? err : close_err;
}

/*
 * Scenario cycle.  A timeout means the backend stopped answering: the run
 * ends there.  Other failures (a refused connect) are counted and the
 * next cycle starts.
 */
static int hv_run_cycle(struct hv_dev *hv)
{
	unsigned int i;
	int err = 0;

	for (i = 1; i <= hv_cycles; i++) {
		err = hv_cycle(hv, i);
		if (err == -ETIMEDOUT || err == -EINTR)
			break;
	}
	pr_info("%s: done scenario=cycle cycles=%u ok=%u failed=%u closing=%u connected=%u still_mapped=%u events=%u%s\n",
		hv->xdev->nodename, hv_cycles, hv->ok, hv->failed,
		hv->went_closing, hv->stayed_connected, hv->still_mapped,
		READ_ONCE(hv->events),
		err == -ETIMEDOUT ? " error=backend-timeout" :
		err == -EINTR ? " error=interrupted" : "");
	return err;
}

static const struct {
	const char *name;
	int (*run)(struct hv_dev *hv);
} hv_scenarios[] = {
	{ "cycle", hv_run_cycle },
	{ "malformed", hv_run_malformed },
	{ "storm", hv_run_storm },
	{ "toggle", hv_run_toggle },
	{ "nodes", hv_run_nodes },
	{ "late", hv_run_late },
};

static int hv_scenario_index(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hv_scenarios); i++)
		if (!strcmp(scenario, hv_scenarios[i].name))
			return i;
	return -EINVAL;
}

/*
 * The scenario thread.  A device we were bound to before (the module
 * loaded again) was left Closed by the bus: Initialising asks the backend
 * to offer it again.  Once done, the thread waits to be stopped, so that
 * remove always has a thread to stop.
 */
static int hv_thread(void *data)
{
	struct hv_dev *hv = data;

	WRITE_ONCE(hv->remote, xsplit_xenbus_otherend_state(hv->xdev));
	xenbus_switch_state(hv->xdev, XenbusStateInitialising);
	hv_scenarios[hv_scenario_index()].run(hv);
	wait_event_interruptible(hv->wq, kthread_should_stop());
	return 0;
}

static int hv_probe(struct xenbus_device *xdev,
		    const struct xenbus_device_id *id)
{
	struct hv_dev *hv;

	hv = kzalloc(sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	hv->xdev = xdev;
	hv->irq = -1;
	hv->ref = INVALID_GRANT_REF;
	hv->remote = XenbusStateUnknown;
	init_waitqueue_head(&hv->wq);
	return hostile_start(xdev, hv, &hv->task, hv_thread, "hostile-vbd");
}

/* The thread undoes its own connection when stopped mid-cycle. */
static XSPLIT_XENBUS_REMOVE_RET hv_remove(struct xenbus_device *xdev)
{
	struct hv_dev *hv = dev_get_drvdata(&xdev->dev);

	hostile_stop(xdev, hv->task);
	return XSPLIT_XENBUS_REMOVED;
}

static const struct xenbus_device_id hv_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver hv_driver = {
	.ids = hv_ids,
	.probe = hv_probe,
	.remove = hv_remove,
	.otherend_changed = hv_otherend_changed,
};

static bool hv_params_ok(void)
{
	if (hv_scenario_index() < 0) {
		pr_err("unknown scenario '%s' (known: cycle, malformed, storm, toggle, nodes, late)\n",
		       scenario);
		return false;
	}
	if (!hv_cycles || hv_cycles > HV_MAX_CYCLES ||
	    hv_wait_ms < HV_MIN_WAIT_MS || hv_wait_ms > HV_MAX_WAIT_MS ||
	    hv_react_ms > HV_MAX_REACT_MS || hv_hold_ms > HV_MAX_REACT_MS) {
		pr_err("cycles, wait_ms, react_ms or hold_ms out of range\n");
		return false;
	}
	if (!hv_requests || hv_requests > HV_MAX_COUNT ||
	    !hv_events || hv_events > HV_MAX_COUNT ||
	    !hv_toggles || hv_toggles > HV_MAX_TOGGLES ||
	    !hv_writes || hv_writes > HV_MAX_TOGGLES ||
	    !hv_attempt_every || hv_attempt_every > HV_MAX_TOGGLES ||
	    !hv_max_s || hv_max_s > HV_MAX_SECONDS) {
		pr_err("requests, events, toggles, writes, attempt_every or max_s out of range\n");
		return false;
	}
	return true;
}

static int __init hv_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	if (!hv_params_ok())
		return -EINVAL;
	/*
	 * We never go Connected: without this the kernel would hold insmod
	 * for its 5-minute boot-device wait (30 s with it).
	 */
	xsplit_xenbus_not_essential(&hv_driver);
	return xenbus_register_frontend(&hv_driver);
}
module_init(hv_init);

static void __exit hv_exit(void)
{
	xenbus_unregister_driver(&hv_driver);
}
module_exit(hv_exit);

MODULE_DESCRIPTION("xsplit selftest: a hostile vbd frontend (test only)");
MODULE_LICENSE("GPL");

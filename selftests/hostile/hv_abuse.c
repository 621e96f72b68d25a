// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios that abuse everything but the requests:
 *
 *   storm   connect, hold hold_ms, send `events` notifications with the
 *           ring empty (paced by nothing but a cond_resched per batch),
 *           hold hold_ms (so dom0 can read what its ring thread spent),
 *           close.  Nothing may be answered.
 *   toggle  `toggles` state changes (Initialised, Connected, Closing,
 *           Closed, Initialising, in an order no frontend uses) without
 *           ever offering a usable ring: no ring-ref at all, or one
 *           beyond any grant table.  Then back to a clean Initialising.
 *   nodes   `writes` writes of garbage to every key of ours the backend
 *           reads or watches (ring-ref*, event-channel*, ring-page-order,
 *           multi-queue-num-queues, queue-N/..., protocol,
 *           feature-persistent, state); every `attempt_every` writes we
 *           go Initialised, so that the backend reads the garbage, and
 *           reset.  No value names a grant or channel that exists.
 *
 * toggle and nodes end with a check that the backend still works: a clean
 * reset to InitWait (recovered=1) and one proper connect and close
 * (connected_after=1).
 */
#define pr_fmt(fmt) "hostile-vbd: " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include <xen/events.h>

#include "xsplit_compat_xen.h"
#include "hostile_vbd.h"

/* Notifications between two looks at the clock, the state and the CPU. */
#define HV_STORM_BATCH		64
/* toggle: a bogus ring every this many changes, none in between. */
#define HV_TOGGLE_BOGUS_EVERY	3
#define HV_TOGGLE_PACE_US	200

/*
 * Values no parser may take for a grant reference or a port that exists:
 * beyond 2^31 modulo 2^32 (so no truncation makes them small), negative,
 * empty, not a number, too long.
 */
#define HV_LONG_GARBAGE \
	"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
static const char *const hv_bad_refs[] = {
	"4294967295", "2147483648", "3000000000", "-1", "-2147483648",
	"", "abc", " ", HV_LONG_GARBAGE, NULL
};

static const char *const hv_bad_orders[] = {
	"31", "4294967295", "-1", "5", "abc", "", NULL
};

static const char *const hv_bad_queues[] = {
	"0", "4294967295", "65536", "2", "-1", "abc", "", NULL
};

static const char *const hv_bad_protocols[] = {
	"", "bogus-abi", "x86_32-abi", "x86_64-abi", HV_LONG_GARBAGE, NULL
};

static const char *const hv_bad_bools[] = {
	"2", "-1", "abc", "", "4294967295", NULL
};

/* Unknown, out of range, not a number: the state key is the watched one. */
static const char *const hv_bad_states[] = {
	"99", "-1", "abc", "", "7", "8", "0", NULL
};

static const struct {
	const char *key;
	const char *const *vals;
} hv_nodes[] = {
	{ "ring-ref", hv_bad_refs },
	{ "ring-ref0", hv_bad_refs },
	{ "ring-ref1", hv_bad_refs },
	{ "ring-page-order", hv_bad_orders },
	{ "num-ring-pages", hv_bad_orders },
	{ "event-channel", hv_bad_refs },
	{ "multi-queue-num-queues", hv_bad_queues },
	{ "queue-0/ring-ref", hv_bad_refs },
	{ "queue-0/event-channel", hv_bad_refs },
	{ "queue-1/ring-ref", hv_bad_refs },
	{ "queue-1/event-channel", hv_bad_refs },
	{ "protocol", hv_bad_protocols },
	{ "feature-persistent", hv_bad_bools },
	{ "state", hv_bad_states },
};

static unsigned int hv_count(const char *const *vals)
{
	unsigned int n = 0;

	while (vals[n])
		n++;
	return n;
}

/* Remove every key of ours the backend reads, so a reset starts clean. */
static void hv_nodes_clear(struct hv_dev *hv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hv_nodes); i++)
		if (strcmp(hv_nodes[i].key, "state"))
			xenbus_rm(XBT_NIL, hv->xdev->nodename,
				  hv_nodes[i].key);
	xenbus_rm(XBT_NIL, hv->xdev->nodename, "queue-0");
	xenbus_rm(XBT_NIL, hv->xdev->nodename, "queue-1");
}

/*
 * After the abuse: reset to InitWait, then one proper connect and close.
 * Sets *recovered and *connected (1 or 0).
 */
static void hv_aftercheck(struct hv_dev *hv, unsigned int *recovered,
			  unsigned int *connected)
{
	hv_nodes_clear(hv);
	*recovered = !hv_reset(hv);
	*connected = 0;
	if (!*recovered)
		return;
	*connected = !hv_connect(hv, 0);
	hv_close(hv, 0);
}

/* ---- storm ---- */

static bool hv_storm_stop(struct hv_dev *hv)
{
	return kthread_should_stop() || hv_remote_in(hv, HV_GONE);
}

static unsigned int hv_storm(struct hv_dev *hv, unsigned long end)
{
	unsigned int i;

	for (i = 0; i < hv_events; i++) {
		notify_remote_via_evtchn(hv->port);
		if (i % HV_STORM_BATCH)
			continue;
		cond_resched();
		if (hv_storm_stop(hv) || time_after(jiffies, end))
			break;
	}
	return i;
}

int hv_run_storm(struct hv_dev *hv)
{
	unsigned long end = jiffies + hv_max_s * HZ;
	unsigned int sent = 0, rsp = 0;
	s64 us = 0;
	ktime_t t0;
	const char *why = "";
	int err;

	err = hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
	if (!err)
		err = hv_connect(hv, 1);
	if (!err) {
		pr_info("%s: storm: connected\n", hv->xdev->nodename);
		msleep_interruptible(hv_hold_ms);
		t0 = ktime_get();
		sent = hv_storm(hv, end);
		us = ktime_us_delta(ktime_get(), t0);
		msleep_interruptible(hv_hold_ms);
		rsp = READ_ONCE(hv->front.sring->rsp_prod);
		if (hv_remote_in(hv, HV_GONE))
			why = " backend=closed";
	}
	hv_close(hv, 1);
	pr_info("%s: done scenario=storm events=%u sent=%u elapsed_us=%lld responses=%u events_back=%u still_mapped=%u failed=%u%s%s\n",
		hv->xdev->nodename, hv_events, sent, us, rsp,
		READ_ONCE(hv->events), hv->still_mapped, hv->failed, why,
		err ? " error=connect" : "");
	return err;
}

/* ---- toggle ---- */

/* An order no frontend would follow; never two equal states in a row. */
static const enum xenbus_state hv_toggle_seq[] = {
	XenbusStateInitialised, XenbusStateClosed, XenbusStateInitialising,
	XenbusStateConnected, XenbusStateClosing, XenbusStateInitialised,
	XenbusStateInitialising, XenbusStateClosing, XenbusStateConnected,
	XenbusStateClosed,
};

/* Before some Initialiseds, a ring beyond any grant table. */
static void hv_toggle_keys(struct hv_dev *hv, unsigned int i)
{
	const char *dir = hv->xdev->nodename;

	if (i % HV_TOGGLE_BOGUS_EVERY) {
		xenbus_rm(XBT_NIL, dir, "ring-ref");
		xenbus_rm(XBT_NIL, dir, "event-channel");
		return;
	}
	xenbus_write(XBT_NIL, dir, "ring-ref", hv_bad_refs[0]);
	xenbus_write(XBT_NIL, dir, "event-channel", hv_bad_refs[1]);
	xenbus_write(XBT_NIL, dir, "protocol", "x86_64-abi");
}

int hv_run_toggle(struct hv_dev *hv)
{
	unsigned int i, n = ARRAY_SIZE(hv_toggle_seq), errs = 0;
	unsigned int recovered, connected;
	unsigned long t0 = jiffies;
	enum xenbus_state s;

	hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
	for (i = 0; i < hv_toggles && !kthread_should_stop(); i++) {
		s = hv_toggle_seq[i % n];
		if (s == XenbusStateInitialised)
			hv_toggle_keys(hv, i);
		if (hv_state_write(hv, s))
			errs++;
		usleep_range(HV_TOGGLE_PACE_US, 2 * HV_TOGGLE_PACE_US);
	}
	hv_aftercheck(hv, &recovered, &connected);
	pr_info("%s: done scenario=toggle toggles=%u done=%u write_errors=%u backend_changes=%u recovered=%u connected_after=%u still_mapped=%u elapsed_ms=%u\n",
		hv->xdev->nodename, hv_toggles, i, errs,
		READ_ONCE(hv->remote_changes), recovered, connected,
		hv->still_mapped, jiffies_to_msecs(jiffies - t0));
	return 0;
}

/* ---- nodes ---- */

/* Write number @i of the loop: key i % keys, its values in turn. */
static int hv_node_write(struct hv_dev *hv, unsigned int i)
{
	unsigned int k = i % ARRAY_SIZE(hv_nodes);
	const char *const *vals = hv_nodes[k].vals;
	const char *v = vals[(i / ARRAY_SIZE(hv_nodes)) % hv_count(vals)];

	return xenbus_write(XBT_NIL, hv->xdev->nodename, hv_nodes[k].key, v);
}

/*
 * Initialised over the garbage: the backend reads it now.  Note what it
 * did, then reset.  Returns the reset's result: a backend that does not
 * come back to InitWait ends the scenario.
 */
static int hv_node_attempt(struct hv_dev *hv, unsigned int *connected)
{
	hv_state_write(hv, XenbusStateInitialised);
	hv_wait(hv, HV_BIT(XenbusStateConnected) | HV_GONE, hv_react_ms);
	if (hv_remote_in(hv, HV_BIT(XenbusStateConnected)))
		(*connected)++;
	return hv_reset(hv);
}

int hv_run_nodes(struct hv_dev *hv)
{
	unsigned long t0 = jiffies, end = t0 + hv_max_s * HZ;
	unsigned int i, errs = 0, attempts = 0, conn = 0;
	unsigned int recovered = 0, connected = 0;
	int err;

	err = hv_wait(hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);
	for (i = 0; !err && i < hv_writes; i++) {
		if (hv_node_write(hv, i))
			errs++;
		if ((i + 1) % hv_attempt_every == 0) {
			attempts++;
			err = hv_node_attempt(hv, &conn);
		}
		cond_resched();
		if (kthread_should_stop() || time_after(jiffies, end))
			break;
	}
	if (!kthread_should_stop())
		hv_aftercheck(hv, &recovered, &connected);
	pr_info("%s: done scenario=nodes writes=%u done=%u write_errors=%u attempts=%u connected_on_garbage=%u backend_changes=%u recovered=%u connected_after=%u still_mapped=%u elapsed_ms=%u%s\n",
		hv->xdev->nodename, hv_writes, i, errs, attempts, conn,
		READ_ONCE(hv->remote_changes), recovered, connected,
		hv->still_mapped, jiffies_to_msecs(jiffies - t0),
		err ? " error=backend-stuck" : "");
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_hostile_vif: a test-only vif FRONTEND that misbehaves on purpose.
 *
 * Loaded in a lab guest that runs no other network frontend, it binds the
 * guest's vif devices and plays a hostile peer against whatever backend
 * dom0 runs (xsplit's netback or the kernel's xen-netback), so that the
 * lab can measure what the hostility costs dom0.  It is not a driver: it
 * never hands a packet to the guest's stack.
 *
 * Every scenario repeats `conns` connections per device.  A connection:
 *   1. wait for the backend's InitWait
 *   2. grant a tx ring, an rx ring and one data page (an Ethernet frame,
 *      read-only), plus a control ring for "ctrl"; bind the event
 *      channel(s); publish the keys; go Connected as netfront does
 *   3. wait for the backend's Connected
 *   4. the scenario's work (below)
 *   5. go Closed; wait for the backend's Closed (or InitWait); unbind,
 *      end the grants; go Initialising
 *
 * Scenarios (module parameter `scenario`):
 *   txchain   per connection `per_conn` malformed packets the backends
 *             answer with an error or drop (slot counts over the legacy
 *             limit, empty slots, bad grants, oversized slots, GSO size 1,
 *             headers split into tiny slots, ...), as fast as the ring
 *             lets us; the last connections (one per kind) then end with
 *             one FATAL packet each (slots over fatal_skb_slots, a slot
 *             crossing its page, GSO size 0 or a bogus GSO type, a bogus
 *             extra-info type, a chain ending past req_prod, req_prod
 *             beyond the ring) and give the backend `react_ms` to go
 *             Closing.  A backend that stops answering for `stall_ms`
 *             (a disabled vif) ends the connection: counted as a stall.
 *             With `early` (default), every connection after a fatal one
 *             queues its first packets before going Connected and kicks
 *             the backend every ~100 us until it says Connected: an event
 *             that reaches a vif still disabled by the last connection
 *             (its channels bound, the flag not yet cleared) would be
 *             dropped without its EOI, and those packets never answered.
 *   rxstarve  post `rx_bufs` guest-receive buffers (the first connection
 *             and every other one after it; the others none) and never
 *             more, while dom0 sends to us (packets of two slots or more:
 *             one buffer is one short); meanwhile kick the event channel
 *             `count` times
 *   storm     `count` event-channel kicks with both rings empty
 *   nodes     `count` writes to frontend nodes the backend watches
 *             (request-multicast-control) or reads (multi-queue, ring
 *             refs: garbage), and multicast add/remove requests on the tx
 *             ring for more addresses than any filter holds
 *   ctrl      a control ring full of garbage requests (unknown types, bad
 *             grants, huge sizes), `count` of them, then a req_prod
 *             beyond the ring
 *   mcwatch   `count` transactions of `burst` writes each to
 *             request-multicast-control, which the backend watches: each
 *             commit sends dom0 `burst` watch events at once, a queue
 *             that only a bounded watch keeps short (issue #14 item 3)
 *   rxrace    keep `rx_bufs` receive buffers posted (reposting each one
 *             answered) while dom0 sends to us, and move the shared
 *             req_prod back and forth between the old index and the new
 *             one, so that a backend reading it twice for one packet sees
 *             both (issue #14 item 4); every answer is checked against
 *             the ring slot it lands in: one in a slot we did not post,
 *             or with the id of another buffer, counts as rx_bad
 *
 * Every wait is bounded by `wait_ms` (a state change) or `stall_ms` (ring
 * answers): a backend that stops answering ends the run with an error
 * line, never a hang.  At the end one line per device:
 *   hostile-vif: <dev>: done scenario=S conns=N ok=N failed=N sent=N ...
 * which the lab's hostile-vif scenario reads from the guest's console.
 */
#define pr_fmt(fmt) "hostile-vif: " fmt

#include <linux/delay.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/netif.h>

#include "xsplit_compat_xen.h"
#include "hostile_peer.h"

enum hv_scenario {
	HV_TXCHAIN, HV_RXSTARVE, HV_STORM, HV_NODES, HV_CTRL, HV_MCWATCH,
	HV_RXRACE,
};

static const char *const hv_scenarios[] = {
	[HV_TXCHAIN] = "txchain",
	[HV_RXSTARVE] = "rxstarve",
	[HV_STORM] = "storm",
	[HV_NODES] = "nodes",
	[HV_CTRL] = "ctrl",
	[HV_MCWATCH] = "mcwatch",
	[HV_RXRACE] = "rxrace",
};

static char *scenario = "txchain";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "txchain, rxstarve, storm, nodes, ctrl, mcwatch or rxrace (default txchain)");

static unsigned int conns = 12;
module_param(conns, uint, 0444);
MODULE_PARM_DESC(conns, "Connections per device, 1..100000 (default 12)");

static unsigned int per_conn = 2000;
module_param(per_conn, uint, 0444);
MODULE_PARM_DESC(per_conn, "txchain: malformed packets per connection, 0..10000000 (default 2000)");

static unsigned int count = 10000;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "rxstarve/storm: kicks, nodes: writes, ctrl: requests, mcwatch: transactions, per connection, 0..10000000 (default 10000)");

static unsigned int rx_bufs = 1;
module_param(rx_bufs, uint, 0444);
MODULE_PARM_DESC(rx_bufs, "rxstarve: buffers posted on odd connections, rxrace: buffers kept posted, 0..16 (default 1)");

static unsigned int burst = 200;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "mcwatch: writes per transaction, 1..1000 (default 200)");

static unsigned int hold_ms = 5000;
module_param(hold_ms, uint, 0444);
MODULE_PARM_DESC(hold_ms, "rxstarve/storm/nodes/ctrl/mcwatch/rxrace: longest time per connection, ms, 0..600000 (default 5000)");

static unsigned int wait_ms = 30000;
module_param(wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "Longest wait for one backend state change, ms, 100..600000 (default 30000)");

static unsigned int react_ms = 1000;
module_param(react_ms, uint, 0444);
MODULE_PARM_DESC(react_ms, "Time the backend gets to react to a fatal packet, ms, 0..60000 (default 1000)");

static bool early = true;
module_param(early, bool, 0444);
MODULE_PARM_DESC(early, "txchain: connections after a fatal one post packets and kick through the backend's connect (default 1)");

static unsigned int stall_ms = 500;
module_param(stall_ms, uint, 0444);
MODULE_PARM_DESC(stall_ms, "Longest wait for ring answers before the connection counts as stalled, ms, 10..60000 (default 500)");

#define HV_MAX_CONNS		100000
#define HV_MAX_PER_CONN		10000000
#define HV_MAX_RX_BUFS		16
/* Under oxenstored's default 1024 requests per transaction. */
#define HV_MAX_BURST		1000
#define HV_MIN_WAIT_MS		100
#define HV_MAX_WAIT_MS		600000
#define HV_MAX_REACT_MS		60000
#define HV_MIN_STALL_MS		10
#define HV_MAX_STALL_MS		60000

#define HV_TX_SIZE		__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define HV_RX_SIZE		__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)
#define HV_CTRL_SIZE		__CONST_RING_SIZE(xen_netif_ctrl, XEN_PAGE_SIZE)

/* Linux's and xsplit's limits the chains aim at (netback/txval.h). */
#define HV_LEGACY_SLOTS		18	/* XEN_NETBK_LEGACY_SLOTS_MAX */
#define HV_FATAL_SLOTS		20	/* fatal_skb_slots default */
/*
 * Data slots after the first that both backends take as fatal: Linux
 * counts only those, xsplit the first slot too.
 */
#define HV_FATAL_FRAGS		(HV_FATAL_SLOTS + 1)
/* The longest chain we build. */
#define HV_MAX_PKT_SLOTS	(1 + HV_FATAL_FRAGS)
/* A frame the backends accept: Ethernet + IPv4 + TCP headers. */
#define HV_FRAME_LEN		60
#define HV_TINY_SLOT		4	/* header split: bytes per slot */
#define HV_TINY_SLOTS		15	/* ... data slots after the first */
#define HV_BOGUS_GREF		0x7ffffff0U
#define HV_BOGUS_GSO_TYPE	7
#define HV_BOGUS_EXTRA_TYPE	200
#define HV_GSO_BY_FRAGS		0xffff
/* Far beyond any ring: the backend must refuse, not walk it. */
#define HV_BOGUS_REQS		0x10000
/* Packets (bulk kinds) each fatal connection sends first: is the vif serving? */
#define HV_PRE_FATAL		16
/* Distinct multicast addresses per "nodes" connection: > any filter. */
#define HV_MCAST_ADDRS		100
/* Kicks between two yields, so a storm does not hog the vCPU. */
#define HV_KICK_BATCH		64
/* early: pause between two kicks while the backend connects, us. */
#define HV_EARLY_KICK_US	100

/* rxrace: req_prod moves per round, back and forth (a few 100 us, TCG). */
#define HV_RACE_FLIPS		4096

/* Failure lines printed per device; the summary counts them all. */
#define HV_MAX_REPORTS		10
#define HV_UNMAP_TRIES		5
#define HV_UNMAP_STEP_MS	100
#define HV_TXN_TRIES		10

#define HV_BIT(s)		(1U << (s))

/* Packets the backends answer and go on: counted, many per connection. */
enum hv_bulk_kind {
	HV_K_LEGACY_SLOTS,	/* MAX_SKB_FRAGS + 1 data slots */
	HV_K_ZERO_FIRST,	/* a 0-byte packet */
	HV_K_ZERO_FRAG,		/* a 0-byte data slot */
	HV_K_SPLIT_HDR,		/* the headers in 4-byte slots */
	HV_K_BAD_GREF,		/* a grant that does not exist */
	HV_K_OVERSIZE,		/* a slot larger than the packet */
	HV_K_GSO_ONE,		/* GSO size 1 */
	HV_K_BAD_FLAGS,		/* unknown tx flag bits */
	HV_K_DUP_EXTRA,		/* the GSO extra twice */
	HV_K_MCAST_DATA,	/* a multicast add that carries data */
	HV_K_NR_BULK,
};

/* Packets that break the protocol: the backend disables the vif. */
enum hv_fatal_kind {
	HV_F_FATAL_SLOTS,	/* more slots than fatal_skb_slots */
	HV_F_CROSS_FIRST,	/* the first slot crosses its page */
	HV_F_CROSS_FRAG,	/* a data slot crosses its page */
	HV_F_GSO_ZERO,		/* GSO size 0 */
	HV_F_GSO_TYPE,		/* a bogus GSO type */
	HV_F_GSO_BY_FRAGS,	/* GSO size 0xffff */
	HV_F_EXTRA_TYPE,	/* a bogus extra-info type */
	HV_F_TRUNCATED,		/* MORE_DATA on the last request given */
	HV_F_PROD,		/* req_prod far beyond the ring */
	HV_F_NR,
};

static const char *const hv_bulk_names[HV_K_NR_BULK] = {
	[HV_K_LEGACY_SLOTS] = "legacy-slots",
	[HV_K_ZERO_FIRST] = "zero-first",
	[HV_K_ZERO_FRAG] = "zero-frag",
	[HV_K_SPLIT_HDR] = "split-hdr",
	[HV_K_BAD_GREF] = "bad-gref",
	[HV_K_OVERSIZE] = "oversize",
	[HV_K_GSO_ONE] = "gso-1",
	[HV_K_BAD_FLAGS] = "bad-flags",
	[HV_K_DUP_EXTRA] = "dup-extra",
	[HV_K_MCAST_DATA] = "mcast-data",
};

static const char *const hv_fatal_names[HV_F_NR] = {
	[HV_F_FATAL_SLOTS] = "fatal-slots",
	[HV_F_CROSS_FIRST] = "cross-first",
	[HV_F_CROSS_FRAG] = "cross-frag",
	[HV_F_GSO_ZERO] = "gso-0",
	[HV_F_GSO_TYPE] = "gso-type",
	[HV_F_GSO_BY_FRAGS] = "gso-0xffff",
	[HV_F_EXTRA_TYPE] = "extra-type",
	[HV_F_TRUNCATED] = "truncated",
	[HV_F_PROD] = "req-prod",
};

/* One granted page. */
struct hv_grant {
	struct page *page;	/* NULL: none */
	grant_ref_t ref;
};

/* One event channel, bound to our handler. */
struct hv_evtchn {
	evtchn_port_t port;
	int irq;		/* < 0: none */
};

struct hv_dev {
	struct xenbus_device *xdev;
	struct task_struct *task;
	wait_queue_head_t wq;		/* state changes, stop */
	wait_queue_head_t ring_wq;	/* events from the backend */
	int remote;			/* backend state, from the watch */
	enum hv_scenario sc;

	struct hv_grant tx_page, rx_page, data, ctrl_page;
	struct hv_grant rx_bufs[HV_MAX_RX_BUFS];
	struct xen_netif_tx_front_ring tx;
	struct xen_netif_rx_front_ring rx;
	struct xen_netif_ctrl_front_ring ctrl;
	struct hv_evtchn ev, ctrl_ev;
	unsigned int next_bulk;

	/* tallies for the summary line */
	unsigned int ok, failed, went_closing, stayed_connected, stalled;
	unsigned int connected;
	unsigned int still_mapped;
	unsigned long sent, slots, answered, rsp_errors, kicks, writes;
	unsigned long rx_rsps, ctrl_rsps;
	unsigned long txns, rx_bad, rx_errors, flips;
	unsigned long kick_jiffies;	/* time spent kicking */
	unsigned int events;
	/*
	 * rxrace: the buffer (+ 1) posted in each rx ring slot and not yet
	 * answered, 0 for none; the buffers posted; the next answer is an
	 * extra-info slot.
	 */
	u8 rx_posted_at[HV_RX_SIZE];
	u32 rx_out;
	bool rx_extra;
	unsigned int fatal_closing[HV_F_NR];
	/*
	 * Per bulk kind: packets sent, refused (ERROR or DROPPED) and served
	 * (OKAY), by the answer to their first slot, whose id is its ring
	 * slot.  slot_kind[id] is the kind + 1 of the packet whose first
	 * slot that is, until its answer comes; 0 for any other slot.
	 */
	unsigned long kind_sent[HV_K_NR_BULK], kind_refused[HV_K_NR_BULK];
	unsigned long kind_served[HV_K_NR_BULK];
	u8 slot_kind[HV_TX_SIZE];
};

static irqreturn_t hv_interrupt(int irq, void *data)
{
	struct hv_dev *hv = data;

	WRITE_ONCE(hv->events, hv->events + 1);
	wake_up(&hv->ring_wq);
	return IRQ_HANDLED;
}

static void hv_otherend_changed(struct xenbus_device *xdev,
				enum xenbus_state state)
{
	struct hv_dev *hv = dev_get_drvdata(&xdev->dev);

	WRITE_ONCE(hv->remote, state);
	wake_up(&hv->wq);
	wake_up(&hv->ring_wq);
}

static bool hv_remote_in(struct hv_dev *hv, u32 states)
{
	return hostile_state_in(READ_ONCE(hv->remote), states);
}

/* Wait until the backend is in one of @states (hostile_wait_state()). */
static int hv_wait(struct hv_dev *hv, u32 states, unsigned int ms)
{
	return hostile_wait_state(hv->xdev, &hv->wq, &hv->remote, states, ms);
}

/* One line per failure, for the first few only. */
static void hv_report(struct hv_dev *hv, unsigned int conn, const char *what,
		      int err)
{
	hv->failed++;
	if (hv->failed > HV_MAX_REPORTS)
		return;
	pr_err("%s: conn %u: %s: error %d (backend state %s)%s\n",
	       hv->xdev->nodename, conn, what, err,
	       xenbus_strstate(READ_ONCE(hv->remote)),
	       hv->failed == HV_MAX_REPORTS ? "; further failures not shown" : "");
}

/* ---- grants and event channels ---- */

static int hv_grant(struct hv_dev *hv, struct hv_grant *g, bool readonly)
{
	int ref;

	g->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!g->page)
		return -ENOMEM;
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

/*
 * End a grant.  A backend that says Closed must have unmapped its rings;
 * one that still maps a page is counted, and the page goes to the
 * kernel's deferred list, which frees it if the backend ever lets go.
 */
static void hv_ungrant(struct hv_dev *hv, struct hv_grant *g)
{
	unsigned int i;

	if (!g->page)
		return;
	for (i = 0; i < HV_UNMAP_TRIES; i++) {
		if (gnttab_try_end_foreign_access(g->ref)) {
			__free_page(g->page);
			goto out;
		}
		msleep(HV_UNMAP_STEP_MS);
	}
	hv->still_mapped++;
	xsplit_gnttab_end_foreign_access(g->ref, g->page);
out:
	g->page = NULL;
	g->ref = INVALID_GRANT_REF;
}

static int hv_evtchn_bind(struct hv_dev *hv, struct hv_evtchn *ev)
{
	int err;

	err = xenbus_alloc_evtchn(hv->xdev, &ev->port);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler(ev->port, hv_interrupt, 0,
					"hostile-vif", hv);
	if (err < 0) {
		xenbus_free_evtchn(hv->xdev, ev->port);
		return err;
	}
	ev->irq = err;
	return 0;
}

/* Unbinding the irq also closes the port. */
static void hv_evtchn_free(struct hv_dev *hv, struct hv_evtchn *ev)
{
	if (ev->irq < 0)
		return;
	unbind_from_irqhandler(ev->irq, hv);
	ev->irq = -1;
}

/* An Ethernet frame with IPv4 and TCP headers, to nowhere on the bridge. */
static void hv_fill_frame(u8 *p)
{
	static const u8 hdr[] = {
		0x02, 0, 0, 0, 0, 0x02,		/* dst: local, unknown */
		0x02, 0, 0, 0, 0, 0x01,		/* src */
		0x08, 0x00,			/* IPv4 */
		0x45, 0, 0, HV_FRAME_LEN - ETH_HLEN,
		0, 0, 0, 0, 64, IPPROTO_TCP, 0, 0,
		10, 0, 9, 250, 10, 0, 9, 251,
		0x30, 0x39, 0x30, 0x39,		/* ports */
		0, 0, 0, 1, 0, 0, 0, 0,		/* seq, ack */
		0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0,
	};

	memcpy(p, hdr, sizeof(hdr));
}

/* ---- connect and close ---- */

static int hv_rings_grant(struct hv_dev *hv)
{
	struct xen_netif_tx_sring *txs;
	struct xen_netif_rx_sring *rxs;
	struct xen_netif_ctrl_sring *cs;
	int err;

	err = hv_grant(hv, &hv->tx_page, false);
	if (!err)
		err = hv_grant(hv, &hv->rx_page, false);
	if (!err)
		err = hv_grant(hv, &hv->data, true);
	if (!err && hv->sc == HV_CTRL)
		err = hv_grant(hv, &hv->ctrl_page, false);
	if (err)
		return err;
	txs = page_address(hv->tx_page.page);
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&hv->tx, txs, XEN_PAGE_SIZE);
	rxs = page_address(hv->rx_page.page);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&hv->rx, rxs, XEN_PAGE_SIZE);
	hv_fill_frame(page_address(hv->data.page));
	if (hv->ctrl_page.page) {
		cs = page_address(hv->ctrl_page.page);
		SHARED_RING_INIT(cs);
		FRONT_RING_INIT(&hv->ctrl, cs, XEN_PAGE_SIZE);
	}
	return 0;
}

static void hv_rings_end(struct hv_dev *hv)
{
	unsigned int i;

	hv_ungrant(hv, &hv->tx_page);
	hv_ungrant(hv, &hv->rx_page);
	hv_ungrant(hv, &hv->data);
	hv_ungrant(hv, &hv->ctrl_page);
	for (i = 0; i < HV_MAX_RX_BUFS; i++)
		hv_ungrant(hv, &hv->rx_bufs[i]);
}

/* What netfront writes for one queue, plus the control ring for "ctrl". */
static const char *const hv_features[] = {
	"request-rx-copy", "feature-rx-notify", "feature-sg",
	"feature-gso-tcpv4", "feature-gso-tcpv6", "feature-ipv6-csum-offload",
	"request-multicast-control",
};

static int hv_publish_txn(struct hv_dev *hv, struct xenbus_transaction xbt)
{
	const char *dir = hv->xdev->nodename;
	unsigned int i;
	int err;

	err = xenbus_printf(xbt, dir, "tx-ring-ref", "%u", hv->tx_page.ref);
	if (!err)
		err = xenbus_printf(xbt, dir, "rx-ring-ref", "%u",
				    hv->rx_page.ref);
	if (!err)
		err = xenbus_printf(xbt, dir, "event-channel", "%u",
				    hv->ev.port);
	for (i = 0; !err && i < ARRAY_SIZE(hv_features); i++)
		err = xenbus_printf(xbt, dir, hv_features[i], "%u", 1);
	if (err || !hv->ctrl_page.page)
		return err;
	err = xenbus_printf(xbt, dir, "ctrl-ring-ref", "%u",
			    hv->ctrl_page.ref);
	if (!err)
		err = xenbus_printf(xbt, dir, "event-channel-ctrl", "%u",
				    hv->ctrl_ev.port);
	return err;
}

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

/* Step 5: Closed, wait for the backend, drop everything, Initialising. */
static int hv_close(struct hv_dev *hv, unsigned int conn)
{
	int err;

	err = xenbus_switch_state(hv->xdev, XenbusStateClosed);
	if (!err)
		err = hv_wait(hv, HV_BIT(XenbusStateClosed) |
			      HV_BIT(XenbusStateInitWait), wait_ms);
	if (err && err != -EINTR)
		hv_report(hv, conn, "waiting for the backend to close", err);
	hv_evtchn_free(hv, &hv->ev);
	hv_evtchn_free(hv, &hv->ctrl_ev);
	hv_rings_end(hv);
	if (err)
		return err;
	err = xenbus_switch_state(hv->xdev, XenbusStateInitialising);
	if (err)
		hv_report(hv, conn, "going Initialising", err);
	return err;
}

/* ---- the tx ring ---- */

static void hv_put_tx(struct hv_dev *hv, grant_ref_t gref, u16 offset,
		      u16 flags, u16 size)
{
	RING_IDX i = hv->tx.req_prod_pvt++;
	struct xen_netif_tx_request *req = RING_GET_REQUEST(&hv->tx, i);

	req->gref = gref;
	req->offset = offset;
	req->flags = flags;
	req->id = i % HV_TX_SIZE;
	req->size = size;
	hv->slot_kind[req->id] = 0;
	hv->slots++;
}

static void hv_put_extra(struct hv_dev *hv, u8 type, u8 flags, u16 gso_size,
			 u8 gso_type)
{
	RING_IDX i = hv->tx.req_prod_pvt++;
	struct xen_netif_extra_info *e =
		(struct xen_netif_extra_info *)RING_GET_REQUEST(&hv->tx, i);

	memset(e, 0, sizeof(*e));
	hv->slot_kind[i % HV_TX_SIZE] = 0;
	e->type = type;
	e->flags = flags;
	if (type == XEN_NETIF_EXTRA_TYPE_GSO) {
		e->u.gso.size = gso_size;
		e->u.gso.type = gso_type;
	} else {
		/* mcast: a multicast address from the sequence number */
		e->u.mcast.addr[0] = 0x01;
		e->u.mcast.addr[5] = gso_size;
	}
	hv->slots++;
}

/* A first slot of @len bytes whose packet has @frags data slots of @fsz. */
static void hv_put_chain(struct hv_dev *hv, u16 first_flags, u16 len,
			 unsigned int frags, u16 fsz)
{
	grant_ref_t g = hv->data.ref;
	unsigned int i;

	hv_put_tx(hv, g, 0, first_flags | (frags ? XEN_NETTXF_more_data : 0),
		  len);
	for (i = 0; i < frags; i++)
		hv_put_tx(hv, g, 0, i + 1 < frags ? XEN_NETTXF_more_data : 0,
			  fsz);
}

static void hv_put_gso(struct hv_dev *hv, u16 gso_size, u8 gso_type)
{
	hv_put_tx(hv, hv->data.ref, 0,
		  XEN_NETTXF_extra_info | XEN_NETTXF_csum_blank, HV_FRAME_LEN);
	hv_put_extra(hv, XEN_NETIF_EXTRA_TYPE_GSO, 0, gso_size, gso_type);
}

static void hv_put_bulk(struct hv_dev *hv, enum hv_bulk_kind k)
{
	unsigned int first = hv->tx.req_prod_pvt % HV_TX_SIZE;
	u16 more = XEN_NETTXF_more_data;

	switch (k) {
	case HV_K_LEGACY_SLOTS:
		hv_put_chain(hv, 0, HV_FRAME_LEN * (1 + HV_LEGACY_SLOTS),
			     HV_LEGACY_SLOTS, HV_FRAME_LEN);
		break;
	case HV_K_ZERO_FIRST:
		hv_put_chain(hv, 0, 0, 0, 0);
		break;
	case HV_K_ZERO_FRAG:
		hv_put_chain(hv, 0, HV_FRAME_LEN, 1, 0);
		break;
	case HV_K_SPLIT_HDR:
		hv_put_chain(hv, 0, HV_TINY_SLOT * (1 + HV_TINY_SLOTS),
			     HV_TINY_SLOTS, HV_TINY_SLOT);
		break;
	case HV_K_BAD_GREF:
		hv_put_tx(hv, HV_BOGUS_GREF, 0, 0, HV_FRAME_LEN);
		break;
	case HV_K_OVERSIZE:
		hv_put_chain(hv, 0, HV_FRAME_LEN, 1, 4 * HV_FRAME_LEN);
		break;
	case HV_K_GSO_ONE:
		hv_put_gso(hv, 1, XEN_NETIF_GSO_TYPE_TCPV4);
		break;
	case HV_K_BAD_FLAGS:
		hv_put_tx(hv, hv->data.ref, 0, 0xfff0, HV_FRAME_LEN);
		break;
	case HV_K_DUP_EXTRA:
		hv_put_tx(hv, hv->data.ref, 0, XEN_NETTXF_extra_info,
			  HV_FRAME_LEN);
		hv_put_extra(hv, XEN_NETIF_EXTRA_TYPE_GSO,
			     XEN_NETIF_EXTRA_FLAG_MORE, 1000,
			     XEN_NETIF_GSO_TYPE_TCPV4);
		hv_put_extra(hv, XEN_NETIF_EXTRA_TYPE_GSO, 0, 1000,
			     XEN_NETIF_GSO_TYPE_TCPV4);
		break;
	case HV_K_MCAST_DATA:
		hv_put_tx(hv, hv->data.ref, 0, XEN_NETTXF_extra_info | more,
			  HV_FRAME_LEN);
		hv_put_extra(hv, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 1, 0);
		hv_put_tx(hv, hv->data.ref, 0, 0, HV_FRAME_LEN);
		break;
	default:
		return;
	}
	hv->slot_kind[first] = k + 1;
	hv->kind_sent[k]++;
	hv->sent++;
}

static void hv_put_fatal(struct hv_dev *hv, enum hv_fatal_kind k)
{
	grant_ref_t g = hv->data.ref;

	switch (k) {
	case HV_F_FATAL_SLOTS:
		hv_put_chain(hv, 0, 1 + HV_FATAL_FRAGS, HV_FATAL_FRAGS, 1);
		break;
	case HV_F_CROSS_FIRST:
		hv_put_tx(hv, g, XEN_PAGE_SIZE - 8, 0, HV_FRAME_LEN);
		break;
	case HV_F_CROSS_FRAG:
		hv_put_tx(hv, g, 0, XEN_NETTXF_more_data, 2 * HV_FRAME_LEN);
		hv_put_tx(hv, g, XEN_PAGE_SIZE - 8, 0, HV_FRAME_LEN);
		break;
	case HV_F_GSO_ZERO:
		hv_put_gso(hv, 0, XEN_NETIF_GSO_TYPE_TCPV4);
		break;
	case HV_F_GSO_TYPE:
		hv_put_gso(hv, 1000, HV_BOGUS_GSO_TYPE);
		break;
	case HV_F_GSO_BY_FRAGS:
		hv_put_gso(hv, HV_GSO_BY_FRAGS, XEN_NETIF_GSO_TYPE_TCPV4);
		break;
	case HV_F_EXTRA_TYPE:
		hv_put_tx(hv, g, 0, XEN_NETTXF_extra_info, HV_FRAME_LEN);
		hv_put_extra(hv, HV_BOGUS_EXTRA_TYPE, 0, 0, 0);
		break;
	case HV_F_TRUNCATED:
		hv_put_tx(hv, g, 0, XEN_NETTXF_more_data, 2 * HV_FRAME_LEN);
		break;
	default:
		break;
	}
	hv->sent++;
}

/*
 * One answer: an error is counted, and a bulk packet's first slot answered
 * (OKAY, ERROR or DROPPED) tallies its kind.  The id is the backend's:
 * only an id we gave a first slot that is still waiting counts.
 */
static void hv_tx_answer(struct hv_dev *hv,
			 const struct xen_netif_tx_response *rsp)
{
	s16 status = READ_ONCE(rsp->status);
	u16 id = READ_ONCE(rsp->id);
	unsigned int k;

	if (status == XEN_NETIF_RSP_ERROR)
		hv->rsp_errors++;
	if (status == XEN_NETIF_RSP_NULL || id >= HV_TX_SIZE ||
	    !hv->slot_kind[id])
		return;
	k = hv->slot_kind[id] - 1;
	hv->slot_kind[id] = 0;
	if (status == XEN_NETIF_RSP_OKAY)
		hv->kind_served[k]++;
	else
		hv->kind_refused[k]++;
}

/* Count the answers; a backend claiming more than the ring is not read. */
static int hv_tx_reap(struct hv_dev *hv)
{
	RING_IDX prod, i;
	int more;

	do {
		prod = READ_ONCE(hv->tx.sring->rsp_prod);
		virt_rmb(); /* the responses after the index */
		if (prod - hv->tx.rsp_cons > hv->tx.req_prod_pvt - hv->tx.rsp_cons)
			return -EPROTO;
		for (i = hv->tx.rsp_cons; i != prod; i++)
			hv_tx_answer(hv, RING_GET_RESPONSE(&hv->tx, i));
		hv->answered += prod - hv->tx.rsp_cons;
		hv->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&hv->tx, more);
	} while (more);
	return 0;
}

static void hv_tx_push(struct hv_dev *hv)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hv->tx, notify);
	if (notify)
		notify_remote_via_evtchn(hv->ev.port);
}

static bool hv_tx_room(struct hv_dev *hv, unsigned int slots)
{
	return HV_TX_SIZE - (hv->tx.req_prod_pvt - hv->tx.rsp_cons) >= slots;
}

static bool hv_tx_answered(struct hv_dev *hv, RING_IDX cons)
{
	return READ_ONCE(hv->tx.sring->rsp_prod) != cons ||
	       !hv_remote_in(hv, HV_BIT(XenbusStateConnected)) ||
	       kthread_should_stop();
}

/*
 * Wait for the backend to answer something.  Return: 0, -EPIPE when it
 * answered nothing for stall_ms (a disabled vif) or left Connected,
 * -EPROTO on an impossible rsp_prod, -EINTR on module unload.
 */
static int hv_tx_wait(struct hv_dev *hv)
{
	RING_IDX cons = hv->tx.rsp_cons;

	wait_event_timeout(hv->ring_wq, hv_tx_answered(hv, cons),
			   msecs_to_jiffies(stall_ms));
	if (kthread_should_stop())
		return -EINTR;
	if (hv_tx_reap(hv))
		return -EPROTO;
	if (hv->tx.rsp_cons != cons)
		return 0;
	return -EPIPE;
}

/* @n malformed packets, as fast as the backend answers them. */
static int hv_tx_bulk(struct hv_dev *hv, unsigned long n)
{
	unsigned long i = 0;
	int err;

	while (i < n) {
		err = hv_tx_reap(hv);
		if (err)
			return err;
		if (hv_tx_room(hv, HV_MAX_PKT_SLOTS)) {
			hv_put_bulk(hv, hv->next_bulk++ % HV_K_NR_BULK);
			i++;
			continue;
		}
		hv_tx_push(hv);
		err = hv_tx_wait(hv);
		if (err)
			return err;
		cond_resched();
	}
	hv_tx_push(hv);
	while (hv->tx.rsp_cons != hv->tx.req_prod_pvt) {
		err = hv_tx_wait(hv);
		if (err)
			return err;
	}
	return 0;
}

/* One fatal packet; give the backend react_ms to go Closing. */
static void hv_tx_fatal(struct hv_dev *hv, enum hv_fatal_kind k)
{
	struct xen_netif_tx_sring *s = hv->tx.sring;

	if (k == HV_F_PROD) {
		WRITE_ONCE(s->req_prod, hv->tx.req_prod_pvt + HV_BOGUS_REQS);
		hv->slots++;
		hv->sent++;
		virt_wmb(); /* the index before the event */
		notify_remote_via_evtchn(hv->ev.port);
	} else {
		hv_put_fatal(hv, k);
		virt_wmb(); /* the requests before the index */
		WRITE_ONCE(s->req_prod, hv->tx.req_prod_pvt);
		notify_remote_via_evtchn(hv->ev.port);
	}
	if (!hv_wait(hv, HV_BIT(XenbusStateClosing) |
		     HV_BIT(XenbusStateClosed), react_ms)) {
		hv->went_closing++;
		hv->fatal_closing[k]++;
	} else {
		hv->stayed_connected++;
	}
}

/* txchain: the first of the connections that end with a fatal packet */
static unsigned int hv_first_fatal(void)
{
	return conns > HV_F_NR ? conns - HV_F_NR + 1 : 1;
}

/* early: a connection after one that ended with a fatal packet */
static bool hv_early(struct hv_dev *hv, unsigned int conn)
{
	return hv->sc == HV_TXCHAIN && early && conn > hv_first_fatal();
}

/*
 * txchain: the last HV_F_NR connections end with one fatal kind each;
 * the others send per_conn packets and close cleanly.
 */
static int hv_txchain(struct hv_dev *hv, unsigned int conn)
{
	unsigned int first_fatal = hv_first_fatal();
	bool fatal = conn >= first_fatal;
	int err;

	/* early: those packets are queued already; wait for their answers */
	err = hv_tx_bulk(hv, hv_early(hv, conn) ? 0 :
			 fatal ? HV_PRE_FATAL : per_conn);
	if (err == -EPIPE)
		hv->stalled++;
	else if (err)
		return err;
	if (fatal)
		hv_tx_fatal(hv, (conn - first_fatal) % HV_F_NR);
	return 0;
}

/* ---- connect (after the tx ring: `early` uses it) ---- */

/* early: queue the first packets before the backend can map the ring */
static void hv_early_queue(struct hv_dev *hv)
{
	unsigned int i;

	for (i = 0; i < HV_PRE_FATAL && hv_tx_room(hv, HV_MAX_PKT_SLOTS); i++)
		hv_put_bulk(hv, hv->next_bulk++ % HV_K_NR_BULK);
	RING_PUSH_REQUESTS(&hv->tx);
}

/*
 * Kick until the backend leaves InitWait (bounded by wait_ms): kicks
 * before it binds the channel are dropped by Xen, the others land
 * anywhere in its connect.
 */
static void hv_kick_connect(struct hv_dev *hv)
{
	unsigned long end = jiffies + msecs_to_jiffies(wait_ms);

	while (hv_remote_in(hv, HV_BIT(XenbusStateInitWait)) &&
	       !kthread_should_stop() && time_before(jiffies, end)) {
		notify_remote_via_evtchn(hv->ev.port);
		hv->kicks++;
		usleep_range(HV_EARLY_KICK_US, 2 * HV_EARLY_KICK_US);
	}
}

/* Steps 2-3: rings, channels, keys, Connected; the backend Connected. */
static int hv_connect(struct hv_dev *hv, unsigned int conn)
{
	int err;

	err = hv_rings_grant(hv);
	if (err) {
		hv_report(hv, conn, "granting the rings", err);
		return err;
	}
	err = hv_evtchn_bind(hv, &hv->ev);
	if (!err && hv->ctrl_page.page)
		err = hv_evtchn_bind(hv, &hv->ctrl_ev);
	if (err) {
		hv_report(hv, conn, "allocating an event channel", err);
		return err;
	}
	if (hv_early(hv, conn))
		hv_early_queue(hv);
	err = hv_publish(hv);
	if (!err)
		err = xenbus_switch_state(hv->xdev, XenbusStateConnected);
	if (err) {
		hv_report(hv, conn, "publishing the rings", err);
		return err;
	}
	if (hv_early(hv, conn))
		hv_kick_connect(hv);
	err = hv_wait(hv, HV_BIT(XenbusStateConnected) |
		      HV_BIT(XenbusStateClosing) | HV_BIT(XenbusStateClosed),
		      wait_ms);
	if (!err && !hv_remote_in(hv, HV_BIT(XenbusStateConnected)))
		err = -ECONNREFUSED;
	if (err)
		hv_report(hv, conn, "waiting for Connected", err);
	else
		hv->connected++;
	return err;
}

/* ---- the other scenarios ---- */

/* Kick the backend @n times (bounded by hold_ms); yields now and then. */
static void hv_kick(struct hv_dev *hv, struct hv_evtchn *ev, unsigned long n)
{
	unsigned long start = jiffies, end = start + msecs_to_jiffies(hold_ms);
	unsigned long i;

	for (i = 0; i < n && !kthread_should_stop(); i++) {
		notify_remote_via_evtchn(ev->port);
		hv->kicks++;
		if (i % HV_KICK_BATCH)
			continue;
		cond_resched();
		if (time_after(jiffies, end))
			break;
	}
	hv->kick_jiffies += jiffies - start;
}

static void hv_rx_reap(struct hv_dev *hv)
{
	RING_IDX prod = READ_ONCE(hv->rx.sring->rsp_prod);

	virt_rmb(); /* the responses after the index */
	if (prod - hv->rx.rsp_cons > HV_RX_SIZE)
		return;
	hv->rx_rsps += prod - hv->rx.rsp_cons;
	hv->rx.rsp_cons = prod;
}

/* rxstarve: a few receive buffers (or none), never replenished. */
static int hv_rxstarve(struct hv_dev *hv, unsigned int conn)
{
	unsigned int i, n = conn % 2 ? rx_bufs : 0;
	struct xen_netif_rx_request *req;
	int err, notify;

	for (i = 0; i < n; i++) {
		err = hv_grant(hv, &hv->rx_bufs[i], false);
		if (err)
			return err;
		req = RING_GET_REQUEST(&hv->rx, hv->rx.req_prod_pvt++);
		req->id = i;
		req->gref = hv->rx_bufs[i].ref;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hv->rx, notify);
	if (notify)
		notify_remote_via_evtchn(hv->ev.port);
	hv_kick(hv, &hv->ev, count);
	/* Whatever is left of hold_ms: starve quietly while dom0 sends. */
	wait_event_interruptible_timeout(hv->wq, kthread_should_stop(),
					 msecs_to_jiffies(hold_ms));
	hv_rx_reap(hv);
	return 0;
}

/* nodes: node writes, then multicast add/del for too many addresses. */
static const char *const hv_node_garbage[][2] = {
	{ "multi-queue-num-queues", "4294967295" },
	{ "tx-ring-ref", "garbage" },
	{ "feature-rx-notify", "-1" },
	{ "event-channel", "99999999" },
	{ "request-rx-copy", "" },
};

static int hv_nodes(struct hv_dev *hv, unsigned int conn)
{
	const char *dir = hv->xdev->nodename;
	unsigned long end = jiffies + msecs_to_jiffies(hold_ms);
	unsigned int i, g;
	int err;

	for (i = 0; i < count && !kthread_should_stop(); i++) {
		g = i % (ARRAY_SIZE(hv_node_garbage) + 1);
		if (g < ARRAY_SIZE(hv_node_garbage))
			err = xenbus_printf(XBT_NIL, dir, hv_node_garbage[g][0],
					    "%s", hv_node_garbage[g][1]);
		else
			err = xenbus_printf(XBT_NIL, dir,
					    "request-multicast-control", "%u",
					    i & 1);
		if (err)
			return err;
		hv->writes++;
		if (time_after(jiffies, end))
			break;
	}
	/* A garbage queue count would refuse the next connect: not ours. */
	xenbus_rm(XBT_NIL, dir, "multi-queue-num-queues");
	for (i = 0; i < 2 * HV_MCAST_ADDRS; i++) {
		while (!hv_tx_room(hv, 2)) {
			err = hv_tx_wait(hv);
			if (err)
				return err == -EPIPE ? 0 : err;
		}
		hv_put_tx(hv, hv->data.ref, 0, XEN_NETTXF_extra_info, 0);
		hv_put_extra(hv, i < HV_MCAST_ADDRS ?
			     XEN_NETIF_EXTRA_TYPE_MCAST_ADD :
			     XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0,
			     i % HV_MCAST_ADDRS, 0);
		hv->sent++;
		hv_tx_push(hv);
	}
	/* Wait for the answers; a backend that stops answering is noted. */
	err = hv_tx_bulk(hv, 0);
	if (err == -EPIPE)
		hv->stalled++;
	return err == -EPIPE ? 0 : err;
}

static void hv_ctrl_reap(struct hv_dev *hv)
{
	RING_IDX prod = READ_ONCE(hv->ctrl.sring->rsp_prod);

	virt_rmb(); /* the responses after the index */
	if (prod - hv->ctrl.rsp_cons > HV_CTRL_SIZE)
		return;
	hv->ctrl_rsps += prod - hv->ctrl.rsp_cons;
	hv->ctrl.rsp_cons = prod;
}

static bool hv_ctrl_answered(struct hv_dev *hv, RING_IDX cons)
{
	return READ_ONCE(hv->ctrl.sring->rsp_prod) != cons ||
	       kthread_should_stop();
}

/* A garbage control request: types 0..15 and beyond, bad grants, sizes. */
static void hv_put_ctrl(struct hv_dev *hv, unsigned int i)
{
	RING_IDX r = hv->ctrl.req_prod_pvt++;
	struct xen_netif_ctrl_request *req = RING_GET_REQUEST(&hv->ctrl, r);

	req->id = i;
	req->type = i % 2 ? i % 16 : 0xffff - i % 4;
	req->data[0] = i % 3 ? HV_BOGUS_GREF : hv->data.ref;
	req->data[1] = i % 5 ? 0xffffffffU : XEN_PAGE_SIZE;
	req->data[2] = i;
	hv->sent++;
	hv->slots++;
}

/* ctrl: fill the control ring with garbage, count answers, then corrupt. */
static int hv_ctrl(struct hv_dev *hv, unsigned int conn)
{
	unsigned long end = jiffies + msecs_to_jiffies(hold_ms);
	unsigned int i = 0;
	RING_IDX cons;
	int notify;

	while (i < count && !time_after(jiffies, end)) {
		hv_ctrl_reap(hv);
		while (i < count &&
		       hv->ctrl.req_prod_pvt - hv->ctrl.rsp_cons < HV_CTRL_SIZE)
			hv_put_ctrl(hv, i++);
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hv->ctrl, notify);
		if (notify)
			notify_remote_via_evtchn(hv->ctrl_ev.port);
		cons = hv->ctrl.rsp_cons;
		if (!wait_event_timeout(hv->ring_wq,
					hv_ctrl_answered(hv, cons),
					msecs_to_jiffies(stall_ms))) {
			hv->stalled++;
			break;
		}
		if (kthread_should_stop())
			return -EINTR;
	}
	hv_ctrl_reap(hv);
	WRITE_ONCE(hv->ctrl.sring->req_prod,
		   hv->ctrl.req_prod_pvt + HV_BOGUS_REQS);
	notify_remote_via_evtchn(hv->ctrl_ev.port);
	if (!hv_wait(hv, HV_BIT(XenbusStateClosing) |
		     HV_BIT(XenbusStateClosed), react_ms))
		hv->went_closing++;
	else
		hv->stayed_connected++;
	return 0;
}

/* ---- mcwatch: bursts of watch events ---- */

/* One transaction of @burst writes: its commit fires them all at once. */
static int hv_mcwatch_txn(struct hv_dev *hv)
{
	const char *dir = hv->xdev->nodename;
	struct xenbus_transaction xbt;
	unsigned int i;
	int err;

	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	for (i = 0; i < burst && !err; i++)
		err = xenbus_printf(xbt, dir, "request-multicast-control",
				    "%u", i & 1);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (!err)
		hv->writes += burst;
	return err;
}

static int hv_mcwatch(struct hv_dev *hv, unsigned int conn)
{
	unsigned long end = jiffies + msecs_to_jiffies(hold_ms);
	unsigned int i;
	int err;

	for (i = 0; i < count && !kthread_should_stop(); i++) {
		if (time_after(jiffies, end))
			break;
		err = hv_mcwatch_txn(hv);
		if (err == -EAGAIN)
			continue;	/* a conflict: the next one */
		if (err)
			return err;
		hv->txns++;
	}
	return xenbus_printf(XBT_NIL, hv->xdev->nodename,
			     "request-multicast-control", "%u", 1);
}

/* ---- rxrace: a req_prod that moves under the backend ---- */

/* The answer in ring slot @i: is it one for a buffer we posted there? */
static void hv_race_answer(struct hv_dev *hv, RING_IDX i)
{
	const struct xen_netif_rx_response *rsp = RING_GET_RESPONSE(&hv->rx, i);
	const struct xen_netif_extra_info *e = (const void *)rsp;
	unsigned int slot = i % HV_RX_SIZE, buf = hv->rx_posted_at[slot];

	if (!buf) {
		hv->rx_bad++;
		return;
	}
	hv->rx_posted_at[slot] = 0;
	hv->rx_out &= ~BIT(buf - 1);
	if (hv->rx_extra) {
		/* an extra-info slot has no id: the chain goes on or ends */
		hv->rx_extra = READ_ONCE(e->flags) & XEN_NETIF_EXTRA_FLAG_MORE;
		return;
	}
	if (READ_ONCE(rsp->id) != buf - 1)
		hv->rx_bad++;
	if (READ_ONCE(rsp->status) < 0)
		hv->rx_errors++;
	hv->rx_extra = READ_ONCE(rsp->flags) & XEN_NETRXF_extra_info;
}

/* Read the answers; an rsp_prod outside what we posted counts as bad. */
static void hv_race_reap(struct hv_dev *hv)
{
	RING_IDX prod = READ_ONCE(hv->rx.sring->rsp_prod), i;

	virt_rmb(); /* the responses after the index */
	if (prod - hv->rx.rsp_cons > hv->rx.req_prod_pvt - hv->rx.rsp_cons) {
		hv->rx_bad++;
		return;
	}
	for (i = hv->rx.rsp_cons; i != prod; i++)
		hv_race_answer(hv, i);
	hv->rx_rsps += prod - hv->rx.rsp_cons;
	hv->rx.rsp_cons = prod;
}

/* Post every buffer that is not posted, each in the next slot. */
static void hv_race_post(struct hv_dev *hv, unsigned int n)
{
	struct xen_netif_rx_request *req;
	unsigned int b;
	RING_IDX i;

	for (b = 0; b < n; b++) {
		if (hv->rx_out & BIT(b))
			continue;
		i = hv->rx.req_prod_pvt++;
		req = RING_GET_REQUEST(&hv->rx, i);
		req->id = b;
		req->gref = hv->rx_bufs[b].ref;
		hv->rx_posted_at[i % HV_RX_SIZE] = b + 1;
		hv->rx_out |= BIT(b);
	}
}

/* req_prod back and forth between @lo and @hi; it ends honest, at @hi. */
static void hv_race_flip(struct hv_dev *hv, RING_IDX lo, RING_IDX hi)
{
	struct xen_netif_rx_sring *s = hv->rx.sring;
	unsigned int i;

	virt_wmb(); /* the requests before any index that shows them */
	for (i = 0; i < HV_RACE_FLIPS; i++) {
		WRITE_ONCE(s->req_prod, hi);
		WRITE_ONCE(s->req_prod, lo);
	}
	WRITE_ONCE(s->req_prod, hi);
	hv->flips += HV_RACE_FLIPS;
}

/*
 * rxrace: rounds of reap, repost, flip until hold_ms or the backend
 * leaves Connected (it may: a req_prod behind its consumer is a lie).
 * The low index is the one before this round's buffers, or one short of
 * the new one when none were reposted.
 */
static int hv_rxrace(struct hv_dev *hv, unsigned int conn)
{
	unsigned long end = jiffies + msecs_to_jiffies(hold_ms);
	unsigned int i, n = max(rx_bufs, 1U);
	RING_IDX lo, hi;
	int err;

	hv->rx_out = 0;
	hv->rx_extra = false;
	memset(hv->rx_posted_at, 0, sizeof(hv->rx_posted_at));
	for (i = 0; i < n; i++) {
		err = hv_grant(hv, &hv->rx_bufs[i], false);
		if (err)
			return err;
	}
	while (hv_remote_in(hv, HV_BIT(XenbusStateConnected)) &&
	       !kthread_should_stop() && time_before(jiffies, end)) {
		hv_race_reap(hv);
		lo = hv->rx.req_prod_pvt;
		hv_race_post(hv, n);
		hi = hv->rx.req_prod_pvt;
		hv_race_flip(hv, lo != hi ? lo : hi - 1, hi);
		if (lo != hi)
			notify_remote_via_evtchn(hv->ev.port);
		cond_resched();
	}
	if (!hv_remote_in(hv, HV_BIT(XenbusStateConnected)))
		hv->went_closing++;
	hv_race_reap(hv);
	return 0;
}

static int hv_work(struct hv_dev *hv, unsigned int conn)
{
	switch (hv->sc) {
	case HV_TXCHAIN:
		return hv_txchain(hv, conn);
	case HV_RXSTARVE:
		return hv_rxstarve(hv, conn);
	case HV_STORM:
		hv_kick(hv, &hv->ev, count);
		return 0;
	case HV_NODES:
		return hv_nodes(hv, conn);
	case HV_CTRL:
		return hv_ctrl(hv, conn);
	case HV_MCWATCH:
		return hv_mcwatch(hv, conn);
	case HV_RXRACE:
		return hv_rxrace(hv, conn);
	}
	return -EINVAL;
}

static int hv_conn(struct hv_dev *hv, unsigned int conn)
{
	int err, close_err;

	err = hv_wait(hv, HV_BIT(XenbusStateInitWait), wait_ms);
	if (err) {
		if (err != -EINTR)
			hv_report(hv, conn, "waiting for InitWait", err);
		return err;
	}
	err = hv_connect(hv, conn);
	if (!err) {
		err = hv_work(hv, conn);
		if (err && err != -EINTR)
			hv_report(hv, conn, "the scenario", err);
	}
	/* Whatever happened, close: a half-set-up connection is undone too. */
	close_err = hv_close(hv, conn);
	if (!err && !close_err)
		hv->ok++;
	return err ? err : close_err;
}

/* Bytes of one "name:sent/refused/served," entry of the summary, at most. */
#define HV_KIND_LEN		72

static void hv_summary(struct hv_dev *hv, int err)
{
	char closing[HV_F_NR * 24] = "", kinds[HV_K_NR_BULK * HV_KIND_LEN] = "";
	unsigned int i, n = 0;

	for (i = 0; hv->sc == HV_TXCHAIN && i < HV_F_NR; i++)
		n += scnprintf(closing + n, sizeof(closing) - n, "%s%s:%u",
			       i ? "," : " fatal_closing=", hv_fatal_names[i],
			       hv->fatal_closing[i]);
	for (i = 0, n = 0; i < HV_K_NR_BULK; i++)
		if (hv->kind_sent[i])
			n += scnprintf(kinds + n, sizeof(kinds) - n,
				       "%s%s:%lu/%lu/%lu", n ? "," : " kinds=",
				       hv_bulk_names[i], hv->kind_sent[i],
				       hv->kind_refused[i], hv->kind_served[i]);
	pr_info("%s: done scenario=%s conns=%u ok=%u failed=%u sent=%lu slots=%lu answered=%lu rsp_errors=%lu closing=%u connected=%u stalled=%u reconnects=%u still_mapped=%u kicks=%lu writes=%lu rx_rsps=%lu ctrl_rsps=%lu events=%u txns=%lu rx_bad=%lu rx_errors=%lu flips=%lu kick_ms=%u%s%s%s\n",
		hv->xdev->nodename, scenario, conns, hv->ok, hv->failed,
		hv->sent, hv->slots, hv->answered, hv->rsp_errors,
		hv->went_closing, hv->stayed_connected, hv->stalled,
		hv->connected ? hv->connected - 1 : 0, hv->still_mapped, hv->kicks,
		hv->writes, hv->rx_rsps, hv->ctrl_rsps, READ_ONCE(hv->events),
		hv->txns, hv->rx_bad, hv->rx_errors, hv->flips,
		jiffies_to_msecs(hv->kick_jiffies), closing, kinds,
		err == -ETIMEDOUT ? " error=backend-timeout" :
		err == -EINTR ? " error=interrupted" : "");
}

/*
 * The scenario thread.  A timeout means the backend stopped answering:
 * the run ends there.  Other failures are counted and the next connection
 * starts.  Once done, it waits to be stopped, so that remove always has
 * a thread to stop.
 */
static int hv_thread(void *data)
{
	struct hv_dev *hv = data;
	unsigned int i;
	int err = 0;

	/*
	 * A device an earlier load of this module left Closed (remove
	 * closes it) starts over from Initialising: the backend answers
	 * with InitWait.
	 */
	if (xenbus_switch_state(hv->xdev, XenbusStateInitialising))
		pr_warn("%s: cannot go Initialising\n", hv->xdev->nodename);
	WRITE_ONCE(hv->remote, xsplit_xenbus_otherend_state(hv->xdev));
	for (i = 1; i <= conns; i++) {
		err = hv_conn(hv, i);
		if (err == -ETIMEDOUT || err == -EINTR)
			break;
	}
	hv_summary(hv, err);
	wait_event_interruptible(hv->wq, kthread_should_stop());
	return 0;
}

static int hv_scenario_index(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hv_scenarios); i++)
		if (!strcmp(scenario, hv_scenarios[i]))
			return i;
	return -EINVAL;
}

static void hv_init_dev(struct hv_dev *hv, struct xenbus_device *xdev)
{
	unsigned int i;

	hv->xdev = xdev;
	hv->sc = hv_scenario_index();
	hv->ev.irq = -1;
	hv->ctrl_ev.irq = -1;
	hv->remote = XenbusStateUnknown;
	hv->tx_page.ref = INVALID_GRANT_REF;
	hv->rx_page.ref = INVALID_GRANT_REF;
	hv->data.ref = INVALID_GRANT_REF;
	hv->ctrl_page.ref = INVALID_GRANT_REF;
	for (i = 0; i < HV_MAX_RX_BUFS; i++)
		hv->rx_bufs[i].ref = INVALID_GRANT_REF;
	init_waitqueue_head(&hv->wq);
	init_waitqueue_head(&hv->ring_wq);
}

static int hv_probe(struct xenbus_device *xdev,
		    const struct xenbus_device_id *id)
{
	struct hv_dev *hv;

	hv = kzalloc(sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	hv_init_dev(hv, xdev);
	return hostile_start(xdev, hv, &hv->task, hv_thread, "hostile-vif");
}

/* The thread undoes its own connection when stopped mid-connection. */
static XSPLIT_XENBUS_REMOVE_RET hv_remove(struct xenbus_device *xdev)
{
	struct hv_dev *hv = dev_get_drvdata(&xdev->dev);

	hostile_stop(xdev, hv->task);
	return XSPLIT_XENBUS_REMOVED;
}

static const struct xenbus_device_id hv_ids[] = {
	{ "vif" },
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
		pr_err("unknown scenario '%s' (known: txchain, rxstarve, storm, nodes, ctrl, mcwatch, rxrace)\n",
		       scenario);
		return false;
	}
	if (!conns || conns > HV_MAX_CONNS || per_conn > HV_MAX_PER_CONN ||
	    count > HV_MAX_PER_CONN || rx_bufs > HV_MAX_RX_BUFS ||
	    !burst || burst > HV_MAX_BURST ||
	    hold_ms > HV_MAX_WAIT_MS ||
	    wait_ms < HV_MIN_WAIT_MS || wait_ms > HV_MAX_WAIT_MS ||
	    react_ms > HV_MAX_REACT_MS ||
	    stall_ms < HV_MIN_STALL_MS || stall_ms > HV_MAX_STALL_MS) {
		pr_err("a parameter is out of range (see modinfo)\n");
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
	 * We never go Connected for the kernel's liking: without this it
	 * would hold insmod for its 5-minute boot-device wait.
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

MODULE_DESCRIPTION("xsplit selftest: a hostile vif frontend (test only)");
MODULE_LICENSE("GPL");

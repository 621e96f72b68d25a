// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_hostile_netbe: a test-only vif BACKEND that misbehaves on purpose.
 *
 * Loaded in dom0 with no other vif backend, it binds every vif device and
 * serves a guest's frontend (xsplit's or the kernel's) a link to nowhere:
 * every frame the guest sends is acknowledged and dropped, and every
 * `period_ms` the guest receives one small broadcast frame (ethertype
 * 0x88b5, local experimental), grant-copied into a buffer it posted.  It
 * offers nothing but copying receive (feature-rx-copy): one queue, one
 * event channel, no scatter-gather, no offloads.  No netdev exists in
 * dom0 for it, so the guest's vif needs a hotplug script that does
 * nothing (the lab gives script=/bin/true).
 *
 * After `good` honest frames on a connection it misbehaves
 * once, as its scenario says (module parameter `scenario`, a comma-
 * separated list: the vif with devid 0 gets the first, 1 the second...,
 * the last one repeats):
 *   honest       never misbehave (checks the module itself)
 *   rx-offset    a receive response whose offset + size runs past the page
 *   unknown-id   a transmit's genuine response carries an id the guest
 *                cannot have used (the ring's size) instead of its own
 *   dup-id       two transmits answered in one push, both with the first
 *                one's id
 *   rsp-ahead    the receive ring's rsp_prod far beyond anything posted
 *   rx-map       a receive buffer grant-mapped, the frame written through
 *                the mapping and answered honestly, the mapping kept until
 *                the connection ends: a copying backend never maps one, so
 *                the frontend finds the grant in use as it ends it, and
 *                must leave the page to be freed once we let go
 * The bad transmit responses replace genuine ones: one response per
 * request, so only the frontend's id check can tell.
 * The frontend gets `react_ms` to close; then the backend goes on as
 * hostile_blkbe does: honest on the same ring, or, once the frontend has
 * closed, offering the device again (InitWait), up to `cycles` bad acts.
 *
 * Every wait is bounded by `wait_ms`.  When the device goes, one line:
 *   hostile-netbe: backend/vif/D/N: done scenario=... bad=N ...
 */
#define pr_fmt(fmt) "hostile-netbe: " fmt

#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/netif.h>

#include "hostile_peer.h"

static char *scenario = "honest";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "Comma-separated, one per vif from devid 0: honest, rx-offset, unknown-id, dup-id, rsp-ahead, rx-map (default honest)");

static unsigned int good = 16;
module_param(good, uint, 0444);
MODULE_PARM_DESC(good, "Honest frames to the guest on a connection before it misbehaves, 0..100000 (default 16)");

static unsigned int cycles = 1;
module_param(cycles, uint, 0444);
MODULE_PARM_DESC(cycles, "Bad acts per device, 1..1000 (default 1)");

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "One frame to the guest every this many ms, 10..10000 (default 100)");

static unsigned int wait_ms = 30000;
module_param(wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "Longest wait for one frontend state change, ms, 100..600000 (default 30000)");

static unsigned int react_ms = 5000;
module_param(react_ms, uint, 0444);
MODULE_PARM_DESC(react_ms, "Time the frontend gets to close after a bad act, ms, 0..60000 (default 5000)");

#define HN_MAX_GOOD		100000
#define HN_MAX_CYCLES		1000
#define HN_MIN_PERIOD_MS	10
#define HN_MAX_PERIOD_MS	10000
#define HN_MIN_WAIT_MS		100
#define HN_MAX_WAIT_MS		600000
#define HN_MAX_REACT_MS		60000
#define HN_MAX_SCENARIOS	16
/* the frame we send: broadcast, local experimental ethertype, min size */
#define HN_ETHERTYPE		0x88b5
#define HN_FRAME_LEN		ETH_ZLEN
/* rx-offset: a buffer offset that leaves less room than the frame */
#define HN_BAD_OFFSET		(XEN_PAGE_SIZE - HN_FRAME_LEN / 2)
/* rsp-ahead: responses "produced" beyond anything posted */
#define HN_BOGUS_RSPS		0x10000U

#define HN_FE_UP		HOSTILE_BIT(XenbusStateConnected)

enum hn_scen {
	HN_HONEST,
	HN_RX_OFFSET,
	HN_UNKNOWN_ID,
	HN_DUP_ID,
	HN_RSP_AHEAD,
	HN_RX_MAP,
	HN_NR_SCEN,
};

static const char *const hn_scen_name[HN_NR_SCEN] = {
	[HN_HONEST] = "honest",
	[HN_RX_OFFSET] = "rx-offset",
	[HN_UNKNOWN_ID] = "unknown-id",
	[HN_DUP_ID] = "dup-id",
	[HN_RSP_AHEAD] = "rsp-ahead",
	[HN_RX_MAP] = "rx-map",
};

static unsigned int hn_list[HN_MAX_SCENARIOS];
static unsigned int hn_list_len;

/* The frame every guest receives, built once. */
static struct page *hn_frame_page;

struct hn_dev {
	struct hostile_peer p;
	enum hn_scen scen;

	/* this connection */
	struct xen_netif_tx_back_ring tx;
	struct xen_netif_rx_back_ring rx;
	void *tx_addr, *rx_addr;	/* NULL: not mapped */
	void *buf_addr;			/* rx-map: the buffer mapped, or NULL */
	int irq;			/* < 0: no event channel */
	unsigned int honest_left;	/* before the next bad act */
	bool poisoned;			/* rx ring given up (rsp-ahead) */
	/* dup-id: the id of a transmit kept back for the next one */
	u16 dup_id;
	bool dup_pending;

	/* tallies for the summary line */
	unsigned int connects, bad, tx_answered, rx_sent, copy_errors;
	unsigned int fe_bad;
};

/* hostile_be_remove() and the watch find the peer at the start */
static_assert(offsetof(struct hn_dev, p) == 0);

static irqreturn_t hn_interrupt(int irq, void *data)
{
	struct hn_dev *hn = data;

	/* The thread does the work and sends the (late) EOI. */
	hostile_kick(&hn->p);
	return IRQ_HANDLED;
}

/* ---- keys and connection ---- */

/* Copying receive is all we offer: written before InitWait. */
static int hn_publish(struct hostile_peer *p, struct xenbus_transaction xbt)
{
	const char *dir = p->xdev->nodename;
	int err;

	err = xenbus_printf(xbt, dir, "feature-rx-copy", "%u", 1);
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-rx-flip", "%u", 0);
	return err;
}

/* One queue, one channel, copying receive: nothing else was offered. */
static int hn_read_frontend(struct hn_dev *hn, grant_ref_t *refs,
			    evtchn_port_t *port)
{
	const char *fe = hn->p.xdev->otherend;
	unsigned int tx, rx, p;
	int err;

	err = xenbus_gather(XBT_NIL, fe, "tx-ring-ref", "%u", &tx,
			    "rx-ring-ref", "%u", &rx, "event-channel", "%u", &p,
			    NULL);
	if (err)
		return err;
	if (!xenbus_read_unsigned(fe, "request-rx-copy", 0))
		return -EOPNOTSUPP;
	refs[0] = tx;
	refs[1] = rx;
	*port = p;
	return 0;
}

static int hn_connect(struct hn_dev *hn)
{
	grant_ref_t refs[2];
	evtchn_port_t port;
	int err;

	err = hn_read_frontend(hn, refs, &port);
	if (!err)
		err = hostile_map_ring(&hn->p, refs[0], &hn->tx_addr);
	if (!err)
		err = hostile_map_ring(&hn->p, refs[1], &hn->rx_addr);
	if (err)
		return err;
	BACK_RING_INIT(&hn->tx, (struct xen_netif_tx_sring *)hn->tx_addr,
		       XEN_PAGE_SIZE);
	BACK_RING_INIT(&hn->rx, (struct xen_netif_rx_sring *)hn->rx_addr,
		       XEN_PAGE_SIZE);
	err = xsplit_bind_interdomain_lateeoi(hn->p.xdev, port, hn_interrupt, 0,
					      "hostile-netbe", hn);
	if (err < 0)
		return err;
	hn->irq = err;
	hn->honest_left = good;
	hn->poisoned = false;
	hn->dup_pending = false;
	hn->connects++;
	return xenbus_switch_state(hn->p.xdev, XenbusStateConnected);
}

static void hn_disconnect(struct hn_dev *hn)
{
	if (hn->irq >= 0)
		unbind_from_irqhandler(hn->irq, hn);
	hn->irq = -1;
	if (hn->tx_addr)
		xenbus_unmap_ring_vfree(hn->p.xdev, hn->tx_addr);
	if (hn->rx_addr)
		xenbus_unmap_ring_vfree(hn->p.xdev, hn->rx_addr);
	if (hn->buf_addr)
		xenbus_unmap_ring_vfree(hn->p.xdev, hn->buf_addr);
	hn->tx_addr = NULL;
	hn->rx_addr = NULL;
	hn->buf_addr = NULL;
}

/* ---- transmit: acknowledge and drop ---- */

static void hn_tx_rsp(struct hn_dev *hn, u16 id, s16 status)
{
	struct xen_netif_tx_response *rsp;

	rsp = RING_GET_RESPONSE(&hn->tx, hn->tx.rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	hn->tx.rsp_prod_pvt++;
}

/* The transmit ring's bad act is due (unknown-id, dup-id). */
static bool hn_tx_bad_due(struct hn_dev *hn)
{
	return (hn->scen == HN_UNKNOWN_ID || hn->scen == HN_DUP_ID) &&
	       !hn->honest_left && hn->bad < cycles;
}

/*
 * The response to the data slot @req, honest or the bad act.  dup-id
 * keeps the first slot back and, with the next one, answers it and then
 * the next one under its id.  Returns true after the bad act.
 */
static bool hn_tx_answer(struct hn_dev *hn,
			 const struct xen_netif_tx_request *req)
{
	u16 id = req->id;

	if (!hn_tx_bad_due(hn)) {
		hn_tx_rsp(hn, id, XEN_NETIF_RSP_OKAY);
		return false;
	}
	if (hn->scen == HN_DUP_ID && !hn->dup_pending) {
		hn->dup_id = id;
		hn->dup_pending = true;
		return false;
	}
	hn->bad++;
	if (hn->scen == HN_DUP_ID) {
		hn_tx_rsp(hn, hn->dup_id, XEN_NETIF_RSP_OKAY);
		hn->dup_pending = false;
		id = hn->dup_id;
	} else {
		/* ids are slots of the frontend's table: this one is past it */
		id = RING_SIZE(&hn->tx);
	}
	hn_tx_rsp(hn, id, XEN_NETIF_RSP_OKAY);
	pr_info("%s: bad act %u: %s (tx id %u answered as %u)\n",
		hn->p.xdev->nodename, hn->bad, hn_scen_name[hn->scen], req->id,
		id);
	return true;
}

/* Room for the response to one more request? */
static bool hn_tx_room(const struct hn_dev *hn)
{
	return hn->tx.req_cons - hn->tx.rsp_prod_pvt < RING_SIZE(&hn->tx);
}

/*
 * Every slot is answered: data slots OKAY, extra-info slots NULL (they
 * overlay a request; the id is the one slot carries).  Returns 1 after
 * the bad act, 0, or -EPROTO for a ring the frontend broke (more
 * unconsumed requests than the ring holds).
 */
static int hn_tx_drain(struct hn_dev *hn)
{
	struct xen_netif_tx_request req;
	bool bad = false, extra = false;
	RING_IDX rp;

	rp = READ_ONCE(hn->tx.sring->req_prod);
	virt_rmb(); /* read requests only after seeing req_prod */
	if (rp - hn->tx.req_cons > RING_SIZE(&hn->tx)) {
		hn->fe_bad++;
		return -EPROTO;
	}
	while (hn->tx.req_cons != rp && hn_tx_room(hn)) {
		RING_COPY_REQUEST(&hn->tx, hn->tx.req_cons, &req);
		hn->tx.req_cons++;
		if (extra) {
			/* an extra-info slot: answered NULL */
			hn_tx_rsp(hn, req.id, XEN_NETIF_RSP_NULL);
			extra = ((struct xen_netif_extra_info *)&req)->flags &
				XEN_NETIF_EXTRA_FLAG_MORE;
			continue;
		}
		extra = req.flags & XEN_NETTXF_extra_info;
		/* only a one-slot packet is kept back (dup-id) */
		if (!bad && !(req.flags & (XEN_NETTXF_extra_info |
					   XEN_NETTXF_more_data)))
			bad = hn_tx_answer(hn, &req);
		else
			hn_tx_rsp(hn, req.id, XEN_NETIF_RSP_OKAY);
		hn->tx_answered++;
	}
	return bad;
}

/* ---- receive: one frame now and then ---- */

static int hn_copy_frame(struct hn_dev *hn, grant_ref_t gref)
{
	struct gnttab_copy op = {
		.source.u.gmfn = xen_page_to_gfn(hn_frame_page),
		.source.domid = DOMID_SELF,
		.dest.u.ref = gref,
		.dest.domid = hn->p.xdev->otherend_id,
		.len = HN_FRAME_LEN,
		.flags = GNTCOPY_dest_gref,
	};

	gnttab_batch_copy(&op, 1);
	if (op.status == GNTST_okay)
		return 0;
	hn->copy_errors++;
	return -EFAULT;
}

static void hn_rx_rsp(struct hn_dev *hn, u16 id, u16 offset, s16 status)
{
	struct xen_netif_rx_response *rsp;

	rsp = RING_GET_RESPONSE(&hn->rx, hn->rx.rsp_prod_pvt);
	rsp->id = id;
	rsp->offset = offset;
	rsp->flags = 0;
	rsp->status = status;
	hn->rx.rsp_prod_pvt++;
}

/*
 * rx-map: the frame written into the buffer through a mapping we keep
 * (one at a time: a frontend that did not close gets the last one freed).
 */
static void hn_rx_map(struct hn_dev *hn, struct xen_netif_rx_request *req)
{
	if (hn->buf_addr)
		xenbus_unmap_ring_vfree(hn->p.xdev, hn->buf_addr);
	hn->buf_addr = NULL;
	if (xenbus_map_ring_valloc(hn->p.xdev, &req->gref, 1, &hn->buf_addr)) {
		hn->buf_addr = NULL;
		hn->copy_errors++;
		hn_rx_rsp(hn, req->id, 0, XEN_NETIF_RSP_ERROR);
		return;
	}
	memcpy(hn->buf_addr, page_address(hn_frame_page), HN_FRAME_LEN);
	hn_rx_rsp(hn, req->id, 0, HN_FRAME_LEN);
}

/*
 * One frame into the next posted buffer, honestly or as the scenario
 * says.  Returns 1 after the bad act, 0 (sent, or no buffer posted).
 */
static int hn_rx_send(struct hn_dev *hn)
{
	struct xen_netif_rx_request req;
	RING_IDX rp;
	int err;

	if (hn->poisoned)
		return 0;
	rp = READ_ONCE(hn->rx.sring->req_prod);
	virt_rmb(); /* read requests only after seeing req_prod */
	if (hn->rx.req_cons == rp ||
	    RING_REQUEST_CONS_OVERFLOW(&hn->rx, hn->rx.req_cons))
		return 0;
	RING_COPY_REQUEST(&hn->rx, hn->rx.req_cons, &req);
	hn->rx.req_cons++;
	/* unknown-id and dup-id misbehave on the tx ring; frames stay honest */
	if (hn->bad >= cycles || hn->scen == HN_HONEST ||
	    hn->scen == HN_UNKNOWN_ID || hn->scen == HN_DUP_ID ||
	    hn->honest_left) {
		if (hn->honest_left)
			hn->honest_left--;
		err = hn_copy_frame(hn, req.gref);
		hn_rx_rsp(hn, req.id, 0,
			  err ? XEN_NETIF_RSP_ERROR : HN_FRAME_LEN);
		hn->rx_sent++;
		return 0;
	}
	hn->bad++;
	if (hn->scen == HN_RX_OFFSET) {
		/* the data is at 0; we claim it runs past the page */
		hn_copy_frame(hn, req.gref);
		hn_rx_rsp(hn, req.id, HN_BAD_OFFSET, HN_FRAME_LEN);
	} else if (hn->scen == HN_RX_MAP) {
		hn_rx_map(hn, &req);
	} else {	/* HN_RSP_AHEAD */
		hn->rx.rsp_prod_pvt += HN_BOGUS_RSPS;
		hn->poisoned = true;
	}
	pr_info("%s: bad act %u: %s (rx id %u)\n", hn->p.xdev->nodename,
		hn->bad, hn_scen_name[hn->scen], req.id);
	return 1;
}

/* Push both rings' responses; one notification covers both. */
static void hn_push(struct hn_dev *hn, bool force)
{
	bool ntx, nrx;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&hn->tx, ntx);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&hn->rx, nrx);
	if (ntx || nrx || force)
		notify_remote_via_irq(hn->irq);
}

/* One round: answer the transmits, send a frame if it is time. */
static int hn_round(struct hn_dev *hn, bool frame_due)
{
	int tx, rx = 0;
	bool more;

	tx = hn_tx_drain(hn);
	if (tx < 0)
		return tx;
	if (frame_due)
		rx = hn_rx_send(hn);
	hn_push(hn, tx || rx);
	RING_FINAL_CHECK_FOR_REQUESTS(&hn->tx, more);
	if (more)
		hostile_kick(&hn->p);
	return tx || rx;
}

/* Serve one connection until the frontend leaves it or the device goes. */
static int hn_run_connection(struct hn_dev *hn)
{
	unsigned long next = jiffies;
	bool due;
	int ret;

	for (;;) {
		ret = hostile_wait_work(&hn->p, HN_FE_UP, period_ms);
		if (ret <= 0)
			return ret;
		hostile_take_kick(&hn->p);
		due = time_after_eq(jiffies, next);
		if (due)
			next = jiffies + msecs_to_jiffies(period_ms);
		ret = hn_round(hn, due);
		xen_irq_lateeoi(hn->irq, 0);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		ret = hostile_react(&hn->p, hn->bad, react_ms);
		if (ret != -ETIMEDOUT)
			return ret;
	}
}

static int hn_op_connect(struct hostile_peer *p)
{
	return hn_connect(container_of(p, struct hn_dev, p));
}

static int hn_op_run(struct hostile_peer *p)
{
	return hn_run_connection(container_of(p, struct hn_dev, p));
}

static void hn_op_disconnect(struct hostile_peer *p)
{
	hn_disconnect(container_of(p, struct hn_dev, p));
}

static const struct hostile_backend_ops hn_ops = {
	.publish = hn_publish,
	.fe_up = HN_FE_UP,
	.connect = hn_op_connect,
	.run = hn_op_run,
	.disconnect = hn_op_disconnect,
};

/* The device's thread: the summary line goes out at its end. */
static int hn_thread(void *data)
{
	struct hn_dev *hn = data;
	int err = hostile_serve(&hn->p);

	pr_info("%s: done scenario=%s bad=%u tx_answered=%u rx_sent=%u connects=%u fe_closed=%u fe_ignored=%u copy_errors=%u fe_bad=%u%s\n",
		hn->p.xdev->nodename, hn_scen_name[hn->scen], hn->bad,
		hn->tx_answered, hn->rx_sent, hn->connects, hn->p.fe_closed,
		hn->p.fe_ignored, hn->copy_errors, hn->fe_bad,
		hostile_end_note(err));
	return 0;
}

/* The vif's scenario: by its devid, the last one of the list repeating. */
static enum hn_scen hn_scen_for(struct xenbus_device *xdev)
{
	unsigned int devid = 0;

	if (kstrtouint(kbasename(xdev->nodename), 10, &devid))
		devid = 0;
	return hn_list[min(devid, hn_list_len - 1)];
}

static int hn_probe(struct xenbus_device *xdev,
		    const struct xenbus_device_id *id)
{
	struct hn_dev *hn;
	int err;

	hn = kzalloc(sizeof(*hn), GFP_KERNEL);
	if (!hn)
		return -ENOMEM;
	hostile_peer_init(&hn->p, xdev, &hn_ops, wait_ms);
	hn->irq = -1;
	hn->scen = hn_scen_for(xdev);
	err = hostile_start(xdev, hn, &hn->p.task, hn_thread, "hostile-netbe");
	if (!err)
		pr_info("%s: scenario %s\n", xdev->nodename,
			hn_scen_name[hn->scen]);
	return err;
}

static const struct xenbus_device_id hn_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver hn_driver = {
	/* the lab's binding checks look for this name */
	.name = "xsplit-hostile-vif",
	.ids = hn_ids,
	.probe = hn_probe,
	.remove = hostile_be_remove,
	.otherend_changed = hostile_be_otherend_changed,
};

static bool hn_params_ok(void)
{
	if (good > HN_MAX_GOOD || !cycles || cycles > HN_MAX_CYCLES ||
	    period_ms < HN_MIN_PERIOD_MS || period_ms > HN_MAX_PERIOD_MS ||
	    wait_ms < HN_MIN_WAIT_MS || wait_ms > HN_MAX_WAIT_MS ||
	    react_ms > HN_MAX_REACT_MS) {
		pr_err("good, cycles, period_ms, wait_ms or react_ms out of range\n");
		return false;
	}
	return true;
}

/* Broadcast, from a locally administered address, ethertype 0x88b5. */
static void hn_build_frame(void)
{
	struct ethhdr *eh = page_address(hn_frame_page);
	static const u8 src[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

	eth_broadcast_addr(eh->h_dest);
	ether_addr_copy(eh->h_source, src);
	eh->h_proto = htons(HN_ETHERTYPE);
}

static int __init hn_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	if (!hn_params_ok())
		return -EINVAL;
	err = hostile_parse(scenario, hn_scen_name, HN_NR_SCEN, hn_list,
			    HN_MAX_SCENARIOS);
	if (err < 0)
		return err;
	hn_list_len = err;
	hn_frame_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hn_frame_page)
		return -ENOMEM;
	hn_build_frame();
	err = xenbus_register_backend(&hn_driver);
	if (err)
		__free_page(hn_frame_page);
	return err;
}
module_init(hn_init);

static void __exit hn_exit(void)
{
	xenbus_unregister_driver(&hn_driver);
	__free_page(hn_frame_page);
}
module_exit(hn_exit);

MODULE_DESCRIPTION("xsplit selftest: a hostile vif backend (test only)");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_hostile_blkbe: a test-only vbd BACKEND that misbehaves on purpose.
 *
 * Loaded in dom0 with no other vbd backend (neither xsplit's nor the
 * kernel's), it binds every vbd device and serves a guest's frontend
 * (xsplit's or the kernel's) a null disk of zeroes: reads are answered
 * with zero-filled data (grant copies), writes and flushes are
 * acknowledged and dropped.  After `good` honest responses on a
 * connection it misbehaves once, as its scenario says, and watches what
 * the frontend does about it.
 *
 * Scenarios (module parameter `scenario`, a comma-separated list: the
 * disk xvdb gets the first, xvdc the second..., the last one repeats):
 *   honest       never misbehave (checks the module itself)
 *   unknown-id   a request's genuine response carries an id the frontend
 *                cannot have issued (the ring's size) instead of its own
 *   dup-id       two requests answered in one push, both with the first
 *                one's id: the first completes twice, the second never
 *   wrong-op     a response with another operation than the request's
 *   rsp-ahead    rsp_prod set far beyond anything the frontend asked for
 *   state-cycle  hold `hold` requests unanswered, go Closing while they
 *                are in flight, then Closed and InitWait again
 *
 * The bad responses replace genuine ones, never come on top of them: the
 * ring then holds exactly one response per request, so only the id
 * check can tell (an extra response would trip the frontend's index
 * check first).  A frontend without the id check completes the wrong
 * request or one twice and leaves another in flight for ever.
 *
 * After a bad act the frontend gets `react_ms` to close.  Whether it
 * closes or not, the backend goes on: it answers honestly on the same
 * ring, or, once the frontend has closed, offers the disk again
 * (InitWait) so that a frontend that reconnects can finish its I/O.
 * That repeats until `cycles` bad acts were done per device; the disk
 * is then served honestly until the guest goes.
 *
 * Every wait is bounded by `wait_ms`; the thread of a device that the
 * frontend stops answering parks until the device is removed.  When it
 * is, one line on dom0's log, which the lab's hostile-backend scenario
 * reads:
 *   hostile-blkbe: backend/vbd/D/N: done scenario=... bad=N ...
 */
#define pr_fmt(fmt) "hostile-blkbe: " fmt

#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>

#include "hostile_peer.h"

static char *scenario = "honest";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "Comma-separated, one per disk from xvdb: honest, unknown-id, dup-id, wrong-op, rsp-ahead, state-cycle (default honest)");

static unsigned int good = 64;
module_param(good, uint, 0444);
MODULE_PARM_DESC(good, "Honest responses on a connection before it misbehaves, 0..100000 (default 64)");

static unsigned int cycles = 1;
module_param(cycles, uint, 0444);
MODULE_PARM_DESC(cycles, "Bad acts per device, 1..1000 (default 1)");

static unsigned int hold = 4;
module_param(hold, uint, 0444);
MODULE_PARM_DESC(hold, "state-cycle: requests held in flight before going Closing, 1..32 (default 4)");

static unsigned int wait_ms = 30000;
module_param(wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "Longest wait for one frontend state change, ms, 100..600000 (default 30000)");

static unsigned int react_ms = 5000;
module_param(react_ms, uint, 0444);
MODULE_PARM_DESC(react_ms, "Time the frontend gets to close after a bad act, ms, 0..60000 (default 5000)");

static unsigned long long sectors = 131072;
module_param(sectors, ullong, 0444);
MODULE_PARM_DESC(sectors, "Disk size in 512-byte sectors, 8..2^32 (default 131072: 64 MiB)");

#define HB_MAX_GOOD		100000
#define HB_MAX_CYCLES		1000
#define HB_MAX_HOLD		32
#define HB_MIN_WAIT_MS		100
#define HB_MAX_WAIT_MS		600000
#define HB_MAX_REACT_MS		60000
#define HB_MIN_SECTORS		8ULL
#define HB_MAX_SECTORS		BIT_ULL(32)
#define HB_MAX_SCENARIOS	16
/* state-cycle: how often it looks for more requests to hold */
#define HB_HOLD_STEP_MS		10
/* rsp-ahead: responses "produced" beyond anything asked for */
#define HB_BOGUS_RSPS		0x10000U
#define HB_SECTOR_SHIFT		9
#define HB_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> HB_SECTOR_SHIFT)
/* xvd disks: (202 << 8) | (disk << 4) | partition, xvda = disk 0 */
#define HB_XVD_MAJOR		202
#define HB_XVD_SHIFT		4
#define HB_XVD_DISKS		16

#define HB_FE_UP		(HOSTILE_BIT(XenbusStateInitialised) | \
				 HOSTILE_BIT(XenbusStateConnected))

enum hb_scen {
	HB_HONEST,
	HB_UNKNOWN_ID,
	HB_DUP_ID,
	HB_WRONG_OP,
	HB_RSP_AHEAD,
	HB_STATE_CYCLE,
	HB_NR_SCEN,
};

static const char *const hb_scen_name[HB_NR_SCEN] = {
	[HB_HONEST] = "honest",
	[HB_UNKNOWN_ID] = "unknown-id",
	[HB_DUP_ID] = "dup-id",
	[HB_WRONG_OP] = "wrong-op",
	[HB_RSP_AHEAD] = "rsp-ahead",
	[HB_STATE_CYCLE] = "state-cycle",
};

/* The parsed `scenario` list. */
static unsigned int hb_list[HB_MAX_SCENARIOS];
static unsigned int hb_list_len;

/* What zero-filled reads copy from. */
static struct page *hb_zero_page;

/* One bound vbd device: its thread and its current connection. */
struct hb_dev {
	struct hostile_peer p;
	enum hb_scen scen;

	/* this connection */
	struct blkif_back_ring ring;
	void *ring_addr;		/* NULL: no ring mapped */
	int irq;			/* < 0: no event channel */
	unsigned int honest_left;	/* before the next bad act */
	bool poisoned;			/* ring indices given up (rsp-ahead) */
	unsigned int held;		/* requests left unanswered */
	/* dup-id: a request kept back until a second one comes */
	struct blkif_request dup_first;
	bool dup_pending;

	/* tallies for the summary line */
	unsigned int connects, bad, answered, refused, copy_errors;
	unsigned int held_total, fe_bad;
};

/* hostile_be_remove() and the watch find the peer at the start */
static_assert(offsetof(struct hb_dev, p) == 0);

static irqreturn_t hb_interrupt(int irq, void *data)
{
	struct hb_dev *hb = data;

	/* The thread does the work and sends the (late) EOI. */
	hostile_kick(&hb->p);
	return IRQ_HANDLED;
}

/* ---- the disk's keys and the connection ---- */

/* What a frontend reads of the disk, all at once, before InitWait. */
static int hb_publish(struct hostile_peer *p, struct xenbus_transaction xbt)
{
	const char *dir = p->xdev->nodename;
	int err;

	err = xenbus_printf(xbt, dir, "sectors", "%llu", sectors);
	if (!err)
		err = xenbus_printf(xbt, dir, "info", "%u", 0);
	if (!err)
		err = xenbus_printf(xbt, dir, "sector-size", "%u",
				    1U << HB_SECTOR_SHIFT);
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-flush-cache", "%u", 1);
	return err;
}

/* We offered one page, one queue, the native ABI: nothing else is taken. */
static int hb_read_frontend(struct hb_dev *hb, grant_ref_t *ref,
			    evtchn_port_t *port)
{
	const char *fe = hb->p.xdev->otherend;
	unsigned int r, p;
	char *proto;
	int err;

	err = xenbus_gather(XBT_NIL, fe, "ring-ref", "%u", &r,
			    "event-channel", "%u", &p, NULL);
	if (err)
		return err;
	proto = xenbus_read(XBT_NIL, fe, "protocol", NULL);
	if (!IS_ERR(proto)) {
		err = strcmp(proto, XEN_IO_PROTO_ABI_NATIVE) ? -EPROTO : 0;
		kfree(proto);
	}
	*ref = r;
	*port = p;
	return err;
}

static int hb_connect(struct hb_dev *hb)
{
	grant_ref_t ref;
	evtchn_port_t port;
	int err;

	err = hb_read_frontend(hb, &ref, &port);
	if (err)
		return err;
	err = hostile_map_ring(&hb->p, ref, &hb->ring_addr);
	if (err)
		return err;
	BACK_RING_INIT(&hb->ring, (struct blkif_sring *)hb->ring_addr,
		       XEN_PAGE_SIZE);
	err = xsplit_bind_interdomain_lateeoi(hb->p.xdev, port, hb_interrupt, 0,
					      "hostile-blkbe", hb);
	if (err < 0)
		return err;
	hb->irq = err;
	hb->honest_left = good;
	hb->poisoned = false;
	hb->held = 0;
	hb->dup_pending = false;
	hb->connects++;
	return xenbus_switch_state(hb->p.xdev, XenbusStateConnected);
}

/* Unbinding the irq also closes our end of the channel. */
static void hb_disconnect(struct hb_dev *hb)
{
	if (hb->irq >= 0)
		unbind_from_irqhandler(hb->irq, hb);
	hb->irq = -1;
	if (hb->ring_addr)
		xenbus_unmap_ring_vfree(hb->p.xdev, hb->ring_addr);
	hb->ring_addr = NULL;
	hb->held_total += hb->held + hb->dup_pending;
	hb->held = 0;
	hb->dup_pending = false;
}

/* ---- honest service ---- */

/* Zeroes into every segment of a read: the disk holds nothing else. */
static int hb_zero_fill(struct hb_dev *hb, const struct blkif_request *req)
{
	struct gnttab_copy ops[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	const struct blkif_request_segment *seg;
	unsigned int i, n = req->u.rw.nr_segments;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < n; i++) {
		seg = &req->u.rw.seg[i];
		ops[i].source.u.gmfn = xen_page_to_gfn(hb_zero_page);
		ops[i].source.domid = DOMID_SELF;
		ops[i].dest.u.ref = seg->gref;
		ops[i].dest.domid = hb->p.xdev->otherend_id;
		ops[i].dest.offset = seg->first_sect << HB_SECTOR_SHIFT;
		ops[i].len = (seg->last_sect - seg->first_sect + 1) <<
			     HB_SECTOR_SHIFT;
		ops[i].flags = GNTCOPY_dest_gref;
	}
	gnttab_batch_copy(ops, n);
	for (i = 0; i < n; i++) {
		if (ops[i].status != GNTST_okay) {
			hb->copy_errors++;
			return -EFAULT;
		}
	}
	return 0;
}

/* Segments inside their page and the disk, as any backend checks. */
static bool hb_rw_valid(const struct blkif_request *req)
{
	const struct blkif_request_segment *seg;
	unsigned int i, n = req->u.rw.nr_segments;
	u64 nr = 0;

	if (!n || n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return false;
	for (i = 0; i < n; i++) {
		seg = &req->u.rw.seg[i];
		if (seg->first_sect > seg->last_sect ||
		    seg->last_sect >= HB_SECTORS_PER_PAGE)
			return false;
		nr += seg->last_sect - seg->first_sect + 1;
	}
	return req->u.rw.sector_number < sectors &&
	       nr <= sectors - req->u.rw.sector_number;
}

/* The status an honest null disk gives @req (a read's data copied). */
static s16 hb_serve(struct hb_dev *hb, const struct blkif_request *req)
{
	switch (req->operation) {
	case BLKIF_OP_READ:
		if (!hb_rw_valid(req))
			break;
		return hb_zero_fill(hb, req) ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
	case BLKIF_OP_WRITE:
		if (!hb_rw_valid(req))
			break;
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_FLUSH_DISKCACHE:
		return BLKIF_RSP_OKAY;
	default:
		/* nothing else was offered */
		return BLKIF_RSP_EOPNOTSUPP;
	}
	hb->refused++;
	return BLKIF_RSP_ERROR;
}

/* Every request type keeps its id at the same offset (blkif.h). */
static u64 hb_req_id(const struct blkif_request *req)
{
	return req->u.other.id;
}

static void hb_put_rsp(struct hb_dev *hb, u64 id, u8 op, s16 status)
{
	struct blkif_response *rsp;

	rsp = RING_GET_RESPONSE(&hb->ring, hb->ring.rsp_prod_pvt);
	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	hb->ring.rsp_prod_pvt++;
}

/* ---- misbehaviour ---- */

/*
 * dup-id: @req is the second request: the first one's genuine response,
 * then @req's result under the first one's id (and operation, so that
 * nothing but the id is wrong).  Both go out in the same push.
 */
static void hb_dup(struct hb_dev *hb, const struct blkif_request *req)
{
	const struct blkif_request *first = &hb->dup_first;
	u64 id = hb_req_id(first);

	hb_put_rsp(hb, id, first->operation, hb_serve(hb, first));
	hb_put_rsp(hb, id, first->operation, hb_serve(hb, req));
	hb->dup_pending = false;
	pr_info("%s: bad act %u: dup-id (request %llu answered as %llu)\n",
		hb->p.xdev->nodename, hb->bad,
		(unsigned long long)hb_req_id(req), (unsigned long long)id);
}

/*
 * Answer @req as the scenario says.  Returns true if this was the bad
 * act (the caller then watches the frontend's reaction).
 */
static bool hb_answer(struct hb_dev *hb, const struct blkif_request *req)
{
	u8 op = req->operation;

	if (hb->poisoned || hb->held) {
		/* state-cycle holds it; rsp-ahead gave the ring up */
		hb->held++;
		return false;
	}
	if (hb->bad >= cycles || hb->scen == HB_HONEST || hb->honest_left) {
		if (hb->honest_left)
			hb->honest_left--;
		hb_put_rsp(hb, hb_req_id(req), op, hb_serve(hb, req));
		hb->answered++;
		return false;
	}
	if (hb->scen == HB_DUP_ID && !hb->dup_pending) {
		/* keep it back: its id goes out twice with the next one */
		hb->dup_first = *req;
		hb->dup_pending = true;
		return false;
	}
	hb->bad++;
	switch (hb->scen) {
	case HB_UNKNOWN_ID:
		/* ids are slots of the frontend's table: this one is past it */
		hb_put_rsp(hb, RING_SIZE(&hb->ring), op, hb_serve(hb, req));
		break;
	case HB_DUP_ID:
		hb_dup(hb, req);
		return true;
	case HB_WRONG_OP:
		hb_put_rsp(hb, hb_req_id(req),
			   op == BLKIF_OP_READ ? BLKIF_OP_WRITE : BLKIF_OP_READ,
			   hb_serve(hb, req));
		break;
	case HB_RSP_AHEAD:
		/* published by the caller's push: far beyond the ring */
		hb->ring.rsp_prod_pvt += HB_BOGUS_RSPS;
		hb->poisoned = true;
		break;
	default:	/* HB_STATE_CYCLE */
		hb->held = 1;
		break;
	}
	pr_info("%s: bad act %u: %s (request id %llu, op %u)\n",
		hb->p.xdev->nodename, hb->bad, hb_scen_name[hb->scen],
		(unsigned long long)hb_req_id(req), op);
	return true;
}

/* Room for the response to one more request? */
static bool hb_room(const struct hb_dev *hb)
{
	return hb->ring.req_cons - hb->ring.rsp_prod_pvt < RING_SIZE(&hb->ring);
}

/*
 * Take every request off the ring and answer it.  Returns 1 if the bad
 * act happened, 0, or -EPROTO if the frontend broke the ring itself
 * (more unconsumed requests than the ring holds).  A ring given up
 * (rsp-ahead) is left alone: its indices mean nothing.  A pass that can
 * take nothing (every slot holds a request we hold) ends it: the next
 * kick or poll looks again.
 */
static int hb_drain(struct hb_dev *hb)
{
	struct blkif_request req;
	bool bad = false, notify;
	unsigned int taken;
	RING_IDX rp;
	int more;

	if (hb->poisoned)
		return 0;
	do {
		rp = READ_ONCE(hb->ring.sring->req_prod);
		virt_rmb(); /* read requests only after seeing req_prod */
		if (rp - hb->ring.req_cons > RING_SIZE(&hb->ring)) {
			hb->fe_bad++;
			return -EPROTO;
		}
		for (taken = 0; hb->ring.req_cons != rp && hb_room(hb);
		     taken++) {
			RING_COPY_REQUEST(&hb->ring, hb->ring.req_cons, &req);
			hb->ring.req_cons++;
			bad |= hb_answer(hb, &req);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&hb->ring, notify);
		if (notify || bad)
			notify_remote_via_irq(hb->irq);
		if (!taken)
			break;
		RING_FINAL_CHECK_FOR_REQUESTS(&hb->ring, more);
	} while (more && !bad);
	return bad;
}

/*
 * state-cycle: with requests in flight, go Closing under the frontend.
 * Up to HOSTILE_POLL_MS for `hold` requests to be on the ring first (the
 * drain holds every request from the bad act on).
 */
static int hb_close_under(struct hb_dev *hb)
{
	unsigned long end = jiffies + msecs_to_jiffies(HOSTILE_POLL_MS);
	int err;

	while (hb->held < hold && time_before(jiffies, end)) {
		err = hostile_wait_work(&hb->p, HB_FE_UP, HB_HOLD_STEP_MS);
		if (err <= 0)
			return err;
		hostile_take_kick(&hb->p);
		err = hb_drain(hb);
		xen_irq_lateeoi(hb->irq, 0);
		if (err < 0)
			return err;
	}
	pr_info("%s: going Closing with %u request(s) in flight\n",
		hb->p.xdev->nodename, hb->held);
	hostile_switch(&hb->p, XenbusStateClosing);
	err = hostile_wait(&hb->p, HOSTILE_BIT(XenbusStateClosing) |
			   HOSTILE_BIT(XenbusStateClosed), wait_ms);
	if (err == -ETIMEDOUT)
		hb->p.fe_ignored++;
	else if (!err)
		hb->p.fe_closed++;
	return err;
}

/*
 * Serve one connection until the frontend leaves it (0), the device goes
 * (-EINTR) or the frontend corrupts its ring (-EPROTO).
 */
static int hb_run_connection(struct hb_dev *hb)
{
	int ret;

	for (;;) {
		ret = hostile_wait_work(&hb->p, HB_FE_UP, HOSTILE_POLL_MS);
		if (ret <= 0)
			return ret;
		hostile_take_kick(&hb->p);
		ret = hb_drain(hb);
		xen_irq_lateeoi(hb->irq, 0);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		if (hb->scen == HB_STATE_CYCLE)
			return hb_close_under(hb);
		ret = hostile_react(&hb->p, hb->bad, react_ms);
		if (ret != -ETIMEDOUT)
			return ret;
	}
}

static int hb_op_connect(struct hostile_peer *p)
{
	return hb_connect(container_of(p, struct hb_dev, p));
}

static int hb_op_run(struct hostile_peer *p)
{
	return hb_run_connection(container_of(p, struct hb_dev, p));
}

static void hb_op_disconnect(struct hostile_peer *p)
{
	hb_disconnect(container_of(p, struct hb_dev, p));
}

static const struct hostile_backend_ops hb_ops = {
	.publish = hb_publish,
	.fe_up = HB_FE_UP,
	.connect = hb_op_connect,
	.run = hb_op_run,
	.disconnect = hb_op_disconnect,
};

/* The device's thread: the summary line goes out at its end. */
static int hb_thread(void *data)
{
	struct hb_dev *hb = data;
	int err = hostile_serve(&hb->p);

	pr_info("%s: done scenario=%s bad=%u answered=%u connects=%u fe_closed=%u fe_ignored=%u held=%u refused=%u copy_errors=%u fe_bad=%u%s\n",
		hb->p.xdev->nodename, hb_scen_name[hb->scen], hb->bad,
		hb->answered, hb->connects, hb->p.fe_closed, hb->p.fe_ignored,
		hb->held_total, hb->refused, hb->copy_errors, hb->fe_bad,
		hostile_end_note(err));
	return 0;
}

/* The disk's scenario: by its xvd letter, from xvdb on. */
static enum hb_scen hb_scen_for(struct xenbus_device *xdev)
{
	unsigned int handle, disk, idx = 0;

	if (!kstrtouint(kbasename(xdev->nodename), 10, &handle) &&
	    handle >> 8 == HB_XVD_MAJOR) {
		disk = (handle >> HB_XVD_SHIFT) % HB_XVD_DISKS;
		idx = disk ? disk - 1 : 0;
	}
	return hb_list[min(idx, hb_list_len - 1)];
}

static int hb_probe(struct xenbus_device *xdev,
		    const struct xenbus_device_id *id)
{
	struct hb_dev *hb;
	int err;

	hb = kzalloc(sizeof(*hb), GFP_KERNEL);
	if (!hb)
		return -ENOMEM;
	hostile_peer_init(&hb->p, xdev, &hb_ops, wait_ms);
	hb->irq = -1;
	hb->scen = hb_scen_for(xdev);
	err = hostile_start(xdev, hb, &hb->p.task, hb_thread, "hostile-blkbe");
	if (!err)
		pr_info("%s: scenario %s\n", xdev->nodename,
			hb_scen_name[hb->scen]);
	return err;
}

static const struct xenbus_device_id hb_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver hb_driver = {
	/* the lab's binding checks look for this name */
	.name = "xsplit-hostile-vbd",
	.ids = hb_ids,
	.probe = hb_probe,
	.remove = hostile_be_remove,
	.otherend_changed = hostile_be_otherend_changed,
};

static bool hb_params_ok(void)
{
	if (good > HB_MAX_GOOD || !cycles || cycles > HB_MAX_CYCLES ||
	    !hold || hold > HB_MAX_HOLD ||
	    wait_ms < HB_MIN_WAIT_MS || wait_ms > HB_MAX_WAIT_MS ||
	    react_ms > HB_MAX_REACT_MS ||
	    sectors < HB_MIN_SECTORS || sectors > HB_MAX_SECTORS) {
		pr_err("good, cycles, hold, wait_ms, react_ms or sectors out of range\n");
		return false;
	}
	return true;
}

static int __init hb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	if (!hb_params_ok())
		return -EINVAL;
	err = hostile_parse(scenario, hb_scen_name, HB_NR_SCEN, hb_list,
			    HB_MAX_SCENARIOS);
	if (err < 0)
		return err;
	hb_list_len = err;
	hb_zero_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hb_zero_page)
		return -ENOMEM;
	err = xenbus_register_backend(&hb_driver);
	if (err)
		__free_page(hb_zero_page);
	return err;
}
module_init(hb_init);

static void __exit hb_exit(void)
{
	xenbus_unregister_driver(&hb_driver);
	__free_page(hb_zero_page);
}
module_exit(hb_exit);

MODULE_DESCRIPTION("xsplit selftest: a hostile vbd backend (test only)");
MODULE_LICENSE("GPL");

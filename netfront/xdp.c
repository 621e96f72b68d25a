// SPDX-License-Identifier: GPL-2.0
/*
 * netfront XDP, native (driver) mode, as Linux's netfront offers it.
 *
 * Headroom.  A program wants XDP_PACKET_HEADROOM bytes free before each
 * packet; a backend that offers feature-xdp-headroom leaves as many as the
 * frontend's xdp-headroom asks (netif.h).  The first program attached and
 * the last detached change that on the live connection: the key written,
 * Reconfiguring, the backend's Reconfigured awaited, Connected again
 * (xsplit_xb_reconfigure()).  Linux's netfront waits for the answer with
 * RTNL held and no limit, so a backend that never answers hangs the
 * guest's networking; here the wait ends after XSPLIT_NF_XDP_TIMEOUT and
 * the attach fails (a detach stands regardless).  Replacing one program
 * by another changes no headroom and asks the backend nothing.  The key
 * is written again at every advertise, so a reconnected backend keeps it.
 *
 * Refused, with a message in the netlink answer: a first program without
 * a connected backend that offers the headroom (Linux's netfront takes
 * the program then and silently never runs it), and any program while
 * the MTU's frames, with the headroom and the tailroom an skb built
 * around the page needs, would not fit one page.
 *
 * rx.  A packet in one slot goes to the program in its own page (the
 * grant ended first, so the backend can no longer write it), at the
 * offset the response gave: the headroom is asked for, never trusted.
 * Multi-slot packets (GSO, or frames the backend sends beyond the MTU)
 * and packets too close to their page's end for the tailroom are dropped
 * and counted (xdp_oversize), as Linux's netfront drops multi-slot
 * packets while a program is attached.  Every check of rx.c/validate.c
 * has run before a program sees anything.
 *
 * tx.  XDP_TX and ndo_xdp_xmit copy the frame to a fresh zeroed page and
 * send it on the tx ring through tx.c's one grant path, so a backend
 * sees nothing of ours beyond the frame; the frame is ours to free at
 * once.  XDP_TX goes out on the queue it came in on, pushed once per
 * NAPI poll; redirects are flushed (xdp_do_flush()) at the poll's end.
 */
#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>

#include "netfront/netfront.h"

/* How long an attach or detach waits for the backend's Reconfigured. */
#define XSPLIT_NF_XDP_TIMEOUT (5 * HZ)

static_assert((int)XSPLIT_NF_XDP_ABORTED == (int)XDP_ABORTED);
static_assert((int)XSPLIT_NF_XDP_DROP == (int)XDP_DROP);
static_assert((int)XSPLIT_NF_XDP_PASS == (int)XDP_PASS);
static_assert((int)XSPLIT_NF_XDP_TX == (int)XDP_TX);
static_assert((int)XSPLIT_NF_XDP_REDIRECT == (int)XDP_REDIRECT);

/* The largest MTU a program may run with. */
unsigned int xsplit_nf_xdp_mtu_limit(void)
{
	return xsplit_nf_xdp_max_mtu(PAGE_SIZE, XDP_PACKET_HEADROOM,
				     XSPLIT_NF_XDP_TAILROOM, ETH_HLEN);
}

/* ---- rx ---- */

static void xdp_tx(struct xsplit_nf_queue *q, struct xdp_buff *xdp,
		   struct bpf_prog *prog)
{
	if (xsplit_nf_tx_frame(q, xdp->data, xdp->data_end - xdp->data)) {
		xsplit_nf_count(q, &q->stats.xdp_tx_errors, 1);
		trace_xdp_exception(q->nf->netdev, prog, XDP_TX);
		return;
	}
	q->xdp_tx_pending = true;
}

/* Whether the page went with the redirect. */
static bool xdp_redirect(struct xsplit_nf_queue *q, struct xdp_buff *xdp,
			 struct bpf_prog *prog)
{
	if (xdp_do_redirect(q->nf->netdev, xdp, prog)) {
		xsplit_nf_count(q, &q->stats.xdp_redirect_errors, 1);
		trace_xdp_exception(q->nf->netdev, prog, XDP_REDIRECT);
		return false;
	}
	return true;
}

static void xdp_account(struct xsplit_nf_queue *q, u32 act, unsigned int len)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&q->syncp);

	q->stats.xdp_verdict[xsplit_nf_xdp_ctr(act)]++;
	/* a passed packet is counted received once the stack has it */
	if (act != XDP_PASS) {
		q->stats.rx_packets++;
		q->stats.rx_bytes += len;
	}
	u64_stats_update_end_irqrestore(&q->syncp, flags);
}

/**
 * xsplit_nf_xdp_rx - run the program on one received packet
 * @q: the queue, from its NAPI poll, in an RCU read-side section
 * @prog: the program
 * @page: the packet's page, ours (its grant ended)
 * @off: where the packet starts in @page; moved for XDP_PASS
 * @len: its length (0 for a packet in several slots); set for XDP_PASS
 * @flush: set when xdp_do_flush() is due at the end of the poll
 *
 * Return: XDP_PASS when the caller builds the skb from @page, @off and
 * @len; otherwise @page is taken care of (sent, redirected or freed).
 * A redirected page goes back through the queue's memory model (the
 * page allocator, or the queue's page pool: queue.c).
 */
int xsplit_nf_xdp_rx(struct xsplit_nf_queue *q, struct bpf_prog *prog,
		     struct page *page, u16 *off, u16 *len, bool *flush)
{
	struct xdp_buff xdp;
	u32 act;

	xsplit_xdp_buff_init(&xdp, page_address(page), *off, *len, PAGE_SIZE,
			     &q->xdp_rxq);
	act = bpf_prog_run_xdp(prog, &xdp);
	xdp_account(q, act, *len);
	switch (act) {
	case XDP_PASS:
		/* the program may have moved either end, within the page */
		*off = xdp.data - xdp.data_hard_start;
		*len = xdp.data_end - xdp.data;
		return XDP_PASS;
	case XDP_TX:
		xdp_tx(q, &xdp, prog);
		break;
	case XDP_REDIRECT:
		if (xdp_redirect(q, &xdp, prog)) {
			*flush = true;
			return XDP_REDIRECT;
		}
		break;
	default:
		xsplit_bpf_warn_invalid_xdp_action(q->nf->netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(q->nf->netdev, prog, act);
		fallthrough;
	case XDP_DROP:
		break;
	}
	xsplit_nf_rx_page_free(q, page, true);
	return act;
}

/* ---- ndo_xdp_xmit ---- */

/**
 * xsplit_nf_xdp_xmit - send frames other devices' programs redirected here
 * @dev: our device
 * @n: how many
 * @frames: the frames; the ones we send are ours to free, the rest the
 *          caller's
 * @flags: XDP_XMIT_FLUSH or 0; the ring is pushed for every call anyway
 *
 * Called in softirq context, which is an RCU read-side section: the
 * queues stay until xsplit_nf_queues_destroy()'s synchronize_net().
 *
 * Return: the frames sent, from the first on; or a negative errno.
 */
int xsplit_nf_xdp_xmit(struct net_device *dev, int n,
		       struct xdp_frame **frames, u32 flags)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	unsigned int nr = READ_ONCE(nf->nr_queues);
	struct xsplit_nf_queue *queues = READ_ONCE(nf->queues);
	struct xsplit_nf_queue *q;
	int i;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!nr || !queues || !netif_carrier_ok(dev)))
		return -ENETDOWN;
	q = &queues[smp_processor_id() % nr];
	for (i = 0; i < n; i++) {
		/* one page per frame: a multi-buffer one would go truncated */
		if (xsplit_xdp_frame_has_frags(frames[i]) ||
		    xsplit_nf_tx_frame(q, frames[i]->data, frames[i]->len))
			break;
		/* copied: the frame's memory is free again */
		xdp_return_frame(frames[i]);
	}
	if (i)
		xsplit_nf_tx_push(q);
	xsplit_nf_count(q, &q->stats.xdp_xmit, i);
	if (i < n)
		xsplit_nf_count(q, &q->stats.xdp_xmit_errors, n - i);
	return i;
}

/* ---- attach and detach ---- */

static int write_headroom(struct xsplit_xb_dev *xb,
			  struct xenbus_transaction xbt, void *arg)
{
	struct xsplit_nf *nf = arg;

	return xsplit_xb_write(xb, xbt, XSPLIT_KEY_XDP_HEADROOM, 1, 0, 0,
			       READ_ONCE(nf->xdp_headroom) ?
			       XDP_PACKET_HEADROOM : 0);
}

/**
 * xsplit_nf_xdp_publish - at advertise: the headroom we want, if offered
 * @nf: the device
 * @xbt: advertise's transaction
 *
 * The backend reads xdp-headroom at connect too: a program attached
 * before a reconnect keeps its headroom on the new connection.
 */
int xsplit_nf_xdp_publish(struct xsplit_nf *nf, struct xenbus_transaction xbt)
{
	u32 offered;

	if (xsplit_xb_read_top(nf->xb, XSPLIT_KEY_FEAT_XDP_HEADROOM, &offered))
		offered = 0;
	WRITE_ONCE(nf->back_xdp_headroom, offered);
	if (!offered)
		return 0;
	return write_headroom(nf->xb, xbt, nf);
}

/*
 * Ask for the headroom (@on) or none, on the live connection.  A detach
 * stands whatever the backend does: it may go on leaving the room, which
 * costs nothing.  An attach the backend did not answer is undone.
 */
static int headroom_set(struct xsplit_nf *nf, bool on,
			struct netlink_ext_ack *extack)
{
	int err;

	WRITE_ONCE(nf->xdp_headroom, on);
	if (!nf->connected || !READ_ONCE(nf->back_xdp_headroom))
		return 0;
	err = xsplit_xb_reconfigure(nf->xb, write_headroom, nf,
				    XSPLIT_NF_XDP_TIMEOUT);
	if (!err)
		return 0;
	netdev_warn(nf->netdev, "backend did not take xdp-headroom %u: %d\n",
		    on ? XDP_PACKET_HEADROOM : 0, err);
	if (!on)
		return 0;
	WRITE_ONCE(nf->xdp_headroom, false);
	/* the key back as it was, without another round */
	xsplit_xb_transact(nf->xb, write_headroom, nf);
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG_MOD(extack, "backend did not answer Reconfiguring in time");
	else
		NL_SET_ERR_MSG_MOD(extack, "XDP headroom negotiation with the backend failed");
	return err;
}

/* May @prog run here?  Also for a program replacing another. */
static int attach_check(struct xsplit_nf *nf, bool first,
			struct netlink_ext_ack *extack)
{
	if (nf->netdev->mtu > xsplit_nf_xdp_mtu_limit()) {
		netdev_warn(nf->netdev, "XDP needs an MTU of at most %u\n",
			    xsplit_nf_xdp_mtu_limit());
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP: frames must fit one page");
		return -EINVAL;
	}
	if (!first)
		return 0;
	if (!nf->connected) {
		NL_SET_ERR_MSG_MOD(extack, "no backend connected");
		return -ENOTCONN;
	}
	if (!READ_ONCE(nf->back_xdp_headroom)) {
		NL_SET_ERR_MSG_MOD(extack, "backend does not offer feature-xdp-headroom");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int xdp_setup(struct net_device *dev, struct bpf_prog *prog,
		     struct netlink_ext_ack *extack)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	struct bpf_prog *old = rtnl_dereference(nf->xdp_prog);
	int err;

	if (prog) {
		err = attach_check(nf, !old, extack);
		if (!err && !old)
			err = headroom_set(nf, true, extack);
		if (err)
			return err;
	}
	/* the program's reference is ours now; NAPI reads under RCU */
	rcu_assign_pointer(nf->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	if (old && !prog)
		headroom_set(nf, false, NULL);
	return 0;
}

int xsplit_nf_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return xdp_setup(dev, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

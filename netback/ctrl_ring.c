// SPDX-License-Identifier: GPL-2.0
/*
 * The control ring (feature-ctrl-ring): mapping, the late-EOI event, a
 * work item that answers the messages through the pure handler (ctrl.c),
 * and queue selection by the frontend's Toeplitz hash and mapping table.
 */
#include <linux/interrupt.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/flow_dissector.h>
#include <xen/page.h>
#include "compat/xsplit_compat_net.h"

#include "netback/common.h"

#define IPV4_TUPLE_ADDRS	8
#define IPV6_TUPLE_ADDRS	32
#define TUPLE_PORTS		4

static enum xsplit_evtchn_ret ctrl_interrupt(struct xsplit_evtchn *ch,
					     void *data)
{
	struct xsplit_nb_vif *vif = data;

	/* Going away: no work item may be queued after the cancel. */
	if (READ_ONCE(vif->ctrl_stopping))
		return XSPLIT_EVTCHN_NO_WORK;
	schedule_work(&vif->ctrl_work);
	return XSPLIT_EVTCHN_DEFERRED;
}

static bool ctrl_copy(struct xsplit_nb_vif *vif,
		      const struct xsplit_nb_ctrl_copy *c)
{
	u8 *dst = vif->ctrl->staging;
	bool failed = false;
	struct gnttab_copy op = {
		.source.u.ref = c->gref,
		.source.domid = vif->domid,
		.dest.u.gmfn = virt_to_gfn(dst),
		.dest.domid = DOMID_SELF,
		.dest.offset = xen_offset_in_page(dst),
		.len = c->len,
		.flags = GNTCOPY_source_gref,
	};

	if (!c->len)
		return true;
	/* staging never crosses a page (see xsplit_nb_ctrl_connect()). */
	if (xen_offset_in_page(dst) + c->len > XEN_PAGE_SIZE)
		return false;
	xsplit_gnt_copy_add(&vif->ctrl_copy, &op, &failed);
	xsplit_gnt_copy_flush(&vif->ctrl_copy);
	return !failed;
}

static void ctrl_one(void *arg, const struct xsplit_netif_ctrl_request *req)
{
	struct xsplit_nb_vif *vif = arg;
	struct xsplit_netif_ctrl_response rsp;
	struct xsplit_nb_ctrl_copy copy;

	if (xsplit_nb_ctrl_begin(vif->ctrl, req, &rsp, &copy) ==
	    XSPLIT_NB_CTRL_COPY)
		xsplit_nb_ctrl_finish(vif->ctrl, req, &rsp,
				      ctrl_copy(vif, &copy));
	WARN_ON_ONCE(xsplit_netif_ctrl_back_put_rsp(&vif->ctrl_ring, &rsp));
}

static void ctrl_notify(void *arg)
{
	struct xsplit_nb_vif *vif = arg;

	xsplit_evtchn_notify(&vif->ctrl_ch);
}

static const struct xsplit_nb_ctrl_serve_ops ctrl_serve_ops = {
	.answer = ctrl_one,
	.notify = ctrl_notify,
};

/*
 * A ring's worth of requests per run, then the work item queues itself
 * again behind whatever else waits on the shared workqueue; the EOI stays
 * owed meanwhile, so the frontend's kicks stay masked.
 */
static void ctrl_work(struct work_struct *work)
{
	struct xsplit_nb_vif *vif = container_of(work, struct xsplit_nb_vif,
						 ctrl_work);
	bool found = vif->ctrl_found;
	u32 served;

	vif->ctrl_found = false;
	switch (xsplit_nb_ctrl_serve(&vif->ctrl_ring, vif->ctrl_ring.r.nr_ents,
				     &ctrl_serve_ops, vif, &served)) {
	case XSPLIT_NB_CTRL_AGAIN:
		vif->ctrl_found = true;
		schedule_work(&vif->ctrl_work);
		return;
	case XSPLIT_NB_CTRL_BROKEN:
		/* Stop answering, no EOI; the frontend broke the protocol. */
		xsplit_nb_vif_fatal(vif, "control ring indices corrupt");
		return;
	case XSPLIT_NB_CTRL_IDLE:
		break;
	}
	xsplit_evtchn_eoi(&vif->ctrl_ch, found || served);
}

static int ctrl_map(struct xsplit_nb_vif *vif, u32 gref)
{
	int err;

	vif->ctrl_map.grefs[0] = gref;
	err = xsplit_xb_ring_map_refs(vif->xb, 0, &vif->ctrl_map);
	if (err)
		return err;
	err = xsplit_netif_ctrl_back_rejoin(&vif->ctrl_ring,
					    vif->ctrl_map.vaddr, 0);
	if (err)
		xsplit_xb_ring_unmap(vif->xb, &vif->ctrl_map);
	return err;
}

/**
 * xsplit_nb_ctrl_connect - map the control ring if the frontend has one
 * @vif: the vif
 * @nr_queues: queues the mapping table may point at
 *
 * Return: 0 (also without a control ring) or a negative errno.
 */
int xsplit_nb_ctrl_connect(struct xsplit_nb_vif *vif, unsigned int nr_queues)
{
	struct xenbus_device *xdev = vif->xb->xdev;
	struct xsplit_nb_ctrl *ctrl;
	u32 gref, port;
	int err;

	/* absent (or unreadable): the frontend has no control ring */
	if (xsplit_xb_read_top(vif->xb, XSPLIT_KEY_CTRL_RING_REF, &gref))
		return 0;
	if (xsplit_xb_read_top(vif->xb, XSPLIT_KEY_EVTCHN_CTRL, &port))
		return -EINVAL;
	/* Under a page, so kmalloc's alignment keeps staging in one page. */
	BUILD_BUG_ON(sizeof(*ctrl) > PAGE_SIZE);
	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return -ENOMEM;
	err = xsplit_gnt_copy_init(&vif->ctrl_copy, 1, xsplit_nb_copy_failed,
				   vif);
	if (err)
		goto free_ctrl;
	err = ctrl_map(vif, gref);
	if (err)
		goto free_copy;
	xsplit_nb_ctrl_init(ctrl, nr_queues);
	vif->ctrl = ctrl;
	vif->ctrl_stopping = false;
	vif->ctrl_found = false;
	INIT_WORK(&vif->ctrl_work, ctrl_work);
	err = xsplit_evtchn_bind_backend(&vif->ctrl_ch, xdev, port, "xsplit-nb-ctrl",
					 ctrl_interrupt, vif);
	if (err)
		goto unmap;
	return 0;

unmap:
	vif->ctrl = NULL;
	xsplit_xb_ring_unmap(vif->xb, &vif->ctrl_map);
free_copy:
	xsplit_gnt_copy_free(&vif->ctrl_copy);
free_ctrl:
	kfree(ctrl);
	return err;
}

void xsplit_nb_ctrl_disconnect(struct xsplit_nb_vif *vif)
{
	struct xsplit_nb_ctrl *ctrl = vif->ctrl;

	if (!ctrl)
		return;
	/*
	 * The work item notifies and EOIs through the channel: it stops
	 * before the channel goes, or it could use an IRQ number already
	 * freed and handed to another device's channel.  First no handler
	 * queues it any more (a handler that saw the flag clear has queued
	 * it by the time synchronize_irq() returns), then it is cancelled.
	 */
	WRITE_ONCE(vif->ctrl_stopping, true);
	synchronize_irq(vif->ctrl_ch.irq);
	cancel_work_sync(&vif->ctrl_work);
	xsplit_evtchn_unbind(&vif->ctrl_ch);
	WRITE_ONCE(vif->ctrl, NULL);
	synchronize_net(); /* select_queue reads it under RCU */
	xsplit_xb_ring_unmap(vif->xb, &vif->ctrl_map);
	xsplit_gnt_copy_free(&vif->ctrl_copy);
	kfree(ctrl);
}

/* The hash input the frontend enabled for this flow; 0 bytes if none. */
static u32 hash_input(const struct flow_keys *k, u32 flags, u8 *buf,
		      bool *l4)
{
	bool tcp = k->basic.ip_proto == IPPROTO_TCP;
	u32 n = 0;

	if (k->control.addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
		if (!(flags & (XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4 |
			       XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4_TCP)))
			return 0;
		memcpy(buf, &k->addrs.v4addrs, IPV4_TUPLE_ADDRS);
		n = IPV4_TUPLE_ADDRS;
		tcp = tcp && (flags & XSPLIT_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	} else if (k->control.addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
		if (!(flags & (XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6 |
			       XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6_TCP)))
			return 0;
		memcpy(buf, &k->addrs.v6addrs, IPV6_TUPLE_ADDRS);
		n = IPV6_TUPLE_ADDRS;
		tcp = tcp && (flags & XSPLIT_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
	}
	*l4 = n && tcp;
	if (*l4) {
		memcpy(buf + n, &k->ports.ports, TUPLE_PORTS);
		n += TUPLE_PORTS;
	}
	return n;
}

u16 xsplit_nb_select_queue(struct net_device *dev, struct sk_buff *skb,
			   struct net_device *sb_dev)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);
	u8 buf[IPV6_TUPLE_ADDRS + TUPLE_PORTS];
	unsigned int n = dev->real_num_tx_queues;
	struct xsplit_nb_ctrl *ctrl = READ_ONCE(vif->ctrl);
	struct flow_keys keys;
	u32 len, hash;
	bool l4;

	if (!ctrl || READ_ONCE(ctrl->hash.alg) !=
		     XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
		return netdev_pick_tx(dev, skb, NULL) % n;
	/* From here on a hash on the skb is ours, for the HASH extra. */
	skb_clear_hash(skb);
	if (!skb_flow_dissect_flow_keys(skb, &keys, 0))
		return 0;
	len = hash_input(&keys, READ_ONCE(ctrl->hash.flags), buf, &l4);
	if (!len)
		return 0;
	hash = xsplit_nb_toeplitz(ctrl->hash.key, sizeof(ctrl->hash.key),
				  buf, len);
	skb_set_hash(skb, hash, l4 ? PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);
	return xsplit_nb_hash_queue(&ctrl->hash, hash, n);
}

/**
 * xsplit_nb_rx_hash - the HASH extra for a guest-bound packet, if any
 * @vif: the vif
 * @skb: the packet; its hash is ours when select_queue computed one
 * @extra: filled in when the result is true
 *
 * Called by the rx threads, which stop before the control ring goes.
 */
bool xsplit_nb_rx_hash(struct xsplit_nb_vif *vif, const struct sk_buff *skb,
		       struct xsplit_netif_extra_info *extra)
{
	struct xsplit_nb_ctrl *ctrl = READ_ONCE(vif->ctrl);
	u32 hash = skb_get_hash_raw(skb);
	bool v4 = skb->protocol == htons(ETH_P_IP);
	u8 type;

	if (!ctrl || READ_ONCE(ctrl->hash.alg) !=
		     XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ ||
	    !hash || skb->sw_hash ||
	    (!v4 && skb->protocol != htons(ETH_P_IPV6)))
		return false;
	if (v4)
		type = skb->l4_hash ? XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4_TCP :
				      XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV4;
	else
		type = skb->l4_hash ? XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6_TCP :
				      XSPLIT_NETIF_CTRL_HASH_TYPE_BIT_IPV6;
	*extra = (struct xsplit_netif_extra_info){
		.type = XSPLIT_NETIF_EXTRA_TYPE_HASH,
		.u.hash.type = type,
		.u.hash.algorithm = XSPLIT_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ,
	};
	/* The wire value is little-endian, as Linux's netback writes it. */
	put_unaligned_le32(hash, extra->u.hash.value);
	return true;
}

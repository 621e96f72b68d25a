// SPDX-License-Identifier: GPL-2.0
/*
 * The vif's XenBus side, as callbacks of the core's state machine:
 *   probe      create the net_device, before InitWait, so the hotplug
 *              script that the toolstack runs at InitWait finds it
 *   advertise  our features
 *   connect    (after hotplug-status "connected" and the frontend's
 *              Connected) read the frontend's features, map every queue,
 *              carrier on
 *   disconnect the reverse; the net_device stays
 *   free       remove the net_device
 *   reconfigure (the frontend went Reconfiguring: it attaches or detaches
 *              an XDP program) re-read xdp-headroom; the rx thread takes
 *              the new value from its next packet on
 *   uevent     script= and vif= for the udev rules that run the hotplug
 *              script when the toolstack does not (the core sends
 *              "online" once the device is in InitWait, "offline" at
 *              remove)
 */
#include <linux/rtnetlink.h>
#include <linux/vmalloc.h>

#include "netback/common.h"
#include "xenbus/xsplit_watch.h"

/* What we offer (backend directory), written at advertise. */
struct xsplit_nb_offer {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv6_csum;
	bool rx_copy;
	bool rx_flip;		/* page flipping: long gone */
	bool mcast_ctrl;
	bool dyn_mcast_ctrl;
	bool ctrl_ring;
	bool xdp_headroom;	/* the parameters say */
	bool split_evtchn;
};

#define OFFER(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_nb_offer, field)

static const struct xsplit_key_field xsplit_nb_offer_keys[] = {
	OFFER(XSPLIT_KEY_FEAT_SG, sg),
	OFFER(XSPLIT_KEY_FEAT_GSO_TCPV4, gso_tcpv4),
	OFFER(XSPLIT_KEY_FEAT_GSO_TCPV6, gso_tcpv6),
	OFFER(XSPLIT_KEY_FEAT_IPV6_CSUM, ipv6_csum),
	OFFER(XSPLIT_KEY_FEAT_RX_COPY, rx_copy),
	OFFER(XSPLIT_KEY_FEAT_RX_FLIP, rx_flip),
	OFFER(XSPLIT_KEY_FEAT_MCAST_CTRL, mcast_ctrl),
	OFFER(XSPLIT_KEY_FEAT_DYN_MCAST_CTRL, dyn_mcast_ctrl),
	OFFER(XSPLIT_KEY_FEAT_CTRL_RING, ctrl_ring),
	OFFER(XSPLIT_KEY_FEAT_XDP_HEADROOM, xdp_headroom),
	OFFER(XSPLIT_KEY_SPLIT_EVTCHN, split_evtchn),
};

/* Frontend features read at connect (request-rx-copy apart). */
#define FLAG(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_nb_vif, field)

static const struct xsplit_key_field xsplit_nb_front_keys[] = {
	FLAG(XSPLIT_KEY_FEAT_SG, feat.sg),
	FLAG(XSPLIT_KEY_FEAT_GSO_TCPV4, feat.gso_tcpv4),
	FLAG(XSPLIT_KEY_FEAT_GSO_TCPV6, feat.gso_tcpv6),
	/* the key says "no" */
	XSPLIT_KEY_FIELD_NOT(XSPLIT_KEY_FEAT_NO_CSUM, struct xsplit_nb_vif,
			     feat.ip_csum),
	FLAG(XSPLIT_KEY_FEAT_IPV6_CSUM, feat.ipv6_csum),
	FLAG(XSPLIT_KEY_FEAT_RX_NOTIFY, rx_notify),
	FLAG(XSPLIT_KEY_REQ_MCAST_CTRL, mcast_ctrl),
};

static int write_offers(struct xsplit_xb_dev *xb,
			struct xenbus_transaction xbt, void *arg)
{
	const struct xsplit_nb_offer offer = {
		.sg = true,
		.gso_tcpv4 = true,
		.gso_tcpv6 = true,
		.ipv6_csum = true,
		.rx_copy = true,
		.mcast_ctrl = true,
		.dyn_mcast_ctrl = true,
		.ctrl_ring = true,
		.xdp_headroom = xsplit_nb_provides_xdp_headroom,
		.split_evtchn = xsplit_nb_separate_tx_rx_irq,
	};
	int err;

	err = xsplit_xb_publish(xb, xbt, xsplit_nb_offer_keys,
				ARRAY_SIZE(xsplit_nb_offer_keys), &offer);
	if (err)
		return err;
	return xsplit_xb_mq_advertise(xb, xbt, xsplit_nb_max_queues);
}

static int nb_advertise(struct xsplit_xb_dev *xb)
{
	return xsplit_xb_transact(xb, write_offers, NULL);
}

/* ---- the frontend's XDP headroom ---- */

/*
 * Absent or malformed: none, as in Linux.  Above half a page: half a page,
 * for the first slot must still hold data (netif.h's own bound is far
 * beyond a page).
 */
static void read_headroom(struct xsplit_nb_vif *vif)
{
	u32 headroom;

	if (xsplit_xb_read_top(vif->xb, XSPLIT_KEY_XDP_HEADROOM, &headroom))
		headroom = 0;
	headroom = min_t(u32, headroom, XSPLIT_NB_MAX_HEADROOM);
	if (headroom != READ_ONCE(vif->xdp_headroom))
		netdev_info(vif->dev, "xdp headroom %u\n", headroom);
	WRITE_ONCE(vif->xdp_headroom, headroom);
}

static void nb_reconfigure(struct xsplit_xb_dev *xb)
{
	read_headroom(xb->priv);
}

/*
 * Linux's netfront writes xdp-headroom after its Reconfiguring: the read
 * at Reconfiguring may see the old value, so the key is watched as well.
 */
static void headroom_changed(struct xenbus_watch *w, const char *path,
			     const char *token)
{
	read_headroom(container_of(w, struct xsplit_nb_vif, headroom_watch));
}

/* ---- toolstack keys ---- */

/* "bytes,usec" (credit per window); anything else means unlimited. */
static void read_rate(struct xsplit_xb_dev *xb, unsigned long *bytes,
		      unsigned long *usec)
{
	u64 b, u;

	*bytes = ULONG_MAX;
	*usec = 0;
	if (xsplit_xb_read_rate(xb, &b, &u) ||
	    b != (unsigned long)b || u != (unsigned long)u)
		return;
	*bytes = b;
	*usec = u;
}

static void apply_rate(struct xsplit_nb_vif *vif)
{
	unsigned long bytes, usec;
	unsigned int i;

	read_rate(vif->xb, &bytes, &usec);
	for (i = 0; i < vif->nr_queues; i++)
		xsplit_nb_rate_set(&vif->queues[i], bytes, usec);
}

static void rate_changed(struct xenbus_watch *w, const char *path,
			 const char *token)
{
	apply_rate(container_of(w, struct xsplit_nb_vif, rate_watch));
}

static void mcast_changed(struct xenbus_watch *w, const char *path,
			  const char *token)
{
	struct xsplit_nb_vif *vif = container_of(w, struct xsplit_nb_vif,
						 mcast_watch);

	WRITE_ONCE(vif->mcast_ctrl,
		   xsplit_xb_read_flag(vif->xb, XSPLIT_KEY_REQ_MCAST_CTRL));
}

/*
 * The watches are bounded: the frontend writes request-multicast-control
 * and xdp-headroom as often as it likes (the toolstack's rate is bounded
 * alike, for free); every callback re-reads its node, so a dropped event
 * loses nothing.  Without a watch the value read at connect stays (and
 * the headroom read at each Reconfiguring): not fatal.
 */
static void watch_keys(struct xsplit_nb_vif *vif)
{
	struct xsplit_xb_dev *xb = vif->xb;

	if (xsplit_xb_watch_key(xb, &vif->rate_watch, XSPLIT_KEY_RATE,
				rate_changed))
		netdev_warn(vif->dev, "rate not watched\n");
	if (xsplit_xb_watch_key(xb, &vif->mcast_watch,
				XSPLIT_KEY_REQ_MCAST_CTRL, mcast_changed))
		netdev_warn(vif->dev, "request-multicast-control not watched\n");
	if (xsplit_xb_watch_key(xb, &vif->headroom_watch,
				XSPLIT_KEY_XDP_HEADROOM, headroom_changed))
		netdev_warn(vif->dev, "xdp-headroom not watched\n");
}

/* The toolstack's "mac" in our directory: the frontend's address. */
static int read_mac(struct xsplit_nb_vif *vif)
{
	return xsplit_xb_read_mac(vif->xb, XSPLIT_KEY_MAC, vif->fe_mac);
}

/* ---- frontend features ---- */

static int read_flags(struct xsplit_nb_vif *vif)
{
	if (!xsplit_xb_read_flag(vif->xb, XSPLIT_KEY_REQ_RX_COPY))
		return -EOPNOTSUPP;	/* page flipping: long gone */
	/* optional keys only: cannot fail */
	xsplit_xb_gather(vif->xb, XBT_NIL, xsplit_nb_front_keys,
			 ARRAY_SIZE(xsplit_nb_front_keys), vif);
	read_headroom(vif);
	vif->drain_timeout = msecs_to_jiffies(xsplit_nb_rx_drain_timeout_msecs);
	vif->stall_timeout = msecs_to_jiffies(xsplit_nb_rx_stall_timeout_msecs);
	/* Without rx notifications we poll, and cannot tell a stall. */
	if (!vif->rx_notify) {
		vif->drain_timeout = msecs_to_jiffies(XSPLIT_NB_POLL_DRAIN_MS);
		vif->stall_timeout = 0;
	}
	return 0;
}

/* ---- connect / disconnect ---- */

static void fold_and_free(struct xsplit_nb_vif *vif,
			  struct xsplit_nb_queue *queues, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		xsplit_nb_queue_disconnect(&queues[i]);
		xsplit_nb_stats_add(&vif->old_stats, &queues[i].stats);
	}
	vfree(queues);
}

static int connect_queues(struct xsplit_nb_vif *vif, unsigned int nr)
{
	struct xsplit_nb_queue *queues = vzalloc(array_size(nr, sizeof(*queues)));
	unsigned int i;
	int err;

	if (!queues)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		queues[i].vif = vif;
		queues[i].id = i;
		err = xsplit_nb_queue_connect(&queues[i], nr);
		if (err)
			goto unwind;
	}
	err = xsplit_nb_ctrl_connect(vif, nr);
	if (err)
		goto unwind;
	vif->queues = queues;
	smp_wmb(); /* readers that see nr_queues see the queues */
	WRITE_ONCE(vif->nr_queues, nr);
	return 0;

unwind:
	fold_and_free(vif, queues, i);
	return err;
}

static void set_real_queues(struct xsplit_nb_vif *vif, unsigned int nr)
{
	unsigned int max_mtu = xsplit_nb_max_mtu(vif);

	rtnl_lock();
	netif_set_real_num_tx_queues(vif->dev, nr);
	netif_set_real_num_rx_queues(vif->dev, nr);
	/*
	 * Only a frontend without SG lowers it (one page per packet, no
	 * jumbo): with SG the limit is the device's max_mtu.
	 */
	if (vif->dev->mtu > max_mtu && dev_set_mtu(vif->dev, max_mtu))
		netdev_warn(vif->dev, "frontend has no SG, MTU stays %u\n",
			    vif->dev->mtu);
	netdev_update_features(vif->dev);
	rtnl_unlock();
}

static int nb_connect(struct xsplit_xb_dev *xb)
{
	struct xsplit_nb_vif *vif = xb->priv;
	u32 nr = 1;
	int err;

	err = read_flags(vif);
	if (err)
		return err;
	err = read_mac(vif);
	if (err)
		return err;
	/* The parameter may have grown since the netdev was sized. */
	err = xsplit_xb_mq_read(xb, min(xsplit_nb_max_queues,
					vif->dev->num_tx_queues), &nr);
	if (err)
		return err;
	/*
	 * A new connection starts healthy before its channels are bound: an
	 * event on a vif still disabled (by the last connection's frontend)
	 * is dropped without its EOI, the channel masked for good; and an
	 * error found as soon as the channels are live must stay.
	 */
	WRITE_ONCE(vif->disabled, false);
	err = connect_queues(vif, nr);
	if (err)
		return err;
	apply_rate(vif);
	watch_keys(vif);
	set_real_queues(vif, nr);
	xsplit_nb_debugfs_add(vif);
	WRITE_ONCE(vif->connected, true);
	xsplit_nb_vif_carrier(vif);
	netif_tx_wake_all_queues(vif->dev);
	netdev_info(vif->dev, "connected: %u queue(s)%s%s%s\n", nr,
		    vif->queues[0].split ? ", split events" : "",
		    vif->ctrl ? ", control ring" : "",
		    vif->feat.sg ? ", sg" : "");
	return 0;
}

/* Copes with a partial connect: every step checks what exists. */
static void nb_disconnect(struct xsplit_xb_dev *xb)
{
	struct xsplit_nb_vif *vif = xb->priv;
	struct xsplit_nb_queue *queues = vif->queues;
	unsigned int nr = vif->nr_queues;

	WRITE_ONCE(vif->connected, false);
	xsplit_nb_vif_carrier(vif);
	netif_tx_stop_all_queues(vif->dev);
	xsplit_xb_unwatch(&vif->headroom_watch);
	xsplit_xb_unwatch(&vif->mcast_watch);
	xsplit_xb_unwatch(&vif->rate_watch);
	xsplit_nb_debugfs_remove(vif);
	WRITE_ONCE(vif->nr_queues, 0);
	synchronize_net(); /* no xmit or stats reader sees the queues now */
	vif->queues = NULL;
	if (queues)
		fold_and_free(vif, queues, nr);
	/* After the rx threads, which read the hash settings. */
	xsplit_nb_ctrl_disconnect(vif);
	xsplit_nb_mcast_flush(vif);
	atomic_set(&vif->stalled_queues, 0);
}

/* ---- device lifetime ---- */

/* The toolstack's "mtu", if it wrote one. */
static void apply_mtu(struct xsplit_nb_vif *vif)
{
	u32 mtu;

	if (!xsplit_xb_written(vif->xb, XSPLIT_KEY_MTU) ||
	    xsplit_xb_read_top(vif->xb, XSPLIT_KEY_MTU, &mtu))
		return;
	rtnl_lock();
	if (dev_set_mtu(vif->dev, mtu))
		netdev_warn(vif->dev, "cannot set toolstack MTU %u\n", mtu);
	rtnl_unlock();
}

static int nb_uevent(struct xsplit_xb_dev *xb, struct kobj_uevent_env *env)
{
	struct xsplit_nb_vif *vif = xb->priv;

	if (!vif)
		return 0;
	if (vif->script && add_uevent_var(env, "script=%s", vif->script))
		return -ENOMEM;
	return add_uevent_var(env, "vif=%s", vif->dev->name);
}

/* The toolstack's script for udev's hotplug; optional, unlike in Linux. */
static void read_script(struct xsplit_nb_vif *vif)
{
	char *script = xsplit_xb_read_str(vif->xb, XSPLIT_KEY_SCRIPT);

	vif->script = IS_ERR(script) ? NULL : script;
}

static int nb_probe(struct xsplit_xb_dev *xb)
{
	struct xsplit_nb_vif *vif;
	u32 handle;
	int err;

	if (xsplit_xb_read_top(xb, XSPLIT_KEY_HANDLE, &handle))
		return -EINVAL;
	vif = xsplit_nb_vif_create(xb, handle);
	if (IS_ERR(vif))
		return PTR_ERR(vif);
	xb->priv = vif;
	err = xsplit_nb_xstat_add(vif);
	if (err)
		goto destroy_vif;
	apply_mtu(vif);
	read_script(vif);
	return 0;

destroy_vif:
	xb->priv = NULL;
	xsplit_nb_vif_destroy(vif);
	return err;
}

static void nb_free(struct xsplit_xb_dev *xb)
{
	struct xsplit_nb_vif *vif = xb->priv;

	if (!vif)
		return;
	/* A later probe must wait for a fresh hotplug run, as in Linux. */
	xsplit_xb_remove(xb, XBT_NIL, XSPLIT_KEY_HOTPLUG_STATUS, 1, 0);
	kfree(vif->script);
	xsplit_nb_xstat_del(vif);
	xsplit_nb_vif_destroy(vif);
	xb->priv = NULL;
}

static const struct xsplit_xb_ops xsplit_nb_ops = {
	.probe = nb_probe,
	.advertise = nb_advertise,
	.connect = nb_connect,
	.disconnect = nb_disconnect,
	.free = nb_free,
	.reconfigure = nb_reconfigure,
	.uevent = nb_uevent,
};

static struct xsplit_xb_driver xsplit_nb_driver = {
	.type = "vif",
	.role = XSPLIT_ROLE_BACKEND,
	.ops = &xsplit_nb_ops,
	.wait_hotplug = true,
	.hotplug_uevents = true,
};

int xsplit_nb_xenbus_init(void)
{
	return xsplit_xb_register(&xsplit_nb_driver);
}

void xsplit_nb_xenbus_exit(void)
{
	xsplit_xb_unregister(&xsplit_nb_driver);
}

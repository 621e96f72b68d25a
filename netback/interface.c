// SPDX-License-Identifier: GPL-2.0
/*
 * The vif net_device: created at probe, before the backend reaches
 * InitWait, so the toolstack's hotplug script (vif-bridge,
 * vif-openvswitch) finds "vif<domid>.<handle>" when it runs; removed when
 * the XenStore device goes.  Offloads follow what the frontend negotiated.
 */
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>

#include "netback/common.h"

/* Like Linux's netback: the frontend owns the real MAC, we use a dummy. */
static const u8 xsplit_nb_dummy_mac[ETH_ALEN] = {
	0xfe, 0xff, 0xff, 0xff, 0xff, 0xff,
};

#define XSPLIT_NB_TX_QUEUE_LEN	32

void xsplit_nb_stats_add(struct xsplit_nb_stats *sum,
			 const struct xsplit_nb_stats *s)
{
	const unsigned long *src = (const unsigned long *)s;
	unsigned long *dst = (unsigned long *)sum;
	size_t i;

	/* The struct is nothing but unsigned long counters. */
	for (i = 0; i < sizeof(*s) / sizeof(*src); i++)
		dst[i] += READ_ONCE(src[i]);
}

/* Totals of live queues and of those already torn down. */
void xsplit_nb_stats_sum(struct xsplit_nb_vif *vif,
			 struct xsplit_nb_stats *sum)
{
	struct xsplit_nb_queue *queues;
	unsigned int i, n;

	*sum = vif->old_stats;
	rcu_read_lock();
	n = READ_ONCE(vif->nr_queues);
	smp_rmb(); /* pairs with the publication in xenbus.c */
	queues = READ_ONCE(vif->queues);
	for (i = 0; queues && i < n; i++)
		xsplit_nb_stats_add(sum, &queues[i].stats);
	rcu_read_unlock();
}

static void xsplit_nb_get_stats64(struct net_device *dev,
				  struct rtnl_link_stats64 *st)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);
	struct xsplit_nb_stats s;

	xsplit_nb_stats_sum(vif, &s);
	st->rx_packets = s.rx_packets;
	st->rx_bytes = s.rx_bytes;
	st->rx_errors = s.rx_errors;
	st->rx_dropped = s.rx_errors;
	st->tx_packets = s.tx_packets;
	st->tx_bytes = s.tx_bytes;
	st->tx_dropped = s.tx_dropped;
}

static int xsplit_nb_change_mtu(struct net_device *dev, int mtu)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);
	int max = xsplit_nb_max_mtu(vif);

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

/* What the stack may hand us is what the frontend can receive. */
static netdev_features_t xsplit_nb_fix_features(struct net_device *dev,
						netdev_features_t features)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);

	return xsplit_netif_fix_features(&vif->feat, features);
}

static int xsplit_nb_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int xsplit_nb_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static const struct net_device_ops xsplit_nb_netdev_ops = {
	.ndo_open = xsplit_nb_open,
	.ndo_stop = xsplit_nb_stop,
	.ndo_start_xmit = xsplit_nb_start_xmit,
	.ndo_select_queue = xsplit_nb_select_queue,
	.ndo_get_stats64 = xsplit_nb_get_stats64,
	.ndo_change_mtu = xsplit_nb_change_mtu,
	.ndo_fix_features = xsplit_nb_fix_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void xsplit_nb_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &xsplit_nb_netdev_ops;
	dev->ethtool_ops = &xsplit_nb_ethtool_ops;
	dev->hw_features = XSPLIT_NETIF_OFFLOADS;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->tx_queue_len = XSPLIT_NB_TX_QUEUE_LEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XSPLIT_NETIF_SG_MAX_MTU(XSPLIT_NB_L2_HLEN);
	dev->needs_free_netdev = false;
}

/**
 * xsplit_nb_vif_create - allocate and register the vif net_device
 * @xb: the XenBus device
 * @handle: the vif's handle (the XenStore device id)
 *
 * Return: the vif (netdev_priv of its device) or an ERR_PTR.
 */
struct xsplit_nb_vif *xsplit_nb_vif_create(struct xsplit_xb_dev *xb,
					   unsigned int handle)
{
	domid_t domid = xb->xdev->otherend_id;
	char name[IFNAMSIZ];
	struct xsplit_nb_vif *vif;
	struct net_device *dev;
	int err;

	snprintf(name, sizeof(name), "vif%u.%u", domid, handle);
	dev = alloc_netdev_mq(sizeof(*vif), name, NET_NAME_UNKNOWN,
			      xsplit_nb_setup, xsplit_nb_max_queues);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(dev, &xb->xdev->dev);
	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->xb = xb;
	vif->domid = domid;
	vif->handle = handle;
	/* Until the frontend says otherwise, offer everything (MTU setup). */
	vif->feat.sg = true;
	spin_lock_init(&vif->mcast_lock);
	atomic_set(&vif->stalled_queues, 0);
	eth_hw_addr_set(dev, xsplit_nb_dummy_mac);
	netif_set_tso_max_size(dev, XSPLIT_NETIF_MAX_TX_SIZE - VLAN_ETH_HLEN);
	netif_carrier_off(dev);
	err = register_netdev(dev);
	if (err)
		goto free_dev;
	atomic_inc(&xsplit_nb_live.vifs);
	return vif;

free_dev:
	free_netdev(dev);
	return ERR_PTR(err);
}

void xsplit_nb_vif_destroy(struct xsplit_nb_vif *vif)
{
	struct net_device *dev = vif->dev;

	unregister_netdev(dev);
	free_netdev(dev);
	atomic_dec(&xsplit_nb_live.vifs);
}

/* Carrier on while connected, healthy and no queue is stalled. */
void xsplit_nb_vif_carrier(struct xsplit_nb_vif *vif)
{
	if (READ_ONCE(vif->connected) && !READ_ONCE(vif->disabled) &&
	    !atomic_read(&vif->stalled_queues))
		netif_carrier_on(vif->dev);
	else
		netif_carrier_off(vif->dev);
}

/*
 * The frontend broke the protocol: stop serving it.  Every queue checks
 * vif->disabled before touching its rings again, at once; the core then
 * disconnects the whole device and takes it to Closing, as for any close
 * (Linux's netback only disables the vif and stays Connected, keeping the
 * broken rings mapped until the guest goes).  From any context (NAPI, the
 * rx threads, the control ring's work item); @why must be a string that
 * lives as long as the module.
 */
void xsplit_nb_vif_fatal(struct xsplit_nb_vif *vif, const char *why)
{
	if (!xchg(&vif->disabled, true)) {
		/* once a connection; a guest reconnecting in a loop: bounded */
		if (net_ratelimit())
			netdev_err(vif->dev, "frontend error: %s; vif disabled\n",
				   why);
		xsplit_xb_fatal(vif->xb, -EPROTO, why);
	}
	xsplit_nb_vif_carrier(vif);
}

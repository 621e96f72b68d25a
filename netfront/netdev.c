// SPDX-License-Identifier: GPL-2.0
/*
 * netfront's net_device: open/stop, features, MTU, statistics.  Whether
 * the rings exist (nf->connected) and whether the device is up both change
 * only under rtnl, so NAPI is enabled exactly when both hold.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/tcp.h>

#include "netfront/netfront.h"

#define XSPLIT_NF_FEATURES (XSPLIT_NETIF_OFFLOADS | NETIF_F_RXCSUM)
/* Our frames carry no more than the Ethernet header beyond the MTU. */
#define XSPLIT_NF_L2_HLEN ETH_HLEN
#define XSPLIT_NF_MAX_MTU XSPLIT_NETIF_SG_MAX_MTU(XSPLIT_NF_L2_HLEN)

static int nf_open(struct net_device *dev)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	if (nf->connected) {
		xsplit_nf_queues_napi(nf, true);
		netif_tx_start_all_queues(dev);
	}
	return 0;
}

static int nf_stop(struct net_device *dev)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	netif_tx_disable(dev);
	if (nf->connected)
		xsplit_nf_queues_napi(nf, false);
	return 0;
}

/* What the connected backend takes: jumbo frames need its SG. */
static unsigned int nf_max_mtu(const struct xsplit_nf *nf)
{
	return xsplit_netif_max_mtu(&nf->feat, XSPLIT_NF_L2_HLEN);
}

/*
 * Before the backend connects its features are unknown: any MTU up to
 * ours is taken (a guest's network setup may run first), and connect
 * lowers it if the backend has no SG.  rtnl held, as for connect.
 */
static int nf_change_mtu(struct net_device *dev, int mtu)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	unsigned int max = nf->connected ? nf_max_mtu(nf) : XSPLIT_NF_MAX_MTU;

	if (mtu > (int)max)
		return -EINVAL;
	/* an XDP program sees every frame in one page (xdp.c) */
	if (rcu_access_pointer(nf->xdp_prog) &&
	    mtu > (int)xsplit_nf_xdp_mtu_limit()) {
		netdev_warn(dev, "MTU %d too large while XDP is attached (at most %u)\n",
			    mtu, xsplit_nf_xdp_mtu_limit());
		return -EINVAL;
	}
	dev->mtu = mtu;
	return 0;
}

/* Offer only what the backend said it handles. */
static netdev_features_t nf_fix_features(struct net_device *dev,
					 netdev_features_t features)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	return xsplit_netif_fix_features(&nf->feat, features);
}

static void nf_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *tot)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	struct xsplit_nf_queue *queues;
	unsigned int i, nr, start;

	/* Not under rtnl: the queues may be going away (see queues.c). */
	rcu_read_lock();
	nr = READ_ONCE(nf->nr_queues);
	queues = READ_ONCE(nf->queues);
	for (i = 0; queues && i < nr; i++) {
		struct xsplit_nf_queue *q = &queues[i];
		struct xsplit_nf_stats s;

		do {
			start = u64_stats_fetch_begin(&q->syncp);
			s = q->stats;
		} while (u64_stats_fetch_retry(&q->syncp, start));
		tot->rx_packets += s.rx_packets;
		tot->rx_bytes += s.rx_bytes;
		tot->rx_dropped += s.rx_dropped + s.rx_nomem +
				   s.xdp_verdict[XSPLIT_NF_XDP_CTR_DROP] +
				   s.xdp_verdict[XSPLIT_NF_XDP_CTR_ABORTED] +
				   s.xdp_oversize + s.xdp_tx_errors +
				   s.xdp_redirect_errors;
		tot->tx_packets += s.tx_packets;
		tot->tx_bytes += s.tx_bytes;
		tot->tx_dropped += s.tx_dropped + s.xdp_xmit_errors;
		tot->tx_errors += s.tx_errors;
	}
	rcu_read_unlock();
}

static const struct net_device_ops xsplit_nf_netdev_ops = {
	.ndo_open = nf_open,
	.ndo_stop = nf_stop,
	.ndo_start_xmit = xsplit_nf_start_xmit,
	.ndo_change_mtu = nf_change_mtu,
	.ndo_fix_features = nf_fix_features,
	.ndo_get_stats64 = nf_get_stats64,
	/*
	 * As Linux's netfront: a valid unicast address, taken while the
	 * device is down (no IFF_LIVE_ADDR_CHANGE).  Nothing is told to the
	 * backend: the XenStore "mac" keys keep the toolstack's address (see
	 * README.md).
	 */
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_bpf = xsplit_nf_bpf,
	.ndo_xdp_xmit = xsplit_nf_xdp_xmit,
};

/*
 * rxbuf_min, rxbuf_max and rxbuf_cur, as Linux's netfront has them: the
 * rx ring's size, which is fixed; a write of a number is accepted and
 * changes nothing (Linux's does the same), so scripts that tune them
 * keep working.
 */
static ssize_t rxbuf_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", XSPLIT_NF_RX_RING_SIZE);
}

static ssize_t rxbuf_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	unsigned int v;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (kstrtouint(buf, 0, &v))
		return -EBADMSG;
	return len;
}

/* One pair of functions for the three: they answer alike. */
static struct device_attribute dev_attr_rxbuf_min =
	__ATTR(rxbuf_min, 0644, rxbuf_show, rxbuf_store);
static struct device_attribute dev_attr_rxbuf_max =
	__ATTR(rxbuf_max, 0644, rxbuf_show, rxbuf_store);
static struct device_attribute dev_attr_rxbuf_cur =
	__ATTR(rxbuf_cur, 0444, rxbuf_show, NULL);

static struct attribute *xsplit_nf_rxbuf_attrs[] = {
	&dev_attr_rxbuf_min.attr,
	&dev_attr_rxbuf_max.attr,
	&dev_attr_rxbuf_cur.attr,
	NULL,
};

static const struct attribute_group xsplit_nf_rxbuf_group = {
	.attrs = xsplit_nf_rxbuf_attrs,
};

struct net_device *xsplit_nf_netdev_alloc(struct xsplit_xb_dev *xb)
{
	struct net_device *dev;
	struct xsplit_nf *nf;

	dev = alloc_etherdev_mq(sizeof(*nf), XSPLIT_NF_MAX_QUEUES);
	if (!dev)
		return NULL;
	nf = netdev_priv(dev);
	nf->xb = xb;
	nf->netdev = dev;
	nf->feat = XSPLIT_NF_FEAT_NONE;
	dev->netdev_ops = &xsplit_nf_netdev_ops;
	dev->ethtool_ops = &xsplit_nf_ethtool_ops;
	dev->hw_features = XSPLIT_NF_FEATURES;
	dev->features = XSPLIT_NF_FEATURES | NETIF_F_HIGHDMA;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XSPLIT_NF_MAX_MTU;
	/* A GSO packet plus its headers must fit the 16-bit size field. */
	netif_set_tso_max_size(dev, XSPLIT_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
	SET_NETDEV_DEV(dev, &xb->xdev->dev);
	xsplit_xdp_set_features(dev);
	dev->sysfs_groups[0] = &xsplit_nf_rxbuf_group;
	netif_carrier_off(dev);
	/* No xmit until connected: only connect wakes the queues. */
	netif_tx_stop_all_queues(dev);
	return dev;
}

/* Rings are up: start I/O.  rtnl held. */
void xsplit_nf_netdev_connect(struct xsplit_nf *nf)
{
	struct net_device *dev = nf->netdev;

	netdev_update_features(dev);
	if (dev->mtu > nf_max_mtu(nf))
		dev_set_mtu(dev, nf_max_mtu(nf));
	xsplit_nf_queues_start(nf);
	nf->connected = true;
	if (netif_running(dev)) {
		xsplit_nf_queues_napi(nf, true);
		netif_tx_wake_all_queues(dev);
	}
	netif_carrier_on(dev);
	/* a gratuitous ARP: after a restore or migration our port is new */
	__netdev_notify_peers(dev);
}

/* Stop all I/O before the rings go away.  rtnl held. */
void xsplit_nf_netdev_disconnect(struct xsplit_nf *nf)
{
	struct net_device *dev = nf->netdev;

	netif_carrier_off(dev);
	netif_tx_disable(dev);
	if (nf->connected && netif_running(dev))
		xsplit_nf_queues_napi(nf, false);
	nf->connected = false;
}

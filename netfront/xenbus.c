// SPDX-License-Identifier: GPL-2.0
/*
 * netfront's XenBus side: the callbacks the core's state machine calls.
 *
 *   probe      net_device with the MAC from XenStore, registered, no carrier
 *   advertise  (backend in InitWait) queues, rings and event channels
 *              (split tx/rx when the backend offers them); our keys
 *              written in one transaction, xdp-headroom as the XDP
 *              program (if any) wants it when the backend offers it
 *   connect    (right after; netif skips Initialised) backend features,
 *              rx buffers posted, carrier on
 *   disconnect carrier off, I/O stopped, everything taken back
 *   free       net_device unregistered
 *
 * After a disconnect the net_device stays registered, so a backend that
 * comes back in InitWait (reconnect) is served by advertise + connect again.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/cpumask.h>

#include "netfront/netfront.h"

/* The netif features we offer, written at every advertise. */
struct xsplit_nf_offer {
	bool rx_copy;		/* the backend copies into our pages */
	bool rx_notify;		/* we notify after posting rx buffers */
	bool sg;		/* we take multi-slot rx packets */
	bool gso_tcpv4;		/* ... and GSO rx packets */
	bool gso_tcpv6;
	bool ipv6_csum;
};

static const struct xsplit_nf_offer xsplit_nf_offer = {
	.rx_copy = true,
	.rx_notify = true,
	.sg = true,
	.gso_tcpv4 = true,
	.gso_tcpv6 = true,
	.ipv6_csum = true,
};

#define OFFER(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_nf_offer, field)

static const struct xsplit_key_field xsplit_nf_offer_keys[] = {
	OFFER(XSPLIT_KEY_REQ_RX_COPY, rx_copy),
	OFFER(XSPLIT_KEY_FEAT_RX_NOTIFY, rx_notify),
	OFFER(XSPLIT_KEY_FEAT_SG, sg),
	OFFER(XSPLIT_KEY_FEAT_GSO_TCPV4, gso_tcpv4),
	OFFER(XSPLIT_KEY_FEAT_GSO_TCPV6, gso_tcpv6),
	OFFER(XSPLIT_KEY_FEAT_IPV6_CSUM, ipv6_csum),
};

/* The backend's offloads, read at connect. */
#define BACK(id, field) XSPLIT_KEY_FIELD(id, struct xsplit_nf, feat.field)

static const struct xsplit_key_field xsplit_nf_back_keys[] = {
	BACK(XSPLIT_KEY_FEAT_SG, sg),
	BACK(XSPLIT_KEY_FEAT_GSO_TCPV4, gso_tcpv4),
	BACK(XSPLIT_KEY_FEAT_GSO_TCPV6, gso_tcpv6),
	BACK(XSPLIT_KEY_FEAT_IPV6_CSUM, ipv6_csum),
};

/* The toolstack's "mac" in our directory, a unicast address. */
static int read_mac(struct xsplit_xb_dev *xb, u8 *mac)
{
	int err = xsplit_xb_read_mac(xb, XSPLIT_KEY_MAC, mac);

	if (!err && !is_valid_ether_addr(mac))
		err = -EINVAL;
	return err;
}

static int nf_probe(struct xsplit_xb_dev *xb)
{
	struct net_device *dev;
	struct xsplit_nf *nf;
	u8 mac[ETH_ALEN];
	int err;

	err = read_mac(xb, mac);
	if (err) {
		dev_err(&xb->xdev->dev, "no valid mac in XenStore: %d\n", err);
		return err;
	}
	dev = xsplit_nf_netdev_alloc(xb);
	if (!dev)
		return -ENOMEM;
	nf = netdev_priv(dev);
	eth_hw_addr_set(dev, mac);
	err = register_netdev(dev);
	if (err)
		goto free;
	xb->priv = nf;
	return 0;

free:
	free_netdev(dev);
	return err;
}

static void nf_free(struct xsplit_xb_dev *xb)
{
	struct xsplit_nf *nf = xb->priv;

	if (!nf)
		return;
	unregister_netdev(nf->netdev);
	free_netdev(nf->netdev);
	xb->priv = NULL;
}

static int write_keys(struct xsplit_xb_dev *xb, struct xenbus_transaction xbt,
		      void *arg)
{
	struct xsplit_nf *nf = arg;
	int err;

	err = xsplit_nf_queues_publish(nf, xbt);
	if (!err)
		err = xsplit_xb_mq_publish(xb, xbt, nf->nr_queues);
	if (!err)
		err = xsplit_nf_xdp_publish(nf, xbt);
	if (!err)
		err = xsplit_xb_publish(xb, xbt, xsplit_nf_offer_keys,
					ARRAY_SIZE(xsplit_nf_offer_keys),
					&xsplit_nf_offer);
	return err;
}

static unsigned int wanted_queues(void)
{
	return min(xsplit_nf_max_queues, num_online_cpus());
}

/*
 * Split tx/rx event channels when the backend offers them and the
 * parameter allows; asked anew at every advertise, since a restarted or
 * restored-to backend may differ.  A malformed offer counts as none.
 */
static bool wanted_split(struct xsplit_nf *nf)
{
	u32 offered;

	if (!READ_ONCE(xsplit_nf_separate_tx_rx_irq))
		return false;
	if (xsplit_xb_read_top(nf->xb, XSPLIT_KEY_SPLIT_EVTCHN, &offered))
		return false;
	return offered;
}

static int nf_advertise(struct xsplit_xb_dev *xb)
{
	struct xsplit_nf *nf = xb->priv;
	bool split;
	u32 nr;
	int err;

	if (!xsplit_xb_read_flag(xb, XSPLIT_KEY_FEAT_RX_COPY)) {
		dev_err(&xb->xdev->dev, "backend cannot copy rx packets\n");
		return -EOPNOTSUPP;
	}
	err = xsplit_xb_mq_choose(xb, wanted_queues(), &nr);
	if (err && err != -ENOENT)
		return err;
	split = wanted_split(nf);
	rtnl_lock();
	err = netif_set_real_num_tx_queues(nf->netdev, nr);
	if (!err)
		err = netif_set_real_num_rx_queues(nf->netdev, nr);
	if (!err)
		err = xsplit_nf_queues_create(nf, nr, split);
	rtnl_unlock();
	if (err)
		return err;
	return xsplit_xb_transact(xb, write_keys, nf);
}

/*
 * Whether to bounce: as Linux's netfront, unless both the parameter and
 * the toolstack's key (absent: trusted) trust the backend.
 */
static bool wanted_bounce(struct xsplit_xb_dev *xb)
{
	return !READ_ONCE(xsplit_nf_trusted) ||
	       !xsplit_xb_read_flag(xb, XSPLIT_KEY_TRUSTED);
}

static int nf_connect(struct xsplit_xb_dev *xb)
{
	struct xsplit_nf *nf = xb->priv;

	/* no I/O yet: the queues start in xsplit_nf_netdev_connect() */
	WRITE_ONCE(nf->bounce, wanted_bounce(xb));
	nf->feat = XSPLIT_NF_FEAT_NONE;
	/* optional keys only: cannot fail */
	xsplit_xb_gather(xb, XBT_NIL, xsplit_nf_back_keys,
			 ARRAY_SIZE(xsplit_nf_back_keys), nf);
	rtnl_lock();
	xsplit_nf_netdev_connect(nf);
	rtnl_unlock();
	/* A queue that fell back to one channel has said so already. */
	netdev_info(nf->netdev, "connected to domain %u: %u queue(s)%s%s%s%s%s\n",
		    xsplit_nf_domid(nf), nf->nr_queues,
		    xsplit_nf_queues_split(nf) == nf->nr_queues ?
		    ", split event channels" : "",
		    nf->feat.sg ? ", sg" : "",
		    nf->feat.gso_tcpv4 ? ", tso" : "",
		    nf->queues[0].pool ? ", rx page pool" : "",
		    nf->bounce ? ", untrusted: bouncing" : "");
	return 0;
}

/* Copes with a partial advertise: queues may not exist. */
static void nf_disconnect(struct xsplit_xb_dev *xb)
{
	struct xsplit_nf *nf = xb->priv;

	if (!nf)
		return;
	rtnl_lock();
	xsplit_nf_netdev_disconnect(nf);
	if (nf->queues)
		xsplit_nf_queues_destroy(nf);
	nf->feat = XSPLIT_NF_FEAT_NONE;
	rtnl_unlock();
}

static const struct xsplit_xb_ops xsplit_nf_xb_ops = {
	.probe = nf_probe,
	.advertise = nf_advertise,
	.connect = nf_connect,
	.disconnect = nf_disconnect,
	.free = nf_free,
	/*
	 * No suspend or resume hook: the link stays up over a suspend that
	 * may be cancelled; after a restore the core's disconnect takes the
	 * old rings back and connect reads every negotiated value again.
	 */
};

static struct xsplit_xb_driver xsplit_nf_driver = {
	.type = "vif",
	.role = XSPLIT_ROLE_FRONTEND,
	.ops = &xsplit_nf_xb_ops,
	.skip_initialised = true,
	/* a restarted backend (driver domain) gets the same netdev back */
	.reconnect = true,
};

int xsplit_nf_xenbus_register(void)
{
	return xsplit_xb_register(&xsplit_nf_driver);
}

void xsplit_nf_xenbus_unregister(void)
{
	xsplit_xb_unregister(&xsplit_nf_driver);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * netfront's ethtool: driver info, link, channels, the statistics: first
 * "bounce" (1 while the backend is not trusted, see tx.c), then
 * device-wide totals (Linux's netfront's one statistic,
 * rx_gso_checksum_fixup, the XDP counters, what trust saves) and the
 * per-queue counters (named "q<N>_<counter>", in struct xsplit_nf_stats
 * order).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "netfront/netfront.h"

static const char xsplit_nf_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets", "rx_bytes", "rx_dropped", "rx_gso", "rx_csum_partial",
	"rx_nomem", "tx_packets", "tx_bytes", "tx_dropped", "tx_errors",
	"tx_gso", "tx_csum_partial", "bad_responses", "lost_events",
	"rx_gso_checksum_fixup",
	/* xdp_verdict[], in enum xsplit_nf_xdp_ctr order */
	"xdp_pass", "xdp_drop", "xdp_tx", "xdp_redirect", "xdp_aborted",
	"xdp_oversize", "xdp_tx_errors", "xdp_redirect_errors", "xdp_xmit",
	"xdp_xmit_errors", "tx_bytes_copied", "tx_bytes_granted",
	"rx_pages_zeroed", "rx_pool_pages", "rx_pool_fresh",
};

static_assert(ARRAY_SIZE(xsplit_nf_stat_names) == XSPLIT_NF_NR_STATS);

/*
 * The counters also given as the device's totals, first in the list:
 * from rx_gso_checksum_fixup (Linux's netfront's name) to the last one.
 */
#define NF_TOTALS_FIRST \
	(offsetof(struct xsplit_nf_stats, rx_gso_checksum_fixup) / sizeof(u64))
#define NF_TOTALS (XSPLIT_NF_NR_STATS - NF_TOTALS_FIRST)
/* Values of the device before the totals: "bounce" */
#define NF_DEV_VALUES 1

static void nf_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, XSPLIT_VERSION, sizeof(info->version));
	strscpy(info->bus_info, dev_name(&nf->xb->xdev->dev),
		sizeof(info->bus_info));
}

static int nf_get_sset_count(struct net_device *dev, int sset)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return NF_DEV_VALUES + NF_TOTALS + nf->nr_queues * XSPLIT_NF_NR_STATS;
}

static void nf_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	ethtool_sprintf(&data, "bounce");
	for (i = NF_TOTALS_FIRST; i < XSPLIT_NF_NR_STATS; i++)
		ethtool_sprintf(&data, "%s", xsplit_nf_stat_names[i]);
	for (q = 0; q < nf->nr_queues; q++)
		for (i = 0; i < XSPLIT_NF_NR_STATS; i++)
			ethtool_sprintf(&data, "q%u_%s", q,
					xsplit_nf_stat_names[i]);
}

static void nf_get_stats(struct net_device *dev, struct ethtool_stats *st,
			 u64 *data)
{
	struct xsplit_nf *nf = netdev_priv(dev);
	unsigned int i, j, start;
	u64 *totals;

	*data++ = READ_ONCE(nf->bounce);
	totals = data;
	memset(totals, 0, NF_TOTALS * sizeof(u64));
	data += NF_TOTALS;
	for (i = 0; i < nf->nr_queues; i++) {
		struct xsplit_nf_queue *q = &nf->queues[i];
		struct xsplit_nf_stats s;
		const u64 *v = (const u64 *)&s;

		do {
			start = u64_stats_fetch_begin(&q->syncp);
			s = q->stats;
		} while (u64_stats_fetch_retry(&q->syncp, start));
		memcpy(data, &s, sizeof(s));
		data += XSPLIT_NF_NR_STATS;
		for (j = 0; j < NF_TOTALS; j++)
			totals[j] += v[NF_TOTALS_FIRST + j];
	}
}

/* A virtual link: no speed to report, always full duplex. */
static int nf_get_link_ksettings(struct net_device *dev,
				 struct ethtool_link_ksettings *cmd)
{
	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	cmd->base.speed = SPEED_UNKNOWN;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static void nf_get_channels(struct net_device *dev,
			    struct ethtool_channels *ch)
{
	struct xsplit_nf *nf = netdev_priv(dev);

	ch->max_combined = XSPLIT_NF_MAX_QUEUES;
	ch->combined_count = nf->nr_queues;
}

const struct ethtool_ops xsplit_nf_ethtool_ops = {
	.get_drvinfo = nf_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = nf_get_sset_count,
	.get_strings = nf_get_strings,
	.get_ethtool_stats = nf_get_stats,
	.get_link_ksettings = nf_get_link_ksettings,
	.get_channels = nf_get_channels,
};

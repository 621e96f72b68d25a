// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool: Linux netback's statistic names (vif totals) followed by
 * per-queue counters.  ethtool calls run under RTNL, which is also what
 * real_num_tx_queues changes under, so the count and the values agree.
 */
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "netback/common.h"

struct xsplit_nb_stat_desc {
	const char *name;
	size_t offset;
};

#define STAT(name) { #name, offsetof(struct xsplit_nb_stats, name) }

static const struct xsplit_nb_stat_desc vif_stats[] = {
	STAT(rx_gso_checksum_fixup),
	STAT(tx_zerocopy_sent),
	STAT(tx_zerocopy_success),
	STAT(tx_zerocopy_fail),
	STAT(tx_frag_overflow),
	STAT(tx_credit_waits),
	STAT(rx_stalls),
};

static const struct xsplit_nb_stat_desc queue_stats[] = {
	STAT(rx_packets),
	STAT(rx_bytes),
	STAT(rx_errors),
	STAT(tx_packets),
	STAT(tx_bytes),
	STAT(tx_dropped),
};

static unsigned long stat_at(const struct xsplit_nb_stats *s, size_t off)
{
	return READ_ONCE(*(const unsigned long *)((const u8 *)s + off));
}

static int xsplit_nb_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(vif_stats) +
	       dev->real_num_tx_queues * ARRAY_SIZE(queue_stats);
}

static void xsplit_nb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int q;
	size_t i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(vif_stats); i++)
		ethtool_sprintf(&data, "%s", vif_stats[i].name);
	for (q = 0; q < dev->real_num_tx_queues; q++)
		for (i = 0; i < ARRAY_SIZE(queue_stats); i++)
			ethtool_sprintf(&data, "q%u_%s", q,
					queue_stats[i].name);
}

static void xsplit_nb_get_stats(struct net_device *dev,
				struct ethtool_stats *es, u64 *data)
{
	struct xsplit_nb_vif *vif = netdev_priv(dev);
	struct xsplit_nb_queue *queues;
	struct xsplit_nb_stats sum;
	unsigned int q, n;
	size_t i;

	xsplit_nb_stats_sum(vif, &sum);
	for (i = 0; i < ARRAY_SIZE(vif_stats); i++)
		*data++ = stat_at(&sum, vif_stats[i].offset);
	rcu_read_lock();
	n = READ_ONCE(vif->nr_queues);
	smp_rmb(); /* pairs with the publication in xenbus.c */
	queues = READ_ONCE(vif->queues);
	for (q = 0; q < dev->real_num_tx_queues; q++)
		for (i = 0; i < ARRAY_SIZE(queue_stats); i++)
			*data++ = q < n && queues ?
				  stat_at(&queues[q].stats,
					  queue_stats[i].offset) : 0;
	rcu_read_unlock();
}

const struct ethtool_ops xsplit_nb_ethtool_ops = {
	.get_link = ethtool_op_get_link,
	.get_sset_count = xsplit_nb_sset_count,
	.get_strings = xsplit_nb_get_strings,
	.get_ethtool_stats = xsplit_nb_get_stats,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit/stats of a vif backend device (format in xenbus/xsplit_stat.h,
 * keys in netback/README.md): the vif's totals (those of queues already
 * torn down included), then one line per queue with its counters, the
 * occupancy of its two rings from the shared indices, its event channels'
 * kicks and events and whether guest receive is stalled; the guest
 * packets the validator refused, by reason, are on the vif's line.
 *
 * Counter names are those of ethtool -S (the vif's view: rx is what the
 * guest sends); ring and channel names are the guest's (tx_ring is the
 * guest's transmit ring), as in XenStore.  Queues are read under RCU, as
 * ethtool reads them: a disconnect waits for us before unmapping.
 */
#include <linux/device.h>
#include <linux/rcupdate.h>
#include <linux/sysfs.h>

#include "netback/common.h"
#include "xenbus/xsplit_stat.h"

/* NONE is no refusal: counted there only if a reason was out of range. */
static const char *const rej_keys[XSPLIT_NB_TXR_NR] = {
	[XSPLIT_NB_TXR_BAD_FLAGS] = "rej_bad_flags",
	[XSPLIT_NB_TXR_SHORT] = "rej_short",
	[XSPLIT_NB_TXR_ZERO_SLOT] = "rej_zero_slot",
	[XSPLIT_NB_TXR_OVERSIZE_SLOT] = "rej_oversize_slot",
	[XSPLIT_NB_TXR_TOO_MANY_SLOTS] = "rej_too_many_slots",
	[XSPLIT_NB_TXR_DUP_EXTRA] = "rej_dup_extra",
	[XSPLIT_NB_TXR_BAD_MCAST] = "rej_bad_mcast",
	[XSPLIT_NB_TXR_FATAL_SLOTS] = "rej_fatal_slots",
	[XSPLIT_NB_TXR_CROSS_PAGE] = "rej_cross_page",
	[XSPLIT_NB_TXR_BAD_EXTRA] = "rej_bad_extra",
	[XSPLIT_NB_TXR_BAD_GSO] = "rej_bad_gso",
};

/* A guest packet the validator refused (NAPI context: one writer). */
void xsplit_nb_xstat_reject(struct xsplit_nb_queue *q)
{
	unsigned int r = q->txv.reason;

	if (r >= XSPLIT_NB_TXR_NR)
		r = XSPLIT_NB_TXR_NONE;
	WRITE_ONCE(q->stats.tx_rejects[r], q->stats.tx_rejects[r] + 1);
}

/* Counters common to the vif's line and its queues'. */
static void counters(struct xsplit_statbuf *sb, const struct xsplit_nb_stats *s)
{
	xsplit_stat_kv(sb, "rx_packets", READ_ONCE(s->rx_packets));
	xsplit_stat_kv(sb, "rx_bytes", READ_ONCE(s->rx_bytes));
	xsplit_stat_kv(sb, "rx_errors", READ_ONCE(s->rx_errors));
	xsplit_stat_kv(sb, "tx_packets", READ_ONCE(s->tx_packets));
	xsplit_stat_kv(sb, "tx_bytes", READ_ONCE(s->tx_bytes));
	xsplit_stat_kv(sb, "tx_dropped", READ_ONCE(s->tx_dropped));
	xsplit_stat_kv(sb, "rx_stalls", READ_ONCE(s->rx_stalls));
}

/* By reason, on the vif's line only: queue lines must stay short. */
static void rejects(struct xsplit_statbuf *sb, const struct xsplit_nb_stats *s)
{
	unsigned int i;

	for (i = XSPLIT_NB_TXR_NONE + 1; i < XSPLIT_NB_TXR_NR; i++)
		xsplit_stat_kv(sb, rej_keys[i], READ_ONCE(s->tx_rejects[i]));
}

static void ring_kv(struct xsplit_statbuf *sb, const char *used,
		    const char *size, const struct xsplit_back_ring *r)
{
	xsplit_stat_kv(sb, used, xsplit_back_occupancy(r));
	xsplit_stat_kv(sb, size, r->nr_ents);
}

static void channel_kv(struct xsplit_statbuf *sb, const char *notifies,
		       const char *events, const struct xsplit_evtchn *ch)
{
	struct xsplit_evtchn_stats ev;

	xsplit_evtchn_get_stats(ch, &ev);
	xsplit_stat_kv(sb, notifies, xsplit_evtchn_notifies(ch));
	xsplit_stat_kv(sb, events, ev.events);
}

static void queue_line(struct xsplit_statbuf *sb, struct xsplit_nb_queue *q)
{
	xsplit_stat_line(sb, false, q->id);
	counters(sb, &q->stats);
	xsplit_stat_kv(sb, "rx_stalled", READ_ONCE(q->rx_stalled));
	xsplit_stat_kv(sb, "to_guest_queued", skb_queue_len_lockless(&q->rx_queue));
	ring_kv(sb, "tx_ring_used", "tx_ring_size", &q->tx.r);
	ring_kv(sb, "rx_ring_used", "rx_ring_size", &q->rx.r);
	/* one channel for both rings unless the frontend split them */
	channel_kv(sb, "tx_notifies", "tx_events", &q->tx_ch);
	channel_kv(sb, "rx_notifies", "rx_events", &q->rx_ch);
	xsplit_stat_end(sb);
}

static ssize_t nb_stats_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct xsplit_xb_dev *xb = dev_get_drvdata(dev);
	struct xsplit_nb_vif *vif = xb ? xb->priv : NULL;
	struct xsplit_nb_queue *queues;
	struct xsplit_nb_stats sum;
	struct xsplit_statbuf sb;
	unsigned int i, n;

	xsplit_stat_begin(&sb, buf);
	if (!vif)
		return xsplit_stat_finish(&sb);
	xsplit_nb_stats_sum(vif, &sum);
	xsplit_stat_line(&sb, true, 0);
	counters(&sb, &sum);
	rejects(&sb, &sum);
	xsplit_stat_kv(&sb, "queues", READ_ONCE(vif->nr_queues));
	xsplit_stat_end(&sb);
	rcu_read_lock();
	n = READ_ONCE(vif->nr_queues);
	smp_rmb(); /* pairs with the publication in xenbus.c */
	queues = READ_ONCE(vif->queues);
	for (i = 0; queues && i < n; i++)
		queue_line(&sb, &queues[i]);
	rcu_read_unlock();
	return xsplit_stat_finish(&sb);
}

DEFINE_XSPLIT_STAT_GROUP(xsplit_nb_xstat_group, nb_stats_show);

int xsplit_nb_xstat_add(struct xsplit_nb_vif *vif)
{
	return sysfs_create_group(&vif->xb->xdev->dev.kobj,
				  &xsplit_nb_xstat_group);
}

void xsplit_nb_xstat_del(struct xsplit_nb_vif *vif)
{
	sysfs_remove_group(&vif->xb->xdev->dev.kobj, &xsplit_nb_xstat_group);
}

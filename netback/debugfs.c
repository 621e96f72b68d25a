// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vif views in debugfs, as Linux's netback has them under
 * xen-netback/: /sys/kernel/debug/xsplit_netback/<vif>/io_ring_q<N> shows
 * a queue's two rings (the indices both ends publish and ours) and its
 * receive backlog, and ctrl the hash the frontend configured over the
 * control ring.  For an administrator looking at a stuck queue; read-only.
 * The directory exists while the vif is connected, named as the netdev
 * was then.  Reads are unlocked snapshots: every field is a word the
 * data path writes whole.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "netback/common.h"
#include "core/xsplit_counters.h"

/* "io_ring_q" and a queue number */
#define XSPLIT_NB_DEBUGFS_NAME	24
#define XSPLIT_NB_DEBUGFS_MODE	0400

static int io_ring_show(struct seq_file *m, void *unused)
{
	struct xsplit_nb_queue *q = m->private;

	seq_printf(m, "queue %u: %s event channel%s\n", q->id,
		   q->split ? "tx and rx" : "one", q->split ? "s" : "");
	xsplit_back_ring_show(m, "tx", &q->tx.r);
	xsplit_back_ring_show(m, "rx", &q->rx.r);
	seq_printf(m, "rx backlog: %u packets, %u bytes, head needs %u slots, %s\n",
		   skb_queue_len(&q->rx_queue), READ_ONCE(q->rx_queue_bytes),
		   READ_ONCE(q->rx_need),
		   READ_ONCE(q->rx_stalled) ? "stalled" : "not stalled");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(io_ring);

static int ctrl_show(struct seq_file *m, void *unused)
{
	struct xsplit_nb_vif *vif = m->private;
	const struct xsplit_nb_hash *h = &vif->ctrl->hash;
	u32 i, size = min_t(u32, READ_ONCE(h->size),
			    XSPLIT_NETIF_HASH_MAPPING_MAX);

	seq_printf(m, "hash algorithm %u, types 0x%x\nkey %*phN\nmapping (%u):",
		   READ_ONCE(h->alg), READ_ONCE(h->flags),
		   (int)sizeof(h->key), h->key, size);
	for (i = 0; i < size; i++)
		seq_printf(m, " %u", READ_ONCE(h->mapping[i]));
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ctrl);

/**
 * xsplit_nb_debugfs_add - the connected vif's directory and files
 * @vif: its queues and control state just set up
 *
 * Nothing to check: without debugfs the calls do nothing.
 */
void xsplit_nb_debugfs_add(struct xsplit_nb_vif *vif)
{
	char name[XSPLIT_NB_DEBUGFS_NAME];
	unsigned int i;

	vif->debugfs = debugfs_create_dir(netdev_name(vif->dev),
					  xsplit_nb_debugfs);
	for (i = 0; i < vif->nr_queues; i++) {
		snprintf(name, sizeof(name), "io_ring_q%u", i);
		debugfs_create_file(name, XSPLIT_NB_DEBUGFS_MODE, vif->debugfs,
				    &vif->queues[i], &io_ring_fops);
	}
	if (vif->ctrl)
		debugfs_create_file("ctrl", XSPLIT_NB_DEBUGFS_MODE,
				    vif->debugfs, vif, &ctrl_fops);
}

/* Before the queues go: removal waits for readers inside a file. */
void xsplit_nb_debugfs_remove(struct xsplit_nb_vif *vif)
{
	debugfs_remove(vif->debugfs);
	vif->debugfs = NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit_netback: the vif backend.  One struct xsplit_nb_vif per XenStore
 * vif device, embedded in its net_device "vif<domid>.<handle>"; one
 * struct xsplit_nb_queue per negotiated queue, each with a tx ring (guest
 * transmit, served by NAPI) and an rx ring (guest receive, served by a
 * kthread), both by grant copy (guest transmit optionally by grant map
 * as well: tx_zc.c).
 *
 * Naming follows the guest's view, as in Linux's netback: "tx" is what
 * the guest sends (our net_device receives it), "rx" what the guest
 * receives (our net_device transmits it).
 */
#ifndef XSPLIT_NB_COMMON_H
#define XSPLIT_NB_COMMON_H

#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "compat/xsplit_compat_net.h"
#include "xenbus/xsplit_xenbus.h"
#include "grant/xsplit_grant.h"
#include "evtchn/xsplit_evtchn.h"
#include "ring/netif.h"
#include "netif/offload.h"
#include "netback/txval.h"
#include "netback/ctrl.h"
#include "netback/tx_zc.h"
#include "netback/eoi.h"

/* Packets per NAPI poll and guest-receive packets per grant-copy flush. */
#define XSPLIT_NB_NAPI_WEIGHT	64
#define XSPLIT_NB_RX_BATCH	32
/* Grant-copy ops per hypercall; the batch flushes itself when full. */
#define XSPLIT_NB_COPY_OPS	512
/* Bytes of a guest packet copied into the linear area of its skb. */
#define XSPLIT_NB_TX_LINEAR	128
/* Data slots of one guest-bound packet: 64 KiB plus headroom, rounded. */
#define XSPLIT_NB_RX_MAX_SLOTS	(MAX_SKB_FRAGS + 2)
/* Guest-bound bytes queued per queue before the netdev queue stops. */
#define XSPLIT_NB_RX_QUEUE_BYTES (128 * XSPLIT_RING_PAGE_SIZE)
/* Largest XDP headroom we honour: the first slot must still hold data. */
#define XSPLIT_NB_MAX_HEADROOM	(XSPLIT_RING_PAGE_SIZE / 2)
/* Most multicast addresses a frontend may subscribe to. */
#define XSPLIT_NB_MCAST_MAX	64
/* Linux's credit burst floor: lets a 64 KiB GSO packet through slow rates. */
#define XSPLIT_NB_CREDIT_BURST	131072UL
/* The frontend without feature-rx-notify must be polled this often. */
#define XSPLIT_NB_POLL_DRAIN_MS	30

/* Counters; each is written by one context (NAPI, rx thread, xmit). */
struct xsplit_nb_stats {
	unsigned long rx_packets;	/* from the guest */
	unsigned long rx_bytes;
	unsigned long rx_errors;	/* guest packets dropped */
	unsigned long tx_packets;	/* to the guest */
	unsigned long tx_bytes;
	unsigned long tx_dropped;	/* guest-bound packets dropped */
	unsigned long rx_gso_checksum_fixup;
	unsigned long tx_frag_overflow;
	/* tx_zerocopy on (tx_zc.c); sent by NAPI, the others by its worker */
	unsigned long tx_zerocopy_sent;	/* packets handed over with maps */
	unsigned long tx_zerocopy_success; /* ... whose frags the stack freed */
	unsigned long tx_zerocopy_fail;	/* ... it copied, or maps failed */
	unsigned long tx_credit_waits;	/* rate limit stopped the tx ring */
	unsigned long rx_stalls;	/* guest stopped posting buffers */
	/* guest packets the validator refused, by reason (xstat.c) */
	unsigned long tx_rejects[XSPLIT_NB_TXR_NR];
};

/* One guest packet between its grant copies and its responses. */
struct xsplit_nb_tx_pkt {
	struct sk_buff *skb;
	bool failed;			/* a copy op failed */
	bool has_gso;
	u8 nr_extras;
	u16 flags;			/* first slot's XSPLIT_NETTXF_* */
	u32 len;
	struct xsplit_netif_extra_gso gso;
	u32 hash;			/* the frontend's, if hash_level */
	u8 hash_level;			/* enum xsplit_netif_hash_level */
	u16 first_id;
	u16 nr_frags;
	u16 frag_ids[XSPLIT_NB_FATAL_SLOTS_MAX];
	u16 zc_head;			/* data slots mapped, or ZC_NONE */
	u16 nr_copied_frags;		/* ... after this many copied whole */
};

/* Extra-info slots towards the guest: GSO, the hash, XDP. */
#define XSPLIT_NB_RX_MAX_EXTRAS	3

/* One guest-bound packet between its grant copies and its responses. */
struct xsplit_nb_rx_pkt {
	struct sk_buff *skb;
	bool failed;
	u8 nr_extras;
	u16 flags;			/* first slot's XSPLIT_NETRXF_* */
	u16 headroom;			/* data offset in the first slot */
	u16 nr_slots;			/* data slots */
	u16 ids[XSPLIT_NB_RX_MAX_SLOTS];
	u16 lens[XSPLIT_NB_RX_MAX_SLOTS];
	struct xsplit_netif_extra_info extras[XSPLIT_NB_RX_MAX_EXTRAS];
};

struct xsplit_nb_vif;

struct xsplit_nb_queue {
	struct xsplit_nb_vif *vif;
	unsigned int id;
	char name[IFNAMSIZ + 8];
	bool split;			/* separate tx and rx channels */
	atomic_t eoi_pending;		/* XSPLIT_NB_EOI_* (eoi.h) */
	struct xsplit_evtchn tx_ch;	/* also rx's when not split */
	struct xsplit_evtchn rx_ch;

	/* guest transmit: NAPI context */
	struct xsplit_xb_ring tx_map;
	struct xsplit_netif_tx_back tx;
	spinlock_t tx_rsp_lock;		/* tx responses: NAPI, zero-copy worker */
	struct xsplit_nb_zc *zc;	/* NULL: copy only (tx_zerocopy off) */
	struct napi_struct napi;
	bool napi_added;
	struct xsplit_nb_txv txv;
	struct xsplit_netif_tx_request stash;	/* first slot, over credit */
	bool stashed;
	struct xsplit_gnt_copy_batch tx_copy;
	struct xsplit_nb_tx_pkt *tx_pkts;
	unsigned int nr_tx_pkts;
	unsigned long credit_bytes;	/* per window; 0 usec: unlimited */
	unsigned long credit_usec;
	unsigned long remaining_credit;
	unsigned long credit_window;	/* jiffies the window started */
	struct timer_list credit_timer;

	/* guest receive: kthread context, fed by ndo_start_xmit */
	struct xsplit_xb_ring rx_map;
	struct xsplit_netif_rx_back rx;
	u32 rx_end;			/* requests below it validated (rxreq.h) */
	struct sk_buff_head rx_queue;
	unsigned int rx_queue_bytes;	/* under rx_queue.lock */
	unsigned long rx_stopped_at;	/* jiffies the netdev queue stopped */
	unsigned long rx_last_ok;	/* jiffies the guest last had room */
	bool rx_stalled;
	struct task_struct *task;
	wait_queue_head_t wq;
	struct xsplit_gnt_copy_batch rx_copy;
	struct xsplit_nb_rx_pkt *rx_pkts;
	unsigned int nr_rx_pkts;
	/* slots the head packet waits for; the event handler reads it */
	unsigned int rx_need;

	struct xsplit_nb_stats stats;
};

struct xsplit_nb_vif {
	struct net_device *dev;
	struct xsplit_xb_dev *xb;
	domid_t domid;
	unsigned int handle;
	u8 fe_mac[ETH_ALEN];
	char *script;			/* toolstack's hotplug script, or NULL */

	/* negotiated at connect */
	struct xsplit_netif_offload feat;	/* what the frontend takes */
	bool rx_notify;
	u16 xdp_headroom;		/* also changed at Reconfiguring */
	struct xenbus_watch headroom_watch;	/* bounded, while connected */
	unsigned long drain_timeout;	/* jiffies */
	unsigned long stall_timeout;	/* jiffies; 0: no stall detection */

	/* queues: readers under RCU (xmit, stats) see nr_queues first */
	struct xsplit_nb_queue *queues;
	unsigned int nr_queues;
	atomic_t stalled_queues;
	bool disabled;			/* frontend broke the protocol */
	bool connected;

	/* toolstack "rate" key, watched while connected (node set) */
	struct xenbus_watch rate_watch;

	/* multicast filter (feature-multicast-control) */
	struct xenbus_watch mcast_watch;	/* bounded: the guest writes it */
	bool mcast_ctrl;
	spinlock_t mcast_lock;		/* protects the list below */
	unsigned int nr_mcast;
	u8 mcast[XSPLIT_NB_MCAST_MAX][ETH_ALEN];

	/* control ring (feature-ctrl-ring) */
	struct xsplit_xb_ring ctrl_map;
	struct xsplit_netif_ctrl_back ctrl_ring;
	struct xsplit_evtchn ctrl_ch;
	struct work_struct ctrl_work;
	bool ctrl_stopping;		/* the handler queues no more work */
	bool ctrl_found;		/* work item: last run used its budget */
	struct xsplit_nb_ctrl *ctrl;	/* NULL without a control ring */
	struct xsplit_gnt_copy_batch ctrl_copy;

	struct xsplit_nb_stats old_stats; /* of queues already torn down */
	struct dentry *debugfs;		/* this vif's views, while connected */
};

/*
 * Frames we hand the frontend may carry a VLAN tag beyond the MTU (as in
 * Linux's netback), so that much is kept off the largest MTU.
 */
#define XSPLIT_NB_L2_HLEN	VLAN_ETH_HLEN

/* The largest MTU that the frontend's offloads allow. */
static inline unsigned int xsplit_nb_max_mtu(const struct xsplit_nb_vif *vif)
{
	return xsplit_netif_max_mtu(&vif->feat, XSPLIT_NB_L2_HLEN);
}

/*
 * What the module holds right now, over all vifs (main.c); read-only in
 * debugfs (/sys/kernel/debug/xsplit_netback/), all back to 0 once every
 * guest is gone.
 */
struct xsplit_nb_live {
	atomic_t vifs;		/* registered vif net_devices */
	atomic_t queues;	/* queues connected: rings mapped, events bound */
	atomic_t skbs;		/* guest-bound skbs queued, not yet copied */
};

extern struct xsplit_nb_live xsplit_nb_live;

/* params.c */
extern unsigned int xsplit_nb_max_queues;
extern bool xsplit_nb_separate_tx_rx_irq;
extern unsigned int xsplit_nb_rx_drain_timeout_msecs;
extern unsigned int xsplit_nb_rx_stall_timeout_msecs;
extern unsigned int xsplit_nb_fatal_skb_slots;
/* /sys/kernel/debug/xsplit_netback/: the counters, then a folder per vif */
extern struct dentry *xsplit_nb_debugfs;
void xsplit_nb_debugfs_add(struct xsplit_nb_vif *vif);
void xsplit_nb_debugfs_remove(struct xsplit_nb_vif *vif);
extern unsigned int xsplit_nb_hash_cache_size;
extern bool xsplit_nb_provides_xdp_headroom;
extern bool xsplit_nb_tx_zerocopy;
extern unsigned int xsplit_nb_tx_pacing_shift;
void xsplit_nb_params_init(void);

/* interface.c */
struct xsplit_nb_vif *xsplit_nb_vif_create(struct xsplit_xb_dev *xb,
					   unsigned int handle);
void xsplit_nb_vif_destroy(struct xsplit_nb_vif *vif);
void xsplit_nb_vif_carrier(struct xsplit_nb_vif *vif);
void xsplit_nb_vif_fatal(struct xsplit_nb_vif *vif, const char *why);
void xsplit_nb_stats_sum(struct xsplit_nb_vif *vif,
			 struct xsplit_nb_stats *sum);
void xsplit_nb_stats_add(struct xsplit_nb_stats *sum,
			 const struct xsplit_nb_stats *s);
extern const struct ethtool_ops xsplit_nb_ethtool_ops;

/* queue.c */
void xsplit_nb_copy_failed(void *ctx, void *cookie,
			   const struct gnttab_copy *op);
int xsplit_nb_queue_connect(struct xsplit_nb_queue *q, unsigned int nr);
void xsplit_nb_queue_disconnect(struct xsplit_nb_queue *q);
void xsplit_nb_eoi(struct xsplit_nb_queue *q, unsigned int bit, bool found);

/* tx.c */
int xsplit_nb_tx_poll(struct napi_struct *napi, int budget);
bool xsplit_nb_tx_has_work(struct xsplit_nb_queue *q);
void xsplit_nb_credit_timer(struct timer_list *t);
void xsplit_nb_rate_set(struct xsplit_nb_queue *q, unsigned long bytes,
			unsigned long usec);

/* rx.c */
netdev_tx_t xsplit_nb_start_xmit(struct sk_buff *skb, struct net_device *dev);
int xsplit_nb_rx_thread(void *data);
bool xsplit_nb_rx_has_work(struct xsplit_nb_queue *q);

/* mcast.c */
bool xsplit_nb_mcast_allowed(struct xsplit_nb_vif *vif, const u8 *addr);
int xsplit_nb_mcast_add(struct xsplit_nb_vif *vif, const u8 *addr);
void xsplit_nb_mcast_del(struct xsplit_nb_vif *vif, const u8 *addr);
void xsplit_nb_mcast_flush(struct xsplit_nb_vif *vif);

/* ctrl_ring.c */
int xsplit_nb_ctrl_connect(struct xsplit_nb_vif *vif, unsigned int nr_queues);
void xsplit_nb_ctrl_disconnect(struct xsplit_nb_vif *vif);
bool xsplit_nb_rx_hash(struct xsplit_nb_vif *vif, const struct sk_buff *skb,
		       struct xsplit_netif_extra_info *extra);
u16 xsplit_nb_select_queue(struct net_device *dev, struct sk_buff *skb,
			   struct net_device *sb_dev);

/* xstat.c */
int xsplit_nb_xstat_add(struct xsplit_nb_vif *vif);
void xsplit_nb_xstat_del(struct xsplit_nb_vif *vif);
void xsplit_nb_xstat_reject(struct xsplit_nb_queue *q);

/* xenbus.c */
int xsplit_nb_xenbus_init(void);
void xsplit_nb_xenbus_exit(void);

#endif /* XSPLIT_NB_COMMON_H */

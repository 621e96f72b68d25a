/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit netfront: private structures shared by the files of the driver.
 *
 *   main.c    module parameters, init/exit
 *   xenbus.c  the xsplit_xb_driver callbacks: probe, advertise, connect ...
 *   queue.c   one queue: its two rings, event channel(s) and NAPI
 *   rx.c      rx buffers: posting, and turning responses into skbs
 *   tx.c      ndo_start_xmit and tx completion
 *   netdev.c  net_device_ops, features, MTU
 *   ethtool.c ethtool_ops and the per-queue counters
 *   xdp.c     XDP: ndo_bpf, the headroom negotiation, the verdicts on
 *             rx, ndo_xdp_xmit
 *   validate.c  pure checks of the backend's responses
 */
#ifndef XSPLIT_NETFRONT_H
#define XSPLIT_NETFRONT_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/xdp.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "compat/xsplit_compat_net.h"
#include "xenbus/xsplit_xenbus.h"
#include "evtchn/xsplit_evtchn.h"
#include "netif/offload.h"
#include "netfront/validate.h"

/* Most queues we ask for, whatever the backend offers. */
#define XSPLIT_NF_MAX_QUEUES 8U
/* Slots of a packet on the tx ring that every backend accepts. */
#define XSPLIT_NF_TX_MAX_SLOTS XSPLIT_NETIF_NR_SLOTS_MIN
/* Room kept on the tx ring for one more packet: data slots plus one GSO. */
#define XSPLIT_NF_TX_STOP_THRESH (XSPLIT_NF_TX_MAX_SLOTS + 1)
/* Most tx answers one event may wait for (tx_rsp_batch): a quarter ring. */
#define XSPLIT_NF_MAX_TX_RSP_BATCH 64U
/* Data slots of one rx packet: each becomes one skb fragment. */
#define XSPLIT_NF_RX_MAX_DATA MAX_SKB_FRAGS
/* What an skb built around an rx page keeps after the data (XDP). */
#define XSPLIT_NF_XDP_TAILROOM SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
/* Bytes pulled into the skb's linear area: enough for the headers. */
#define XSPLIT_NF_RX_PULL 256U
/*
 * How often a queue looks for responses that came without an event (a
 * lost notification would otherwise stall a ring for good), in jiffies.
 */
#define XSPLIT_NF_WATCHDOG_DELAY HZ
/* Retry posting rx buffers after an allocation failure, in jiffies. */
#define XSPLIT_NF_REFILL_DELAY (HZ / 10)
/*
 * A queue's name, "<netdev>-q<id>", sized so that its channels' names,
 * that and "-tx" or "-rx", provably fit an event channel's name.
 */
#define XSPLIT_NF_QUEUE_NAME_LEN (IFNAMSIZ + sizeof("-q4294967295") - 1)
static_assert(XSPLIT_NF_QUEUE_NAME_LEN - 1 + sizeof("-tx") <=
	      XSPLIT_EVTCHN_NAME_LEN);

/* Counters, per queue; names in ethtool.c follow this order. */
struct xsplit_nf_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;		/* a packet the backend got wrong */
	u64 rx_gso;
	u64 rx_csum_partial;
	u64 rx_nomem;		/* buffer or skb allocation failed */
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_dropped;		/* could not be put on the ring */
	u64 tx_errors;		/* the backend reported an error */
	u64 tx_gso;
	u64 tx_csum_partial;
	u64 bad_responses;	/* responses no backend may send */
	u64 lost_events;	/* a ring the watchdog found stalled */
	/* GSO packets without a blank checksum: made partial here */
	u64 rx_gso_checksum_fixup;
	/*
	 * XDP: per verdict (enum xsplit_nf_xdp_ctr: pass, drop, tx,
	 * redirect, aborted, which also takes any value that is no verdict)
	 */
	u64 xdp_verdict[XSPLIT_NF_XDP_NR_CTRS];
	u64 xdp_oversize;	/* not for the program: several slots */
	u64 xdp_tx_errors;	/* XDP_TX that could not be queued */
	u64 xdp_redirect_errors; /* xdp_do_redirect() refused it */
	u64 xdp_xmit;		/* frames redirected to us, queued */
	u64 xdp_xmit_errors;	/* ... refused (no room, no memory) */
	/* What the trust in the backend saves (tx.c, rx.c) */
	u64 tx_bytes_copied;	/* packet bytes copied into fresh pages */
	u64 tx_bytes_granted;	/* ... granted in the skb's own pages */
	u64 rx_pages_zeroed;	/* rx buffers zeroed before being granted */
	/* rx_page_pool (rx.c): pages taken from the queue's pool ... */
	u64 rx_pool_pages;
	u64 rx_pool_fresh;	/* ... that it took from the page allocator */
};

#define XSPLIT_NF_NR_STATS (sizeof(struct xsplit_nf_stats) / sizeof(u64))

/*
 * One tx request: the page it granted.  A fresh page holding copied bytes
 * is ours (@skb NULL); a page of the skb's own fragments (trusted backend,
 * see tx.c) is the skb's, and @skb holds a reference to it until the
 * backend answers.
 */
struct xsplit_nf_tx_buf {
	struct page *page;
	grant_ref_t ref;
	struct sk_buff *skb;
};

/* One rx request: the page the backend may copy a packet into. */
struct xsplit_nf_rx_buf {
	struct page *page;
	grant_ref_t ref;
};

struct xsplit_nf;

struct xsplit_nf_queue {
	struct xsplit_nf *nf;
	unsigned int id;
	struct napi_struct napi;
	struct xsplit_evtchn tx_ch;	/* also rx's when not split */
	struct xsplit_evtchn rx_ch;	/* bound only when split */
	bool split;		/* feature-split-event-channels in use */
	bool eoi_pending;	/* an event for NAPI awaits its late EOI */
	bool broken;		/* the backend misbehaved: stop using it */
	char name[XSPLIT_NF_QUEUE_NAME_LEN];

	/*
	 * tx: the lock orders xmit against completion, which runs in NAPI or,
	 * with split channels, in the tx channel's hard-IRQ handler: take it
	 * with interrupts off.
	 */
	spinlock_t tx_lock;
	struct xsplit_xb_ring tx_mem;
	struct xsplit_netif_tx_front tx;
	struct xsplit_nf_txids txids;
	struct xsplit_nf_tx_buf tx_bufs[XSPLIT_NF_TX_RING_SIZE];

	/* rx: touched by NAPI only, or before it is enabled */
	struct xsplit_xb_ring rx_mem;
	struct xsplit_netif_rx_front rx;
	struct xsplit_nf_rx_buf rx_bufs[XSPLIT_NF_RX_RING_SIZE];
	struct page_pool *pool;	/* rx_page_pool: where rx pages come from */
	struct timer_list refill;
	struct timer_list watchdog;	/* runs while NAPI is enabled */
	u32 wd_tx_cons, wd_rx_cons;	/* what it saw consumed last time */

	struct xdp_rxq_info xdp_rxq;	/* registered with the queue */
	bool xdp_tx_pending;	/* XDP_TX queued, not yet pushed: NAPI */

	struct u64_stats_sync syncp;
	struct xsplit_nf_stats stats;
};

/*
 * The backend's offloads before it says anything, and after it is gone:
 * IPv4 checksum offload, which every backend takes.
 */
#define XSPLIT_NF_FEAT_NONE ((struct xsplit_netif_offload){ .ip_csum = true })

struct xsplit_nf {
	struct xsplit_xb_dev *xb;
	struct net_device *netdev;
	struct xsplit_nf_queue *queues;
	unsigned int nr_queues;
	bool connected;		/* rings live; changes under rtnl */
	/*
	 * The backend is not trusted (trusted = 0, parameter or XenStore
	 * key): copy every tx packet, zero every rx buffer.  Set at connect,
	 * before any I/O.
	 */
	bool bounce;
	struct xsplit_netif_offload feat;	/* read at connect */
	bool back_xdp_headroom;	/* feature-xdp-headroom, read at advertise */
	/*
	 * The headroom we ask for (XDP_PACKET_HEADROOM or 0), published at
	 * advertise and by each attach and detach; changes under rtnl.
	 */
	bool xdp_headroom;
	struct bpf_prog __rcu *xdp_prog;	/* under rtnl; NAPI reads */
};

static inline domid_t xsplit_nf_domid(const struct xsplit_nf *nf)
{
	return nf->xb->xdev->otherend_id;
}

/* The channel rx events come on, and rx buffer postings are kicked on. */
static inline struct xsplit_evtchn *xsplit_nf_rx_ch(struct xsplit_nf_queue *q)
{
	return q->split ? &q->rx_ch : &q->tx_ch;
}

/*
 * Counters are also bumped from the tx channel's hard-IRQ handler, so every
 * writer keeps interrupts off (on 32-bit; a no-op on 64-bit).
 */
static inline void xsplit_nf_count(struct xsplit_nf_queue *q, u64 *ctr,
				   u64 n)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&q->syncp);

	*ctr += n;
	u64_stats_update_end_irqrestore(&q->syncp, flags);
}

/* main.c */
extern unsigned int xsplit_nf_max_queues;
extern bool xsplit_nf_separate_tx_rx_irq;
extern bool xsplit_nf_trusted;
extern unsigned int xsplit_nf_tx_rsp_batch;
extern bool xsplit_nf_rx_page_pool;
extern unsigned int xsplit_nf_tx_pacing_shift;

/* xenbus.c */
int xsplit_nf_xenbus_register(void);
void xsplit_nf_xenbus_unregister(void);

/* queue.c */
int xsplit_nf_queues_create(struct xsplit_nf *nf, unsigned int nr,
			    bool split);
unsigned int xsplit_nf_queues_split(const struct xsplit_nf *nf);
void xsplit_nf_queues_destroy(struct xsplit_nf *nf);
int xsplit_nf_queues_publish(struct xsplit_nf *nf,
			     struct xenbus_transaction xbt);
void xsplit_nf_queues_start(struct xsplit_nf *nf);
void xsplit_nf_queues_napi(struct xsplit_nf *nf, bool on);
void xsplit_nf_queue_broken(struct xsplit_nf_queue *q, const char *why);

/* rx.c */
void xsplit_nf_rx_refill(struct xsplit_nf_queue *q);
void xsplit_nf_rx_refill_timer(struct timer_list *t);
int xsplit_nf_rx_poll(struct xsplit_nf_queue *q, int budget);
void xsplit_nf_rx_release(struct xsplit_nf_queue *q);
void xsplit_nf_rx_page_free(struct xsplit_nf_queue *q, struct page *page,
			    bool in_napi);

/* tx.c */
netdev_tx_t xsplit_nf_start_xmit(struct sk_buff *skb, struct net_device *dev);
bool xsplit_nf_tx_complete(struct xsplit_nf_queue *q);
void xsplit_nf_tx_release(struct xsplit_nf_queue *q);

/* netdev.c */
struct net_device *xsplit_nf_netdev_alloc(struct xsplit_xb_dev *xb);
void xsplit_nf_netdev_connect(struct xsplit_nf *nf);
void xsplit_nf_netdev_disconnect(struct xsplit_nf *nf);

/* tx.c, for XDP: one frame copied to the ring, the ring pushed */
int xsplit_nf_tx_frame(struct xsplit_nf_queue *q, const void *data,
		       unsigned int len);
void xsplit_nf_tx_push(struct xsplit_nf_queue *q);

/* xdp.c */
int xsplit_nf_xdp_rx(struct xsplit_nf_queue *q, struct bpf_prog *prog,
		     struct page *page, u16 *off, u16 *len, bool *flush);
int xsplit_nf_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int xsplit_nf_xdp_xmit(struct net_device *dev, int n,
		       struct xdp_frame **frames, u32 flags);
int xsplit_nf_xdp_publish(struct xsplit_nf *nf,
			  struct xenbus_transaction xbt);
unsigned int xsplit_nf_xdp_mtu_limit(void);

/* ethtool.c */
extern const struct ethtool_ops xsplit_nf_ethtool_ops;

#endif /* XSPLIT_NETFRONT_H */

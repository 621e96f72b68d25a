/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network stack as xsplit's network drivers use it, on every kernel
 * xsplit supports (see compat/xsplit_compat.h and compat/Kbuild.inc).
 */
#ifndef XSPLIT_COMPAT_NET_H
#define XSPLIT_COMPAT_NET_H

#include <linux/ethtool.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/timer.h>

/* 6.12 moved the unaligned accessors from asm/ to linux/ */
#ifdef XSPLIT_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* mac_pton() left linux/kernel.h for linux/hex.h */
#ifdef XSPLIT_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#endif

/*
 * The n-th page of an skb fragment's compound page.  Kernels after 6.12
 * dropped nth_page() (7.2 has none): the struct pages of one compound
 * page are contiguous there whatever the memory model, so plain
 * arithmetic is right.
 */
#ifdef nth_page
#define xsplit_nth_page(page, n) nth_page(page, n)
#else
#define xsplit_nth_page(page, n) ((page) + (n))
#endif

/* 6.16 renamed from_timer(); the drivers use the new name */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

/* NAPI's weight is the default one everywhere (no argument since 6.1) */
static inline void xsplit_netif_napi_add(struct net_device *dev,
					 struct napi_struct *napi,
					 int (*poll)(struct napi_struct *, int))
{
#ifdef XSPLIT_HAVE_NETIF_NAPI_ADD_WEIGHT
	netif_napi_add(dev, napi, poll);
#else
	netif_napi_add(dev, napi, poll, NAPI_POLL_WEIGHT);
#endif
}

/* Older kernels' forms of helpers the drivers call by today's name. */
#ifndef XSPLIT_HAVE_NETIF_SET_TSO_MAX_SIZE
static inline void netif_set_tso_max_size(struct net_device *dev,
					  unsigned int size)
{
	netif_set_gso_max_size(dev, size);	/* one limit before 6.0 */
}
#endif

#ifndef XSPLIT_HAVE_ETHTOOL_SPRINTF
/* one ETH_GSTRING_LEN string, then move on (5.13 added the helper) */
static inline __printf(2, 3) void ethtool_sprintf(u8 **data,
						  const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(*data, ETH_GSTRING_LEN, fmt, args);
	va_end(args);
	*data += ETH_GSTRING_LEN;
}
#endif

#ifndef XSPLIT_HAVE___NETDEV_NOTIFY_PEERS
/* netdev_notify_peers() without taking rtnl, which the caller holds */
static inline void __netdev_notify_peers(struct net_device *dev)
{
	ASSERT_RTNL();
	call_netdevice_notifiers(NETDEV_NOTIFY_PEERS, dev);
	call_netdevice_notifiers(NETDEV_RESEND_IGMP, dev);
}
#endif

/* ---- zero-copy transmit: the ubuf_info the stack calls back ---- */

/* Mark @skb's frags as the driver's, to be released through its ubuf_info. */
static inline void xsplit_skb_zcopy_enable(struct sk_buff *skb)
{
#ifdef XSPLIT_HAVE_SKBFL_ZEROCOPY
	skb_shinfo(skb)->flags |= SKBFL_ZEROCOPY_ENABLE;
#else
	skb_shinfo(skb)->tx_flags |= SKBTX_DEV_ZEROCOPY;
#endif
}

/* One reference, the skb's; zero-copy on. */
static inline void xsplit_ubuf_start(struct ubuf_info *ubuf)
{
	refcount_set(&ubuf->refcnt, 1);
#ifdef XSPLIT_HAVE_SKBFL_ZEROCOPY
	ubuf->flags = SKBFL_ZEROCOPY_ENABLE;
#endif
}

/*
 * XSPLIT_UBUF_INIT(name, fn) defines "static void name(struct ubuf_info
 * *)", which readies a ubuf_info whose completion calls fn(skb, ubuf,
 * success).  The stack finds that callback in ubuf_info_ops since 6.10,
 * in the ubuf_info itself before, and called it without the skb before
 * 5.13 (fn then gets NULL).
 */
#if defined(XSPLIT_HAVE_UBUF_INFO_OPS)
#define XSPLIT_UBUF_INIT(name, fn)					\
static const struct ubuf_info_ops name##_ops = {			\
	.complete = fn,							\
};									\
static void name(struct ubuf_info *ubuf)				\
{									\
	ubuf->ops = &name##_ops;					\
	xsplit_ubuf_start(ubuf);					\
}
#elif defined(XSPLIT_HAVE_UBUF_CALLBACK_SKB)
#define XSPLIT_UBUF_INIT(name, fn)					\
static void name(struct ubuf_info *ubuf)				\
{									\
	ubuf->callback = fn;						\
	xsplit_ubuf_start(ubuf);					\
}
#else
#define XSPLIT_UBUF_INIT(name, fn)					\
static void name##_cb(struct ubuf_info *ubuf, bool success)		\
{									\
	fn(NULL, ubuf, success);					\
}									\
static void name(struct ubuf_info *ubuf)				\
{									\
	ubuf->callback = name##_cb;					\
	xsplit_ubuf_start(ubuf);					\
}
#endif

/* XDP, for netfront */
#include <linux/filter.h>
#include <net/xdp.h>

static inline int xsplit_xdp_rxq_info_reg(struct xdp_rxq_info *rxq,
					  struct net_device *dev, u32 queue,
					  unsigned int napi_id)
{
#ifdef XSPLIT_HAVE_XDP_RXQ_NAPI_ID
	return xdp_rxq_info_reg(rxq, dev, queue, napi_id);
#else
	return xdp_rxq_info_reg(rxq, dev, queue);
#endif
}

/* @len bytes at @hard_start + @headroom, in a buffer of @frame_sz */
static inline void xsplit_xdp_buff_init(struct xdp_buff *xdp, void *hard_start,
					unsigned int headroom, unsigned int len,
					u32 frame_sz, struct xdp_rxq_info *rxq)
{
#ifdef XSPLIT_HAVE_XDP_INIT_BUFF
	xdp_init_buff(xdp, frame_sz, rxq);
	xdp_prepare_buff(xdp, hard_start, headroom, len, false);
#else
	memset(xdp, 0, sizeof(*xdp));	/* the fields that came later too */
	xdp->frame_sz = frame_sz;
	xdp->rxq = rxq;
	xdp->data_hard_start = hard_start;
	xdp->data = hard_start + headroom;
	xdp->data_end = xdp->data + len;
	xdp_set_data_meta_invalid(xdp);
#endif
}

static inline void xsplit_bpf_warn_invalid_xdp_action(struct net_device *dev,
						      struct bpf_prog *prog,
						      u32 act)
{
#ifdef XSPLIT_HAVE_BPF_WARN_XDP_DEV
	bpf_warn_invalid_xdp_action(dev, prog, act);
#else
	bpf_warn_invalid_xdp_action(act);
#endif
}

/* A frame whose data goes on beyond xdpf->data and ->len (5.18) */
static inline bool xsplit_xdp_frame_has_frags(struct xdp_frame *xdpf)
{
#ifdef XSPLIT_HAVE_XDP_FRAGS
	return xdp_frame_has_frags(xdpf);
#else
	return false;
#endif
}

/* Native XDP with redirects out and in (declared since 6.3) */
static inline void xsplit_xdp_set_features(struct net_device *dev)
{
#ifdef XSPLIT_HAVE_XDP_FEATURES
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC |
			      NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT);
#endif
}

/* ---- netfront's receive page pool (rx_page_pool) ---- */
#ifdef XSPLIT_HAVE_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/*
 * Whether pages of an skb the stack frees go back to their page pool
 * (5.14).  Without that only the pages XDP drops would come back: a
 * pool would then cost more than the page allocator it stands in for.
 */
#if IS_ENABLED(CONFIG_PAGE_POOL) &&			\
	(defined(XSPLIT_HAVE_SKB_MARK_FOR_RECYCLE) ||	\
	 defined(XSPLIT_HAVE_SKB_MARK_FOR_RECYCLE_PAGE))
#define XSPLIT_SKB_RECYCLE 1
#else
#define XSPLIT_SKB_RECYCLE 0
#endif

/*
 * An order-0 pool of up to @size recycled pages, from node @nid, for the
 * rx buffers of @napi, without DMA mapping (the backend copies into them
 * through grants).  Told the NAPI (6.8), the pool takes the stack's frees
 * within that NAPI without a lock, and forgets it at page_pool_destroy().
 * ERR_PTR(-EOPNOTSUPP) where skbs cannot recycle (XSPLIT_SKB_RECYCLE).
 */
static inline struct page_pool *
xsplit_page_pool_create(unsigned int size, int nid, struct napi_struct *napi)
{
#if XSPLIT_SKB_RECYCLE
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = size,
		.nid = nid,
#ifdef XSPLIT_HAVE_PAGE_POOL_NAPI
		.napi = napi,
#endif
	};

	return page_pool_create(&pp);
#else
	return ERR_PTR(-EOPNOTSUPP);
#endif
}

/* Mark @skb so that its fragment @page, from @pool, goes back to it. */
static inline void xsplit_skb_mark_for_recycle(struct sk_buff *skb,
					       struct page *page,
					       struct page_pool *pool)
{
#if XSPLIT_SKB_RECYCLE && defined(XSPLIT_HAVE_SKB_MARK_FOR_RECYCLE_PAGE)
	skb_mark_for_recycle(skb, page, pool);
#elif XSPLIT_SKB_RECYCLE
	skb_mark_for_recycle(skb);
#endif
}

/*
 * Pages @pool has taken from the page allocator so far (wrapping u32),
 * recycled ones not counted; 0 where the field is not found.
 */
static inline u32 xsplit_page_pool_pages_made(const struct page_pool *pool)
{
#ifdef XSPLIT_HAVE_PAGE_POOL_HOLD_CNT
	return READ_ONCE(pool->pages_state_hold_cnt);
#else
	return 0;
#endif
}

#endif /* XSPLIT_COMPAT_NET_H */

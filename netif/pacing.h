/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How much a local TCP socket may keep queued in a vif (issue #15).
 *
 * Both net drivers hold a transmitted skb until the other domain is done
 * with it: netfront until the backend's response ends the grants of its
 * pages, netback until its thread has copied it into the guest's receive
 * buffers.  TCP's small queues (TSQ) count those bytes as still below the
 * socket, and by default allow about 1 ms of the socket's pacing rate
 * there (sk_pacing_shift 10), the same 1 ms that sizes its TSO packets
 * (tcp_tso_autosize()).  At the rates one stream reaches when the CPUs are
 * slow or shared, that is one or two TSO packets: the socket stops at each
 * one until the other domain has answered, and builds packets smaller
 * than the 64 KiB a vif takes.  A smaller shift lets it queue 2^(10 -
 * shift) ms: what mac80211 does (shift 8) for Wi-Fi, whose completions are
 * late for the same reason.  At rates where 1 ms already covers two 64 KiB
 * packets (a few Gbit/s) it changes nothing.
 */
#ifndef XSPLIT_NETIF_PACING_H
#define XSPLIT_NETIF_PACING_H

#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "core/xsplit_param.h"

/* The shift TCP uses when no driver sets one, and the smallest we take. */
#define XSPLIT_NETIF_PACING_SHIFT_TCP	10
#define XSPLIT_NETIF_PACING_SHIFT_MIN	6	/* 16 ms: more is bufferbloat */
/*
 * 4 ms, mac80211's choice: 1.06-1.49x the throughput of TCP's own 1 ms in
 * 7 of 8 iperf3 figures of the lab, with fewer events and grant calls per
 * MiB (selftests/lab/BENCH.md).
 */
#define XSPLIT_NETIF_PACING_SHIFT_DEFAULT	8

/*
 * Let @skb's socket, if it is a local full socket, queue 2^(10 - @shift)
 * ms in this device; @shift 0 leaves the socket as it is.
 */
static inline void xsplit_netif_tx_pacing(struct sk_buff *skb,
					  unsigned int shift)
{
	if (shift)
		sk_pacing_shift_update(skb->sk, shift);
}

/* 0, or a shift TCP's own and 16 ms of queue; anything else: -EINVAL. */
static inline int xsplit_netif_pacing_param_set(const char *val,
						const struct kernel_param *kp)
{
	unsigned int v;
	int rc = kstrtouint(val, 0, &v);

	if (rc)
		return rc;
	if (v && (v < XSPLIT_NETIF_PACING_SHIFT_MIN ||
		  v > XSPLIT_NETIF_PACING_SHIFT_TCP))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

/*
 * XSPLIT_NETIF_PACING_PARAM - the tx_pacing_shift parameter of a net
 * driver, backed by VAR, read at each transmit (a change applies at
 * once): the same name and rules in netfront and netback.
 */
#define XSPLIT_NETIF_PACING_PARAM(var)					\
static const struct kernel_param_ops xsplit_netif_pacing_ops = {	\
	.set = xsplit_netif_pacing_param_set,				\
	.get = param_get_uint,						\
};									\
module_param_cb(tx_pacing_shift, &xsplit_netif_pacing_ops, &(var),	\
		XSPLIT_PARAM_RUNTIME);					\
MODULE_PARM_DESC(tx_pacing_shift,					\
		 "A local TCP socket may queue 2^(10-N) ms here, 6-10; 0: TCP's 1 ms (default 8)")

#endif /* XSPLIT_NETIF_PACING_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a netif peer said it takes, and what follows for our net_device:
 * the offloads the stack may hand us and the largest MTU.  The same rules
 * serve both ends: netback reads the frontend's feature-* keys, netfront
 * the backend's.  Free of kernel calls so that the unit tests exercise it
 * in user space.
 */
#ifndef XSPLIT_NETIF_OFFLOAD_H
#define XSPLIT_NETIF_OFFLOAD_H

#include "ring/netif.h"

#ifdef __KERNEL__
#include <linux/if_ether.h>
#include <linux/netdev_features.h>
#endif

/*
 * The peer's offloads, negotiated at connect.  ip_csum (packets with the
 * IPv4 checksum left blank) is only ever refused by a frontend, with
 * feature-no-csum-offload: every backend takes it.
 */
struct xsplit_netif_offload {
	bool sg;		/* feature-sg: a packet may span slots */
	bool ip_csum;
	bool ipv6_csum;		/* feature-ipv6-csum-offload */
	bool gso_tcpv4;		/* feature-gso-tcpv4 */
	bool gso_tcpv6;		/* feature-gso-tcpv6 */
};

/* The net_device offloads that depend on the peer. */
#define XSPLIT_NETIF_OFFLOADS (NETIF_F_SG | NETIF_F_IP_CSUM | \
			       NETIF_F_IPV6_CSUM | NETIF_F_TSO | NETIF_F_TSO6)

/*
 * Of @features, what the peer takes.  A TSO also needs the checksum
 * offload of its IP version (the stack's netdev_fix_features() would
 * drop it after us anyway).
 */
static inline netdev_features_t
xsplit_netif_fix_features(const struct xsplit_netif_offload *peer,
			  netdev_features_t features)
{
	if (!peer->sg)
		features &= ~NETIF_F_SG;
	if (!peer->ip_csum)
		features &= ~(NETIF_F_IP_CSUM | NETIF_F_TSO);
	if (!peer->ipv6_csum)
		features &= ~(NETIF_F_IPV6_CSUM | NETIF_F_TSO6);
	if (!peer->gso_tcpv4)
		features &= ~NETIF_F_TSO;
	if (!peer->gso_tcpv6)
		features &= ~NETIF_F_TSO6;
	return features;
}

/*
 * Largest MTU when the peer takes SG: a whole packet's size is a 16-bit
 * field on the ring, less the link-level header that a frame carries
 * beyond its MTU (@l2_hlen: each end says how much it allows for).
 */
#define XSPLIT_NETIF_SG_MAX_MTU(l2_hlen) (XSPLIT_NETIF_MAX_TX_SIZE - (l2_hlen))

/* Without SG a packet must fit one slot's page: no jumbo frames. */
static inline unsigned int
xsplit_netif_max_mtu(const struct xsplit_netif_offload *peer,
		     unsigned int l2_hlen)
{
	return peer->sg ? XSPLIT_NETIF_SG_MAX_MTU(l2_hlen) : ETH_DATA_LEN;
}

#endif /* XSPLIT_NETIF_OFFLOAD_H */

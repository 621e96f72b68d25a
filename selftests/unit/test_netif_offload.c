// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the netif offload rules that netback and netfront share:
 * which net_device offloads the peer's features leave, and the largest
 * MTU, for each end's link-header allowance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "table.h"

#include "netif/offload.h"

#define SG	NETIF_F_SG
#define IPC	NETIF_F_IP_CSUM
#define IP6C	NETIF_F_IPV6_CSUM
#define TSO	NETIF_F_TSO
#define TSO6	NETIF_F_TSO6
#define RXC	NETIF_F_RXCSUM

/* The Ethernet header, and with a VLAN tag (what netback allows for). */
#define L2_ETH	14
#define L2_VLAN	18

struct fix_case {
	struct xsplit_netif_offload peer;	/* sg, ip, ipv6, tso, tso6 */
	netdev_features_t left;
};

static void test_fix_features(void **state)
{
	static const struct fix_case cases[] = {
		/* a peer that takes everything: nothing dropped */
		{ { true, true, true, true, true },
		  SG | IPC | IP6C | TSO | TSO6 | RXC },
		/* one that takes nothing: only what is not the peer's */
		{ { false, false, false, false, false }, RXC },
		/* netback before the frontend connects */
		{ { true, false, false, false, false }, SG | RXC },
		/* netfront before the backend connects */
		{ { false, true, false, false, false }, IPC | RXC },
		/* no SG: the rest stays (the stack drops TSO after us) */
		{ { false, true, true, true, true },
		  IPC | IP6C | TSO | TSO6 | RXC },
		/* TSO6 offered without IPv6 checksum offload: dropped */
		{ { true, true, false, true, true }, SG | IPC | TSO | RXC },
		/* TSO offered by a frontend that refuses checksum offload */
		{ { true, false, true, true, true }, SG | IP6C | TSO6 | RXC },
		/* checksums but no segmentation offload */
		{ { true, true, true, false, false }, SG | IPC | IP6C | RXC },
		/* each TSO on its own */
		{ { true, true, true, true, false },
		  SG | IPC | IP6C | TSO | RXC },
		{ { true, true, true, false, true },
		  SG | IPC | IP6C | TSO6 | RXC },
	};
	const netdev_features_t all = XSPLIT_NETIF_OFFLOADS | RXC;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		case_equal(i, xsplit_netif_fix_features(&cases[i].peer, all),
			   cases[i].left);
}

/* It only ever takes away, and only the peer's offloads. */
static void test_fix_features_only_drops(void **state)
{
	const struct xsplit_netif_offload none = { 0 };
	const struct xsplit_netif_offload every = {
		true, true, true, true, true,
	};

	(void)state;
	assert_int_equal(xsplit_netif_fix_features(&every, 0), 0);
	assert_int_equal(xsplit_netif_fix_features(&every, TSO6), TSO6);
	assert_int_equal(xsplit_netif_fix_features(&none, ~0ULL),
			 ~(netdev_features_t)XSPLIT_NETIF_OFFLOADS);
	assert_int_equal(XSPLIT_NETIF_OFFLOADS, SG | IPC | IP6C | TSO | TSO6);
}

static void test_max_mtu(void **state)
{
	const struct xsplit_netif_offload sg = { .sg = true };
	const struct xsplit_netif_offload no_sg = {
		.ip_csum = true, .ipv6_csum = true,
		.gso_tcpv4 = true, .gso_tcpv6 = true,
	};

	(void)state;
	/* with SG: 64 KiB - 1 on the ring less the link header */
	assert_int_equal(xsplit_netif_max_mtu(&sg, L2_ETH), 65521);
	assert_int_equal(xsplit_netif_max_mtu(&sg, L2_VLAN), 65517);
	assert_int_equal(XSPLIT_NETIF_SG_MAX_MTU(L2_ETH), 65521);
	assert_int_equal(XSPLIT_NETIF_SG_MAX_MTU(L2_VLAN), 65517);
	/* without: one page per packet, whatever else the peer takes */
	assert_int_equal(xsplit_netif_max_mtu(&no_sg, L2_ETH), 1500);
	assert_int_equal(xsplit_netif_max_mtu(&no_sg, L2_VLAN), 1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_features),
		cmocka_unit_test(test_fix_features_only_drops),
		cmocka_unit_test(test_max_mtu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

# SPDX-License-Identifier: GPL-2.0
# netif/: what both network drivers share (the netif offload rules).
TESTS += test_netif_offload
test_netif_offload_SRCS := test_netif_offload.c

# SPDX-License-Identifier: GPL-2.0
# ring/: the generic shared ring and the blkif/netif wire formats.
TESTS += test_ring test_wire
test_ring_SRCS := test_ring.c
test_wire_SRCS := test_wire.c

# SPDX-License-Identifier: GPL-2.0
# ring/: the generic shared ring, the blkif/netif wire formats, the
# outstanding-id sets.
TESTS += test_ring test_wire test_ids
test_ring_SRCS := test_ring.c
test_wire_SRCS := test_wire.c
test_ids_SRCS := test_ids.c

# SPDX-License-Identifier: GPL-2.0
# xenbus/: the state machine, the XenStore key table, the guest's kind.
TESTS += test_fsm test_keys test_guest
test_fsm_SRCS := test_fsm.c ../../xenbus/fsm.c
test_keys_SRCS := test_keys.c ../../xenbus/keys.c ../../xenbus/keys_blkif.c \
	../../xenbus/keys_netif.c
test_guest_SRCS := test_guest.c

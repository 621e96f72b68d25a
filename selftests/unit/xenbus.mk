# SPDX-License-Identifier: GPL-2.0
# xenbus/: the state machine and the XenStore key table.
TESTS += test_fsm test_keys
test_fsm_SRCS := test_fsm.c ../../xenbus/fsm.c
test_keys_SRCS := test_keys.c ../../xenbus/keys.c

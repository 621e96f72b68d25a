# SPDX-License-Identifier: GPL-2.0
# xenbus/: XenStore values and paths as a hostile peer would write them.
FUZZERS += fuzz_xenbus_keys
fuzz_xenbus_keys_SRCS := fuzz_xenbus_keys.c ../../xenbus/keys.c \
	../../xenbus/keys_blkif.c ../../xenbus/keys_netif.c
# The state machine under any event sequence, with the glue's bookkeeping.
FUZZERS += fuzz_xenbus_fsm
fuzz_xenbus_fsm_SRCS := fuzz_xenbus_fsm.c ../../xenbus/fsm.c

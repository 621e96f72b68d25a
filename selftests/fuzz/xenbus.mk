# SPDX-License-Identifier: GPL-2.0
# xenbus/: XenStore values and paths as a hostile peer would write them.
FUZZERS += fuzz_xenbus_keys
fuzz_xenbus_keys_SRCS := fuzz_xenbus_keys.c ../../xenbus/keys.c

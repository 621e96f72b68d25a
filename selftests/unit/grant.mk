# SPDX-License-Identifier: GPL-2.0
# grant/ and evtchn/: the pure policy parts.
TESTS += test_grant_pcache
test_grant_pcache_SRCS := test_grant_pcache.c ../../grant/pgrant_index.c

# SPDX-License-Identifier: GPL-2.0
# grant/ and evtchn/: the pure policy parts.
TESTS += test_grant_pcache
test_grant_pcache_SRCS := test_grant_pcache.c ../../grant/pgrant_index.c

# evtchn/: late-EOI accounting (kept here: grant.mk covers grant/ + evtchn/).
TESTS += test_evtchn_eoi
test_evtchn_eoi_SRCS := test_evtchn_eoi.c ../../evtchn/eoi.c

# SPDX-License-Identifier: GPL-2.0
# grant/: the persistent-grant cache policy under random op sequences.
FUZZERS += fuzz_grant_pcache
fuzz_grant_pcache_SRCS := fuzz_grant_pcache.c ../../grant/pgrant_index.c

# SPDX-License-Identifier: GPL-2.0
# ring/: a back end consuming a ring whose every byte the peer controls.
FUZZERS += fuzz_ring_back
fuzz_ring_back_SRCS := fuzz_ring_back.c

# SPDX-License-Identifier: GPL-2.0
# netback/: tx requests and control messages as a hostile frontend writes
# them; rx buffer takes while it moves req_prod.
FUZZERS += fuzz_netback_txval fuzz_netback_ctrl fuzz_netback_rxreq
fuzz_netback_txval_SRCS := fuzz_netback_txval.c ../../netback/txval.c
fuzz_netback_ctrl_SRCS := fuzz_netback_ctrl.c ../../netback/ctrl.c
fuzz_netback_rxreq_SRCS := fuzz_netback_rxreq.c

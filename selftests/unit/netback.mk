# SPDX-License-Identifier: GPL-2.0
# netback/: the tx-packet validator, the control-message handler, the
# guest-receive stall rule, what an rx event is worth and the deferred
# late EOIs, rx buffers taken against one snapshot, the zero-copy slot
# bookkeeping.
TESTS += test_netback_txval test_netback_ctrl test_netback_rxstall \
	 test_netback_rxwork test_netback_rxreq test_netback_zc
test_netback_txval_SRCS := test_netback_txval.c ../../netback/txval.c
test_netback_ctrl_SRCS := test_netback_ctrl.c ../../netback/ctrl.c
test_netback_rxstall_SRCS := test_netback_rxstall.c
test_netback_rxwork_SRCS := test_netback_rxwork.c
test_netback_rxreq_SRCS := test_netback_rxreq.c
test_netback_zc_SRCS := test_netback_zc.c

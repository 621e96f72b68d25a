# SPDX-License-Identifier: GPL-2.0
# netfront/: validation of the backend's tx and rx responses.
TESTS += test_netfront_validate
test_netfront_validate_SRCS := test_netfront_validate.c \
	../../netfront/validate.c
# netfront/: the slot plan of a packet for a trusted backend.
TESTS += test_netfront_txplan
test_netfront_txplan_SRCS := test_netfront_txplan.c ../../netfront/txplan.c

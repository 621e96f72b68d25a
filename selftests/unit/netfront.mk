# SPDX-License-Identifier: GPL-2.0
# netfront/: validation of the backend's tx and rx responses.
TESTS += test_netfront_validate
test_netfront_validate_SRCS := test_netfront_validate.c \
	../../netfront/validate.c

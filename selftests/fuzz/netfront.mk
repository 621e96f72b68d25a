# SPDX-License-Identifier: GPL-2.0
# netfront/: tx and rx responses from a hostile backend.
FUZZERS += fuzz_netfront_validate
fuzz_netfront_validate_SRCS := fuzz_netfront_validate.c \
	../../netfront/validate.c

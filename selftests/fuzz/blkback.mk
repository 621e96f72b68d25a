# SPDX-License-Identifier: GPL-2.0
# blkback/: requests and indirect segments as a hostile frontend writes them.
FUZZERS += fuzz_blkback_validate
fuzz_blkback_validate_SRCS := fuzz_blkback_validate.c ../../blkback/validate.c

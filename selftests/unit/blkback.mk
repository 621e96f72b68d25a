# SPDX-License-Identifier: GPL-2.0
# blkback/: the request validator.
TESTS += test_blkback_validate
test_blkback_validate_SRCS := test_blkback_validate.c ../../blkback/validate.c

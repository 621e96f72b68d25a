# SPDX-License-Identifier: GPL-2.0
# blkback/: the request validator.
TESTS += test_blkback_validate
test_blkback_validate_SRCS := test_blkback_validate.c ../../blkback/validate.c
# blkback/: the adaptive window of notification avoidance.
TESTS += test_blkback_window
test_blkback_window_SRCS := test_blkback_window.c ../../blkback/window.c
# blkback/: the grant-copy data path's decisions.
TESTS += test_blkback_copyplan
test_blkback_copyplan_SRCS := test_blkback_copyplan.c ../../blkback/copyplan.c

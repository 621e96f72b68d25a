# SPDX-License-Identifier: GPL-2.0
# xenbus/xsplit_watch.h: the bounded-watch rule (XSA-349 class).
TESTS += test_watch
test_watch_SRCS := test_watch.c

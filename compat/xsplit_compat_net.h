/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network stack as xsplit's network drivers use it, on every kernel
 * xsplit supports (see compat/xsplit_compat.h and compat/Kbuild.inc).
 */
#ifndef XSPLIT_COMPAT_NET_H
#define XSPLIT_COMPAT_NET_H

/* 6.12 moved the unaligned accessors from asm/ to linux/ */
#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* XSPLIT_COMPAT_NET_H */

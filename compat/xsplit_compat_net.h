/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network stack as xsplit's network drivers use it, on every kernel
 * xsplit supports (see compat/xsplit_compat.h and compat/Kbuild.inc).
 */
#ifndef XSPLIT_COMPAT_NET_H
#define XSPLIT_COMPAT_NET_H

#include <linux/mm.h>
#include <linux/timer.h>

/* 6.12 moved the unaligned accessors from asm/ to linux/ */
#ifdef XSPLIT_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* mac_pton() left linux/kernel.h for linux/hex.h */
#ifdef XSPLIT_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#endif

/* 6.16 renamed from_timer(); the drivers use the new name */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

/*
 * The page @n pages after @page within one compound page or folio.  Since
 * nth_page() went away (7.x) the memory map is contiguous there.
 */
#ifdef nth_page
#define xsplit_nth_page(page, n) nth_page(page, n)
#else
#define xsplit_nth_page(page, n) ((page) + (n))
#endif

#endif /* XSPLIT_COMPAT_NET_H */

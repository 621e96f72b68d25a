/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers that xsplit's protocol code needs, so the
 * same source builds in the kernel and in user space (unit tests, fuzzers).
 * Only code that does not need the kernel may include this instead of the
 * kernel headers: ring arithmetic, wire formats, validators, state machines.
 */
#ifndef XSPLIT_TYPES_H
#define XSPLIT_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>
#else
#include "uspace.h"
#endif /* __KERNEL__ */

#endif /* XSPLIT_TYPES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernels xsplit builds on.  Kbuild includes this first in every
 * object, so an unsupported kernel stops the build with one message
 * instead of many errors.  The compat_*.h headers beside it wrap what
 * moved between the supported kernels; compat/Kbuild.inc probes for it.
 * Keep the range in step with BUILD_EXCLUSIVE_KERNEL in dkms.conf.
 */
#ifndef XSPLIT_COMPAT_H
#define XSPLIT_COMPAT_H

/* set by compat/Kbuild.inc from the kernel's version */
#ifdef XSPLIT_KERNEL_TOO_OLD
#error "xsplit supports Linux 5.10 up to 7.x; this kernel is older than 5.10"
#endif

#endif /* XSPLIT_COMPAT_H */

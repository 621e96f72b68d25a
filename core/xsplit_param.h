/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters of every xsplit module, declared one way.
 *
 * An unsigned parameter has a range, and its setter refuses a value
 * outside it (-EINVAL, the kernel's param_set_uint_minmax()) rather than
 * clamping it: a typo in modprobe.d then fails loudly at load time
 * instead of silently running another configuration.
 *
 * Permissions follow one rule: XSPLIT_PARAM_RUNTIME (0644) for a value
 * read again at each connect, so that writing it in sysfs takes effect
 * on the next device (or reconnect); XSPLIT_PARAM_FIXED (0444) for one
 * that shapes a device for its whole life (a disk's queue limits are set
 * once, and a later, smaller value at a reconnect would disagree with
 * them), so it is set at load time only.
 */
#ifndef XSPLIT_PARAM_H
#define XSPLIT_PARAM_H

#include <linux/moduleparam.h>

#define XSPLIT_PARAM_RUNTIME	0644
#define XSPLIT_PARAM_FIXED	0444

/*
 * XSPLIT_PARAM_UINT - an unsigned int module parameter NAME backed by VAR,
 * accepted only within [MIN, MAX].
 */
#define XSPLIT_PARAM_UINT(name, var, min, max, perm, desc)		\
static int xsplit_param_##name##_set(const char *val,			\
				     const struct kernel_param *kp)	\
{									\
	return param_set_uint_minmax(val, kp, min, max);		\
}									\
static const struct kernel_param_ops xsplit_param_##name##_ops = {	\
	.set = xsplit_param_##name##_set,				\
	.get = param_get_uint,						\
};									\
module_param_cb(name, &xsplit_param_##name##_ops, &(var), perm);	\
MODULE_PARM_DESC(name, desc)

/* XSPLIT_PARAM_BOOL - a bool module parameter NAME backed by VAR. */
#define XSPLIT_PARAM_BOOL(name, var, perm, desc)			\
module_param_named(name, var, bool, perm);				\
MODULE_PARM_DESC(name, desc)

#endif /* XSPLIT_PARAM_H */

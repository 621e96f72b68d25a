// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters, named like Linux's xen-netback so existing
 * configuration (modprobe.d, kernel command lines) carries over.  Every
 * setter checks its range; a value outside it is refused, not clamped.
 */
#include <linux/moduleparam.h>
#include <linux/cpumask.h>

#include "netback/common.h"

#define DRAIN_TIMEOUT_MS_DEFAULT	10000U
#define STALL_TIMEOUT_MS_DEFAULT	60000U
#define TIMEOUT_MS_MAX			3600000U
#define HASH_CACHE_DEFAULT		64U
#define HASH_CACHE_MAX			1024U
/* Linux's default cap on queues per vif when none is set. */
#define MAX_QUEUES_DEFAULT		8U

/* 0 until init: then min(8, online CPUs), as Linux does. */
unsigned int xsplit_nb_max_queues;
bool xsplit_nb_separate_tx_rx_irq = true;
unsigned int xsplit_nb_rx_drain_timeout_msecs = DRAIN_TIMEOUT_MS_DEFAULT;
unsigned int xsplit_nb_rx_stall_timeout_msecs = STALL_TIMEOUT_MS_DEFAULT;
unsigned int xsplit_nb_fatal_skb_slots = XSPLIT_NB_FATAL_SLOTS_DEFAULT;
unsigned int xsplit_nb_hash_cache_size = HASH_CACHE_DEFAULT;
bool xsplit_nb_provides_xdp_headroom = true;
bool xsplit_nb_tx_zerocopy;

static int set_ranged(const char *val, const struct kernel_param *kp,
		      unsigned int min, unsigned int max)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*(unsigned int *)kp->arg = v;
	return 0;
}

#define RANGED_PARAM(name, var, min, max, desc)				\
static int set_##name(const char *val, const struct kernel_param *kp)	\
{									\
	return set_ranged(val, kp, min, max);				\
}									\
static const struct kernel_param_ops name##_ops = {			\
	.set = set_##name,						\
	.get = param_get_uint,						\
};									\
module_param_cb(name, &name##_ops, &var, 0644);				\
MODULE_PARM_DESC(name, desc)

RANGED_PARAM(max_queues, xsplit_nb_max_queues, 1, XSPLIT_KEY_MAX_QUEUES,
	     "Most queues per vif offered to a frontend (default: online CPUs, at most 8; 1-64)");
RANGED_PARAM(rx_drain_timeout_msecs, xsplit_nb_rx_drain_timeout_msecs, 1,
	     TIMEOUT_MS_MAX,
	     "Drop guest-bound packets queued this long (default 10000)");
RANGED_PARAM(rx_stall_timeout_msecs, xsplit_nb_rx_stall_timeout_msecs, 1,
	     TIMEOUT_MS_MAX,
	     "Carrier off after a guest posts no receive buffers this long (default 60000)");
RANGED_PARAM(fatal_skb_slots, xsplit_nb_fatal_skb_slots,
	     XSPLIT_NB_MAX_SLOTS_DEFAULT, XSPLIT_NB_FATAL_SLOTS_MAX,
	     "Slots per packet that disable a vif as malicious (default 20, 18-64)");
RANGED_PARAM(hash_cache_size, xsplit_nb_hash_cache_size, 0, HASH_CACHE_MAX,
	     "Accepted for compatibility; hashes are not cached (default 64)");

module_param_named(separate_tx_rx_irq, xsplit_nb_separate_tx_rx_irq, bool,
		   0644);
MODULE_PARM_DESC(separate_tx_rx_irq,
		 "Offer separate tx and rx event channels (default true)");
module_param_named(provides_xdp_headroom, xsplit_nb_provides_xdp_headroom,
		   bool, 0644);
MODULE_PARM_DESC(provides_xdp_headroom,
		 "Offer XDP headroom to frontends (default true)");
/*
 * Ours, not Linux's (which always maps): a bool rather than a size
 * threshold, because the first slot is copied whatever its size and every
 * further slot is a page-sized candidate, so there is no size to tune;
 * read by each queue at connect, so two vifs can be compared at once.
 */
module_param_named(tx_zerocopy, xsplit_nb_tx_zerocopy, bool, 0644);
MODULE_PARM_DESC(tx_zerocopy,
		 "Grant-map guest transmit payload instead of copying it; read at queue connect (default false)");

void xsplit_nb_params_init(void)
{
	if (!xsplit_nb_max_queues)
		xsplit_nb_max_queues = min(num_online_cpus(),
					   MAX_QUEUES_DEFAULT);
}

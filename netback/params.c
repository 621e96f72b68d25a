// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters, named like Linux's xen-netback so existing
 * configuration (modprobe.d, kernel command lines) carries over.
 */
#include <linux/moduleparam.h>
#include <linux/cpumask.h>

#include "netback/common.h"
#include "core/xsplit_param.h"
#include "netif/pacing.h"

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
unsigned int xsplit_nb_tx_pacing_shift = XSPLIT_NETIF_PACING_SHIFT_DEFAULT;

/* All read at each connect (XSPLIT_PARAM_RUNTIME). */
XSPLIT_PARAM_UINT(max_queues, xsplit_nb_max_queues,
		  1, XSPLIT_KEY_MAX_QUEUES, XSPLIT_PARAM_RUNTIME,
		  "Most queues per vif offered to a frontend (default: online CPUs, at most 8; 1-64)");
XSPLIT_PARAM_UINT(rx_drain_timeout_msecs, xsplit_nb_rx_drain_timeout_msecs,
		  1, TIMEOUT_MS_MAX, XSPLIT_PARAM_RUNTIME,
		  "Drop guest-bound packets queued this long (default 10000)");
XSPLIT_PARAM_UINT(rx_stall_timeout_msecs, xsplit_nb_rx_stall_timeout_msecs,
		  1, TIMEOUT_MS_MAX, XSPLIT_PARAM_RUNTIME,
		  "Carrier off after a guest posts no receive buffers this long (default 60000)");
XSPLIT_PARAM_UINT(fatal_skb_slots, xsplit_nb_fatal_skb_slots,
		  XSPLIT_NB_MAX_SLOTS_DEFAULT, XSPLIT_NB_FATAL_SLOTS_MAX,
		  XSPLIT_PARAM_RUNTIME,
		  "Slots per packet that disable a vif as malicious (default 20, 18-64)");
XSPLIT_PARAM_UINT(hash_cache_size, xsplit_nb_hash_cache_size,
		  0, HASH_CACHE_MAX, XSPLIT_PARAM_RUNTIME,
		  "Accepted for compatibility; hashes are not cached (default 64)");

XSPLIT_PARAM_BOOL(separate_tx_rx_irq, xsplit_nb_separate_tx_rx_irq,
		  XSPLIT_PARAM_RUNTIME,
		  "Offer separate tx and rx event channels (default true)");
XSPLIT_PARAM_BOOL(provides_xdp_headroom, xsplit_nb_provides_xdp_headroom,
		  XSPLIT_PARAM_RUNTIME,
		  "Offer XDP headroom to frontends (default true)");
/*
 * Ours, not Linux's (which always maps): a bool rather than a size
 * threshold, because the first slot is copied whatever its size and every
 * further slot is a page-sized candidate, so there is no size to tune;
 * read by each queue at connect, so two vifs can be compared at once.
 */
XSPLIT_PARAM_BOOL(tx_zerocopy, xsplit_nb_tx_zerocopy, XSPLIT_PARAM_RUNTIME,
		  "Grant-map guest transmit payload instead of copying it; read at queue connect (default false)");

/*
 * Ours: dom0's own sockets sending to a guest (its skbs wait in our queue
 * until the thread has copied them); read at each transmit.
 */
XSPLIT_NETIF_PACING_PARAM(xsplit_nb_tx_pacing_shift);

void xsplit_nb_params_init(void)
{
	if (!xsplit_nb_max_queues)
		xsplit_nb_max_queues = min(num_online_cpus(),
					   MAX_QUEUES_DEFAULT);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit netfront: module parameters, init and exit.  The driver binds
 * XenBus "vif" devices as "xsplit-vif", beside the in-tree "vif" driver;
 * keep xen-netfront from loading (module_blacklist=xen_netfront) so that
 * this one gets the devices.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>

#include "netfront/netfront.h"
#include "core/xsplit_param.h"
#include "netif/pacing.h"

unsigned int xsplit_nf_max_queues = XSPLIT_NF_MAX_QUEUES;
bool xsplit_nf_separate_tx_rx_irq = true;
bool xsplit_nf_trusted = true;
unsigned int xsplit_nf_tx_rsp_batch = 1;
bool xsplit_nf_rx_page_pool = true;
unsigned int xsplit_nf_tx_pacing_shift = XSPLIT_NETIF_PACING_SHIFT_DEFAULT;

/* Read at each negotiation: a reconnect or restore picks up a change. */
XSPLIT_PARAM_UINT(max_queues, xsplit_nf_max_queues,
		  1, XSPLIT_NF_MAX_QUEUES, XSPLIT_PARAM_RUNTIME,
		  "Most queues per vif, also capped by online CPUs and the backend (1-8, default 8)");
XSPLIT_PARAM_BOOL(separate_tx_rx_irq, xsplit_nf_separate_tx_rx_irq,
		  XSPLIT_PARAM_RUNTIME,
		  "Use separate tx and rx event channels when the backend offers them (default true)");

/* Read at each connect, as the device's XenStore "trusted" key is. */
XSPLIT_PARAM_BOOL(trusted, xsplit_nf_trusted, XSPLIT_PARAM_RUNTIME,
		  "Trust backends with our own pages; N copies every packet and zeroes receive buffers (default Y)");

/* Read at each tx drain: a change applies at once.  See queue.c. */
XSPLIT_PARAM_UINT(tx_rsp_batch, xsplit_nf_tx_rsp_batch,
		  1, XSPLIT_NF_MAX_TX_RSP_BATCH, XSPLIT_PARAM_RUNTIME,
		  "Most tx completions one event from the backend covers, 1-64, never more than half of the slots in flight (default 1: an event per completion)");

/* Read at each queue setup (advertise): a reconnect picks up a change. */
XSPLIT_PARAM_BOOL(rx_page_pool, xsplit_nf_rx_page_pool, XSPLIT_PARAM_RUNTIME,
		  "Take receive pages from a page pool per queue, which the stack gives them back to, instead of the page allocator; no effect on kernels before 5.14 (default Y)");

/* Read at each transmit; see netif/pacing.h. */
XSPLIT_NETIF_PACING_PARAM(xsplit_nf_tx_pacing_shift);

static int __init xsplit_nf_init(void)
{
	struct xsplit_guest g;

	if (!xen_domain())
		return -ENODEV;
	/* an HVM guest whose emulated NICs stay has them, not vifs of ours */
	xsplit_xb_guest_get(&g);
	if (!xsplit_guest_wants_pv(&g, XSPLIT_GUEST_NICS)) {
		pr_info("%s guest whose emulated NICs stay: not loading\n",
			xsplit_guest_kind_name(g.kind));
		return -ENODEV;
	}
	return xsplit_nf_xenbus_register();
}

static void __exit xsplit_nf_exit(void)
{
	xsplit_nf_xenbus_unregister();
}

module_init(xsplit_nf_init);
module_exit(xsplit_nf_exit);

MODULE_DESCRIPTION("xsplit Xen paravirtual network frontend");
MODULE_LICENSE("GPL");
MODULE_VERSION(XSPLIT_VERSION);
MODULE_ALIAS("xen:vif");

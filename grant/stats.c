// SPDX-License-Identifier: GPL-2.0
/*
 * Grant counters, shown in debugfs by core/stats.c:
 *   grants_mapped  foreign grants mapped by xsplit_gnt_map() and not yet
 *                  unmapped (persistent-grant caches included), and those
 *                  a driver maps itself into its own pages and accounts
 *                  here (netback's zero-copy transmit pool), and
 *                  the shared-ring pages backends map (xenbus/ring.c)
 *   grants_leaked  mapped pages kept forever because Xen would not (or
 *                  could not be asked to) unmap them
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "grant/stats.h"
#include "grant/xsplit_grant.h"

atomic_t xsplit_gnt_nr_mapped = ATOMIC_INIT(0);
atomic_t xsplit_gnt_nr_leaked = ATOMIC_INIT(0);

/**
 * xsplit_gnt_account - count grants a driver mapped without xsplit_gnt_map()
 * @mapped: grants newly mapped (> 0) or unmapped (< 0)
 * @leaked: pages kept forever because their unmap failed
 *
 * For drivers that batch gnttab_map_refs() into pages they keep (a pool),
 * so the leak checks see their grants too.
 */
void xsplit_gnt_account(int mapped, int leaked)
{
	atomic_add(mapped, &xsplit_gnt_nr_mapped);
	atomic_add(leaked, &xsplit_gnt_nr_leaked);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_account);

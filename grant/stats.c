// SPDX-License-Identifier: GPL-2.0
/*
 * Grant counters, shown in debugfs by core/stats.c:
 *   grants_mapped  foreign grants mapped by xsplit_gnt_map() and not yet
 *                  unmapped (persistent-grant caches included), those
 *                  mapped into a driver's own pages by a batch (batch.c:
 *                  netback's zero-copy transmit pool), and
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

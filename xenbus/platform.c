// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel's view of this guest, for the frontends' checks
 * against emulated devices (the decisions are in xenbus/guest.h and
 * blkfront/vdev.c, pure and unit-tested).  The kernel keeps what it
 * unplugged to itself and exports only its answers, which we take as
 * they are: a frontend then loads exactly where the kernel's would.
 */
#include <linux/export.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>

#include "xenbus/xsplit_xenbus.h"

/**
 * xsplit_xb_guest_get - describe this guest
 * @g: filled in; outside Xen, an HVM guest with nothing for PV drivers
 */
void xsplit_xb_guest_get(struct xsplit_guest *g)
{
	if (xen_pv_domain())
		g->kind = XSPLIT_GUEST_PV;
	else if (xsplit_xen_pvh_domain())
		g->kind = XSPLIT_GUEST_PVH;
	else
		g->kind = XSPLIT_GUEST_HVM;
	g->pv_disks = xen_has_pv_disk_devices();
	g->pv_nics = xen_has_pv_nic_devices();
	g->legacy_disks = xen_has_pv_and_legacy_disk_devices();
}
EXPORT_SYMBOL_GPL(xsplit_xb_guest_get);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kind of Xen guest we are, and whether the guest's devices of a
 * class (disks, NICs) are ours to take with PV frontends.  Pure code,
 * header-only (as ring/ is) so that both frontends and the unit tests
 * take it without an export.
 *
 * A PV or PVH guest has no emulated devices: every vbd and vif is the
 * frontends'.  An HVM guest starts with emulated IDE disks and NICs from
 * the device model; the kernel unplugs them early in boot (the platform
 * PCI device's unplug protocol, xen_emul_unplug= on its command line)
 * before any PV driver runs, and records what it did.  The drivers never
 * see that record, only the kernel's answers to three questions, which
 * struct xsplit_guest holds (xenbus/platform.c asks them):
 *
 *   pv_disks      xen_has_pv_disk_devices(): the emulated disks were
 *                 unplugged (or "unnecessary" was asked), PV disks may load
 *   pv_nics       xen_has_pv_nic_devices(): the same for NICs
 *   legacy_disks  xen_has_pv_and_legacy_disk_devices(): nothing was
 *                 unplugged ("unnecessary"): emulated disks live on beside
 *                 the PV ones, so only a disk named as a Xen disk (major
 *                 202, or the extended form) is ours
 *
 * Linux counts a PVH guest as an HVM one (xen_hvm_domain()), and its
 * frontends run their HVM checks there too, with these answers: PV
 * devices yes, legacy disks no.
 */
#ifndef XSPLIT_XENBUS_GUEST_H
#define XSPLIT_XENBUS_GUEST_H

#include "xsplit_types.h"

enum xsplit_guest_kind {
	XSPLIT_GUEST_PV,
	XSPLIT_GUEST_PVH,
	XSPLIT_GUEST_HVM,
};

enum xsplit_guest_class {
	XSPLIT_GUEST_DISKS,
	XSPLIT_GUEST_NICS,
};

struct xsplit_guest {
	enum xsplit_guest_kind kind;
	bool pv_disks;
	bool pv_nics;
	bool legacy_disks;
};

/*
 * Linux's test for its frontends' HVM checks: true in PVH too (there the
 * checks find no emulated device and change nothing but the PV cdrom,
 * see blkfront/vdev.c).
 */
static inline bool xsplit_guest_is_hvm(const struct xsplit_guest *g)
{
	return g->kind != XSPLIT_GUEST_PV;
}

/*
 * May a frontend of class @cls load at all?  PV and PVH guests have
 * nothing emulated: always.  An HVM guest only when the kernel unplugged
 * that class's emulated devices (or was told that it need not): else the
 * device model still serves them and a PV driver would give the guest a
 * second path to the same disk or NIC.
 */
static inline bool xsplit_guest_wants_pv(const struct xsplit_guest *g,
					 enum xsplit_guest_class cls)
{
	if (g->kind != XSPLIT_GUEST_HVM)
		return true;
	return cls == XSPLIT_GUEST_DISKS ? g->pv_disks : g->pv_nics;
}

/* Do emulated disks live on beside the PV ones?  Never outside HVM. */
static inline bool xsplit_guest_legacy_disks(const struct xsplit_guest *g)
{
	return g->kind == XSPLIT_GUEST_HVM && g->legacy_disks;
}

static inline const char *xsplit_guest_kind_name(enum xsplit_guest_kind kind)
{
	switch (kind) {
	case XSPLIT_GUEST_PV:
		return "PV";
	case XSPLIT_GUEST_PVH:
		return "PVH";
	case XSPLIT_GUEST_HVM:
		return "HVM";
	}
	return "unknown";
}

#endif /* XSPLIT_XENBUS_GUEST_H */

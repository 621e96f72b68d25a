// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xenbus/guest.h: may a PV frontend load, by guest kind and
 * the kernel's answers about its emulated devices.  The HVM rows are the
 * answers Linux's arch/x86/xen/platform-pci-unplug.c gives after each
 * unplug outcome (a kernel built with blkfront and netfront, as Debian's,
 * unplugs emulated IDE disks and NICs by default).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "xenbus/guest.h"
#include "table.h"

/* The environments: kind, pv_disks, pv_nics, legacy_disks. */
#define PV		{ XSPLIT_GUEST_PV, true, true, false }
#define PVH		{ XSPLIT_GUEST_PVH, true, true, false }
/* default unplug, or xen_emul_unplug=all / ide-disks / nics */
#define HVM_UNPLUGGED	{ XSPLIT_GUEST_HVM, true, true, false }
/* xen_emul_unplug=unnecessary: emulated devices stay beside PV ones */
#define HVM_KEPT	{ XSPLIT_GUEST_HVM, true, true, true }
/* xen_emul_unplug=never, or no platform PCI device (xen_platform_pci=0) */
#define HVM_NO_UNPLUG	{ XSPLIT_GUEST_HVM, false, false, false }

struct wants_case {
	struct xsplit_guest g;
	bool disks;
	bool nics;
	bool legacy;
	bool hvm;	/* Linux's frontends run their HVM checks */
};

static const struct wants_case wants[] = {
	/* 0 */ { PV, true, true, false, false },
	/* 1 */ { PVH, true, true, false, true },
	/* 2 */ { HVM_UNPLUGGED, true, true, false, true },
	/* 3 */ { HVM_KEPT, true, true, true, true },
	/* 4 */ { HVM_NO_UNPLUG, false, false, false, true },
	/* PV and PVH have nothing emulated, whatever the answers say */
	/* 5 */ { { XSPLIT_GUEST_PV, false, false, true }, true, true, false, false },
	/* 6 */ { { XSPLIT_GUEST_PVH, false, false, true }, true, true, false, true },
	/* an HVM kernel that answers yes for one class only */
	/* 7 */ { { XSPLIT_GUEST_HVM, true, false, false }, true, false, false, true },
	/* 8 */ { { XSPLIT_GUEST_HVM, false, true, false }, false, true, false, true },
};

static void test_wants_pv(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wants); i++) {
		const struct wants_case *c = &wants[i];

		case_equal(i, xsplit_guest_wants_pv(&c->g, XSPLIT_GUEST_DISKS),
			   c->disks);
		case_equal(i, xsplit_guest_wants_pv(&c->g, XSPLIT_GUEST_NICS),
			   c->nics);
		case_equal(i, xsplit_guest_legacy_disks(&c->g), c->legacy);
		case_equal(i, xsplit_guest_is_hvm(&c->g), c->hvm);
	}
}

static void test_kind_names(void **state)
{
	assert_string_equal(xsplit_guest_kind_name(XSPLIT_GUEST_PV), "PV");
	assert_string_equal(xsplit_guest_kind_name(XSPLIT_GUEST_PVH), "PVH");
	assert_string_equal(xsplit_guest_kind_name(XSPLIT_GUEST_HVM), "HVM");
	assert_string_equal(xsplit_guest_kind_name((enum xsplit_guest_kind)7),
			    "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants_pv),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

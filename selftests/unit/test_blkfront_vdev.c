// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of blkfront/vdev.c: virtual-device numbers as the toolstack
 * writes them (xl's xvd/hd/sd names and the extended form) to the names
 * and minors the in-tree frontend gives them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "blkfront/vdev.h"
#include "table.h"

#define EXT(minor) (XSPLIT_BLKF_VDEV_EXTENDED | (minor))
#define DEV(major, minor) (((major) << 8) | (minor))

struct vdev_case {
	u32 vdev;
	const char *name;
	u32 first_minor;
	u32 minors;
};

static const struct vdev_case good[] = {
	/* 0 */ { DEV(202, 0), "xvda", 0, 16 },
	/* 1 */ { DEV(202, 16), "xvdb", 16, 16 },	/* 51728 */
	/* 2 */ { DEV(202, 17), "xvdb1", 17, 1 },
	/* 3 */ { DEV(202, 255), "xvdp15", 255, 1 },
	/* 4 */ { DEV(3, 0), "xvda", 0, 16 },		/* hda */
	/* 5 */ { DEV(3, 64), "xvdb", 16, 16 },	/* hdb */
	/* 6 */ { DEV(3, 65), "xvdb", 16, 16 },	/* hdb1: disk only */
	/* 7 */ { DEV(22, 0), "xvdc", 32, 16 },	/* hdc */
	/* 8 */ { DEV(22, 64), "xvdd", 48, 16 },	/* hdd */
	/* 9 */ { DEV(8, 0), "xvda", 0, 16 },		/* sda */
	/* 10 */ { DEV(8, 18), "xvdb2", 18, 1 },	/* sdb2 */
	/* 11 */ { DEV(65, 0), "xvdq", 256, 16 },	/* sdq */
	/* 12 */ { DEV(71, 240), "xvddx", 2032, 16 },
	/* 13 */ { DEV(128, 0), "xvddy", 2048, 16 },
	/* 14 */ { DEV(135, 255), "xvdiv15", 4095, 1 },
	/* 15 */ { EXT(0), "xvda", 0, 256 },
	/* 16 */ { EXT(256), "xvdb", 256, 256 },
	/* 17 */ { EXT(256 * 26), "xvdaa", 6656, 256 },
	/* 18 */ { EXT(257), "xvdb1", 257, 1 },
	/* 19 */ { EXT(256 * 702), "xvdaaa", 179712, 256 },
	/* 20 */ { EXT((1U << 20) - 256), "xvdfan", 1048320, 256 },
};

static void test_decode_table(void **state)
{
	struct xsplit_blkf_vdev v;
	char name[XSPLIT_BLKF_NAME_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		if (xsplit_blkf_vdev_decode(good[i].vdev, &v) ||
		    xsplit_blkf_vdev_name(&v, name, sizeof(name)) ||
		    strcmp(name, good[i].name) ||
		    v.first_minor != good[i].first_minor ||
		    v.minors != good[i].minors)
			fail_msg("case %zu: %#x gave %s minor %u+%u", i,
				 good[i].vdev, name, v.first_minor, v.minors);
	}
}

static const u32 bad[] = {
	/* 0 */ DEV(1, 0),			/* not a disk major */
	/* 1 */ DEV(201, 0),
	/* 2 */ DEV(136, 0),
	/* 3 */ DEV(64, 0),
	/* 4 */ 2U << XSPLIT_BLKF_VDEV_EXT_SHIFT,	/* above extended */
	/* 5 */ 0xffffffffU,
	/* 6 */ EXT(1U << 20),			/* minor outside a dev_t */
	/* 7 */ DEV(202, 0) | (1U << 16),		/* major 0x1ca */
};

static void test_decode_rejects(void **state)
{
	struct xsplit_blkf_vdev v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (xsplit_blkf_vdev_decode(bad[i], &v) != -ENODEV)
			fail_msg("case %zu: %#x accepted", i, bad[i]);
}

static void test_name_too_small(void **state)
{
	struct xsplit_blkf_vdev v = { .index = 26, .part = 12 };
	char name[XSPLIT_BLKF_NAME_LEN];

	assert_int_equal(xsplit_blkf_vdev_name(&v, name, 3), -ENAMETOOLONG);
	assert_int_equal(xsplit_blkf_vdev_name(&v, name, 5), -ENAMETOOLONG);
	assert_int_equal(xsplit_blkf_vdev_name(&v, name, 7), -ENAMETOOLONG);
	assert_int_equal(xsplit_blkf_vdev_name(&v, name, 8), 0);
	assert_string_equal(name, "xvdaa12");
}

/* Every decodable number names a disk that fits the gendisk's name. */
static void test_all_short_forms(void **state)
{
	struct xsplit_blkf_vdev v;
	char name[XSPLIT_BLKF_NAME_LEN];
	u32 vdev;

	for (vdev = 0; vdev < 0x10000; vdev++) {
		if (xsplit_blkf_vdev_decode(vdev, &v))
			continue;
		assert_int_equal(xsplit_blkf_vdev_name(&v, name, sizeof(name)),
				 0);
		assert_true(v.first_minor + v.minors <= 1U << 20);
	}
}

/* HDIO_GETGEO's answer, as Linux's blkfront gives it. */
static void test_geometry(void **state)
{
	static const struct {
		u64 capacity;
		u16 cylinders;
	} cases[] = {
		/* 0 */ { 0, 0 },
		/* 1 */ { 16064, 0 },			/* under one cylinder */
		/* 2 */ { 16065, 1 },
		/* 3 */ { 131072, 8 },			/* 64 MiB */
		/* 4 */ { 16065ULL * 65535, 65535 },
		/* 5 */ { 16065ULL * 65536 - 1, 65535 },
		/* 6 */ { 16065ULL * 65536, 65535 },	/* clamped, not wrapped */
		/* 7 */ { 16065ULL * 65537 + 5, 65535 },
		/* 8 */ { ~0ULL, 65535 },
	};
	struct xsplit_blkf_geo g;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		xsplit_blkf_geometry(cases[i].capacity, &g);
		if (g.cylinders != cases[i].cylinders)
			print_error("case %zu: %u cylinders, want %u\n", i,
				    g.cylinders, cases[i].cylinders);
		assert_int_equal(g.heads, 255);
		assert_int_equal(g.sectors, 63);
		assert_int_equal(g.cylinders, cases[i].cylinders);
	}
}

/*
 * Which vbds blkfront takes, by guest (see test_guest.c for where the
 * HVM rows come from): as Linux's blkfront decides in its probe.
 */
#define PV		{ XSPLIT_GUEST_PV, true, true, false }
#define PVH		{ XSPLIT_GUEST_PVH, true, true, false }
#define HVM_UNPLUGGED	{ XSPLIT_GUEST_HVM, true, true, false }
#define HVM_KEPT	{ XSPLIT_GUEST_HVM, true, true, true }
#define HVM_NO_UNPLUG	{ XSPLIT_GUEST_HVM, false, false, false }

#define TAKE		XSPLIT_BLKF_TAKE
#define NO_PV		XSPLIT_BLKF_SKIP_NO_PV
#define EMULATED	XSPLIT_BLKF_SKIP_EMULATED
#define NO_TYPE		XSPLIT_BLKF_SKIP_NO_TYPE
#define CDROM		XSPLIT_BLKF_SKIP_CDROM

struct verdict_case {
	struct xsplit_guest g;
	u32 vdev;
	const char *type;
	enum xsplit_blkf_verdict want;
};

static const struct verdict_case verdicts[] = {
	/* PV: every vbd, cdroms and a missing device-type too */
	/* 0 */ { PV, DEV(202, 16), "disk", TAKE },
	/* 1 */ { PV, DEV(3, 0), "disk", TAKE },		/* hda */
	/* 2 */ { PV, DEV(8, 0), "disk", TAKE },		/* sda */
	/* 3 */ { PV, DEV(202, 48), "cdrom", TAKE },
	/* 4 */ { PV, DEV(202, 16), NULL, TAKE },
	/* 5 */ { PV, EXT(256 * 4), "disk", TAKE },
	/* PVH: nothing emulated, so hd and sd names are ours; no cdrom */
	/* 6 */ { PVH, DEV(202, 16), "disk", TAKE },
	/* 7 */ { PVH, DEV(3, 0), "disk", TAKE },
	/* 8 */ { PVH, DEV(22, 0), "disk", TAKE },		/* hdc */
	/* 9 */ { PVH, DEV(8, 16), "disk", TAKE },		/* sdb */
	/* 10 */ { PVH, EXT(256 * 4), "disk", TAKE },
	/* 11 */ { PVH, DEV(202, 48), "cdrom", CDROM },
	/* 12 */ { PVH, DEV(22, 0), "cdrom", CDROM },
	/* 13 */ { PVH, DEV(202, 16), NULL, NO_TYPE },
	/* HVM, emulated disks unplugged: as PVH */
	/* 14 */ { HVM_UNPLUGGED, DEV(202, 0), "disk", TAKE },
	/* 15 */ { HVM_UNPLUGGED, DEV(3, 0), "disk", TAKE },
	/* 16 */ { HVM_UNPLUGGED, DEV(65, 0), "disk", TAKE },	/* sdq */
	/* 17 */ { HVM_UNPLUGGED, DEV(202, 48), "cdrom", CDROM },
	/* 18 */ { HVM_UNPLUGGED, DEV(202, 16), NULL, NO_TYPE },
	/* HVM keeping its emulated disks: the hd/sd names are theirs */
	/* 19 */ { HVM_KEPT, DEV(202, 16), "disk", TAKE },
	/* 20 */ { HVM_KEPT, EXT(256 * 30), "disk", TAKE },
	/* 21 */ { HVM_KEPT, EXT(0), "disk", TAKE },		/* xvda, extended */
	/* 22 */ { HVM_KEPT, DEV(3, 0), "disk", EMULATED },
	/* 23 */ { HVM_KEPT, DEV(3, 64), "disk", EMULATED },	/* hdb */
	/* 24 */ { HVM_KEPT, DEV(22, 64), "disk", EMULATED },	/* hdd */
	/* 25 */ { HVM_KEPT, DEV(8, 0), "disk", EMULATED },
	/* 26 */ { HVM_KEPT, DEV(71, 240), "disk", EMULATED },
	/* 27 */ { HVM_KEPT, DEV(135, 0), "disk", EMULATED },
	/* 28 */ { HVM_KEPT, DEV(3, 0), "cdrom", EMULATED },
	/* 29 */ { HVM_KEPT, DEV(201, 0), "disk", EMULATED },	/* unknown */
	/* 30 */ { HVM_KEPT, DEV(202, 0) | (1U << 16), "disk", EMULATED },
	/* 31 */ { HVM_KEPT, DEV(202, 48), "cdrom", CDROM },
	/* 32 */ { HVM_KEPT, DEV(202, 16), NULL, NO_TYPE },
	/* HVM whose emulated disks were never unplugged: nothing */
	/* 33 */ { HVM_NO_UNPLUG, DEV(202, 16), "disk", NO_PV },
	/* 34 */ { HVM_NO_UNPLUG, EXT(256 * 30), "disk", NO_PV },
	/* 35 */ { HVM_NO_UNPLUG, DEV(3, 0), "cdrom", NO_PV },
	/* device-type as Linux compares it: a "cdrom" prefix */
	/* 36 */ { PVH, DEV(202, 16), "cdrom-rw", CDROM },
	/* 37 */ { PVH, DEV(202, 16), "cdro", TAKE },
	/* 38 */ { PVH, DEV(202, 16), "", TAKE },
	/* 39 */ { PVH, DEV(202, 16), "CDROM", TAKE },
};

static void test_verdicts(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verdicts); i++) {
		const struct verdict_case *c = &verdicts[i];

		case_equal(i, xsplit_blkf_vdev_verdict(&c->g, c->vdev, c->type),
			   c->want);
	}
}

/* Every verdict has its own log text. */
static void test_verdict_names(void **state)
{
	int v, w;

	for (v = TAKE; v <= CDROM; v++)
		for (w = v + 1; w <= CDROM; w++)
			assert_string_not_equal(xsplit_blkf_verdict_name(v),
						xsplit_blkf_verdict_name(w));
	assert_string_equal(xsplit_blkf_verdict_name(TAKE), "attached");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_name_too_small),
		cmocka_unit_test(test_all_short_forms),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

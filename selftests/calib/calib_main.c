// SPDX-License-Identifier: GPL-2.0
/*
 * xsplit_calib: module parameters and the two roles (see calib.h).
 */
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/string.h>
#include <xen/xen.h>

#include "calib.h"

#define CALIB_REPS_DEFAULT	200
#define CALIB_REPS_MAX		100000

static char *role = "measure";
module_param(role, charp, 0444);
MODULE_PARM_DESC(role, "offer (in the guest) or measure (in dom0; default)");

static uint domid;
module_param(domid, uint, 0444);
MODULE_PARM_DESC(domid, "measure: the guest that offers its pages");

unsigned int calib_reps = CALIB_REPS_DEFAULT;
module_param_named(reps, calib_reps, uint, 0444);
MODULE_PARM_DESC(reps, "Repetitions of each timed 4 KiB op, 1..100000 (default 200); 1 MiB ops run reps/16 times");

static struct calib_offer *offer;

void calib_report(struct calib_watch *w, const char *op, unsigned int n)
{
	u64 ns = ktime_get_ns() - w->start;

	pr_info("CALIB %s %s n=%u ns=%llu\n", w->role, op, n,
		n ? div_u64(ns, n) : 0);
}

static int __init calib_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	if (!calib_reps || calib_reps > CALIB_REPS_MAX) {
		pr_err("reps=%u: out of 1..%u\n", calib_reps, CALIB_REPS_MAX);
		return -EINVAL;
	}
	if (!strcmp(role, "offer")) {
		err = calib_cpu("guest");
		if (err)
			return err;
		offer = calib_offer_start();
		return PTR_ERR_OR_ZERO(offer);
	}
	if (strcmp(role, "measure")) {
		pr_err("role=%s: neither offer nor measure\n", role);
		return -EINVAL;
	}
	if (!domid || domid >= DOMID_FIRST_RESERVED) {
		pr_err("measure: domid=%u is no guest\n", domid);
		return -EINVAL;
	}
	err = calib_cpu("dom0");
	if (err)
		return err;
	return calib_measure(domid);
}

static void __exit calib_exit(void)
{
	if (!IS_ERR_OR_NULL(offer))
		calib_offer_stop(offer);
}

module_init(calib_init);
module_exit(calib_exit);
MODULE_DESCRIPTION("xsplit lab: unit costs of Xen I/O (test only)");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * Fault points, armed from debugfs (see xsplit_fault.h).  An unarmed point
 * costs two plain loads, so the lab's modules behave and perform as the
 * released ones do until a test arms one.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/random.h>

#include "fault/xsplit_fault.h"

#define XSPLIT_FAULT_DIR	"xsplit_fault"
#define XSPLIT_FAULT_PERCENT	100
#define XSPLIT_FAULT_RW		0644
#define XSPLIT_FAULT_RO		0444
/* What a DELAY hit holds a response back by, unless the test says. */
#define XSPLIT_FAULT_DEFAULT_DELAY_MS	20

struct xsplit_fault_attr {
	u32 interval;
	u32 probability;
	atomic_t times;
	atomic_t calls;
	atomic_t hits;
};

static struct xsplit_fault_attr xsplit_faults[XSPLIT_FAULT_NR];
static u32 xsplit_fault_delay = XSPLIT_FAULT_DEFAULT_DELAY_MS;
static struct dentry *xsplit_fault_root;

static const char *const xsplit_fault_names[XSPLIT_FAULT_NR] = {
	[XSPLIT_FAULT_GRANT_MAP] = "grant_map",
	[XSPLIT_FAULT_GRANT_COPY] = "grant_copy",
	[XSPLIT_FAULT_BIO] = "bio",
	[XSPLIT_FAULT_ALLOC] = "alloc",
	[XSPLIT_FAULT_DELAY] = "delay",
	[XSPLIT_FAULT_EVENT] = "event",
	[XSPLIT_FAULT_UNMAP] = "unmap",
};

/* Within the count the test allowed: take one. */
static bool xsplit_fault_take(struct xsplit_fault_attr *f)
{
	int left = atomic_read(&f->times);

	while (left) {
		if (left < 0)
			return true;
		if (atomic_try_cmpxchg(&f->times, &left, left - 1))
			return true;
	}
	return false;
}

/**
 * xsplit_fault - should this pass through @point fail?
 * @point: the fault point
 *
 * Return: true when the test armed @point and this call is chosen.
 */
bool xsplit_fault(enum xsplit_fault_point point)
{
	struct xsplit_fault_attr *f;
	u32 interval, probability;
	unsigned int n;

	if (WARN_ON_ONCE(point >= XSPLIT_FAULT_NR))
		return false;
	f = &xsplit_faults[point];
	interval = READ_ONCE(f->interval);
	probability = READ_ONCE(f->probability);
	if (!interval && !probability)
		return false;
	n = atomic_inc_return(&f->calls);
	if (!(interval && n % interval == 0) &&
	    !(probability &&
	      get_random_u32() % XSPLIT_FAULT_PERCENT < probability))
		return false;
	if (!xsplit_fault_take(f))
		return false;
	atomic_inc(&f->hits);
	return true;
}
EXPORT_SYMBOL_GPL(xsplit_fault);

unsigned int xsplit_fault_delay_ms(void)
{
	return READ_ONCE(xsplit_fault_delay);
}
EXPORT_SYMBOL_GPL(xsplit_fault_delay_ms);

static void xsplit_fault_add(struct dentry *dir, struct xsplit_fault_attr *f)
{
	atomic_set(&f->times, -1);
	debugfs_create_u32("interval", XSPLIT_FAULT_RW, dir, &f->interval);
	debugfs_create_u32("probability", XSPLIT_FAULT_RW, dir,
			   &f->probability);
	debugfs_create_atomic_t("times", XSPLIT_FAULT_RW, dir, &f->times);
	debugfs_create_atomic_t("calls", XSPLIT_FAULT_RO, dir, &f->calls);
	debugfs_create_atomic_t("hits", XSPLIT_FAULT_RO, dir, &f->hits);
}

/* debugfs absent or failing leaves every point unarmed: not an error. */
int xsplit_fault_init(void)
{
	struct dentry *dir;
	unsigned int i;

	xsplit_fault_root = debugfs_create_dir(XSPLIT_FAULT_DIR, NULL);
	for (i = 0; i < XSPLIT_FAULT_NR; i++) {
		dir = debugfs_create_dir(xsplit_fault_names[i],
					 xsplit_fault_root);
		xsplit_fault_add(dir, &xsplit_faults[i]);
		if (i == XSPLIT_FAULT_DELAY)
			debugfs_create_u32("delay_ms", XSPLIT_FAULT_RW, dir,
					   &xsplit_fault_delay);
	}
	pr_warn("fault injection compiled in (test build): %s in debugfs\n",
		XSPLIT_FAULT_DIR);
	return 0;
}

void xsplit_fault_exit(void)
{
	debugfs_remove(xsplit_fault_root);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide live counters in debugfs, for the core and every driver
 * (see xsplit_counters.h).
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>

#include "xenbus/xsplit_counters.h"

/* Every counter file is read-only: the module alone moves its counters. */
#define XSPLIT_COUNTER_MODE	0444

/**
 * xsplit_counters_add - create a debugfs directory of counter files
 * @dir: the directory's name under debugfs' root (a module's name)
 * @counters: the files, each a name and the counter it shows
 * @n: how many there are
 *
 * Return: a handle for xsplit_counters_remove(), whatever happened: an
 * error pointer when debugfs is absent, which remove accepts.  Callers
 * need not check it; their counters count either way.
 */
struct dentry *xsplit_counters_add(const char *dir,
				   const struct xsplit_counter *counters,
				   unsigned int n)
{
	struct dentry *d = debugfs_create_dir(dir, NULL);
	unsigned int i;

	if (IS_ERR(d))
		return d;
	for (i = 0; i < n; i++)
		debugfs_create_atomic_t(counters[i].name, XSPLIT_COUNTER_MODE,
					d, counters[i].val);
	return d;
}
EXPORT_SYMBOL_GPL(xsplit_counters_add);

/* Remove the directory and its files; NULL and error pointers are fine. */
void xsplit_counters_remove(struct dentry *handle)
{
	debugfs_remove(handle);
}
EXPORT_SYMBOL_GPL(xsplit_counters_remove);

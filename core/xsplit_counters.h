/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide live counters, read-only in debugfs: a module lists its
 * counters once and gets /sys/kernel/debug/<dir>/<name> for each.  The
 * lab's leak checks read them before and after a guest's life.  The
 * counters are plain atomics owned by the caller, so counting goes on
 * when debugfs is absent; only the files are missing then.
 */
#ifndef XSPLIT_COUNTERS_H
#define XSPLIT_COUNTERS_H

#include <linux/atomic.h>

struct dentry;

/* One file: its name and the counter it shows. */
struct xsplit_counter {
	const char *name;
	atomic_t *val;
};

struct dentry *xsplit_counters_add(const char *dir,
				   const struct xsplit_counter *counters,
				   unsigned int n);
void xsplit_counters_remove(struct dentry *handle);

struct seq_file;
struct xsplit_back_ring;
void xsplit_back_ring_show(struct seq_file *m, const char *what,
			   const struct xsplit_back_ring *r);

#endif /* XSPLIT_COUNTERS_H */

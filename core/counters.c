// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide live counters in debugfs, for the core and every driver
 * (see xsplit_counters.h), and the views of a ring that drivers' own
 * debugfs files share.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "core/xsplit_counters.h"
#include "ring/xsplit_ring.h"

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

/**
 * xsplit_back_ring_show - one line about a backend's ring, for debugfs
 * @m: the file
 * @what: the ring's name in the line
 * @r: the ring
 *
 * The shared indices as the frontend left them (unlocked snapshots) and
 * ours: how far each end got, and who waits for whom.
 */
void xsplit_back_ring_show(struct seq_file *m, const char *what,
			   const struct xsplit_back_ring *r)
{
	const struct xsplit_sring *s = r->sring;

	if (!s) {
		seq_printf(m, "%s: not mapped\n", what);
		return;
	}
	seq_printf(m, "%s: size %u, req_prod %u req_cons %u req_event %u, rsp_prod %u (pushed %u, filled %u) rsp_event %u%s\n",
		   what, r->nr_ents, READ_ONCE(s->req_prod), r->req_cons,
		   READ_ONCE(s->req_event), READ_ONCE(s->rsp_prod),
		   r->rsp_pushed, r->rsp_prod_pvt, READ_ONCE(s->rsp_event),
		   r->broken ? ", broken" : "");
}
EXPORT_SYMBOL_GPL(xsplit_back_ring_show);

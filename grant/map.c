// SPDX-License-Identifier: GPL-2.0
/*
 * Backend: batched map and unmap of grants a frontend offered.
 *
 * Every op's status is checked on its own, so one bad grant fails only the
 * request that carried it.  A page that may still be mapped to a foreign
 * frame (an op we cannot prove unmapped) is leaked, never freed: reusing
 * it would hand the peer's memory to whoever gets the page next.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "grant/xsplit_grant.h"
#include "grant/stats.h"
#include "grant/internal.h"
#include "fault/xsplit_fault.h"

/* Ops per hypercall; the scratch arrays for one chunk live on the stack. */
#define XSPLIT_GNT_CHUNK 16

static_assert(PAGE_SIZE == XEN_PAGE_SIZE,
	      "xsplit maps one grant per page");

static int xsplit_gnt_errno(s16 status)
{
	switch (status) {
	case GNTST_okay:
		return 0;
	case GNTST_no_device_space:
		return -ENOSPC;
	case GNTST_eagain:
		return -EAGAIN;
	case GNTST_permission_denied:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* Record one op's outcome in its entry. */
static void xsplit_gnt_map_one_done(struct xsplit_gnt_map *m,
				    const struct gnttab_map_grant_ref *op,
				    struct page *page)
{
	if (op->status == GNTST_okay &&
	    op->handle != XSPLIT_GNT_INVALID_HANDLE) {
		m->page = page;
		m->handle = op->handle;
		m->status = 0;
		atomic_inc(&xsplit_gnt_nr_mapped);
		return;
	}
	m->page = NULL;
	m->handle = XSPLIT_GNT_INVALID_HANDLE;
	if (op->status == GNTST_okay) {
		/* Mapped, but we cannot unmap it: keep the page forever. */
		atomic_inc(&xsplit_gnt_nr_leaked);
		pr_warn_ratelimited("grant %u from dom%u: no handle, page leaked\n",
				    m->gref, m->domid);
		m->status = -EIO;
		return;
	}
	m->status = xsplit_gnt_errno(op->status);
	pr_debug("grant %u from dom%u: map status %d\n",
		 m->gref, m->domid, op->status);
}

static int xsplit_gnt_map_chunk(struct xsplit_gnt_map *maps, unsigned int n)
{
	struct gnttab_map_grant_ref ops[XSPLIT_GNT_CHUNK];
	struct page *pages[XSPLIT_GNT_CHUNK];
	unsigned int i, failed = 0;
	u32 flags;
	int err;

	/* An injected failure takes the path of a real shortage. */
	err = xsplit_fault(XSPLIT_FAULT_GRANT_MAP) ? -ENOMEM :
	      gnttab_alloc_pages(n, pages);
	if (err) {
		for (i = 0; i < n; i++) {
			maps[i].page = NULL;
			maps[i].handle = XSPLIT_GNT_INVALID_HANDLE;
			maps[i].status = -ENOMEM;
		}
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		flags = GNTMAP_host_map;
		if (maps[i].readonly)
			flags |= GNTMAP_readonly;
		gnttab_set_map_op(&ops[i], xsplit_gnt_vaddr(pages[i]), flags,
				  maps[i].gref, maps[i].domid);
		ops[i].handle = XSPLIT_GNT_INVALID_HANDLE;
	}
	/* The per-op statuses are authoritative, whatever this returns. */
	err = gnttab_map_refs(ops, NULL, pages, n);
	if (err)
		pr_warn_ratelimited("gnttab_map_refs: %d\n", err);

	for (i = 0; i < n; i++) {
		xsplit_gnt_map_one_done(&maps[i], &ops[i], pages[i]);
		if (!maps[i].status)
			continue;
		failed++;
		if (ops[i].status != GNTST_okay)
			gnttab_free_pages(1, &pages[i]);
	}
	return failed ? -EIO : 0;
}

/**
 * xsplit_gnt_map - map foreign grants, one page each
 * @maps: entries with gref, domid and readonly filled in
 * @n: number of entries
 *
 * Each entry gets its own status; a mapped entry has a page and a handle
 * and must be given back to xsplit_gnt_unmap().  Failed entries hold no
 * page.  Returns 0 if all mapped, else the first error seen (-ENOMEM,
 * -EIO), with the successful entries still mapped.
 */
int xsplit_gnt_map(struct xsplit_gnt_map *maps, unsigned int n)
{
	unsigned int done, chunk;
	int err, ret = 0;

	for (done = 0; done < n; done += chunk) {
		chunk = min_t(unsigned int, n - done, XSPLIT_GNT_CHUNK);
		err = xsplit_gnt_map_chunk(maps + done, chunk);
		if (err && !ret)
			ret = err;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_map);

/*
 * Unmap the mapped entries of @maps, free the pages batch.c proved
 * unmapped and say which were kept.  The line a kept page gets is the one
 * fault-matrix counts: "(0/0)" there is an injected failure.
 */
static void xsplit_gnt_unmap_chunk(struct xsplit_gnt_map *maps,
				   unsigned int n)
{
	struct gnttab_unmap_grant_ref ops[XSPLIT_GNT_CHUNK];
	struct page *pages[XSPLIT_GNT_CHUNK];
	struct xsplit_gnt_map *owner[XSPLIT_GNT_CHUNK];
	struct xsplit_gnt_batch b = {
		.unmap_ops = ops, .pages = pages, .max = XSPLIT_GNT_CHUNK,
	};
	struct xsplit_gnt_map *m;
	unsigned int i, op;
	int err;

	for (i = 0; i < n; i++) {
		m = &maps[i];
		if (!m->page || m->handle == XSPLIT_GNT_INVALID_HANDLE)
			continue;
		op = xsplit_gnt_batch_unmap_add(&b, m->page, m->handle);
		owner[op] = m;
	}
	err = xsplit_gnt_batch_unmap_sync(&b);
	for (op = 0; op < b.nr; op++) {
		m = owner[op];
		if (xsplit_gnt_batch_unmapped(&b, op))
			gnttab_free_pages(1, &pages[op]);
		else
			pr_warn_ratelimited("grant %u: unmap failed (%d/%d), page leaked\n",
					    m->gref, err, ops[op].status);
		m->page = NULL;
		m->handle = XSPLIT_GNT_INVALID_HANDLE;
	}
}

/**
 * xsplit_gnt_unmap - unmap what xsplit_gnt_map() mapped and free the pages
 * @maps: entries; those without a page are skipped
 * @n: number of entries
 *
 * Sleeps until every page is no longer in use (e.g. by the network stack).
 */
void xsplit_gnt_unmap(struct xsplit_gnt_map *maps, unsigned int n)
{
	unsigned int done, chunk;

	for (done = 0; done < n; done += chunk) {
		chunk = min_t(unsigned int, n - done, XSPLIT_GNT_CHUNK);
		xsplit_gnt_unmap_chunk(maps + done, chunk);
	}
}
EXPORT_SYMBOL_GPL(xsplit_gnt_unmap);

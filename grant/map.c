// SPDX-License-Identifier: GPL-2.0
/*
 * Backend: map grants a frontend offered, each into a page of its own.
 *
 * For callers without a page pool (blkback, the persistent-grant cache):
 * a page is allocated per grant and each op's outcome lands in its entry
 * as an errno, so one bad grant fails only the request that carried it.
 * The ops, their status checks and the grant counters are batch.c's, on a
 * batch over arrays on the stack.  A page that may still be mapped to a
 * foreign frame is leaked, never freed: reusing it would hand the peer's
 * memory to whoever gets the page next.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <xen/grant_table.h>

#include "grant/xsplit_grant.h"
#include "fault/xsplit_fault.h"

/* Ops per hypercall; the arrays of one chunk's batch live on the stack. */
#define XSPLIT_GNT_CHUNK 16

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

/*
 * Record op @i of the map flush @b in entry @m.  A failed op's page is
 * freed, unless Xen mapped it without a handle to unmap it with: batch.c
 * counted that page leaked, and leaked it stays.
 */
static int xsplit_gnt_map_take(struct xsplit_gnt_map *m,
			       const struct xsplit_gnt_batch *b, unsigned int i)
{
	s16 status = b->map_ops[i].status;

	m->page = NULL;
	m->handle = xsplit_gnt_batch_handle(b, i);
	if (m->handle != XSPLIT_GNT_INVALID_HANDLE) {
		m->page = b->pages[i];
		m->status = 0;
	} else if (status == GNTST_okay) {
		m->status = -EIO;
	} else {
		m->status = xsplit_gnt_errno(status);
		pr_debug("grant %u from dom%u: map status %d\n",
			 m->gref, m->domid, status);
		gnttab_free_pages(1, &b->pages[i]);
	}
	return m->status;
}

static int xsplit_gnt_map_chunk(struct xsplit_gnt_map *maps, unsigned int n)
{
	struct gnttab_map_grant_ref ops[XSPLIT_GNT_CHUNK];
	struct page *pages[XSPLIT_GNT_CHUNK];
	struct xsplit_gnt_batch b = {
		.map_ops = ops, .pages = pages, .max = XSPLIT_GNT_CHUNK,
	};
	unsigned int i, failed = 0;
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
	/* Queued in order: op i is entry i, its page pages[i]. */
	for (i = 0; i < n; i++)
		xsplit_gnt_batch_map_add(&b, pages[i], maps[i].gref,
					 maps[i].domid, maps[i].readonly);
	xsplit_gnt_batch_map(&b);
	for (i = 0; i < n; i++)
		failed += xsplit_gnt_map_take(&maps[i], &b, i) != 0;
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

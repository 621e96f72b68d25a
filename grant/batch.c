// SPDX-License-Identifier: GPL-2.0
/*
 * Backend: map grants into pages the caller keeps, many per hypercall.
 *
 * This is the one place that issues grant map and unmap ops, checks each
 * op's status on its own and keeps the grant counters true.  A driver that
 * keeps a pool of pages for the whole connection (netback's zero-copy
 * transmit) uses a batch directly, from NAPI; map.c puts one on the stack
 * for callers that want a page allocated per grant.  A page whose unmap
 * cannot be proven is counted leaked and dropped from the batch: it may
 * still show the peer's frame, so its owner must never reuse it.  A batch
 * is used from one context at a time: a driver that maps in one (NAPI) and
 * unmaps in another (a worker) keeps a batch for each.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "grant/xsplit_grant.h"
#include "grant/stats.h"
#include "fault/xsplit_fault.h"

static_assert(PAGE_SIZE == XEN_PAGE_SIZE,
	      "xsplit maps one grant per page");

/* The kernel address a grant op names: one page, one Xen page. */
static unsigned long xsplit_gnt_vaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

/**
 * xsplit_gnt_batch_init - room for @max map and @max unmap ops
 * @b: the batch
 * @max: the most ops one flush issues
 *
 * Process context.  Return: 0 or -ENOMEM (nothing then to free).
 */
int xsplit_gnt_batch_init(struct xsplit_gnt_batch *b, unsigned int max)
{
	*b = (struct xsplit_gnt_batch){ .max = max };
	b->map_ops = kvcalloc(max, sizeof(*b->map_ops), GFP_KERNEL);
	b->unmap_ops = kvcalloc(max, sizeof(*b->unmap_ops), GFP_KERNEL);
	b->pages = kvcalloc(max, sizeof(*b->pages), GFP_KERNEL);
	if (b->map_ops && b->unmap_ops && b->pages)
		return 0;
	xsplit_gnt_batch_free(b);
	return -ENOMEM;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_init);

void xsplit_gnt_batch_free(struct xsplit_gnt_batch *b)
{
	kvfree(b->map_ops);
	kvfree(b->unmap_ops);
	kvfree(b->pages);
	*b = (struct xsplit_gnt_batch){};
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_free);

/**
 * xsplit_gnt_batch_map_add - queue a map of @gref into @page
 * @b: the batch, with room (the caller sizes it for its pool)
 * @page: the caller's page, not mapped now
 * @gref: the peer's grant
 * @domid: the peer
 * @readonly: map it read-only
 *
 * Return: the op's index, for xsplit_gnt_batch_handle() after the flush.
 */
unsigned int xsplit_gnt_batch_map_add(struct xsplit_gnt_batch *b,
				      struct page *page, grant_ref_t gref,
				      domid_t domid, bool readonly)
{
	struct gnttab_map_grant_ref *op = &b->map_ops[b->nr];
	u32 flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);

	gnttab_set_map_op(op, xsplit_gnt_vaddr(page), flags, gref, domid);
	/* An op Xen never reached must not look mapped. */
	op->status = GNTST_general_error;
	op->handle = XSPLIT_GNT_INVALID_HANDLE;
	b->pages[b->nr] = page;
	return b->nr++;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_map_add);

/**
 * xsplit_gnt_batch_map - issue the queued maps in one hypercall
 * @b: the batch
 *
 * Any context.  The ops stay readable through xsplit_gnt_batch_handle()
 * until the next add; call xsplit_gnt_batch_reset() before queueing more.
 *
 * Return: how many grants are mapped now.
 */
unsigned int xsplit_gnt_batch_map(struct xsplit_gnt_batch *b)
{
	unsigned int i, mapped = 0;
	int err;

	if (!b->nr)
		return 0;
	/* The per-op statuses are authoritative, whatever this returns. */
	err = gnttab_map_refs(b->map_ops, NULL, b->pages, b->nr);
	if (err)
		pr_warn_ratelimited("gnttab_map_refs: %d\n", err);
	for (i = 0; i < b->nr; i++) {
		if (xsplit_gnt_batch_handle(b, i) != XSPLIT_GNT_INVALID_HANDLE) {
			mapped++;
		} else if (b->map_ops[i].status == GNTST_okay) {
			/* Mapped, but no handle to unmap it with. */
			atomic_inc(&xsplit_gnt_nr_leaked);
			pr_warn_ratelimited("grant %u from dom%u: no handle, page leaked\n",
					    b->map_ops[i].ref, b->map_ops[i].dom);
		}
	}
	atomic_add(mapped, &xsplit_gnt_nr_mapped);
	return mapped;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_map);

/* Op @i's handle after a map flush; XSPLIT_GNT_INVALID_HANDLE if it failed. */
grant_handle_t xsplit_gnt_batch_handle(const struct xsplit_gnt_batch *b,
				       unsigned int i)
{
	const struct gnttab_map_grant_ref *op = &b->map_ops[i];

	return op->status == GNTST_okay ? op->handle :
	       XSPLIT_GNT_INVALID_HANDLE;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_handle);

/* Queue the unmap of @page, mapped with @handle; returns the op's index. */
unsigned int xsplit_gnt_batch_unmap_add(struct xsplit_gnt_batch *b,
					struct page *page,
					grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref *op = &b->unmap_ops[b->nr];

	gnttab_set_unmap_op(op, xsplit_gnt_vaddr(page), GNTMAP_host_map, handle);
	/* An op Xen never reached must not look done. */
	op->status = GNTST_general_error;
	b->pages[b->nr] = page;
	return b->nr++;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_unmap_add);

/*
 * Settle the unmap flush whose hypercall returned @err.  Only an op Xen
 * says is done frees its page for reuse; any other page may still show
 * the peer's frame, so the batch drops it and counts it leaked.  @inject
 * arms the unmap fault point, which fails an op only after Xen did it:
 * what it tests is that such a page is kept and counted, never freed.
 */
static void xsplit_gnt_batch_unmap_done(struct xsplit_gnt_batch *b, int err,
					bool inject)
{
	unsigned int i, leaked = 0;

	for (i = 0; i < b->nr; i++) {
		if (!err && b->unmap_ops[i].status == GNTST_okay &&
		    !(inject && xsplit_fault(XSPLIT_FAULT_UNMAP)))
			continue;
		b->pages[i] = NULL;
		leaked++;
	}
	atomic_sub(b->nr, &xsplit_gnt_nr_mapped);
	atomic_add(leaked, &xsplit_gnt_nr_leaked);
}

/**
 * xsplit_gnt_batch_unmap - issue the queued unmaps in one hypercall
 * @b: the batch
 *
 * Process context.  The caller asks xsplit_gnt_batch_unmapped() of each
 * op afterwards: a page not unmapped may still show the peer's frame and
 * must never be reused.
 *
 * Return: the hypercall's own result, for log lines only: each op's
 * outcome is what xsplit_gnt_batch_unmapped() says.
 */
int xsplit_gnt_batch_unmap(struct xsplit_gnt_batch *b)
{
	int err;

	if (!b->nr)
		return 0;
	err = gnttab_unmap_refs(b->unmap_ops, NULL, b->pages, b->nr);
	if (err)
		pr_warn_ratelimited("gnttab_unmap_refs: %d\n", err);
	xsplit_gnt_batch_unmap_done(b, err, false);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_unmap);

/**
 * xsplit_gnt_batch_unmap_sync - unmap the queued ops once the pages are idle
 * @b: the batch
 *
 * Sleeps until nobody else holds a reference to the pages (a socket of a
 * block device on the network may, after its I/O completed): a page still
 * in use must keep showing the peer's data until its user lets go.  The
 * unmap fault point fails ops on this path only (map.c's, which the
 * fault-matrix test counts); netback's pool never sees it.
 *
 * Return: as xsplit_gnt_batch_unmap().
 */
int xsplit_gnt_batch_unmap_sync(struct xsplit_gnt_batch *b)
{
	struct gntab_unmap_queue_data q = {
		.unmap_ops = b->unmap_ops,
		.pages = b->pages,
		.count = b->nr,
	};
	int err;

	if (!b->nr)
		return 0;
	err = gnttab_unmap_refs_sync(&q);
	xsplit_gnt_batch_unmap_done(b, err, true);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_unmap_sync);

/*
 * Was op @i of the last unmap flush done?  If not, the batch no longer
 * holds its page.
 */
bool xsplit_gnt_batch_unmapped(const struct xsplit_gnt_batch *b,
			       unsigned int i)
{
	return b->pages[i];
}
EXPORT_SYMBOL_GPL(xsplit_gnt_batch_unmapped);

// SPDX-License-Identifier: GPL-2.0
/*
 * Backend: grant-copy batches.  Ops are queued until the batch is full or
 * the driver flushes, then issued in one hypercall; each op's status is
 * checked and failures are reported to the driver with the cookie it gave.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "grant/xsplit_grant.h"
#include "fault/xsplit_fault.h"

/* Bounds the arrays a driver can make us allocate. */
#define XSPLIT_GNT_COPY_MAX 4096

/**
 * xsplit_gnt_copy_init - set up an empty batch
 * @batch: the batch
 * @max: ops per hypercall, 1..XSPLIT_GNT_COPY_MAX
 * @on_error: called for every op that failed, may be NULL
 * @ctx: first argument of @on_error
 */
int xsplit_gnt_copy_init(struct xsplit_gnt_copy_batch *batch,
			 unsigned int max, xsplit_gnt_copy_err_fn on_error,
			 void *ctx)
{
	if (!max || max > XSPLIT_GNT_COPY_MAX)
		return -EINVAL;
	batch->ops = kvcalloc(max, sizeof(*batch->ops), GFP_KERNEL);
	if (!batch->ops)
		return -ENOMEM;
	batch->cookies = kvcalloc(max, sizeof(*batch->cookies), GFP_KERNEL);
	if (!batch->cookies)
		goto free_ops;
	batch->nr = 0;
	batch->max = max;
	batch->on_error = on_error;
	batch->ctx = ctx;
	return 0;

free_ops:
	kvfree(batch->ops);
	batch->ops = NULL;
	return -ENOMEM;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_copy_init);

/**
 * xsplit_gnt_copy_free - free a batch; queued ops are dropped unissued
 * @batch: the batch
 */
void xsplit_gnt_copy_free(struct xsplit_gnt_copy_batch *batch)
{
	WARN_ON_ONCE(batch->nr);
	kvfree(batch->cookies);
	kvfree(batch->ops);
	batch->cookies = NULL;
	batch->ops = NULL;
	batch->nr = 0;
	batch->max = 0;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_copy_free);

static void xsplit_gnt_copy_report(struct xsplit_gnt_copy_batch *batch,
				   const struct gnttab_copy *op, void *cookie)
{
	if (batch->on_error)
		batch->on_error(batch->ctx, cookie, op);
}

/* Xen would refuse these too; catching them here saves a hypercall slot. */
static bool xsplit_gnt_copy_sane(const struct gnttab_copy *op)
{
	return op->len <= XEN_PAGE_SIZE &&
	       op->source.offset <= XEN_PAGE_SIZE - op->len &&
	       op->dest.offset <= XEN_PAGE_SIZE - op->len;
}

/**
 * xsplit_gnt_copy_flush - issue the queued ops and check each status
 * @batch: the batch
 *
 * Returns the number of failed ops (each reported to on_error).
 */
unsigned int xsplit_gnt_copy_flush(struct xsplit_gnt_copy_batch *batch)
{
	unsigned int i, failed = 0;

	if (!batch->nr)
		return 0;
	gnttab_batch_copy(batch->ops, batch->nr);
	/* An op Xen failed leaves its destination undefined: so may this. */
	if (xsplit_fault(XSPLIT_FAULT_GRANT_COPY))
		batch->ops[get_random_u32() % batch->nr].status =
			GNTST_general_error;
	for (i = 0; i < batch->nr; i++) {
		if (likely(batch->ops[i].status == GNTST_okay))
			continue;
		failed++;
		xsplit_gnt_copy_report(batch, &batch->ops[i],
				       batch->cookies[i]);
	}
	batch->nr = 0;
	return failed;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_copy_flush);

/**
 * xsplit_gnt_copy_add - queue one copy op, flushing first if the batch is full
 * @batch: the batch
 * @op: the op; copied
 * @cookie: handed to on_error if this op fails
 *
 * Returns the number of failed ops found by a flush this call triggered,
 * plus one if @op itself was malformed (reported at once, not queued).
 */
unsigned int xsplit_gnt_copy_add(struct xsplit_gnt_copy_batch *batch,
				 const struct gnttab_copy *op, void *cookie)
{
	struct gnttab_copy bad;
	unsigned int failed = 0;

	if (unlikely(!xsplit_gnt_copy_sane(op))) {
		bad = *op;
		bad.status = GNTST_bad_copy_arg;
		xsplit_gnt_copy_report(batch, &bad, cookie);
		return 1;
	}
	if (batch->nr >= batch->max)
		failed = xsplit_gnt_copy_flush(batch);
	batch->ops[batch->nr] = *op;
	batch->ops[batch->nr].status = GNTST_general_error;
	batch->cookies[batch->nr++] = cookie;
	return failed;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_copy_add);

/* The page under @p, in the direct map or in vmalloc space. */
static struct page *xsplit_gnt_buf_page(const void *p)
{
	return is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
}

/**
 * xsplit_gnt_read - copy what a peer granted into a buffer, in one hypercall
 * @domid: the granting domain
 * @grefs: its grants, 1..XSPLIT_GNT_READ_MAX; grant i holds bytes
 *	[i * XEN_PAGE_SIZE, (i + 1) * XEN_PAGE_SIZE) of the data
 * @n: how many
 * @dst: where the data goes (kmalloc'ed or vmalloc'ed)
 * @len: bytes to read, at most @n pages' worth
 *
 * Xen copies the bytes: nothing of the peer's is mapped, so there is no
 * unmap and no TLB flush, and the peer cannot change the data after the
 * copy (it is read once, here).  The grants need only be readable.
 *
 * Return: 0, -EINVAL for a bad length or count, -EIO if Xen failed an op
 * (@dst is then undefined).
 */
int xsplit_gnt_read(domid_t domid, const grant_ref_t *grefs, unsigned int n,
		    void *dst, size_t len)
{
	/* each grant's bytes may straddle one page boundary of @dst */
	struct gnttab_copy ops[XSPLIT_GNT_READ_MAX * 2];
	unsigned int i, nr = 0;
	size_t off = 0, chunk;
	u8 *to = dst;

	if (!n || n > XSPLIT_GNT_READ_MAX || !len ||
	    len > (size_t)n * XEN_PAGE_SIZE)
		return -EINVAL;
	while (off < len) {
		chunk = min3(len - off, XEN_PAGE_SIZE - off % XEN_PAGE_SIZE,
			     PAGE_SIZE - offset_in_page(to + off));
		ops[nr++] = (struct gnttab_copy){
			.source.u.ref = grefs[off / XEN_PAGE_SIZE],
			.source.domid = domid,
			.source.offset = off % XEN_PAGE_SIZE,
			.dest.u.gmfn = xen_page_to_gfn(xsplit_gnt_buf_page(to + off)),
			.dest.domid = DOMID_SELF,
			.dest.offset = offset_in_page(to + off),
			.len = chunk,
			.flags = GNTCOPY_source_gref,
		};
		off += chunk;
	}
	gnttab_batch_copy(ops, nr);
	if (xsplit_fault(XSPLIT_FAULT_GRANT_COPY))
		ops[get_random_u32() % nr].status = GNTST_general_error;
	for (i = 0; i < nr; i++)
		if (ops[i].status != GNTST_okay)
			return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_read);

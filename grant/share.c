// SPDX-License-Identifier: GPL-2.0
/*
 * Frontend: grant pages to the other end and take them back.
 *
 * The peer may map a granted ref at any time, even one it was never told
 * about, so a page is only reused or freed once its grant is proved ended.
 * When the peer still maps it, gnttab_end_foreign_access() keeps the page
 * (with a reference of its own) and frees it after the peer lets go.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "grant/xsplit_grant.h"

/**
 * xsplit_gnt_grant_page - let @domid access @page
 * @domid: the backend's domain
 * @page: a page holding nothing but data meant for the peer
 * @readonly: the peer may only read it
 *
 * Returns the grant ref, or -ENOSPC when no grant ref is free.
 */
int xsplit_gnt_grant_page(domid_t domid, struct page *page, bool readonly)
{
	return gnttab_grant_foreign_access(domid, xen_page_to_gfn(page),
					   readonly);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_grant_page);

/*
 * Undo a grant the caller still owns the page of: the page is not freed
 * here, and if the peer happens to map it the grant code holds its own
 * page reference until it lets go, so the caller may free but not reuse.
 */
static void xsplit_gnt_ungrant(grant_ref_t ref)
{
	xsplit_gnttab_end_foreign_access(ref, NULL);
}

/**
 * xsplit_gnt_grant_pages - grant an array of pages, all or nothing
 * @domid: the backend's domain
 * @pages: the pages
 * @n: number of pages
 * @readonly: the peer may only read them
 * @refs: filled with one grant ref per page
 *
 * On failure nothing stays granted; the pages may be freed, not reused.
 */
int xsplit_gnt_grant_pages(domid_t domid, struct page **pages,
			   unsigned int n, bool readonly, grant_ref_t *refs)
{
	unsigned int i;
	int ref;

	for (i = 0; i < n; i++) {
		ref = xsplit_gnt_grant_page(domid, pages[i], readonly);
		if (ref < 0)
			goto ungrant;
		refs[i] = ref;
	}
	return 0;

ungrant:
	while (i--)
		xsplit_gnt_ungrant(refs[i]);
	return ref;
}
EXPORT_SYMBOL_GPL(xsplit_gnt_grant_pages);

/**
 * xsplit_gnt_revoke_page - end the peer's access and free the page
 * @ref: the grant
 * @page: the granted page (order 0), or NULL if the caller frees it
 *
 * The caller's reference to @page is consumed: the page is freed now, or
 * later once the peer stops mapping it.  Never touch @page afterwards.
 */
void xsplit_gnt_revoke_page(grant_ref_t ref, struct page *page)
{
	xsplit_gnttab_end_foreign_access(ref, page);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_revoke_page);

/**
 * xsplit_gnt_revoke_pages - xsplit_gnt_revoke_page() on each of @n pages
 * @refs: the grants
 * @pages: the pages, or NULL
 * @n: number of grants
 */
void xsplit_gnt_revoke_pages(const grant_ref_t *refs, struct page **pages,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xsplit_gnt_revoke_page(refs[i], pages ? pages[i] : NULL);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_revoke_pages);

/**
 * xsplit_gnt_try_revoke - end access only if the peer does not map it
 * @ref: the grant
 *
 * Returns true if access ended and the ref was freed: the page is the
 * caller's again.  On false nothing changed; retry later or fall back to
 * xsplit_gnt_revoke_page(), never reuse the page.
 */
bool xsplit_gnt_try_revoke(grant_ref_t ref)
{
	return gnttab_try_end_foreign_access(ref);
}
EXPORT_SYMBOL_GPL(xsplit_gnt_try_revoke);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen's kernel interfaces (XenBus, grant tables, event channels) as the
 * xsplit core uses them, on every kernel xsplit supports (see
 * compat/xsplit_compat.h and the probes in compat/Kbuild.inc).
 */
#ifndef XSPLIT_COMPAT_XEN_H
#define XSPLIT_COMPAT_XEN_H

#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/xen.h>

/*
 * Are we a PVH guest?  A module may read xen_pvh only where the kernel
 * exports it (not on 5.10): there a PVH guest passes for an HVM one, as
 * it does for Linux's own frontends, which test xen_hvm_domain() only;
 * the kernel's answers about emulated devices then decide alone.
 */
static inline bool xsplit_xen_pvh_domain(void)
{
#ifdef XSPLIT_HAVE_XEN_PVH_EXPORT
	return xen_pvh_domain();
#else
	return false;
#endif
}

/* "no grant": 5.18 named it, as the value every kernel reserves */
#ifndef INVALID_GRANT_REF
#define INVALID_GRANT_REF ((grant_ref_t)-1)
#endif

/*
 * struct xenbus_driver's remove returns nothing since 6.0, an int (which
 * the bus ignored) before: a remove is declared returning
 * XSPLIT_XENBUS_REMOVE_RET and ends with "return XSPLIT_XENBUS_REMOVED;".
 */
#ifdef XSPLIT_HAVE_XENBUS_REMOVE_VOID
#define XSPLIT_XENBUS_REMOVE_RET void
#define XSPLIT_XENBUS_REMOVED
#else
#define XSPLIT_XENBUS_REMOVE_RET int
#define XSPLIT_XENBUS_REMOVED 0
#endif

/*
 * struct xenbus_driver's uevent takes a const device since 6.3 (the
 * driver core's uevent went const).
 */
#ifdef XSPLIT_HAVE_XENBUS_UEVENT_CONST
#define XSPLIT_XENBUS_UEVENT_DEV const struct xenbus_device
#else
#define XSPLIT_XENBUS_UEVENT_DEV struct xenbus_device
#endif

/*
 * A frontend driver the boot need not wait for (5.13): before, there is
 * no such wait to skip either.
 */
static inline void xsplit_xenbus_not_essential(struct xenbus_driver *drv)
{
#ifdef XSPLIT_HAVE_XENBUS_NOT_ESSENTIAL
	drv->not_essential = true;
#endif
}

/* The state node under @path, one of @dev's; 7.x also wants the device. */
static inline enum xenbus_state
xsplit_xenbus_read_state(struct xenbus_device *dev, const char *path)
{
#ifdef XSPLIT_HAVE_READ_DRIVER_STATE_DEV
	return xenbus_read_driver_state(dev, path);
#else
	return xenbus_read_driver_state(path);
#endif
}

/* The state the other end of @dev wrote. */
static inline enum xenbus_state
xsplit_xenbus_otherend_state(struct xenbus_device *dev)
{
	return xsplit_xenbus_read_state(dev, dev->otherend);
}

/* Our own state as XenStore holds it (the toolstack may have written it). */
static inline enum xenbus_state
xsplit_xenbus_own_state(struct xenbus_device *dev)
{
	return xsplit_xenbus_read_state(dev, dev->nodename);
}

/**
 * xsplit_gnttab_end_foreign_access - end a grant, then free its page
 * @ref: the grant
 * @page: its page (order 0), freed once the peer stops mapping it, or NULL
 */
static inline void xsplit_gnttab_end_foreign_access(grant_ref_t ref,
						    struct page *page)
{
#ifdef XSPLIT_HAVE_GNTTAB_END_PAGE
	gnttab_end_foreign_access(ref, page);
#else
	gnttab_end_foreign_access(ref, 0,
				  page ? (unsigned long)page_address(page) : 0UL);
#endif
}

#ifndef XSPLIT_HAVE_XENBUS_SETUP_RING
/*
 * Before 5.18 each driver allocated and granted its shared ring pages
 * itself; these do that under the names, and with the contract, of the
 * helpers 5.18 added.
 */
static inline int xenbus_setup_ring(struct xenbus_device *dev, gfp_t gfp,
				    void **vaddr, unsigned int nr_pages,
				    grant_ref_t *grefs)
{
	size_t size = (size_t)nr_pages * XEN_PAGE_SIZE;
	unsigned int i;
	int err;

	*vaddr = alloc_pages_exact(size, gfp | __GFP_ZERO);
	if (!*vaddr) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating ring page");
		err = -ENOMEM;
		goto invalid;
	}
	/* on failure it has ended the grants it made and said why */
	err = xenbus_grant_ring(dev, *vaddr, nr_pages, grefs);
	if (!err)
		return 0;
	free_pages_exact(*vaddr, size);
	*vaddr = NULL;
invalid:
	for (i = 0; i < nr_pages; i++)
		grefs[i] = INVALID_GRANT_REF;
	return err;
}

static inline void xenbus_teardown_ring(void **vaddr, unsigned int nr_pages,
					grant_ref_t *grefs)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		if (grefs[i] == INVALID_GRANT_REF)
			continue;
		gnttab_end_foreign_access(grefs[i], 0, 0UL);
		grefs[i] = INVALID_GRANT_REF;
	}
	if (*vaddr)
		free_pages_exact(*vaddr, (size_t)nr_pages * XEN_PAGE_SIZE);
	*vaddr = NULL;
}
#endif /* !XSPLIT_HAVE_XENBUS_SETUP_RING */

/* An interdomain channel with a late EOI, from the peer's xenbus device. */
static inline int
xsplit_bind_interdomain_lateeoi(struct xenbus_device *dev,
				evtchn_port_t remote_port,
				irq_handler_t handler, unsigned long irqflags,
				const char *name, void *data)
{
#ifdef XSPLIT_HAVE_BIND_INTERDOMAIN_XENBUS
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, remote_port,
							      handler, irqflags,
							      name, data);
#else
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(dev->otherend_id,
							      remote_port,
							      handler, irqflags,
							      name, data);
#endif
}

#endif /* XSPLIT_COMPAT_XEN_H */

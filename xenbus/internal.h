/* SPDX-License-Identifier: GPL-2.0 */
/* Private plumbing between the files of the xenbus/ glue. */
#ifndef XSPLIT_XENBUS_INTERNAL_H
#define XSPLIT_XENBUS_INTERNAL_H

#include "xenbus/xsplit_xenbus.h"

/* dispatch.c: feed an event to the state machine; lock held. */
bool xsplit_xb_dispatch(struct xsplit_xb_dev *dev, enum xsplit_fsm_event ev);
void xsplit_xb_set_fatal(struct xsplit_xb_dev *dev, int err,
			 const char *what);

/* fatal.c: errors a driver reports from any context. */
void xsplit_xb_fatal_init(struct xsplit_xb_dev *dev);
void xsplit_xb_fatal_clear(struct xsplit_xb_dev *dev);
void xsplit_xb_fatal_cancel(struct xsplit_xb_dev *dev);

/* reconf.c: a frontend's Reconfiguring round (xsplit_xb_reconfigure()). */
void xsplit_xb_reconf_init(struct xsplit_xb_dev *dev);
void xsplit_xb_reconf_kick(struct xsplit_xb_dev *dev);
void xsplit_xb_reconf_cancel(struct xsplit_xb_dev *dev);

/* hotplug.c: the backend's hotplug-status watch. */
int xsplit_xb_hotplug_watch(struct xsplit_xb_dev *dev);
void xsplit_xb_hotplug_unwatch(struct xsplit_xb_dev *dev);

/*
 * xs.c: one numeric key of a queue (or the device), within the table's
 * bounds; the drivers use the typed helpers of xsplit_xenbus.h.
 */
int xsplit_xb_read(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		   enum xsplit_key_id id, unsigned int nr_queues,
		   unsigned int queue, unsigned int index, u32 *val);

/* xs.c: the directory a key is read from, by our role and its writer. */
const char *xsplit_xb_key_dir(const struct xsplit_xb_dev *dev,
			      const struct xsplit_key *key);

#endif /* XSPLIT_XENBUS_INTERNAL_H */

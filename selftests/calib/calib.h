/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit_calib: what one unit of Xen I/O work costs on this machine, so
 * that the data-path levers of issue #15 are chosen by measurement.
 *
 * Two roles of one module.  In a guest, role=offer grants CALIB_PAGES pages
 * to dom0, opens an event channel for it that echoes every event back, and
 * publishes both under its XenStore home (data/xsplit-calib).  In dom0,
 * role=measure domid=N maps, copies and signals against what that guest
 * offered.  Both roles first time the CPU-only costs (memcpy, copy_page,
 * clear_page).  Every figure is one line on the kernel log:
 *
 *	xsplit_calib: CALIB <role> <op> n=<ops timed> ns=<ns per op>
 *
 * which the lab's calib scenario gathers into a table.
 */
#ifndef XSPLIT_CALIB_H
#define XSPLIT_CALIB_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <xen/grant_table.h>
#include <xen/interface/event_channel.h>

/* Pages the guest offers: one MiB, the largest batch timed. */
#define CALIB_PAGES		256
#define CALIB_MIB		(1024 * 1024)
/* Where the guest publishes, relative to its XenStore home. */
#define CALIB_XS_DIR		"data/xsplit-calib"
#define CALIB_XS_REFS		"refs"
#define CALIB_XS_PORT		"port"
/* Longest wait for one echoed event before the round trips give up. */
#define CALIB_ECHO_MS		2000

extern unsigned int calib_reps;

/* A stopwatch over @n operations. */
struct calib_watch {
	const char *role;
	u64 start;
};

static inline void calib_start(struct calib_watch *w, const char *role)
{
	w->role = role;
	w->start = ktime_get_ns();
}

void calib_report(struct calib_watch *w, const char *op, unsigned int n);

int calib_cpu(const char *role);

/* role=offer (guest) */
struct calib_offer;
struct calib_offer *calib_offer_start(void);
void calib_offer_stop(struct calib_offer *offer);

/* role=measure (dom0) */
int calib_measure(domid_t domid);

#endif /* XSPLIT_CALIB_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Late-EOI accounting of one event channel, free of kernel calls so it is
 * unit-tested in user space.  Each event is answered with exactly one EOI;
 * an event that found no work is flagged spurious, which makes Xen back
 * off delivering that channel, so a peer flooding us cannot spin a CPU.
 */
#ifndef XSPLIT_EVTCHN_EOI_H
#define XSPLIT_EVTCHN_EOI_H

#include "xsplit_types.h"

/* Same value as the kernel's XEN_EOI_FLAG_SPURIOUS (checked in evtchn.c). */
#define XSPLIT_EOI_SPURIOUS 0x1u

/* What a driver's event handler tells the core. */
enum xsplit_evtchn_ret {
	XSPLIT_EVTCHN_WORK,	/* found work and did it: EOI now */
	XSPLIT_EVTCHN_NO_WORK,	/* nothing to do: spurious EOI now */
	XSPLIT_EVTCHN_DEFERRED,	/* work passed on; driver calls eoi later */
};

struct xsplit_evtchn_stats {
	u64 events;		/* EOIs sent */
	u64 spurious;		/* of which found no work */
};

unsigned int xsplit_evtchn_account(struct xsplit_evtchn_stats *stats,
				   bool found_work);
bool xsplit_evtchn_eoi_now(enum xsplit_evtchn_ret ret);
void xsplit_evtchn_stats_read(const struct xsplit_evtchn_stats *stats,
			      struct xsplit_evtchn_stats *out);

#endif /* XSPLIT_EVTCHN_EOI_H */

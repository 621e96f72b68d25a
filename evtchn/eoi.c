// SPDX-License-Identifier: GPL-2.0
/*
 * Late-EOI accounting.  Only the EOI path writes the counters, and Xen does
 * not deliver a late-EOI channel again before its EOI, so there is one
 * writer per channel; readers (stats) may run anywhere, hence the ONCEs.
 */
#include "evtchn/eoi.h"

/* Count one event; returns the EOI flags to send with it. */
unsigned int xsplit_evtchn_account(struct xsplit_evtchn_stats *stats,
				   bool found_work)
{
	WRITE_ONCE(stats->events, stats->events + 1);
	if (found_work)
		return 0;
	WRITE_ONCE(stats->spurious, stats->spurious + 1);
	return XSPLIT_EOI_SPURIOUS;
}

/* Whether the core sends the EOI as soon as the driver's handler returns. */
bool xsplit_evtchn_eoi_now(enum xsplit_evtchn_ret ret)
{
	return ret != XSPLIT_EVTCHN_DEFERRED;
}

void xsplit_evtchn_stats_read(const struct xsplit_evtchn_stats *stats,
			      struct xsplit_evtchn_stats *out)
{
	out->events = READ_ONCE(stats->events);
	out->spurious = READ_ONCE(stats->spurious);
}

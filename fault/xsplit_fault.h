/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for test builds (make FAULT_INJECTION=1; the lab builds
 * this way).  Each point is a place where the hypervisor, the block layer
 * or the allocator can fail on a real host; a test arms it through
 * debugfs (/sys/kernel/debug/xsplit_fault/<point>/):
 *   interval     fail every Nth call (0: off)
 *   probability  fail a call with this chance, in percent (0: off)
 *   times        fail at most this many more calls (-1: no limit)
 *   calls, hits  how often the point was passed and made to fail
 *   delay_ms     (delay only) how long a held-back response waits
 * Without FAULT_INJECTION the calls compile to nothing.
 */
#ifndef XSPLIT_FAULT_H
#define XSPLIT_FAULT_H

#include <linux/types.h>

enum xsplit_fault_point {
	XSPLIT_FAULT_GRANT_MAP,		/* a batch of grant maps: -ENOMEM */
	XSPLIT_FAULT_GRANT_COPY,	/* one grant-copy op: error status */
	XSPLIT_FAULT_BIO,		/* a bio: I/O error, never submitted */
	XSPLIT_FAULT_ALLOC,		/* a data-path allocation: NULL */
	XSPLIT_FAULT_DELAY,		/* a response held back delay_ms */
	XSPLIT_FAULT_EVENT,		/* an event notification: not sent */
	XSPLIT_FAULT_UNMAP,		/* one grant unmap op: error status */
	XSPLIT_FAULT_NR,
};

#ifdef CONFIG_XSPLIT_FAULT_INJECTION
bool xsplit_fault(enum xsplit_fault_point point);
unsigned int xsplit_fault_delay_ms(void);
int xsplit_fault_init(void);
void xsplit_fault_exit(void);
#else
static inline bool xsplit_fault(enum xsplit_fault_point point)
{
	return false;
}

static inline unsigned int xsplit_fault_delay_ms(void)
{
	return 0;
}
#endif

#endif /* XSPLIT_FAULT_H */

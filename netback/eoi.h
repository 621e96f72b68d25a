/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A queue's deferred late EOIs, free of kernel calls so the unit tests
 * exercise them in user space; queue.c does the atomics around them.
 *
 * An event handler that finds work sets the pending bit of each half it
 * hands the event to (NAPI for tx, the thread for rx).  A half that is done
 * clears its bit and, in the same atomic xor, sets its FOUND bit when it
 * actually did something.  Each channel owes one EOI per event: on split
 * channels every half sends its own; on a shared channel the half that
 * clears the last pending bit sends it, as real work if either half found
 * some, else as spurious, so that Xen backs off a frontend that kicks us
 * for nothing.  Until the EOI, Xen delivers nothing more on the channel,
 * so the bits of one event never mix with the next one's.
 */
#ifndef XSPLIT_NB_EOI_H
#define XSPLIT_NB_EOI_H

#include "xsplit_types.h"

/* eoi_pending bits: which half still owes the EOI of a deferred event... */
#define XSPLIT_NB_EOI_TX	BIT(0)
#define XSPLIT_NB_EOI_RX	BIT(1)
#define XSPLIT_NB_EOI_PENDING	(XSPLIT_NB_EOI_TX | XSPLIT_NB_EOI_RX)
/* ... and which half found work for it (pending bit, shifted). */
#define XSPLIT_NB_EOI_FOUND_SHIFT 2
#define XSPLIT_NB_EOI_FOUND(bit) ((bit) << XSPLIT_NB_EOI_FOUND_SHIFT)

enum xsplit_nb_eoi_act {
	XSPLIT_NB_EOI_NONE,	/* the other half still owes it */
	XSPLIT_NB_EOI_WORK,	/* EOI now: work was found */
	XSPLIT_NB_EOI_SPURIOUS,	/* EOI now, flagged spurious */
};

/* What half @bit xors into eoi_pending when done, while its bit is set. */
static inline unsigned int xsplit_nb_eoi_done_mask(unsigned int bit,
						   bool found)
{
	return bit | (found ? XSPLIT_NB_EOI_FOUND(bit) : 0);
}

/**
 * xsplit_nb_eoi_settle - what the half that just finished must do
 * @now: eoi_pending right after its xor
 * @bit: the half, XSPLIT_NB_EOI_TX or XSPLIT_NB_EOI_RX
 * @split: the halves have channels of their own
 * @clear: set to the FOUND bits the caller clears before an EOI
 */
static inline enum xsplit_nb_eoi_act
xsplit_nb_eoi_settle(unsigned int now, unsigned int bit, bool split,
		     unsigned int *clear)
{
	unsigned int found = split ? XSPLIT_NB_EOI_FOUND(bit) :
			     XSPLIT_NB_EOI_FOUND(XSPLIT_NB_EOI_PENDING);

	*clear = 0;
	if (!split && (now & XSPLIT_NB_EOI_PENDING))
		return XSPLIT_NB_EOI_NONE;
	*clear = found;
	return (now & found) ? XSPLIT_NB_EOI_WORK : XSPLIT_NB_EOI_SPURIOUS;
}

#endif /* XSPLIT_NB_EOI_H */

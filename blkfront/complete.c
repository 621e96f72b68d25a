// SPDX-License-Identifier: GPL-2.0
/*
 * Responses off the ring.  Each response is copied out of the shared page
 * once (by the ring code) and goes through the validator (rsp.c) before
 * anything acts on it: an id that is not on the ring, a repeated id or an
 * operation that is not the request's marks the ring broken, and the
 * device is reported to XenStore as failed.  A blk request completes when
 * the last of its parts is answered.
 */
#include "blkfront/blkfront.h"

static void ring_break(struct xsplit_blkf_ring *ring, const char *why,
		       int err)
{
	struct xsplit_blkf_info *info = ring->info;

	if (!ring->broken)
		dev_err_ratelimited(&info->dev->xdev->dev,
				    "ring %u: %s (%d); stopping it\n",
				    ring->idx, why, err);
	ring->broken = true;
	xsplit_xb_fatal(info->dev, -EPROTO,
			"backend broke the block ring protocol");
}

/* The backend cannot do this operation: stop asking. */
static void feature_gone(struct xsplit_blkf_ring *ring, u8 op)
{
	struct xsplit_blkf_info *info = ring->info;
	struct request_queue *q = info->gd ? info->gd->queue : NULL;

	if (op == XSPLIT_BLKIF_OP_FLUSH_DISKCACHE ||
	    op == XSPLIT_BLKIF_OP_WRITE_BARRIER) {
		dev_warn_ratelimited(&info->dev->xdev->dev,
				     "backend refuses flushes; disabling them\n");
		info->flush_op = 0;
		info->fua = false;
		if (q)
			xsplit_blk_stop_flush(q);
	} else if (op == XSPLIT_BLKIF_OP_DISCARD) {
		dev_warn_ratelimited(&info->dev->xdev->dev,
				     "backend refuses discards; disabling them\n");
		info->discard = false;
		info->secure_discard = false;
		if (q)
			xsplit_blk_stop_discard(q);
	}
}

static blk_status_t to_blk_status(int status)
{
	switch (status) {
	case 0:
		return BLK_STS_OK;
	case -EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

static void handle_rsp(struct xsplit_blkf_ring *ring,
		       const struct xsplit_blkif_response *rsp)
{
	struct xsplit_blkf_done done;
	struct xsplit_blkf_shadow *sh;
	struct xsplit_blkf_pdu *pdu;
	bool leaked = false, read;
	int ret;

	ret = xsplit_blkf_rsp_check(&ring->tab, rsp, &done);
	if (ret && ret != -EBADMSG) {
		ring_break(ring, "bad response", ret);
		return;
	}
	if (ret)
		dev_warn_ratelimited(&ring->info->dev->xdev->dev,
				     "unknown response status %d\n",
				     rsp->status);
	sh = &ring->shadow[done.id];
	pdu = blk_mq_rq_to_pdu(sh->rq);
	if (done.status == -EOPNOTSUPP)
		feature_gone(ring, done.op);
	read = !done.status && rq_data_dir(sh->rq) == READ;
	xsplit_blkf_part_release(ring, sh, read, &leaked);
	if (leaked) {
		/* completing would hand back pages the backend still maps */
		ring_break(ring, "backend still maps a completed request", 0);
		return;
	}
	if (done.status && pdu->status == BLK_STS_OK)
		pdu->status = to_blk_status(done.status);
	if (!--pdu->parts)
		blk_mq_complete_request(sh->rq);
	sh->rq = NULL;
}

/* Consume every response; true if there was any. */
static bool ring_drain(struct xsplit_blkf_ring *ring)
{
	u32 batch = READ_ONCE(xsplit_blkf_rsp_batch_param);
	struct xsplit_blkif_response rsp;
	bool work = false;
	int ret;

	while (!ring->broken) {
		ret = xsplit_blkif_front_copy_rsp(&ring->front, &rsp);
		if (ret == 1) {
			work = true;
			handle_rsp(ring, &rsp);
			continue;
		}
		/* empty: ask for an event, then look once more */
		if (!ret)
			ret = xsplit_front_final_check_batch(&ring->front.r,
							     batch);
		if (ret < 0) {
			ring_break(ring, "response index out of range", ret);
			break;
		}
		if (!ret)
			break;
	}
	return work;
}

/**
 * xsplit_blkf_ring_poll - take what the backend answered without an event
 * @ring: the ring; from blk-mq's timeout handler (process context)
 *
 * An event can be lost (a backend that forgets to send it, or one
 * dropped on the way): the responses then sit on the ring and nothing
 * looks at them.  This does what the interrupt would have done; if
 * nothing was there, the backend may have missed our notification
 * instead, so it gets one again.
 *
 * Return: true if there were responses.
 */
bool xsplit_blkf_ring_poll(struct xsplit_blkf_ring *ring)
{
	unsigned long flags;
	bool work = false, kick = false;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->up) {
		work = ring_drain(ring);
		kick = !work && !ring->broken;
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	if (kick)
		xsplit_evtchn_notify(&ring->evtchn);
	return work;
}

/* Hard-IRQ context: the core sends the (late) EOI after we return. */
enum xsplit_evtchn_ret
xsplit_blkf_ring_interrupt(struct xsplit_evtchn *ch, void *data)
{
	struct xsplit_blkf_ring *ring = data;
	unsigned long flags;
	bool work = false;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->up)
		work = ring_drain(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
	return work ? XSPLIT_EVTCHN_WORK : XSPLIT_EVTCHN_NO_WORK;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario "malformed": stay connected and stream invalid requests, one
 * kind after the other, in batches that fill the ring; every one must be
 * answered with BLKIF_RSP_ERROR or BLKIF_RSP_EOPNOTSUPP.  The kinds are
 * what blkback's validator (and Linux's) checks: the operation, segment
 * counts, sector ranges, segment bounds, alignment, indirect requests,
 * grants not given, and a read into a page granted read-only.
 *
 * Data segments name pages of ours: one granted read-write (a backend that
 * wrongly did the read would overwrite its pattern), one granted read-only
 * (the backend must not get to write it), a grant reference claimed and
 * never granted, or one beyond any grant table.  Both patterns are checked
 * when the scenario ends.
 *
 * A batch waits up to wait_ms for all its answers; a backend that closes
 * or stops answering costs the batch (counted lost) and a reconnect.
 * Summary:
 *   done scenario=malformed sent=N answered=N refused=N okay=N unknown=N
 *        lost=N reconnects=N pages_written=N elapsed_ms=N ...
 * okay (a malformed request served), unknown (an answer to nothing we
 * asked), lost and pages_written must all be 0.
 */
#define pr_fmt(fmt) "hostile-vbd: " fmt

#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xen/events.h>
#include <xen/page.h>

#include "xsplit_compat_xen.h"
#include "hostile_vbd.h"

/* Requests in flight at most: the ring is one page. */
#define HV_RING_ENTRIES		__CONST_RING_SIZE(blkif, XEN_PAGE_SIZE)
#define HV_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> 9)
/* A reference beyond any grant table a guest can have. */
#define HV_BOGUS_GREF		0xfffffff0U
#define HV_DATA_FILL		0x5a
#define HV_RO_FILL		0xc3
/* Operation 4 was BLKIF_OP_RESERVED_1; 7 and up are not defined. */
#define HV_OP_RESERVED		4
#define HV_OP_FIRST_UNDEFINED	7
/* Connect attempts that may fail in a row before the scenario gives up. */
#define HV_MAX_CONNECT_FAILS	5
/* Segments of the indirect requests that are only wrong in their pages. */
#define HV_IND_SEGS		16

enum hv_kind {
	HV_K_BAD_OP,		/* reserved or undefined operation */
	HV_K_NSEG_ZERO,		/* read with no segment */
	HV_K_NSEG_BIG,		/* more segments than a request holds */
	HV_K_SECT_END,		/* starts at the end of the disk */
	HV_K_SECT_WRAP,		/* sector + length wraps around 2^64 */
	HV_K_SEG_INVERTED,	/* first_sect > last_sect */
	HV_K_SEG_BEYOND,	/* last_sect beyond the page */
	HV_K_MISALIGNED,	/* not a whole logical block */
	HV_K_IND_BAD_OP,	/* indirect, inner operation not read/write */
	HV_K_IND_NSEG,		/* indirect, 0 or too many segments */
	HV_K_IND_UNGRANTED,	/* indirect page never granted */
	HV_K_IND_BAD_SEGS,	/* indirect page of inverted segments */
	HV_K_GREF_UNGRANTED,	/* read into a page never granted */
	HV_K_GREF_BOGUS,	/* read into a reference beyond the table */
	HV_K_WRITE_UNGRANTED,	/* write from a page never granted */
	HV_K_READ_RO,		/* read into a page granted read-only */
	HV_K_DISCARD_END,	/* discard beyond the disk */
	HV_NKINDS
};

static const char *const hv_kind_names[HV_NKINDS] = {
	[HV_K_BAD_OP] = "bad-op",
	[HV_K_NSEG_ZERO] = "nseg-zero",
	[HV_K_NSEG_BIG] = "nseg-big",
	[HV_K_SECT_END] = "sector-end",
	[HV_K_SECT_WRAP] = "sector-wrap",
	[HV_K_SEG_INVERTED] = "seg-inverted",
	[HV_K_SEG_BEYOND] = "seg-beyond-page",
	[HV_K_MISALIGNED] = "misaligned",
	[HV_K_IND_BAD_OP] = "ind-bad-op",
	[HV_K_IND_NSEG] = "ind-nseg",
	[HV_K_IND_UNGRANTED] = "ind-ungranted",
	[HV_K_IND_BAD_SEGS] = "ind-bad-segs",
	[HV_K_GREF_UNGRANTED] = "gref-ungranted",
	[HV_K_GREF_BOGUS] = "gref-bogus",
	[HV_K_WRITE_UNGRANTED] = "write-ungranted",
	[HV_K_READ_RO] = "read-ro-grant",
	[HV_K_DISCARD_END] = "discard-end",
};

/* The scenario's state: pages, the backend's limits, this batch, tallies. */
struct hv_mal {
	struct hv_dev *hv;
	struct hv_grant data, ro, ind;
	grant_ref_t ungranted;		/* claimed, never granted */
	grant_ref_t head;		/* what gnttab_alloc gave us */
	bool have_head;

	u64 sectors;			/* the disk, from the backend */
	unsigned int lbs_sectors;	/* logical block size / 512 */
	unsigned int max_indirect;	/* 0: not offered */

	u64 seq;			/* next request id */
	u64 base;			/* first id of this batch */
	unsigned int n, got;		/* batch size, answers */
	DECLARE_BITMAP(answered, HV_RING_ENTRIES);
	bool bogus;			/* the backend's rsp_prod was wild */

	u64 sent, answered_total, refused, okay, unknown, lost;
	u64 sent_by[HV_NKINDS], okay_by[HV_NKINDS];
	unsigned int reconnects, pages_written;
};

static u64 hv_otherend_ull(struct hv_dev *hv, const char *key, u64 dflt)
{
	unsigned long long v;

	if (xenbus_scanf(XBT_NIL, hv->xdev->otherend, key, "%llu", &v) != 1)
		return dflt;
	return v;
}

/* The disk and what the backend offers, read once it is Connected. */
static void hv_mal_limits(struct hv_mal *m)
{
	u64 ss = hv_otherend_ull(m->hv, "sector-size", 512);

	m->sectors = hv_otherend_ull(m->hv, "sectors", 0);
	m->lbs_sectors = max_t(u64, ss >> 9, 1);
	m->max_indirect = hv_otherend_ull(m->hv,
					  "feature-max-indirect-segments", 0);
}

/* One segment covering the whole page behind @gref. */
static void hv_seg_page(struct blkif_request_segment *seg, grant_ref_t gref)
{
	seg->gref = gref;
	seg->first_sect = 0;
	seg->last_sect = HV_SECTORS_PER_PAGE - 1;
}

/* A read of one page at @sector into @gref (hv_late.c's too). */
void hv_read1(struct blkif_request *req, u64 sector, grant_ref_t gref)
{
	req->operation = BLKIF_OP_READ;
	req->u.rw.nr_segments = 1;
	req->u.rw.sector_number = sector;
	hv_seg_page(&req->u.rw.seg[0], gref);
}

static void hv_fill_rw(struct hv_mal *m, struct blkif_request *req,
		       enum hv_kind kind)
{
	unsigned int i, odd = m->seq / HV_NKINDS & 1;

	hv_read1(req, 0, m->data.ref);
	switch (kind) {
	case HV_K_NSEG_ZERO:
		req->u.rw.nr_segments = 0;
		break;
	case HV_K_NSEG_BIG:
		req->operation = odd ? BLKIF_OP_WRITE : BLKIF_OP_READ;
		req->u.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1 +
					m->seq % (U8_MAX - BLKIF_MAX_SEGMENTS_PER_REQUEST);
		for (i = 1; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
			hv_seg_page(&req->u.rw.seg[i], m->data.ref);
		break;
	case HV_K_SECT_END:
		req->u.rw.sector_number = m->sectors;
		break;
	case HV_K_SECT_WRAP:
		req->u.rw.sector_number = U64_MAX - (m->lbs_sectors - 1);
		break;
	case HV_K_SEG_INVERTED:
		req->u.rw.seg[0].first_sect = HV_SECTORS_PER_PAGE - 1;
		req->u.rw.seg[0].last_sect = 0;
		break;
	case HV_K_SEG_BEYOND:
		req->u.rw.seg[0].last_sect = HV_SECTORS_PER_PAGE +
					     m->seq % (U8_MAX - HV_SECTORS_PER_PAGE);
		break;
	case HV_K_MISALIGNED:
		/* Half a logical block; the caller made sure there is one. */
		req->u.rw.seg[0].last_sect = m->lbs_sectors / 2 - 1;
		break;
	case HV_K_GREF_UNGRANTED:
		req->u.rw.seg[0].gref = m->ungranted;
		break;
	case HV_K_GREF_BOGUS:
		req->u.rw.seg[0].gref = HV_BOGUS_GREF;
		break;
	case HV_K_WRITE_UNGRANTED:
		req->operation = BLKIF_OP_WRITE;
		req->u.rw.seg[0].gref = odd ? HV_BOGUS_GREF : m->ungranted;
		break;
	case HV_K_READ_RO:
		req->u.rw.seg[0].gref = m->ro.ref;
		break;
	default:
		break;
	}
}

static void hv_fill_indirect(struct hv_mal *m, struct blkif_request *req,
			     enum hv_kind kind)
{
	struct blkif_request_indirect *ind = &req->u.indirect;
	unsigned int odd = m->seq / HV_NKINDS & 1;

	req->operation = BLKIF_OP_INDIRECT;
	ind->indirect_op = BLKIF_OP_READ;
	ind->nr_segments = HV_IND_SEGS;
	ind->indirect_grefs[0] = m->ind.ref;
	switch (kind) {
	case HV_K_IND_BAD_OP:
		ind->indirect_op = odd ? BLKIF_OP_FLUSH_DISKCACHE :
					 BLKIF_OP_INDIRECT;
		break;
	case HV_K_IND_NSEG:
		ind->nr_segments = odd ? 0 : m->max_indirect + 1;
		break;
	case HV_K_IND_UNGRANTED:
		ind->indirect_grefs[0] = odd ? HV_BOGUS_GREF : m->ungranted;
		break;
	default:	/* HV_K_IND_BAD_SEGS: the page holds them */
		break;
	}
}

/*
 * The kind for request @seq.  Two kinds are only malformed on some disks:
 * a misaligned request needs a logical block bigger than a sector, an
 * indirect one with bad segments needs the backend to take 16 segments.
 * Elsewhere they become a read beyond the disk, which always is.
 */
static enum hv_kind hv_kind_of(struct hv_mal *m, u64 seq)
{
	enum hv_kind kind = seq % HV_NKINDS;

	if (kind == HV_K_MISALIGNED && m->lbs_sectors < 2)
		return HV_K_SECT_END;
	if (kind == HV_K_IND_BAD_SEGS && m->max_indirect < HV_IND_SEGS)
		return HV_K_SECT_END;
	return kind;
}

static void hv_fill(struct hv_mal *m, struct blkif_request *req)
{
	enum hv_kind kind = hv_kind_of(m, m->seq);

	memset(req, 0, sizeof(*req));
	switch (kind) {
	case HV_K_BAD_OP:
		req->operation = m->seq / HV_NKINDS & 1 ? HV_OP_RESERVED :
			HV_OP_FIRST_UNDEFINED +
			m->seq % (U8_MAX + 1 - HV_OP_FIRST_UNDEFINED);
		break;
	case HV_K_IND_BAD_OP:
	case HV_K_IND_NSEG:
	case HV_K_IND_UNGRANTED:
	case HV_K_IND_BAD_SEGS:
		hv_fill_indirect(m, req, kind);
		break;
	case HV_K_DISCARD_END:
		req->operation = BLKIF_OP_DISCARD;
		req->u.discard.flag = m->seq / HV_NKINDS & 1 ?
				      BLKIF_DISCARD_SECURE : 0;
		req->u.discard.sector_number = m->sectors;
		req->u.discard.nr_sectors = HV_SECTORS_PER_PAGE;
		break;
	default:
		hv_fill_rw(m, req, kind);
		break;
	}
	/* The id is at the same offset in every variant. */
	req->u.other.id = m->seq;
	m->sent_by[kind]++;
}

static void hv_classify(void *ctx, const struct blkif_response *rsp)
{
	struct hv_mal *m = ctx;
	u64 i = rsp->id - m->base;
	enum hv_kind kind;

	if (rsp->id < m->base || i >= m->n || test_bit(i, m->answered)) {
		m->unknown++;
		return;
	}
	__set_bit(i, m->answered);
	m->got++;
	m->answered_total++;
	kind = hv_kind_of(m, rsp->id);
	if (rsp->status == BLKIF_RSP_ERROR ||
	    rsp->status == BLKIF_RSP_EOPNOTSUPP) {
		m->refused++;
	} else if (rsp->status == BLKIF_RSP_OKAY) {
		m->okay++;
		m->okay_by[kind]++;
	} else {
		m->unknown++;
	}
}

/* Consume every answer on the ring. */
static void hv_reap(struct hv_mal *m)
{
	if (!hv_reap_ring(m->hv, hv_classify, m))
		m->bogus = true;
}

static bool hv_batch_over(struct hv_mal *m)
{
	return RING_HAS_UNCONSUMED_RESPONSES(&m->hv->front) ||
	       hv_remote_in(m->hv, HV_GONE) || kthread_should_stop();
}

/* Wait for every answer of the batch; 0 or why the connection must go. */
static int hv_collect(struct hv_mal *m)
{
	unsigned long end = jiffies + msecs_to_jiffies(hv_wait_ms);

	for (;;) {
		hv_reap(m);
		if (m->bogus)
			return -EPROTO;
		if (m->got == m->n)
			return 0;
		if (kthread_should_stop())
			return -EINTR;
		if (hv_remote_in(m->hv, HV_GONE))
			return -ECONNRESET;
		if (time_after_eq(jiffies, end))
			return -ETIMEDOUT;
		wait_event_interruptible_timeout(m->hv->wq, hv_batch_over(m),
						 msecs_to_jiffies(HV_POLL_MS));
	}
}

/* Fill the ring (or what is left to send), notify, wait for the answers. */
static int hv_batch(struct hv_mal *m, u64 left)
{
	struct blkif_front_ring *f = &m->hv->front;
	unsigned int i;
	int notify;

	m->base = m->seq;
	m->n = min_t(u64, RING_FREE_REQUESTS(f), left);
	m->got = 0;
	bitmap_zero(m->answered, HV_RING_ENTRIES);
	for (i = 0; i < m->n; i++) {
		hv_fill(m, RING_GET_REQUEST(f, f->req_prod_pvt));
		f->req_prod_pvt++;
		m->seq++;
	}
	m->sent += m->n;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, notify);
	if (notify)
		notify_remote_via_evtchn(m->hv->port);
	return hv_collect(m);
}

static void hv_mal_free(struct hv_mal *m)
{
	hv_grant_end(m->hv, &m->data);
	hv_grant_end(m->hv, &m->ro);
	hv_grant_end(m->hv, &m->ind);
	if (!m->have_head)
		return;
	if (m->ungranted != INVALID_GRANT_REF)
		gnttab_release_grant_reference(&m->head, m->ungranted);
	gnttab_free_grant_references(m->head);
}

/* Indirect segments that are all inverted: no count of them is valid. */
static void hv_ind_page_fill(struct hv_mal *m)
{
	struct blkif_request_segment *seg = page_address(m->ind.page);
	unsigned int i;

	for (i = 0; i < XEN_PAGE_SIZE / sizeof(*seg); i++) {
		seg[i].gref = m->data.ref;
		seg[i].first_sect = HV_SECTORS_PER_PAGE - 1;
		seg[i].last_sect = 0;
	}
}

static int hv_mal_pages(struct hv_mal *m)
{
	int err, ref;

	m->ungranted = INVALID_GRANT_REF;
	err = gnttab_alloc_grant_references(1, &m->head);
	if (err)
		return err;
	m->have_head = true;
	ref = gnttab_claim_grant_reference(&m->head);
	if (ref < 0)
		return ref;
	m->ungranted = ref;
	err = hv_grant_page(m->hv, &m->data, false, HV_DATA_FILL);
	if (!err)
		err = hv_grant_page(m->hv, &m->ro, true, HV_RO_FILL);
	if (!err)
		err = hv_grant_page(m->hv, &m->ind, true, 0);
	if (!err)
		hv_ind_page_fill(m);
	return err;
}

/* Wait for InitWait and connect; the limits come with Connected. */
static int hv_mal_connect(struct hv_mal *m)
{
	int err = hv_wait(m->hv, HV_BIT(XenbusStateInitWait), hv_wait_ms);

	if (err)
		return err;
	err = hv_connect(m->hv, m->reconnects);
	if (!err)
		hv_mal_limits(m);
	return err;
}

static void hv_mal_summary(struct hv_mal *m, unsigned long t0, int err)
{
	struct hv_dev *hv = m->hv;
	unsigned int k;

	for (k = 0; k < HV_NKINDS; k++)
		pr_info("%s: malformed %s: sent=%llu okay=%llu\n",
			hv->xdev->nodename, hv_kind_names[k], m->sent_by[k],
			m->okay_by[k]);
	pr_info("%s: done scenario=malformed requests=%u sent=%llu answered=%llu refused=%llu okay=%llu unknown=%llu lost=%llu reconnects=%u pages_written=%u still_mapped=%u failed=%u kinds=%u elapsed_ms=%u%s\n",
		hv->xdev->nodename, hv_requests, m->sent, m->answered_total,
		m->refused, m->okay, m->unknown, m->lost, m->reconnects,
		m->pages_written, hv->still_mapped, hv->failed, HV_NKINDS,
		jiffies_to_msecs(jiffies - t0),
		err == -ETIMEDOUT ? " error=backend-timeout" :
		err == -EINTR ? " error=interrupted" :
		err ? " error=connect" : "");
}

/* Connect when needed, send a batch; a broken batch costs a reconnect. */
static int hv_mal_step(struct hv_mal *m, bool *connected, unsigned int *fails)
{
	int err;

	if (!*connected) {
		err = hv_mal_connect(m);
		if (err) {
			hv_close(m->hv, m->reconnects);
			/* A backend that stopped answering will not start. */
			if (err == -ETIMEDOUT || err == -EINTR ||
			    ++*fails > HV_MAX_CONNECT_FAILS)
				return err;
			return 0;
		}
		*connected = true;
		*fails = 0;
	}
	err = hv_batch(m, hv_requests - m->sent);
	if (!err || err == -EINTR)
		return err;
	m->lost += m->n - m->got;
	m->reconnects++;
	*connected = false;
	hv_close(m->hv, m->reconnects);
	return 0;
}

int hv_run_malformed(struct hv_dev *hv)
{
	unsigned long t0 = jiffies, end = t0 + hv_max_s * HZ;
	unsigned int fails = 0;
	bool connected = false;
	struct hv_mal *m;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->hv = hv;
	hv->persistent = hv_persistent;
	err = hv_mal_pages(m);
	while (!err && m->sent < hv_requests && time_before(jiffies, end))
		err = hv_mal_step(m, &connected, &fails);
	if (connected)
		hv_close(hv, m->reconnects);
	if (m->data.page && !hv_page_intact(&m->data, HV_DATA_FILL))
		m->pages_written++;
	if (m->ro.page && !hv_page_intact(&m->ro, HV_RO_FILL))
		m->pages_written++;
	hv_mal_summary(m, t0, err);
	hv_mal_free(m);
	kfree(m);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit_hostile_vbd: what its files share (see hostile_vbd.c).
 *
 *   hostile_vbd.c   module, device binding, the connection every scenario
 *                   builds on (ring, channel, keys, waits), scenario cycle
 *   hv_malformed.c  scenario malformed: a stream of invalid requests
 *   hv_abuse.c      scenarios storm, toggle and nodes: events, states and
 *                   XenStore keys
 *   hv_late.c       scenario late: requests published after our Closed
 */
#ifndef XSPLIT_HOSTILE_VBD_H
#define XSPLIT_HOSTILE_VBD_H

#include <linux/types.h>
#include <linux/wait.h>

#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>

#define HV_BIT(s)		(1U << (s))
#define HV_GONE			(HV_BIT(XenbusStateClosing) | \
				 HV_BIT(XenbusStateClosed))
/* How often a wait re-reads the state itself, in case a watch was missed. */
#define HV_POLL_MS		1000

/* Module parameters (hostile_vbd.c). */
extern unsigned int hv_cycles, hv_wait_ms, hv_react_ms, hv_max_s, hv_hold_ms;
extern unsigned int hv_requests, hv_events, hv_toggles, hv_writes;
extern unsigned int hv_attempt_every;
extern bool hv_persistent;

/* One bound vbd device: its scenario thread and the current connection. */
struct hv_dev {
	struct xenbus_device *xdev;
	struct task_struct *task;
	wait_queue_head_t wq;		/* backend state, ring events */
	int remote;			/* backend state, from the watch */
	unsigned int remote_changes;	/* watch events seen */

	struct page *ring_page;		/* NULL: no ring granted */
	struct blkif_front_ring front;
	grant_ref_t ref;
	evtchn_port_t port;
	int irq;			/* < 0: no event channel */
	bool persistent;		/* offer feature-persistent */

	/* tallies for the summary lines */
	unsigned int ok, failed, went_closing, stayed_connected;
	unsigned int still_mapped, events;
};

/* A page we own and grant to the backend (or no page: a claimed ref). */
struct hv_grant {
	struct page *page;
	grant_ref_t ref;
};

/* hostile_vbd.c: the connection, waits and reports every scenario uses */
bool hv_remote_in(struct hv_dev *hv, u32 states);
int hv_wait(struct hv_dev *hv, u32 states, unsigned int ms);
void hv_report(struct hv_dev *hv, unsigned int cycle, const char *what,
	       int err);
int hv_connect(struct hv_dev *hv, unsigned int cycle);
int hv_close(struct hv_dev *hv, unsigned int cycle);
int hv_reset(struct hv_dev *hv);
int hv_grant_page(struct hv_dev *hv, struct hv_grant *g, bool readonly,
		  u8 fill);
void hv_grant_end(struct hv_dev *hv, struct hv_grant *g);
bool hv_page_intact(struct hv_grant *g, u8 fill);
int hv_state_write(struct hv_dev *hv, enum xenbus_state state);
bool hv_reap_ring(struct hv_dev *hv,
		  void (*take)(void *ctx, const struct blkif_response *rsp),
		  void *ctx);
/* hv_malformed.c: a read of one page at @sector into @gref */
void hv_read1(struct blkif_request *req, u64 sector, grant_ref_t gref);

/* the scenarios: each prints its "done scenario=" line */
int hv_run_malformed(struct hv_dev *hv);
int hv_run_storm(struct hv_dev *hv);
int hv_run_toggle(struct hv_dev *hv);
int hv_run_nodes(struct hv_dev *hv);
int hv_run_late(struct hv_dev *hv);

#endif /* XSPLIT_HOSTILE_VBD_H */

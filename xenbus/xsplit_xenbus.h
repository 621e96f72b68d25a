/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsplit XenBus core: what a split driver (blkback, blkfront, netback,
 * netfront) uses.  A driver fills a struct xsplit_xb_driver with its device
 * type, role and callbacks; the core owns the XenBus state machine
 * (xenbus/fsm.c) and calls back at the right moments.
 *
 * Callback contract (all but wanted called with the device's lock held,
 * in process context, never concurrently for one device):
 *   wanted      optional, before anything else, no lock, dev->priv NULL:
 *               is this device ours at all?  It may read keys, nothing
 *               more.  false leaves it untouched (no state, no error
 *               node) for another driver or none, as Linux's frontends
 *               leave an HVM guest's emulated disks
 *   probe       allocate per-device state into dev->priv
 *   advertise   backend: write our features (before InitWait);
 *               frontend: negotiate, allocate and grant rings, write keys
 *   connect     read the other end's keys and start I/O
 *   disconnect  stop I/O and undo advertise/connect; must cope with a
 *               partial connect or advertise, called at most once per
 *               advertise/connect
 *   free        release dev->priv (device going away)
 *   suspend     frontend: the domain is about to be saved; nothing may
 *               be stopped that resume alone restarts: a cancelled
 *               suspend continues on the same rings with no further call
 *   resume      frontend: the domain was restored (or migrated); called
 *               after disconnect has taken the old rings back: forget old
 *               negotiated values; rings are rebuilt by advertise once the
 *               new backend is in InitWait
 *   refresh     frontend: the backend wrote Connected again while both are
 *               connected (blkif announces a resized disk so); re-read
 *               what may change on a live connection.  Optional; an error
 *               is logged and changes nothing else.
 *   reconfigure backend, optional: the frontend went Reconfiguring; re-read
 *               what it may change while connected (or before the connect)
 *               and apply it; the core then writes Reconfigured, and
 *               Connected once the frontend is back in Connected.  Without
 *               it the frontend's Reconfiguring is ignored.
 *   uevent      backend, optional: add the driver's variables to the
 *               environment of the device's uevents (hotplug scripts run
 *               by udev read them); called with the lock held, with
 *               dev->priv NULL before probe and after free
 */
#ifndef XSPLIT_XENBUS_H
#define XSPLIT_XENBUS_H

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/event_channel.h>

#include "compat/xsplit_compat_xen.h"
#include "xenbus/fsm.h"
#include "xenbus/guest.h"
#include "xenbus/keys.h"
#include "xenbus/xsplit_watch.h"

#define XSPLIT_XB_NAME_MAX 32

struct xsplit_xb_dev;

struct xsplit_xb_ops {
	bool (*wanted)(struct xsplit_xb_dev *dev);
	int (*probe)(struct xsplit_xb_dev *dev);
	int (*advertise)(struct xsplit_xb_dev *dev);
	int (*connect)(struct xsplit_xb_dev *dev);
	void (*disconnect)(struct xsplit_xb_dev *dev);
	void (*free)(struct xsplit_xb_dev *dev);
	int (*suspend)(struct xsplit_xb_dev *dev);
	int (*resume)(struct xsplit_xb_dev *dev);
	int (*refresh)(struct xsplit_xb_dev *dev);
	void (*reconfigure)(struct xsplit_xb_dev *dev);
	int (*uevent)(struct xsplit_xb_dev *dev, struct kobj_uevent_env *env);
};

struct xsplit_xb_driver {
	const char *type;		/* XenStore device type: "vbd", "vif" */
	enum xsplit_fsm_role role;
	const struct xsplit_xb_ops *ops;
	bool wait_hotplug;		/* backend: connect after hotplug-status */
	bool skip_initialised;		/* frontend: InitWait -> Connected */
	bool reconnect;			/* frontend: renegotiate from Closed */
	/*
	 * backend: "online" uevent once probed (the device in InitWait),
	 * "offline" before remove, as Linux's netback sends them: the
	 * toolstack's udev rules run the hotplug script on them when xl
	 * does not (run_hotplug_scripts=0).
	 */
	bool hotplug_uevents;

	/* private to the core */
	struct xenbus_device_id ids[2];
	char name[XSPLIT_XB_NAME_MAX];
	struct xenbus_driver xb;
};

struct xsplit_xb_dev {
	struct xenbus_device *xdev;
	const struct xsplit_xb_driver *drv;
	void *priv;			/* the driver's */

	/* private to the core */
	struct mutex lock;
	unsigned int remote;		/* other end's last state, raw */
	bool hotplug_ok;
	bool live;			/* advertise/connect to undo */
	bool announced;			/* "online" uevent sent */
	struct xenbus_watch hotplug_watch;
	int fatal_err;			/* reason for the next FATAL action */
	const char *fatal_what;
	/* a run-time error reported by the driver, see xenbus/fatal.c */
	spinlock_t fatal_lock;
	int async_err;			/* 0: none pending */
	const char *async_what;
	struct work_struct fatal_work;
	/* a frontend's Reconfiguring round, see xenbus/reconf.c */
	wait_queue_head_t reconf_wq;
	atomic_t remote_gen;		/* other-end state events seen */
	struct work_struct reconf_work;	/* back to Connected, deferred */
};

/* Registration; the driver module, not the core, owns the devices. */
int __xsplit_xb_register(struct xsplit_xb_driver *drv, struct module *owner,
			 const char *mod_name);
#define xsplit_xb_register(drv) \
	__xsplit_xb_register(drv, THIS_MODULE, KBUILD_MODNAME)
void xsplit_xb_unregister(struct xsplit_xb_driver *drv);

/*
 * This guest's kind and the kernel's word on its emulated devices
 * (xenbus/guest.h): a frontend asks before it registers, as Linux's do.
 */
void xsplit_xb_guest_get(struct xsplit_guest *g);

bool xsplit_xb_peer_leaving(struct xsplit_xb_dev *dev);

/*
 * The connection is broken (a corrupt ring, an impossible response): from
 * any context, the device is disconnected and goes Closing through the
 * state machine.  Drivers never write their state themselves.
 */
void xsplit_xb_fatal(struct xsplit_xb_dev *dev, int err, const char *what);

/* XenStore transactions, retried on -EAGAIN a bounded number of times. */
typedef int (*xsplit_xb_txn_fn)(struct xsplit_xb_dev *dev,
				struct xenbus_transaction xbt, void *arg);
int xsplit_xb_transact(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
		       void *arg);
int xsplit_xb_reannounce(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
			 void *arg);

/*
 * Frontend: write keys on a live connection and have the backend re-read
 * them (Reconfiguring, its Reconfigured, Connected), bounded by @timeout;
 * callable with RTNL held.  See xenbus/reconf.c.
 */
int xsplit_xb_reconfigure(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
			  void *arg, unsigned long timeout);

/* Typed keys: the directory follows from the table's writer and our role. */
int xsplit_xb_read_top(struct xsplit_xb_dev *dev, enum xsplit_key_id id,
		       u32 *val);
char *xsplit_xb_read_str(struct xsplit_xb_dev *dev, enum xsplit_key_id id);
bool xsplit_xb_written(struct xsplit_xb_dev *dev, enum xsplit_key_id id);
bool xsplit_xb_read_flag(struct xsplit_xb_dev *dev, enum xsplit_key_id id);
int xsplit_xb_write(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		    enum xsplit_key_id id, unsigned int nr_queues,
		    unsigned int queue, unsigned int index, u32 val);
int xsplit_xb_read_num(struct xsplit_xb_dev *dev,
		       struct xenbus_transaction xbt, enum xsplit_key_id id,
		       unsigned int nr_queues, unsigned int queue,
		       unsigned int index, u64 *val);
int xsplit_xb_write_num(struct xsplit_xb_dev *dev,
			struct xenbus_transaction xbt, enum xsplit_key_id id,
			unsigned int nr_queues, unsigned int queue,
			unsigned int index, u64 val);
int xsplit_xb_write_str(struct xsplit_xb_dev *dev,
			struct xenbus_transaction xbt, enum xsplit_key_id id,
			const char *val);
int xsplit_xb_read_mac(struct xsplit_xb_dev *dev, enum xsplit_key_id id,
		       u8 mac[XSPLIT_KEY_MAC_LEN]);
int xsplit_xb_remove(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		     enum xsplit_key_id id, unsigned int nr_queues,
		     unsigned int queue);

/*
 * Sets of keys bound to the fields of a driver's struct (keys.h's struct
 * xsplit_key_field): published in one go inside the caller's transaction,
 * or gathered with the rows' bounds and defaults (see xenbus/keyset.c).
 */
int xsplit_xb_publish(struct xsplit_xb_dev *dev,
		      struct xenbus_transaction xbt,
		      const struct xsplit_key_field *fields, unsigned int n,
		      const void *obj);
int xsplit_xb_gather(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		     const struct xsplit_key_field *fields, unsigned int n,
		     void *obj);

/* Values of one protocol's own format (xenbus/keyvals.c). */
int xsplit_xb_read_devnum(struct xsplit_xb_dev *dev, u32 *major, u32 *minor);
int xsplit_xb_read_rate(struct xsplit_xb_dev *dev, u64 *bytes, u64 *usec);

/* A bounded watch (xsplit_watch.h) of a device-wide key, where it lives. */
int xsplit_xb_watch_key(struct xsplit_xb_dev *dev, struct xenbus_watch *w,
			enum xsplit_key_id id, xsplit_xb_watch_fn fn);

/* Multi-queue negotiation. */
int xsplit_xb_mq_advertise(struct xsplit_xb_dev *dev,
			   struct xenbus_transaction xbt, u32 max_queues);
int xsplit_xb_mq_choose(struct xsplit_xb_dev *dev, u32 wanted, u32 *nr);
int xsplit_xb_mq_publish(struct xsplit_xb_dev *dev,
			 struct xenbus_transaction xbt, u32 nr);
int xsplit_xb_mq_read(struct xsplit_xb_dev *dev, u32 max_queues, u32 *nr);

/* Shared rings: a backend maps what the frontend granted. */
struct xsplit_xb_ring {
	void *vaddr;
	unsigned int order;		/* 2^order pages */
	grant_ref_t grefs[XSPLIT_KEY_MAX_RING_PAGES];
};

int xsplit_xb_ring_advertise(struct xsplit_xb_dev *dev,
			     struct xenbus_transaction xbt, u32 max_order);
int xsplit_xb_ring_choose_order(struct xsplit_xb_dev *dev, u32 wanted,
				u32 *order);
int xsplit_xb_ring_publish_order(struct xsplit_xb_dev *dev,
				 struct xenbus_transaction xbt, u32 order);
int xsplit_xb_ring_read_order(struct xsplit_xb_dev *dev, u32 max_order,
			      u32 *order);
int xsplit_xb_ring_map(struct xsplit_xb_dev *dev, enum xsplit_key_id key,
		       unsigned int nr_queues, unsigned int queue,
		       unsigned int order, struct xsplit_xb_ring *ring);
int xsplit_xb_ring_map_refs(struct xsplit_xb_dev *dev, unsigned int order,
			    struct xsplit_xb_ring *ring);
void xsplit_xb_ring_unmap(struct xsplit_xb_dev *dev,
			  struct xsplit_xb_ring *ring);
int xsplit_xb_ring_grant(struct xsplit_xb_dev *dev, unsigned int order,
			 struct xsplit_xb_ring *ring);
void xsplit_xb_ring_ungrant(struct xsplit_xb_ring *ring);
int xsplit_xb_ring_publish(struct xsplit_xb_dev *dev,
			   struct xenbus_transaction xbt,
			   enum xsplit_key_id key, unsigned int nr_queues,
			   unsigned int queue,
			   const struct xsplit_xb_ring *ring);

/* Event-channel port numbers (binding is evtchn/'s business). */
int xsplit_xb_evtchn_read(struct xsplit_xb_dev *dev, unsigned int nr_queues,
			  unsigned int queue, bool split, evtchn_port_t *tx,
			  evtchn_port_t *rx);
int xsplit_xb_evtchn_publish(struct xsplit_xb_dev *dev,
			     struct xenbus_transaction xbt,
			     unsigned int nr_queues, unsigned int queue,
			     bool split, evtchn_port_t tx, evtchn_port_t rx);

#endif /* XSPLIT_XENBUS_H */

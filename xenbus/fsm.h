/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XenBus device state machine as a pure function: no XenStore, no
 * kernel objects, so every input can be tested in user space.  The glue in
 * dispatch.c feeds it events and carries out the actions it returns
 * (reconf.c for a backend's reconfiguration).
 */
#ifndef XSPLIT_XENBUS_FSM_H
#define XSPLIT_XENBUS_FSM_H

#include "xsplit_types.h"

/* XenbusState, with the ABI numbers of xen/interface/io/xenbus.h. */
enum xsplit_fsm_state {
	XSPLIT_XS_UNKNOWN = 0,
	XSPLIT_XS_INITIALISING = 1,
	XSPLIT_XS_INITWAIT = 2,
	XSPLIT_XS_INITIALISED = 3,
	XSPLIT_XS_CONNECTED = 4,
	XSPLIT_XS_CLOSING = 5,
	XSPLIT_XS_CLOSED = 6,
	XSPLIT_XS_RECONFIGURING = 7,
	XSPLIT_XS_RECONFIGURED = 8,
	XSPLIT_XS_NR,		/* first value outside the ABI */
};

enum xsplit_fsm_role {
	XSPLIT_ROLE_BACKEND,
	XSPLIT_ROLE_FRONTEND,
	XSPLIT_ROLE_NR,
};

enum xsplit_fsm_event {
	XSPLIT_EV_PROBED,	/* driver probe succeeded */
	XSPLIT_EV_REMOTE,	/* other end wrote state @remote */
	XSPLIT_EV_VANISHED,	/* other end's XenStore directory is gone */
	XSPLIT_EV_HOTPLUG_OK,	/* backend: hotplug-status = connected */
	XSPLIT_EV_HOTPLUG_ERROR, /* backend: hotplug-status = error */
	XSPLIT_EV_CONNECT_OK,	/* the CONNECT callback succeeded */
	XSPLIT_EV_CONNECT_FAIL,	/* CONNECT or ADVERTISE callback failed */
	XSPLIT_EV_REMOVE,	/* local unbind / unplug */
	XSPLIT_EV_SUSPEND,	/* frontend: domain is being suspended */
	XSPLIT_EV_RESUME,	/* frontend: domain restored on a new backend */
	XSPLIT_EV_FATAL,	/* the driver found the connection broken */
	/*
	 * frontend: the driver changed keys on a live connection (netif's
	 * xdp-headroom) and asks the backend to re-read them
	 */
	XSPLIT_EV_RECONF_BEGIN,
	XSPLIT_EV_RECONF_END,	/* frontend: the backend answered, or not */
	XSPLIT_EV_NR,
};

/*
 * Actions, carried out by the glue in the order of the bits (lowest first).
 * A failing callback (ADVERTISE, CONNECT) stops the list and is reported
 * back as XSPLIT_EV_CONNECT_FAIL.
 */
enum xsplit_fsm_action {
	XSPLIT_ACT_SUSPEND = 1U << 0,	/* ops->suspend: nothing to undo */
	XSPLIT_ACT_DISCONNECT = 1U << 1, /* ops->disconnect (idempotent) */
	XSPLIT_ACT_FREE = 1U << 2,	/* ops->free: device going away */
	XSPLIT_ACT_RENEGOTIATE = 1U << 3, /* ops->resume: forget old params */
	XSPLIT_ACT_ADVERTISE = 1U << 4,	/* ops->advertise: write our keys */
	XSPLIT_ACT_CONNECT = 1U << 5,	/* read the other end, ops->connect */
	XSPLIT_ACT_WAIT_HOTPLUG = 1U << 6, /* watch hotplug-status */
	XSPLIT_ACT_FATAL = 1U << 7,	/* report an error node */
	XSPLIT_ACT_RECONFIGURE = 1U << 8, /* ops->reconfigure: re-read keys */
	XSPLIT_ACT_REFRESH = 1U << 9,	/* ops->refresh: re-read the other end */
	XSPLIT_ACT_WRITE_STATE = 1U << 10, /* write @next as our state */
	/* the highest bit: the fuzz target counts every action below it */
	XSPLIT_ACT_UNREGISTER = 1U << 11, /* unregister the device */
};

/* Everything the transition depends on; the glue keeps it per device. */
struct xsplit_fsm_in {
	enum xsplit_fsm_role role;
	unsigned int local;	/* our current state */
	unsigned int remote;	/* other end's last seen state (any value) */
	bool need_hotplug;	/* backend: connect only after hotplug-status */
	bool hotplug_ok;	/* backend: hotplug-status = connected seen */
	bool online;		/* backend: toolstack's "online" key */
	/* backend: the driver answers the frontend's Reconfiguring (netif) */
	bool reconfigure;
	bool skip_initialised;	/* frontend: connect at InitWait, no Initialised */
	bool reconnect;		/* frontend: X -> renegotiate on W */
	/*
	 * backend: an unbind may hand the connection over to the next driver
	 * instance (live upgrade), and what our state node in XenStore holds
	 * (the toolstack writes Closing there to remove the device; a node
	 * left Connected by an earlier instance means a rejoin at probe)
	 */
	bool rebind;
	unsigned int stored;
	/*
	 * The glue still holds what an advertise or connect set up.  The
	 * local state alone cannot say so: a state written behind the
	 * machine's back (xenbus_dev_fatal() from a driver) would otherwise
	 * strand a live connection, and the next connect would leak it.
	 */
	bool live;
};

struct xsplit_fsm_out {
	unsigned int next;	/* our state after the actions succeed */
	u32 actions;		/* enum xsplit_fsm_action bits */
};

struct xsplit_fsm_out xsplit_fsm_step(const struct xsplit_fsm_in *in,
				      enum xsplit_fsm_event ev);

/* A reconfiguring frontend's view of its backend's state. */
enum xsplit_fsm_reconf {
	XSPLIT_RECONF_WAIT,	/* still connected, no answer yet */
	XSPLIT_RECONF_DONE,	/* Reconfigured */
	XSPLIT_RECONF_GONE,	/* leaving or left: no answer will come */
};

enum xsplit_fsm_reconf xsplit_fsm_reconf_wait(unsigned int remote);
const char *xsplit_fsm_state_name(unsigned int state);
bool xsplit_fsm_state_valid(enum xsplit_fsm_role role, unsigned int state);
bool xsplit_fsm_closed_or_closing(unsigned int state);

#endif /* XSPLIT_XENBUS_FSM_H */

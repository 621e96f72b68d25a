// SPDX-License-Identifier: GPL-2.0
/*
 * XenBus device state machine, one for both roles.
 *
 * Abbreviations: I Initialising, W InitWait, D Initialised, C Connected,
 * G Closing, X Closed, U Unknown.  "-" means no action, state unchanged.
 *
 * Backend (valid local states I W C G X R), on the frontend's state S
 * (R: Reconfigured, 8; the frontend's Reconfiguring is 7):
 *
 *   S \ local  I          W               C               G       X
 *   U, gone    X          X               disc, X         X       -
 *   I          -          -               disc, adv, W    -       adv, W
 *   W          -          -               -               -       -
 *   D, C       -          connect (*)     -               -       -
 *   G          G          G               disc, G         -       -
 *   X          X          X               disc, X         X       -
 *   7          -          reconf, R (+)   reconf, R (+)   -       -
 *   8          -          -               -               -       -
 *   > 8        fatal, G   fatal, G        disc, fatal, G  -       -
 *
 *   (+) only when the driver answers Reconfiguring (netif: the frontend
 *   attaching or detaching an XDP program changes xdp-headroom, then
 *   waits for our Reconfigured, holding RTNL); otherwise "-".  In R the
 *   backend is still connected (live) and goes back to C at the
 *   frontend's C; reconfigures again at 7; otherwise it acts as in C.  An
 *   R with nothing held was reached from W, before the connect (the
 *   frontend connects at our W and may reconfigure before our hotplug
 *   script ran): it acts as W, and connects at the frontend's C.
 *
 *   U/X also unregister the device when the toolstack has set online = 0
 *   (otherwise the toolstack removes the directory and the bus removes us).
 *   (*) only once hotplug-status is "connected" when the driver asks for it;
 *   before that: watch hotplug-status and stay W.  HOTPLUG_OK in W with the
 *   frontend in D/C connects; HOTPLUG_ERROR is fatal.  CONNECT_OK in W
 *   writes C.  PROBED in I advertises and writes W: the frontend sets up
 *   its rings only once it sees W.  A frontend that drops back to I while we
 *   are C was reset under us (kexec, crash kernel): disconnect and offer
 *   the device again rather than keep its dead rings mapped.
 *
 *   Hand-over (live upgrade, @rebind): a REMOVE (unbind) while both ends
 *   are C, online = 1 and our state node still reads C (the toolstack
 *   writes G there to remove the device) disconnects and frees but writes
 *   nothing: the node stays C and the frontend sees only a pause.  The
 *   next instance probes a device whose state is C with nothing held
 *   (C-): PROBED in C- advertises (and watches hotplug-status when the
 *   driver waits for it) and stays C; C- then acts as W, connecting on
 *   the frontend's D/C (over the live rings, see xsplit_back_rejoin()),
 *   and that CONNECT_OK stays C without a write.  Any other REMOVE goes X as before.
 *
 * Frontend (valid local states I D C G X 7), on the backend's state S:
 *
 *   S \ local  I                D               C               G   X
 *   U, gone    -                disc, X         disc, X         X   -
 *   I          -                -               -               -   -
 *   W          adv, D (**)      -               -               -   (***)
 *   D          -                -               -               -   -
 *   C          -                connect         refresh         -   -
 *   G          X                disc, X         disc, X         X   -
 *   X          - (****)         disc, X         disc, X         X   -
 *   7, 8       -                -               -               -   -
 *   > 8        fatal, G         disc, fatal, G  disc, fatal, G  -   -
 *
 *   Reconfiguring (7, netif: the frontend attaches or detaches an XDP
 *   program): RECONF_BEGIN in C writes 7 (the driver wrote the changed
 *   keys just before), RECONF_END in 7 writes C again, and both change
 *   nothing elsewhere.  In between the driver waits, with a bound, for
 *   the backend's 8 (xsplit_fsm_reconf_wait()); the machine acts in 7
 *   as in C, except that the backend's C (or 8) asks for nothing.
 *
 *   (***) adv, D when the driver sets reconnect, else -.
 *   (****) a frontend probed again (module reload, sysfs rebind) finds
 *   the backend still in the Closed that ended the last connection: it
 *   answers our I with W (so do Linux's blkback and netback), and a
 *   backend being removed takes the device away.  Closing here is
 *   different: the toolstack detaching it, or the backend failing.
 *   C in C: the backend wrote Connected again without leaving it, which
 *   blkif uses to announce a changed disk size (online resize); the
 *   driver re-reads what may change while connected.
 *   (**) protocols that skip Initialised (netif) advertise and connect at
 *   W and go straight to C.  CONNECT_OK in I/D writes C.  The backend waits
 *   for our Closed after its Closing, so we go straight to X.
 *
 *   Suspend: SUSPEND only tells the driver and changes nothing, so the
 *   rings stay granted and the backend keeps working on them.  Two things
 *   can follow.  A completed save/restore (or migration) gives RESUME: the
 *   domain runs on a new backend instance whose grant table and event
 *   channels know nothing of ours, so RESUME drops everything (disconnect,
 *   which parks in-flight requests for re-issue) and renegotiates from I.
 *   A cancelled suspend (xl save -c, a failed save) gives no event at all:
 *   the kernel calls no driver hook then and the domain simply continues
 *   with the same backend, so whatever SUSPEND did must need no undoing.
 *   Linux's own frontends work the same way (no suspend hook, resume
 *   reconnects).
 *   A closed frontend stays closed until it is probed again, as in Linux's
 *   netfront, unless the driver asks to reconnect (Linux's blkfront): then
 *   a backend back in W (a restarted backend or driver domain) is treated
 *   from X as from I, for protocols that skip Initialised too: their
 *   CONNECT_OK in X is the one that reconnect asked for and writes C.
 *
 * Both roles: CONNECT_FAIL outside G/X is fatal and goes G (in G/X it only
 * undoes the partial connect); a CONNECT_OK that arrives when no connect was
 * due is undone with a disconnect; REMOVE disconnects, frees and goes X.  A
 * local state that the role never uses (corruption) is fatal and goes G.
 * FATAL (the driver found the connection broken, in any local state)
 * disconnects what is held and, outside G/X, reports and goes G.
 * Wherever a row says "disc", it is also done when the glue says it still
 * holds a connection (@live), whatever the local state: the local state
 * can be written behind the machine's back, the resources cannot.
 * Events of the other role (SUSPEND for a backend, HOTPLUG for a frontend)
 * and out-of-range roles or events change nothing.
 */
#include "xenbus/fsm.h"

#define NOP(in) ((struct xsplit_fsm_out){ (in)->local, 0 })

static struct xsplit_fsm_out to(unsigned int next, u32 actions)
{
	return (struct xsplit_fsm_out){ next, actions };
}

static struct xsplit_fsm_out go_closing_fatal(bool live)
{
	return to(XSPLIT_XS_CLOSING, (live ? XSPLIT_ACT_DISCONNECT : 0) |
		  XSPLIT_ACT_FATAL | XSPLIT_ACT_WRITE_STATE);
}

/**
 * xsplit_fsm_state_valid - is @state one that @role's end ever takes?
 * @role: backend or frontend
 * @state: any value
 */
bool xsplit_fsm_state_valid(enum xsplit_fsm_role role, unsigned int state)
{
	switch (state) {
	case XSPLIT_XS_INITIALISING:
	case XSPLIT_XS_CONNECTED:
	case XSPLIT_XS_CLOSING:
	case XSPLIT_XS_CLOSED:
		return true;
	case XSPLIT_XS_INITWAIT:
	case XSPLIT_XS_RECONFIGURED:
		return role == XSPLIT_ROLE_BACKEND;
	case XSPLIT_XS_INITIALISED:
	case XSPLIT_XS_RECONFIGURING:
		return role == XSPLIT_ROLE_FRONTEND;
	default:
		return false;
	}
}

/*
 * Does our end hold rings or a connection that a disconnect must undo?
 * The glue's word (@live) counts as much as the state: whichever says so,
 * we disconnect (the glue's disconnect is idempotent).
 */
static bool is_live(const struct xsplit_fsm_in *in)
{
	return in->live || in->local == XSPLIT_XS_CONNECTED ||
	       (in->role == XSPLIT_ROLE_FRONTEND &&
		(in->local == XSPLIT_XS_INITIALISED ||
		 in->local == XSPLIT_XS_RECONFIGURING));
}

/* Closing or Closed: an end that is leaving (the glue asks too). */
bool xsplit_fsm_closed_or_closing(unsigned int state)
{
	return state == XSPLIT_XS_CLOSING || state == XSPLIT_XS_CLOSED;
}

/* Stay where we are, only letting go of what is still held. */
static struct xsplit_fsm_out stay_released(const struct xsplit_fsm_in *in)
{
	return to(in->local, is_live(in) ? XSPLIT_ACT_DISCONNECT : 0);
}

/*
 * Something the other end, the toolstack or the driver itself found is
 * not allowed: report it and go Closing, unless this end is on its way
 * out already.
 */
static struct xsplit_fsm_out
fatal_unless_closing(const struct xsplit_fsm_in *in)
{
	if (xsplit_fsm_closed_or_closing(in->local))
		return stay_released(in);
	return go_closing_fatal(is_live(in));
}

/* Close towards @target (G or X) unless already there or beyond. */
static struct xsplit_fsm_out close_to(const struct xsplit_fsm_in *in,
				      unsigned int target)
{
	if (in->local == XSPLIT_XS_CLOSED || in->local == target)
		return stay_released(in);
	return to(target, (is_live(in) ? XSPLIT_ACT_DISCONNECT : 0) |
		  XSPLIT_ACT_WRITE_STATE);
}

static struct xsplit_fsm_out back_gone(const struct xsplit_fsm_in *in)
{
	struct xsplit_fsm_out out = close_to(in, XSPLIT_XS_CLOSED);

	if (!in->online)
		out.actions |= XSPLIT_ACT_UNREGISTER;
	return out;
}

static bool back_may_connect(const struct xsplit_fsm_in *in)
{
	return !in->need_hotplug || in->hotplug_ok;
}

/* W, or an R answered before the connect: the connect is still to come. */
static bool back_awaits_connect(const struct xsplit_fsm_in *in)
{
	return in->local == XSPLIT_XS_INITWAIT ||
	       (in->local == XSPLIT_XS_RECONFIGURED && !in->live) ||
	       (in->rebind && in->local == XSPLIT_XS_CONNECTED && !in->live);
}

/* An earlier instance handed this connected device over to us. */
static bool back_rejoins(const struct xsplit_fsm_in *in)
{
	return in->rebind && in->local == XSPLIT_XS_CONNECTED &&
	       in->stored == XSPLIT_XS_CONNECTED && !in->live;
}

/*
 * An unbind with both ends connected and the toolstack not removing the
 * device: leave the connection for the next instance of the driver.
 */
static bool back_hands_over(const struct xsplit_fsm_in *in)
{
	return in->role == XSPLIT_ROLE_BACKEND && in->rebind && in->online &&
	       in->local == XSPLIT_XS_CONNECTED &&
	       in->stored == XSPLIT_XS_CONNECTED &&
	       in->remote == XSPLIT_XS_CONNECTED;
}

/* Connected, or Reconfigured over a connection. */
static bool back_connected(const struct xsplit_fsm_in *in)
{
	return in->local == XSPLIT_XS_CONNECTED ||
	       (in->local == XSPLIT_XS_RECONFIGURED && in->live);
}

static struct xsplit_fsm_out back_front_ready(const struct xsplit_fsm_in *in)
{
	/* The frontend is done reconfiguring. */
	if (in->local == XSPLIT_XS_RECONFIGURED && in->live)
		return in->remote == XSPLIT_XS_CONNECTED ?
		       to(XSPLIT_XS_CONNECTED, XSPLIT_ACT_WRITE_STATE) : NOP(in);
	if (!back_awaits_connect(in))
		return NOP(in);
	if (!back_may_connect(in))
		return to(in->local, XSPLIT_ACT_WAIT_HOTPLUG);
	return to(in->local, XSPLIT_ACT_CONNECT);
}

static struct xsplit_fsm_out back_front_reconf(const struct xsplit_fsm_in *in)
{
	if (!in->reconfigure ||
	    (!back_connected(in) && !back_awaits_connect(in)))
		return NOP(in);
	return to(XSPLIT_XS_RECONFIGURED,
		  XSPLIT_ACT_RECONFIGURE | XSPLIT_ACT_WRITE_STATE);
}

static struct xsplit_fsm_out back_front_init(const struct xsplit_fsm_in *in)
{
	u32 adv = XSPLIT_ACT_ADVERTISE | XSPLIT_ACT_WRITE_STATE;

	if (in->local != XSPLIT_XS_CLOSED && in->local != XSPLIT_XS_CONNECTED &&
	    in->local != XSPLIT_XS_RECONFIGURED)
		return NOP(in);
	/* Offer the device again only with the old connection gone. */
	if (is_live(in))
		adv |= XSPLIT_ACT_DISCONNECT;
	return to(XSPLIT_XS_INITWAIT, adv);
}

static struct xsplit_fsm_out back_remote(const struct xsplit_fsm_in *in)
{
	switch (in->remote) {
	case XSPLIT_XS_UNKNOWN:
	case XSPLIT_XS_CLOSED:
		return back_gone(in);
	case XSPLIT_XS_INITIALISING:
		return back_front_init(in);
	case XSPLIT_XS_INITIALISED:
	case XSPLIT_XS_CONNECTED:
		return back_front_ready(in);
	case XSPLIT_XS_CLOSING:
		return close_to(in, XSPLIT_XS_CLOSING);
	case XSPLIT_XS_RECONFIGURING:
		return back_front_reconf(in);
	case XSPLIT_XS_INITWAIT:
	case XSPLIT_XS_RECONFIGURED:
		return NOP(in);
	default:
		return fatal_unless_closing(in);
	}
}

static struct xsplit_fsm_out front_back_waiting(const struct xsplit_fsm_in *in)
{
	bool fresh = in->local == XSPLIT_XS_INITIALISING ||
		     (in->reconnect && in->local == XSPLIT_XS_CLOSED);

	if (!fresh)
		return NOP(in);
	if (in->skip_initialised)
		return to(in->local, XSPLIT_ACT_ADVERTISE | XSPLIT_ACT_CONNECT);
	return to(XSPLIT_XS_INITIALISED,
		  XSPLIT_ACT_ADVERTISE | XSPLIT_ACT_WRITE_STATE);
}

static struct xsplit_fsm_out front_back_gone(const struct xsplit_fsm_in *in)
{
	/*
	 * Nothing set up yet: the backend may still be on its way (gone),
	 * or still in the Closed of our last connection (see (****)).
	 */
	if (in->local == XSPLIT_XS_INITIALISING)
		return NOP(in);
	return close_to(in, XSPLIT_XS_CLOSED);
}

static struct xsplit_fsm_out front_remote(const struct xsplit_fsm_in *in)
{
	switch (in->remote) {
	case XSPLIT_XS_UNKNOWN:
		return front_back_gone(in);
	case XSPLIT_XS_INITWAIT:
		return front_back_waiting(in);
	case XSPLIT_XS_CONNECTED:
		if (in->local == XSPLIT_XS_INITIALISED)
			return to(in->local, XSPLIT_ACT_CONNECT);
		if (in->local == XSPLIT_XS_CONNECTED)
			return to(in->local, XSPLIT_ACT_REFRESH);
		return NOP(in);
	case XSPLIT_XS_CLOSED:
		return front_back_gone(in);
	case XSPLIT_XS_CLOSING:
		return close_to(in, XSPLIT_XS_CLOSED);
	case XSPLIT_XS_INITIALISING:
	case XSPLIT_XS_INITIALISED:
	case XSPLIT_XS_RECONFIGURING:
	case XSPLIT_XS_RECONFIGURED:
		return NOP(in);
	default:
		return fatal_unless_closing(in);
	}
}

static struct xsplit_fsm_out on_connect_ok(const struct xsplit_fsm_in *in)
{
	bool due;

	/*
	 * The glue counts a connect under way as held (@live), so an R
	 * cannot tell here whether it awaited this connect: it did, for
	 * only a connect asked for gives CONNECT_OK.
	 */
	if (in->role == XSPLIT_ROLE_BACKEND)
		due = in->local == XSPLIT_XS_INITWAIT ||
		      in->local == XSPLIT_XS_RECONFIGURED ||
		      /* a rejoin: C with nothing held asked for it */
		      (in->rebind && in->local == XSPLIT_XS_CONNECTED);
	else
		due = in->local == XSPLIT_XS_INITIALISING ||
		      in->local == XSPLIT_XS_INITIALISED ||
		      /* connected from X in one step: see (***) */
		      (in->reconnect && in->skip_initialised &&
		       in->local == XSPLIT_XS_CLOSED);
	if (!due)
		return to(in->local, XSPLIT_ACT_DISCONNECT);
	/* A rejoin leaves the node as it was: Connected, nothing to tell. */
	if (in->local == XSPLIT_XS_CONNECTED)
		return NOP(in);
	return to(XSPLIT_XS_CONNECTED, XSPLIT_ACT_WRITE_STATE);
}

static struct xsplit_fsm_out on_connect_fail(const struct xsplit_fsm_in *in)
{
	if (xsplit_fsm_closed_or_closing(in->local))
		return to(in->local, XSPLIT_ACT_DISCONNECT);
	return go_closing_fatal(true);
}

static struct xsplit_fsm_out on_remove(const struct xsplit_fsm_in *in)
{
	u32 actions = XSPLIT_ACT_DISCONNECT | XSPLIT_ACT_FREE;

	if (back_hands_over(in))
		return to(in->local, actions);
	if (in->local != XSPLIT_XS_CLOSED)
		actions |= XSPLIT_ACT_WRITE_STATE;
	return to(XSPLIT_XS_CLOSED, actions);
}

static struct xsplit_fsm_out back_step(const struct xsplit_fsm_in *in,
				       enum xsplit_fsm_event ev)
{
	switch (ev) {
	case XSPLIT_EV_PROBED:
		if (back_rejoins(in))
			return to(in->local, XSPLIT_ACT_ADVERTISE |
				  (in->need_hotplug ?
				   XSPLIT_ACT_WAIT_HOTPLUG : 0));
		if (in->local != XSPLIT_XS_INITIALISING)
			return NOP(in);
		return to(XSPLIT_XS_INITWAIT, XSPLIT_ACT_ADVERTISE |
			  XSPLIT_ACT_WRITE_STATE |
			  (in->need_hotplug ? XSPLIT_ACT_WAIT_HOTPLUG : 0));
	case XSPLIT_EV_REMOTE:
		return back_remote(in);
	case XSPLIT_EV_VANISHED:
		return back_gone(in);
	case XSPLIT_EV_HOTPLUG_OK:
		if (in->remote != XSPLIT_XS_INITIALISED &&
		    in->remote != XSPLIT_XS_CONNECTED)
			return NOP(in);
		return back_awaits_connect(in) ?
		       to(in->local, XSPLIT_ACT_CONNECT) : NOP(in);
	case XSPLIT_EV_HOTPLUG_ERROR:
		return fatal_unless_closing(in);
	case XSPLIT_EV_CONNECT_OK:
		return on_connect_ok(in);
	case XSPLIT_EV_CONNECT_FAIL:
		return on_connect_fail(in);
	default:
		return NOP(in);
	}
}

static struct xsplit_fsm_out front_step(const struct xsplit_fsm_in *in,
					enum xsplit_fsm_event ev)
{
	switch (ev) {
	case XSPLIT_EV_REMOTE:
		return front_remote(in);
	case XSPLIT_EV_VANISHED:
		return front_back_gone(in);
	case XSPLIT_EV_CONNECT_OK:
		return on_connect_ok(in);
	case XSPLIT_EV_CONNECT_FAIL:
		return on_connect_fail(in);
	case XSPLIT_EV_SUSPEND:
		/*
		 * Keep the rings: a cancelled suspend (xl save -c, a failed
		 * save) resumes on this very backend and never tells us.
		 */
		return to(in->local, XSPLIT_ACT_SUSPEND);
	case XSPLIT_EV_RECONF_BEGIN:
		if (in->local != XSPLIT_XS_CONNECTED)
			return NOP(in);
		return to(XSPLIT_XS_RECONFIGURING, XSPLIT_ACT_WRITE_STATE);
	case XSPLIT_EV_RECONF_END:
		if (in->local != XSPLIT_XS_RECONFIGURING)
			return NOP(in);
		return to(XSPLIT_XS_CONNECTED, XSPLIT_ACT_WRITE_STATE);
	default:
		return NOP(in);
	}
}

/*
 * A connection starts at a frontend's advertise (its rings) and at a
 * backend's connect.  Whatever row asked for one, a connection still held
 * is let go first: set up over it, it would leak.
 */
static struct xsplit_fsm_out release_before_start(const struct xsplit_fsm_in *in,
						  struct xsplit_fsm_out out)
{
	u32 starts = in->role == XSPLIT_ROLE_FRONTEND ?
		     XSPLIT_ACT_ADVERTISE : XSPLIT_ACT_CONNECT;

	if ((out.actions & starts) && is_live(in))
		out.actions |= XSPLIT_ACT_DISCONNECT;
	return out;
}

static struct xsplit_fsm_out step(const struct xsplit_fsm_in *in,
				  enum xsplit_fsm_event ev)
{
	if (in->role >= XSPLIT_ROLE_NR || (unsigned int)ev >= XSPLIT_EV_NR)
		return NOP(in);
	if (ev == XSPLIT_EV_REMOVE)
		return on_remove(in);
	/* Resume starts over whatever state the suspend left behind. */
	if (ev == XSPLIT_EV_RESUME && in->role == XSPLIT_ROLE_FRONTEND)
		return to(XSPLIT_XS_INITIALISING, XSPLIT_ACT_DISCONNECT |
			  XSPLIT_ACT_RENEGOTIATE | XSPLIT_ACT_WRITE_STATE);
	if (!xsplit_fsm_state_valid(in->role, in->local)) {
		if (in->role == XSPLIT_ROLE_BACKEND &&
		    (ev == XSPLIT_EV_SUSPEND || ev == XSPLIT_EV_RESUME))
			return NOP(in);
		if (in->role == XSPLIT_ROLE_FRONTEND &&
		    (ev == XSPLIT_EV_HOTPLUG_OK ||
		     ev == XSPLIT_EV_HOTPLUG_ERROR || ev == XSPLIT_EV_PROBED))
			return NOP(in);
		return go_closing_fatal(true);
	}
	/*
	 * The driver found the connection broken (a corrupt ring, a response
	 * that cannot be): the teardown every other close runs, then Closing
	 * with the reason, in either role.
	 */
	if (ev == XSPLIT_EV_FATAL)
		return fatal_unless_closing(in);
	if (in->role == XSPLIT_ROLE_BACKEND)
		return back_step(in, ev);
	return front_step(in, ev);
}

/**
 * xsplit_fsm_step - next state and actions for one event
 * @in: role, our state, the other end's last state and the flags
 * @ev: what happened; for XSPLIT_EV_REMOTE the new state is @in->remote
 *
 * Total over all inputs: any value of @in->local, @in->remote, @in->role
 * and @ev gives a defined result (see the tables above).
 */
struct xsplit_fsm_out xsplit_fsm_step(const struct xsplit_fsm_in *in,
				      enum xsplit_fsm_event ev)
{
	return release_before_start(in, step(in, ev));
}

/**
 * xsplit_fsm_reconf_wait - has the backend answered our Reconfiguring?
 * @remote: the backend's state as last read (any value)
 *
 * A backend that offers reconfiguration answers with Reconfigured; one
 * still Connected has not yet; any other state (closing, gone, restarted,
 * out of the ABI) will never answer.
 */
enum xsplit_fsm_reconf xsplit_fsm_reconf_wait(unsigned int remote)
{
	switch (remote) {
	case XSPLIT_XS_RECONFIGURED:
		return XSPLIT_RECONF_DONE;
	case XSPLIT_XS_CONNECTED:
		return XSPLIT_RECONF_WAIT;
	default:
		return XSPLIT_RECONF_GONE;
	}
}

static const char *const xsplit_fsm_names[XSPLIT_XS_NR] = {
	[XSPLIT_XS_UNKNOWN] = "Unknown",
	[XSPLIT_XS_INITIALISING] = "Initialising",
	[XSPLIT_XS_INITWAIT] = "InitWait",
	[XSPLIT_XS_INITIALISED] = "Initialised",
	[XSPLIT_XS_CONNECTED] = "Connected",
	[XSPLIT_XS_CLOSING] = "Closing",
	[XSPLIT_XS_CLOSED] = "Closed",
	[XSPLIT_XS_RECONFIGURING] = "Reconfiguring",
	[XSPLIT_XS_RECONFIGURED] = "Reconfigured",
};

const char *xsplit_fsm_state_name(unsigned int state)
{
	return state < XSPLIT_XS_NR ? xsplit_fsm_names[state] : "Invalid";
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the XenBus state machine (xenbus/fsm.c).  The dense tables
 * below are written out by hand from the protocol (Linux blkback/netback,
 * blkfront/netfront and xen/include/public/io/xenbus.h), one row per local
 * state and one column per state of the other end, 0..8 plus 9 for any
 * value outside the ABI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "xenbus/fsm.h"

enum { U, I, W, D, C, G, X, R7, R8, BAD };

#define NONE 0U
#define DISC XSPLIT_ACT_DISCONNECT
#define ADV XSPLIT_ACT_ADVERTISE
#define CONN XSPLIT_ACT_CONNECT
#define WAITHP XSPLIT_ACT_WAIT_HOTPLUG
#define FATAL XSPLIT_ACT_FATAL
#define WR XSPLIT_ACT_WRITE_STATE
#define UNREG XSPLIT_ACT_UNREGISTER
#define FREE XSPLIT_ACT_FREE
#define SUSP XSPLIT_ACT_SUSPEND
#define RENEG XSPLIT_ACT_RENEGOTIATE
#define REFR XSPLIT_ACT_REFRESH
#define RECONF XSPLIT_ACT_RECONFIGURE

#define NSTATES 10

struct exp {
	unsigned int next;
	unsigned int actions;
};

struct row {
	unsigned int local;
	struct exp e[NSTATES];	/* indexed by the other end's state */
};

/* Any local state a role never uses: fatal, disconnect, go Closing. */
#define CORRUPT { G, DISC | FATAL | WR }
#define CORRUPT_ROW(l) { l, { CORRUPT, CORRUPT, CORRUPT, CORRUPT, CORRUPT, \
			      CORRUPT, CORRUPT, CORRUPT, CORRUPT, CORRUPT } }

/*
 * Backend; need_hotplug with hotplug-status connected, online = 1, a
 * driver that answers Reconfiguring (netback), nothing held (live = 0):
 * the R row is the one reached from W, before the connect.
 */
static const struct row backend_rows[] = {
	CORRUPT_ROW(U),
	{ I, {
		{ X, WR }, { I, NONE },	/* U I */
		{ I, NONE }, { I, NONE },	/* W D */
		{ I, NONE }, { G, WR },	/* C G */
		{ X, WR }, { I, NONE },	/* X 7 */
		{ I, NONE }, { G, FATAL | WR },	/* 8 >8 */
	} },
	{ W, {
		{ X, WR }, { W, NONE },	/* U I */
		{ W, NONE }, { W, CONN },	/* W D */
		{ W, CONN }, { G, WR },	/* C G */
		{ X, WR }, { R8, RECONF | WR },	/* X 7 */
		{ W, NONE }, { G, FATAL | WR },	/* 8 >8 */
	} },
	CORRUPT_ROW(D),
	{ C, {
		{ X, DISC | WR }, { W, DISC | ADV | WR },	/* U I */
		{ C, NONE }, { C, NONE },	/* W D */
		{ C, NONE }, { G, DISC | WR },	/* C G */
		{ X, DISC | WR }, { R8, RECONF | WR },	/* X 7 */
		{ C, NONE }, { G, DISC | FATAL | WR },	/* 8 >8 */
	} },
	{ G, {
		{ X, WR }, { G, NONE },	/* U I */
		{ G, NONE }, { G, NONE },	/* W D */
		{ G, NONE }, { G, NONE },	/* C G */
		{ X, WR }, { G, NONE },	/* X 7 */
		{ G, NONE }, { G, NONE },	/* 8 >8 */
	} },
	{ X, {
		{ X, NONE }, { W, ADV | WR },	/* U I */
		{ X, NONE }, { X, NONE },	/* W D */
		{ X, NONE }, { X, NONE },	/* C G */
		{ X, NONE }, { X, NONE },	/* X 7 */
		{ X, NONE }, { X, NONE },	/* 8 >8 */
	} },
	CORRUPT_ROW(R7),
	{ R8, {
		{ X, WR }, { W, ADV | WR },	/* U I */
		{ R8, NONE }, { R8, CONN },	/* W D */
		{ R8, CONN }, { G, WR },	/* C G */
		{ X, WR }, { R8, RECONF | WR },	/* X 7 */
		{ R8, NONE }, { G, FATAL | WR },	/* 8 >8 */
	} },
	CORRUPT_ROW(BAD),
};

/* The same backend in R over a live connection (reached from C). */
static const struct row backend_reconf_live_row = { R8, {
	{ X, DISC | WR }, { W, DISC | ADV | WR },	/* U I */
	{ R8, NONE }, { R8, NONE },	/* W D */
	{ C, WR }, { G, DISC | WR },	/* C G */
	{ X, DISC | WR }, { R8, RECONF | WR },	/* X 7 */
	{ R8, NONE }, { G, DISC | FATAL | WR },	/* 8 >8 */
} };

/* Frontend that goes through Initialised (blkif). */
static const struct row frontend_rows[] = {
	CORRUPT_ROW(U),
	{ I, {
		{ I, NONE }, { I, NONE },	/* U I */
		{ D, ADV | WR }, { I, NONE },	/* W D */
		{ I, NONE }, { X, WR },	/* C G */
		{ I, NONE }, { I, NONE },	/* X 7 */
		{ I, NONE }, { G, FATAL | WR },	/* 8 >8 */
	} },
	CORRUPT_ROW(W),
	{ D, {
		{ X, DISC | WR }, { D, NONE },	/* U I */
		{ D, NONE }, { D, NONE },	/* W D */
		{ D, CONN }, { X, DISC | WR },	/* C G */
		{ X, DISC | WR }, { D, NONE },	/* X 7 */
		{ D, NONE }, { G, DISC | FATAL | WR },	/* 8 >8 */
	} },
	{ C, {
		{ X, DISC | WR }, { C, NONE },	/* U I */
		{ C, NONE }, { C, NONE },	/* W D */
		{ C, REFR }, { X, DISC | WR },	/* C G */
		{ X, DISC | WR }, { C, NONE },	/* X 7 */
		{ C, NONE }, { G, DISC | FATAL | WR },	/* 8 >8 */
	} },
	{ G, {
		{ X, WR }, { G, NONE },	/* U I */
		{ G, NONE }, { G, NONE },	/* W D */
		{ G, NONE }, { X, WR },	/* C G */
		{ X, WR }, { G, NONE },	/* X 7 */
		{ G, NONE }, { G, NONE },	/* 8 >8 */
	} },
	{ X, {
		{ X, NONE }, { X, NONE },	/* U I */
		{ X, NONE }, { X, NONE },	/* W D */
		{ X, NONE }, { X, NONE },	/* C G */
		{ X, NONE }, { X, NONE },	/* X 7 */
		{ X, NONE }, { X, NONE },	/* 8 >8 */
	} },
	/* Reconfiguring (netif's XDP): as C, but C and 8 ask nothing */
	{ R7, {
		{ X, DISC | WR }, { R7, NONE },	/* U I */
		{ R7, NONE }, { R7, NONE },	/* W D */
		{ R7, NONE }, { X, DISC | WR },	/* C G */
		{ X, DISC | WR }, { R7, NONE },	/* X 7 */
		{ R7, NONE }, { G, DISC | FATAL | WR },	/* 8 >8 */
	} },
	CORRUPT_ROW(R8),
	CORRUPT_ROW(BAD),
};

static struct xsplit_fsm_in backend_in(unsigned int local, unsigned int remote)
{
	return (struct xsplit_fsm_in){
		.role = XSPLIT_ROLE_BACKEND, .local = local, .remote = remote,
		.need_hotplug = true, .hotplug_ok = true, .online = true,
		.reconfigure = true,
	};
}

static struct xsplit_fsm_in frontend_in(unsigned int local,
					unsigned int remote)
{
	return (struct xsplit_fsm_in){
		.role = XSPLIT_ROLE_FRONTEND, .local = local, .remote = remote,
	};
}

static void check(const struct xsplit_fsm_in *in, enum xsplit_fsm_event ev,
		  unsigned int next, unsigned int actions)
{
	struct xsplit_fsm_out out = xsplit_fsm_step(in, ev);

	if (out.next != next || out.actions != actions)
		print_error("role %d local %u remote %u ev %d: got %u/%#x want %u/%#x\n",
			    in->role, in->local, in->remote, ev, out.next,
			    out.actions, next, actions);
	assert_int_equal(out.next, next);
	assert_int_equal(out.actions, actions);
}

static void check_rows(const struct row *rows, size_t n,
		       enum xsplit_fsm_role role)
{
	size_t r;
	unsigned int s;

	assert_int_equal(n, NSTATES);
	for (r = 0; r < n; r++) {
		assert_int_equal(rows[r].local, r);
		for (s = 0; s < NSTATES; s++) {
			struct xsplit_fsm_in in = role == XSPLIT_ROLE_BACKEND ?
				backend_in(rows[r].local, s) :
				frontend_in(rows[r].local, s);

			check(&in, XSPLIT_EV_REMOTE, rows[r].e[s].next,
			      rows[r].e[s].actions);
		}
	}
}

static void test_backend_dense(void **state)
{
	check_rows(backend_rows, ARRAY_SIZE(backend_rows), XSPLIT_ROLE_BACKEND);
}

static void test_backend_reconfigured_live(void **state)
{
	const struct row *r = &backend_reconf_live_row;
	unsigned int s;

	for (s = 0; s < NSTATES; s++) {
		struct xsplit_fsm_in in = backend_in(R8, s);

		in.live = true;
		check(&in, XSPLIT_EV_REMOTE, r->e[s].next, r->e[s].actions);
	}
}

/*
 * A driver that does not answer Reconfiguring (blkback) ignores it, and
 * writes Reconfigured only if its state was written behind its back.
 */
static void test_backend_reconfigure_unsupported(void **state)
{
	static const unsigned int locals[] = { I, W, C, G, X };
	struct xsplit_fsm_in in;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(locals); i++) {
		in = backend_in(locals[i], R7);
		in.reconfigure = false;
		check(&in, XSPLIT_EV_REMOTE, locals[i], NONE);
	}
	in = backend_in(R8, R7);
	in.reconfigure = false;
	in.live = true;
	check(&in, XSPLIT_EV_REMOTE, R8, NONE);
	/* and a frontend never reconfigures on its backend's 7 or 8 */
	in = frontend_in(C, R7);
	check(&in, XSPLIT_EV_REMOTE, C, NONE);
	in.remote = R8;
	check(&in, XSPLIT_EV_REMOTE, C, NONE);
}

/* The hotplug script and the connect results, in an R before connecting. */
static void test_backend_reconfigured_before_connect(void **state)
{
	struct xsplit_fsm_in in = backend_in(R8, C);

	in.hotplug_ok = false;
	check(&in, XSPLIT_EV_REMOTE, R8, WAITHP);
	check(&in, XSPLIT_EV_HOTPLUG_OK, R8, CONN);
	in.remote = R7;
	check(&in, XSPLIT_EV_HOTPLUG_OK, R8, NONE);
	in.live = true;		/* the glue holds the connect under way */
	check(&in, XSPLIT_EV_CONNECT_OK, C, WR);
	check(&in, XSPLIT_EV_HOTPLUG_OK, R8, NONE);
	in.live = false;
	check(&in, XSPLIT_EV_CONNECT_FAIL, G, DISC | FATAL | WR);
	check(&in, XSPLIT_EV_FATAL, G, FATAL | WR);
}

static void test_frontend_dense(void **state)
{
	check_rows(frontend_rows, ARRAY_SIZE(frontend_rows),
		   XSPLIT_ROLE_FRONTEND);
}

/* Values a hostile peer can write: huge, "negative" (as %d reads it). */
static void test_remote_out_of_abi(void **state)
{
	static const unsigned int bad[] = { 9, 100, 0x7fffffffU, 0x80000000U,
					    0xffffffffU };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct xsplit_fsm_in b = backend_in(C, bad[i]);
		struct xsplit_fsm_in f = frontend_in(D, bad[i]);

		check(&b, XSPLIT_EV_REMOTE, G, DISC | FATAL | WR);
		check(&f, XSPLIT_EV_REMOTE, G, DISC | FATAL | WR);
	}
}

static void test_backend_offline_unregisters(void **state)
{
	static const unsigned int locals[] = { I, W, C, G, X };
	static const struct exp gone[] = {
		{ X, WR | UNREG }, { X, WR | UNREG }, { X, DISC | WR | UNREG },
		{ X, WR | UNREG }, { X, UNREG },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(locals); i++) {
		struct xsplit_fsm_in in = backend_in(locals[i], X);

		in.online = false;
		check(&in, XSPLIT_EV_REMOTE, gone[i].next, gone[i].actions);
		in.remote = U;
		check(&in, XSPLIT_EV_REMOTE, gone[i].next, gone[i].actions);
		check(&in, XSPLIT_EV_VANISHED, gone[i].next, gone[i].actions);
	}
}

static void test_vanished(void **state)
{
	struct xsplit_fsm_in b = backend_in(C, C);
	struct xsplit_fsm_in f = frontend_in(C, C);

	check(&b, XSPLIT_EV_VANISHED, X, DISC | WR);
	check(&f, XSPLIT_EV_VANISHED, X, DISC | WR);
	f.local = I;
	check(&f, XSPLIT_EV_VANISHED, I, NONE);
	f.local = G;
	check(&f, XSPLIT_EV_VANISHED, X, WR);
}

static void test_backend_probe(void **state)
{
	struct xsplit_fsm_in in = backend_in(I, I);

	check(&in, XSPLIT_EV_PROBED, W, ADV | WR | WAITHP);
	in.need_hotplug = false;
	check(&in, XSPLIT_EV_PROBED, W, ADV | WR);
	in.local = W;
	check(&in, XSPLIT_EV_PROBED, W, NONE);
	in.local = U;
	check(&in, XSPLIT_EV_PROBED, G, DISC | FATAL | WR);

	in = frontend_in(I, W);
	check(&in, XSPLIT_EV_PROBED, I, NONE);
}

static void test_backend_hotplug_gate(void **state)
{
	struct xsplit_fsm_in in = backend_in(W, D);

	in.hotplug_ok = false;
	check(&in, XSPLIT_EV_REMOTE, W, WAITHP);
	in.remote = C;
	check(&in, XSPLIT_EV_REMOTE, W, WAITHP);
	/* the script finishes: connect now */
	check(&in, XSPLIT_EV_HOTPLUG_OK, W, CONN);
	in.remote = I;
	check(&in, XSPLIT_EV_HOTPLUG_OK, W, NONE);
	in.remote = D;
	in.local = C;
	check(&in, XSPLIT_EV_HOTPLUG_OK, C, NONE);
	/* no hotplug wanted: connect at once */
	in = backend_in(W, D);
	in.need_hotplug = false;
	in.hotplug_ok = false;
	check(&in, XSPLIT_EV_REMOTE, W, CONN);
}

static void test_backend_hotplug_error(void **state)
{
	static const struct exp want[] = {
		[I] = { G, FATAL | WR }, [W] = { G, FATAL | WR },
		[C] = { G, DISC | FATAL | WR }, [G] = { G, NONE },
		[X] = { X, NONE },
	};
	static const unsigned int locals[] = { I, W, C, G, X };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(locals); i++) {
		struct xsplit_fsm_in in = backend_in(locals[i], D);

		check(&in, XSPLIT_EV_HOTPLUG_ERROR, want[locals[i]].next,
		      want[locals[i]].actions);
	}
}

static void test_connect_results(void **state)
{
	struct xsplit_fsm_in b = backend_in(W, D);
	struct xsplit_fsm_in f = frontend_in(D, C);

	check(&b, XSPLIT_EV_CONNECT_OK, C, WR);
	check(&b, XSPLIT_EV_CONNECT_FAIL, G, DISC | FATAL | WR);
	b.local = G;
	check(&b, XSPLIT_EV_CONNECT_OK, G, DISC);
	check(&b, XSPLIT_EV_CONNECT_FAIL, G, DISC);
	b.local = C;
	check(&b, XSPLIT_EV_CONNECT_OK, C, DISC);

	check(&f, XSPLIT_EV_CONNECT_OK, C, WR);
	f.local = I;
	check(&f, XSPLIT_EV_CONNECT_OK, C, WR);
	check(&f, XSPLIT_EV_CONNECT_FAIL, G, DISC | FATAL | WR);
	f.local = X;
	check(&f, XSPLIT_EV_CONNECT_OK, X, DISC);
	check(&f, XSPLIT_EV_CONNECT_FAIL, X, DISC);
}

static void test_frontend_skip_initialised(void **state)
{
	struct xsplit_fsm_in in = frontend_in(I, W);

	in.skip_initialised = true;
	check(&in, XSPLIT_EV_REMOTE, I, ADV | CONN);
	check(&in, XSPLIT_EV_CONNECT_OK, C, WR);
	in.local = C;
	check(&in, XSPLIT_EV_REMOTE, C, NONE);
	in.remote = C;
	check(&in, XSPLIT_EV_REMOTE, C, REFR);
}

/* A frontend that asked for it renegotiates from Closed, others stay. */
static void test_frontend_reconnect(void **state)
{
	struct xsplit_fsm_in in = frontend_in(X, W);

	check(&in, XSPLIT_EV_REMOTE, X, NONE);
	in.reconnect = true;
	check(&in, XSPLIT_EV_REMOTE, D, ADV | WR);
	in.skip_initialised = true;
	check(&in, XSPLIT_EV_REMOTE, X, ADV | CONN);
	check(&in, XSPLIT_EV_CONNECT_OK, C, WR);
	in.reconnect = false;
	check(&in, XSPLIT_EV_CONNECT_OK, X, DISC);
	in.reconnect = true;
	in.skip_initialised = false;
	check(&in, XSPLIT_EV_CONNECT_OK, X, DISC);
	in.local = G;
	check(&in, XSPLIT_EV_REMOTE, G, NONE);
	in.local = C;
	check(&in, XSPLIT_EV_REMOTE, C, NONE);
}

static void test_remove(void **state)
{
	unsigned int l;

	for (l = 0; l < NSTATES; l++) {
		struct xsplit_fsm_in b = backend_in(l, C);
		struct xsplit_fsm_in f = frontend_in(l, C);
		unsigned int want = DISC | FREE | (l == X ? 0 : WR);

		check(&b, XSPLIT_EV_REMOVE, X, want);
		check(&f, XSPLIT_EV_REMOVE, X, want);
	}
}

/*
 * SUSPEND never disconnects, in any state: a cancelled suspend has no
 * event of its own, so rings taken back here would stay gone.
 */
static void test_suspend_resume(void **state)
{
	static const struct exp suspend[] = {
		[I] = { I, SUSP }, [D] = { D, SUSP },
		[C] = { C, SUSP }, [G] = { G, SUSP }, [X] = { X, SUSP },
	};
	static const unsigned int locals[] = { I, D, C, G, X };
	unsigned int l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(locals); i++) {
		struct xsplit_fsm_in in = frontend_in(locals[i], C);

		check(&in, XSPLIT_EV_SUSPEND, suspend[locals[i]].next,
		      suspend[locals[i]].actions);
	}
	for (l = 0; l < NSTATES; l++) {
		struct xsplit_fsm_in f = frontend_in(l, W);
		struct xsplit_fsm_in b = backend_in(l, C);

		check(&f, XSPLIT_EV_RESUME, I, DISC | RENEG | WR);
		if (l == I || l == W || l == C || l == G || l == X) {
			check(&b, XSPLIT_EV_SUSPEND, l, NONE);
			check(&b, XSPLIT_EV_RESUME, l, NONE);
		}
	}
}

static void test_other_role_events_ignored(void **state)
{
	struct xsplit_fsm_in f = frontend_in(C, C);
	struct xsplit_fsm_in b = backend_in(BAD, C);

	check(&f, XSPLIT_EV_HOTPLUG_OK, C, NONE);
	check(&f, XSPLIT_EV_HOTPLUG_ERROR, C, NONE);
	check(&b, XSPLIT_EV_SUSPEND, BAD, NONE);
}

static void test_bad_role_and_event(void **state)
{
	struct xsplit_fsm_in in = backend_in(C, G);

	in.role = XSPLIT_ROLE_NR;
	check(&in, XSPLIT_EV_REMOTE, C, NONE);
	in.role = (enum xsplit_fsm_role)-1;
	check(&in, XSPLIT_EV_REMOVE, C, NONE);
	in = backend_in(C, G);
	check(&in, XSPLIT_EV_NR, C, NONE);
	check(&in, (enum xsplit_fsm_event)-1, C, NONE);
}

static void test_state_names(void **state)
{
	assert_string_equal(xsplit_fsm_state_name(I), "Initialising");
	assert_string_equal(xsplit_fsm_state_name(W), "InitWait");
	assert_string_equal(xsplit_fsm_state_name(R8), "Reconfigured");
	assert_string_equal(xsplit_fsm_state_name(BAD), "Invalid");
	assert_string_equal(xsplit_fsm_state_name(0xffffffffU), "Invalid");
}

/* A driver-detected error: disconnect what is held, report, go Closing. */
static void test_fatal(void **state)
{
	static const struct { unsigned int local; struct exp e; } back[] = {
		{ I, { G, FATAL | WR } }, { W, { G, FATAL | WR } },
		{ C, { G, DISC | FATAL | WR } },
		{ G, { G, NONE } }, { X, { X, NONE } },
		{ D, { G, DISC | FATAL | WR } },	/* not a backend state */
	};
	static const struct { unsigned int local; struct exp e; } front[] = {
		{ I, { G, FATAL | WR } }, { D, { G, DISC | FATAL | WR } },
		{ C, { G, DISC | FATAL | WR } },
		{ G, { G, NONE } }, { X, { X, NONE } },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(back); i++) {
		struct xsplit_fsm_in in = backend_in(back[i].local, C);

		check(&in, XSPLIT_EV_FATAL, back[i].e.next, back[i].e.actions);
	}
	for (i = 0; i < ARRAY_SIZE(front); i++) {
		struct xsplit_fsm_in in = frontend_in(front[i].local, C);

		check(&in, XSPLIT_EV_FATAL, front[i].e.next,
		      front[i].e.actions);
	}
}

/*
 * The glue still holds a connection in a state that says it should not
 * (a state written behind the machine's back): every closing or
 * re-offering step lets go of it first.
 */
static void test_live_overrides_state(void **state)
{
	struct xsplit_fsm_in in = backend_in(G, X);

	in.live = true;
	check(&in, XSPLIT_EV_REMOTE, X, DISC | WR);
	check(&in, XSPLIT_EV_FATAL, G, DISC);
	in.remote = G;
	check(&in, XSPLIT_EV_REMOTE, G, DISC);
	in.local = X;
	in.remote = I;
	check(&in, XSPLIT_EV_REMOTE, W, DISC | ADV | WR);
	in.remote = X;
	check(&in, XSPLIT_EV_REMOTE, X, DISC);
	check(&in, XSPLIT_EV_HOTPLUG_ERROR, X, DISC);
	in.local = W;
	check(&in, XSPLIT_EV_FATAL, G, DISC | FATAL | WR);
	in.remote = D;
	check(&in, XSPLIT_EV_REMOTE, W, DISC | CONN);
	check(&in, XSPLIT_EV_HOTPLUG_OK, W, DISC | CONN);

	in = frontend_in(I, W);
	in.live = true;
	check(&in, XSPLIT_EV_REMOTE, D, DISC | ADV | WR);
	in.skip_initialised = true;
	check(&in, XSPLIT_EV_REMOTE, I, DISC | ADV | CONN);

	in = frontend_in(X, X);
	in.live = true;
	check(&in, XSPLIT_EV_REMOTE, X, DISC);
	in.local = G;
	check(&in, XSPLIT_EV_REMOTE, X, DISC | WR);
}

/*
 * Two ends talking: each state write is delivered to the other end as a
 * REMOTE event, callbacks succeed unless told otherwise.  This checks that
 * the two tables fit together, not just each row on its own.
 */
struct end {
	struct xsplit_fsm_in in;
	unsigned int connects;
	unsigned int disconnects;
	unsigned int advertises;
	unsigned int refreshes;
	unsigned int reconfigures;
	bool connect_fails;
	bool passive;		/* played by the test: it only looks */
	bool unregistered;
	bool live;		/* rings/connection held, as the glue tracks */
	unsigned int leaks;	/* connections set up over a live one */
};

struct link {
	struct end back;
	struct end front;
};

static void deliver(struct link *lk, struct end *e, enum xsplit_fsm_event ev);

static void publish(struct link *lk, struct end *e, unsigned int state)
{
	struct end *peer = e == &lk->back ? &lk->front : &lk->back;

	e->in.local = state;
	peer->in.remote = state;
	deliver(lk, peer, XSPLIT_EV_REMOTE);
}

static void deliver(struct link *lk, struct end *e, enum xsplit_fsm_event ev)
{
	bool front = e->in.role == XSPLIT_ROLE_FRONTEND;
	struct xsplit_fsm_out out;

	if (e->passive)
		return;
	e->in.live = e->live;	/* as the glue feeds it */
	out = xsplit_fsm_step(&e->in, ev);
	/* the glue's order: disconnect before advertise and connect */
	if ((out.actions & DISC) && e->live) {
		e->disconnects++;
		e->live = false;
	}
	/* a connection starts at a frontend's advertise, a backend's connect */
	if (e->live && (out.actions & (front ? ADV : CONN)))
		e->leaks++;
	if (out.actions & ADV) {
		e->advertises++;
		if (front)
			e->live = true;
	}
	if (out.actions & CONN)
		e->live = true;
	if (out.actions & REFR)
		e->refreshes++;
	if (out.actions & UNREG)
		e->unregistered = true;
	if (out.actions & RECONF)
		e->reconfigures++;
	if (out.actions & CONN) {
		e->connects++;
		deliver(lk, e, e->connect_fails ? XSPLIT_EV_CONNECT_FAIL :
						  XSPLIT_EV_CONNECT_OK);
		return;
	}
	if (out.actions & (WR | FATAL))
		publish(lk, e, out.next);
	else
		e->in.local = out.next;
}

static void link_up(struct link *lk, bool skip)
{
	memset(lk, 0, sizeof(*lk));
	lk->back.in = backend_in(I, I);
	lk->front.in = frontend_in(I, I);
	lk->front.in.skip_initialised = skip;
	deliver(lk, &lk->back, XSPLIT_EV_PROBED);
}

static void test_sim_connect_close_reconnect(void **state)
{
	struct link lk;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.connects, 1);
		assert_int_equal(lk.front.connects, 1);

		/*
		 * frontend closes (guest shutdown / driver unload): the
		 * backend follows to Closing, which finishes the frontend's
		 * close, which closes the backend.
		 */
		publish(&lk, &lk.front, G);
		assert_int_equal(lk.front.in.local, X);
		assert_int_equal(lk.back.in.local, X);
		assert_int_equal(lk.back.disconnects, 1);
		assert_false(lk.back.unregistered);

		/* frontend comes back (kexec, driver reload) */
		lk.front.in.local = I;
		publish(&lk, &lk.front, I);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.connects, 2);
		assert_int_equal(lk.back.advertises, 2);
	}
}

/*
 * A frontend probed again (module reload, rebind) may look at the backend
 * before the backend saw its Initialising: the backend still reads the
 * Closed of the last connection.  The frontend waits for the backend's
 * InitWait instead of closing, which would leave both ends Closed.
 */
static void test_sim_reprobe_sees_stale_closed(void **state)
{
	struct link lk;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		publish(&lk, &lk.front, G);
		assert_int_equal(lk.back.in.local, X);

		/* the new instance writes I; its first event reads X */
		lk.front.in.local = I;
		lk.back.passive = true;
		publish(&lk, &lk.front, I);
		deliver(&lk, &lk.front, XSPLIT_EV_REMOTE);
		assert_int_equal(lk.front.in.local, I);
		/* then the backend answers our I */
		lk.back.passive = false;
		deliver(&lk, &lk.back, XSPLIT_EV_REMOTE);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.front.connects, 2);
	}
}

/* A frontend that opted in follows a restarted backend back to C. */
static void test_sim_backend_restart_reconnect(void **state)
{
	struct link lk;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		lk.front.in.reconnect = true;

		/* the backend goes away (unbind, driver domain stops) */
		publish(&lk, &lk.back, G);
		assert_int_equal(lk.front.in.local, X);
		assert_int_equal(lk.front.disconnects, 1);
		publish(&lk, &lk.back, X);

		/* and is probed again */
		lk.back.in.local = I;
		deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.front.advertises, 2);
		assert_int_equal(lk.front.connects, 2);
		assert_int_equal(lk.front.disconnects, 1);
	}
}

/*
 * Live upgrade: the backend's driver is unbound and a new instance bound
 * while the frontend stays connected.  The state node never changes, so
 * the frontend gets no event at all; the new instance connects over the
 * live rings.  Per case: the frontend's protocol (skip_initialised) and
 * whether the new instance sees the hotplug status before the frontend's
 * state.
 */
static void hand_over(struct link *lk)
{
	lk->back.in.stored = lk->back.in.local;
	deliver(lk, &lk->back, XSPLIT_EV_REMOVE);
	/* the new instance: a fresh device struct over the same node */
	lk->back.in.hotplug_ok = false;
	lk->back.in.stored = lk->back.in.local;
	deliver(lk, &lk->back, XSPLIT_EV_PROBED);
}

static void test_sim_backend_hand_over(void **state)
{
	unsigned int cycle, refreshes;
	struct link lk;
	int skip, hp_first;

	for (skip = 0; skip < 2; skip++) {
		for (hp_first = 0; hp_first < 2; hp_first++) {
			link_up(&lk, skip);
			lk.back.in.rebind = true;
			refreshes = lk.front.refreshes;
			for (cycle = 1; cycle <= 3; cycle++) {
				hand_over(&lk);
				assert_int_equal(lk.back.in.local, C);
				assert_int_equal(lk.back.disconnects, cycle);
				assert_int_equal(lk.back.connects, cycle);
				lk.back.in.hotplug_ok = true;
				if (hp_first)
					deliver(&lk, &lk.back,
						XSPLIT_EV_HOTPLUG_OK);
				/* the bus's new watch fires at once */
				deliver(&lk, &lk.back, XSPLIT_EV_REMOTE);
				if (!hp_first)
					deliver(&lk, &lk.back,
						XSPLIT_EV_HOTPLUG_OK);
				assert_int_equal(lk.back.connects, cycle + 1);
				assert_int_equal(lk.back.in.local, C);
				assert_int_equal(lk.back.leaks, 0);
			}
			assert_int_equal(lk.front.in.local, C);
			assert_int_equal(lk.front.disconnects, 0);
			assert_int_equal(lk.front.connects, 1);
			assert_int_equal(lk.front.refreshes, refreshes);
		}
	}
}

/* Without the conditions of a hand-over an unbind closes, as it always did. */
static void test_backend_unbind_closes(void **state)
{
	struct xsplit_fsm_in in = backend_in(C, C);

	in.rebind = true;
	in.stored = C;
	in.live = true;
	check(&in, XSPLIT_EV_REMOVE, C, DISC | FREE);
	in.stored = G;		/* the toolstack is removing the device */
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);
	in.stored = U;		/* its directory is gone */
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);
	in.stored = C;
	in.online = false;
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);
	in.online = true;
	in.remote = D;		/* the frontend is not connected */
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);
	in.remote = C;
	in.rebind = false;	/* frontends, and the table above */
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);

	/* a probe finds C only in a node left by an earlier instance */
	in = backend_in(C, U);
	in.rebind = true;
	in.stored = C;
	check(&in, XSPLIT_EV_PROBED, C, ADV | WAITHP);
	in.stored = G;
	check(&in, XSPLIT_EV_PROBED, C, NONE);
	/* the frontend left meanwhile: close as from C */
	in.stored = U;
	in.remote = G;
	check(&in, XSPLIT_EV_REMOTE, G, DISC | WR);
	in.remote = I;
	check(&in, XSPLIT_EV_REMOTE, W, DISC | ADV | WR);
}

/*
 * Online resize: the backend writes Connected again over Connected (with a
 * new "sectors" in the same transaction).  The frontend re-reads, once per
 * write, and nothing is torn down on either side; a netif-style frontend
 * (skip_initialised) gets the same call, which its driver leaves unset.
 */
static void test_sim_backend_reannounces(void **state)
{
	struct link lk;
	int skip, i;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		/*
		 * A netif frontend is Connected before its backend: the
		 * backend's first Connected already finds it there.
		 */
		assert_int_equal(lk.front.refreshes, skip);
		for (i = 1; i <= 3; i++) {
			publish(&lk, &lk.back, C);
			assert_int_equal(lk.front.refreshes, skip + i);
		}
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.disconnects, 0);
		assert_int_equal(lk.back.disconnects, 0);
		assert_int_equal(lk.front.connects, 1);
		assert_int_equal(lk.back.connects, 1);
	}
}

static void test_sim_hotplug_late(void **state)
{
	struct link lk;

	memset(&lk, 0, sizeof(lk));
	lk.back.in = backend_in(I, I);
	lk.back.in.hotplug_ok = false;
	lk.front.in = frontend_in(I, I);
	deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
	assert_int_equal(lk.back.in.local, W);
	assert_int_equal(lk.front.in.local, D);
	assert_int_equal(lk.back.connects, 0);

	lk.back.in.hotplug_ok = true;
	deliver(&lk, &lk.back, XSPLIT_EV_HOTPLUG_OK);
	assert_int_equal(lk.back.in.local, C);
	assert_int_equal(lk.front.in.local, C);
}

/*
 * Linux's netfront attaching and detaching XDP programs: Reconfiguring,
 * the backend's Reconfigured, Connected again; the connection stays.  A
 * frontend toggling this in a loop costs no reconnect either.  The
 * frontend is played by the test from the connection on (xsplit's own
 * has no Reconfiguring yet).
 */
static void test_sim_reconfigure_cycles(void **state)
{
	struct link lk;
	int i;

	link_up(&lk, true);
	lk.front.passive = true;
	for (i = 0; i < 100; i++) {
		publish(&lk, &lk.front, R7);
		assert_int_equal(lk.back.in.local, R8);
		publish(&lk, &lk.front, C);
		assert_int_equal(lk.back.in.local, C);
	}
	assert_int_equal(lk.back.reconfigures, 100);
	assert_int_equal(lk.back.connects, 1);
	assert_int_equal(lk.back.disconnects, 0);
	assert_int_equal(lk.back.leaks, 0);
	assert_true(lk.back.live);

	/* the guest shuts down in the middle of one */
	publish(&lk, &lk.front, R7);
	lk.front.passive = false;
	lk.front.in.local = C;
	publish(&lk, &lk.front, G);
	assert_int_equal(lk.back.in.local, X);
	assert_int_equal(lk.front.in.local, X);
	assert_int_equal(lk.back.disconnects, 1);
	/* and comes back: a fresh connection */
	lk.front.in.local = I;
	publish(&lk, &lk.front, I);
	assert_int_equal(lk.back.in.local, C);
	assert_int_equal(lk.back.connects, 2);
	assert_int_equal(lk.back.leaks, 0);
}

/*
 * Both machines run the round: the frontend's RECONF_BEGIN and END (what
 * xenbus/reconf.c feeds it) against netback's answer; then the backend
 * closing in the middle of a round.
 */
static void test_sim_frontend_reconfigures(void **state)
{
	struct link lk;
	int i;

	link_up(&lk, true);
	for (i = 0; i < 10; i++) {
		deliver(&lk, &lk.front, XSPLIT_EV_RECONF_BEGIN);
		assert_int_equal(lk.front.in.local, R7);
		assert_int_equal(lk.back.in.local, R8);
		assert_int_equal(xsplit_fsm_reconf_wait(lk.back.in.local),
				 XSPLIT_RECONF_DONE);
		deliver(&lk, &lk.front, XSPLIT_EV_RECONF_END);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.in.local, C);
	}
	assert_int_equal(lk.back.reconfigures, 10);
	assert_int_equal(lk.front.disconnects, 0);
	assert_int_equal(lk.back.disconnects, 0);
	assert_int_equal(lk.front.connects, 1);

	deliver(&lk, &lk.front, XSPLIT_EV_RECONF_BEGIN);
	publish(&lk, &lk.back, G);
	assert_int_equal(xsplit_fsm_reconf_wait(G), XSPLIT_RECONF_GONE);
	assert_int_equal(lk.front.in.local, X);
	assert_int_equal(lk.front.disconnects, 1);
	/* the round's end comes too late and changes nothing */
	deliver(&lk, &lk.front, XSPLIT_EV_RECONF_END);
	assert_int_equal(lk.front.in.local, X);
	assert_int_equal(lk.front.leaks + lk.back.leaks, 0);
}

/*
 * The frontend connects at our W and may reconfigure while the hotplug
 * script still runs: Reconfigured at once, the connect when the script is
 * done and the frontend back in Connected.
 */
static void test_sim_reconfigure_before_connect(void **state)
{
	struct link lk;

	memset(&lk, 0, sizeof(lk));
	lk.back.in = backend_in(I, I);
	lk.back.in.hotplug_ok = false;
	lk.front.in = frontend_in(I, I);
	lk.front.in.skip_initialised = true;
	deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
	assert_int_equal(lk.front.in.local, C);
	assert_int_equal(lk.back.in.local, W);

	lk.front.passive = true;
	publish(&lk, &lk.front, R7);
	assert_int_equal(lk.back.in.local, R8);
	assert_int_equal(lk.back.connects, 0);
	lk.back.in.hotplug_ok = true;
	deliver(&lk, &lk.back, XSPLIT_EV_HOTPLUG_OK);
	assert_int_equal(lk.back.connects, 0);	/* the frontend is in 7 */
	publish(&lk, &lk.front, C);
	assert_int_equal(lk.back.in.local, C);
	assert_int_equal(lk.back.connects, 1);
	assert_int_equal(lk.back.reconfigures, 1);
	assert_int_equal(lk.back.leaks, 0);
}

static void test_sim_backend_connect_fails(void **state)
{
	struct link lk;

	memset(&lk, 0, sizeof(lk));
	lk.back.in = backend_in(I, I);
	lk.back.connect_fails = true;
	lk.front.in = frontend_in(I, I);
	deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
	/* backend fails, goes Closing; the frontend closes; both settle */
	assert_int_equal(lk.front.in.local, X);
	assert_int_equal(lk.back.in.local, X);
	assert_true(lk.back.disconnects >= 1);
	assert_int_equal(lk.front.disconnects, 1);
}

/*
 * The hostile frontend of issue 14: it corrupts its ring (the backend's
 * driver reports FATAL), then closes and starts over, again and again.
 * Each connection the backend makes must be undone before the next one.
 * @behind: the backend's state is written behind the machine's back, as a
 * driver calling xenbus_dev_fatal() itself used to do.
 */
static void hostile_cycles(bool behind)
{
	struct link lk;
	int i;

	link_up(&lk, false);
	for (i = 0; i < 100; i++) {
		if (behind)
			publish(&lk, &lk.back, G);
		else
			deliver(&lk, &lk.back, XSPLIT_EV_FATAL);
		/* the frontend saw Closing and closed; so did the backend */
		assert_int_equal(lk.back.in.local, X);
		/* the hostile frontend drops its rings and cycles its state */
		lk.front.live = false;
		publish(&lk, &lk.front, X);
		lk.front.in.local = I;
		publish(&lk, &lk.front, I);
		assert_int_equal(lk.back.in.local, C);
		assert_int_equal(lk.front.in.local, C);
	}
	assert_int_equal(lk.back.connects, 101);
	assert_int_equal(lk.back.disconnects, 100);
	assert_int_equal(lk.back.leaks, 0);
	assert_true(lk.back.live);
}

static void test_sim_hostile_fatal_cycles(void **state)
{
	hostile_cycles(false);
}

static void test_sim_hostile_state_behind_back(void **state)
{
	hostile_cycles(true);
}

/*
 * Save and restore: the suspend keeps the rings (the domain is frozen
 * anyway), the resume on the destination's fresh backend takes the old
 * ones back once and builds new ones.
 */
static void test_sim_frontend_resume(void **state)
{
	struct link lk;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		lk.front.in.reconnect = true;
		deliver(&lk, &lk.front, XSPLIT_EV_SUSPEND);
		assert_int_equal(lk.front.disconnects, 0);
		assert_true(lk.front.live);
		/* a fresh backend at the destination, InitWait after probe */
		lk.back = (struct end){ .in = backend_in(I, I) };
		lk.front.in.remote = U;
		deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
		/* the bus has set our state to I before calling resume */
		lk.front.in.local = I;
		deliver(&lk, &lk.front, XSPLIT_EV_RESUME);
		assert_int_equal(lk.front.in.local, I);
		assert_int_equal(lk.front.disconnects, 1);
		assert_false(lk.front.live);
		/* the bus re-arms the state watch after resume; it fires */
		lk.front.in.remote = W;
		deliver(&lk, &lk.front, XSPLIT_EV_REMOTE);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.in.local, C);
		assert_true(lk.front.live);
		assert_int_equal(lk.front.connects, 2);
		assert_int_equal(lk.front.advertises, 2);
		assert_int_equal(lk.front.disconnects, 1);
	}
}

/*
 * A cancelled suspend (xl save -c): SUSPEND and then nothing, the domain
 * goes on with the same backend.  The frontend must still be connected
 * and able to do everything a connected one does: close when the backend
 * closes, and go through a real save/restore later.
 */
static void test_sim_frontend_suspend_cancelled(void **state)
{
	struct link lk;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		link_up(&lk, skip);
		lk.front.in.reconnect = true;
		deliver(&lk, &lk.front, XSPLIT_EV_SUSPEND);
		deliver(&lk, &lk.front, XSPLIT_EV_SUSPEND);	/* twice */
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.back.in.local, C);
		assert_true(lk.front.live);
		assert_int_equal(lk.front.disconnects, 0);
		/* the backend re-announcing itself changes nothing */
		deliver(&lk, &lk.front, XSPLIT_EV_REMOTE);
		assert_true(lk.front.live);
		assert_int_equal(lk.front.connects, 1);

		/* a real save/restore afterwards */
		lk.back = (struct end){ .in = backend_in(I, I) };
		lk.front.in.remote = U;
		deliver(&lk, &lk.back, XSPLIT_EV_PROBED);
		lk.front.in.local = I;
		deliver(&lk, &lk.front, XSPLIT_EV_RESUME);
		lk.front.in.remote = W;
		deliver(&lk, &lk.front, XSPLIT_EV_REMOTE);
		assert_int_equal(lk.front.in.local, C);
		assert_int_equal(lk.front.disconnects, 1);
		assert_int_equal(lk.front.connects, 2);

		/* and the backend going away still disconnects once */
		publish(&lk, &lk.back, G);
		assert_int_equal(lk.front.in.local, X);
		assert_false(lk.front.live);
		assert_int_equal(lk.front.disconnects, 2);
	}
}

/* The frontend's Reconfiguring round: only from C, back only from 7. */
static void test_frontend_reconf_events(void **state)
{
	static const unsigned int locals[] = { I, D, G, X };
	struct xsplit_fsm_in in = frontend_in(C, C);
	size_t i;

	check(&in, XSPLIT_EV_RECONF_BEGIN, R7, WR);
	check(&in, XSPLIT_EV_RECONF_END, C, NONE);
	in.local = R7;
	check(&in, XSPLIT_EV_RECONF_END, C, WR);
	check(&in, XSPLIT_EV_RECONF_BEGIN, R7, NONE);
	for (i = 0; i < ARRAY_SIZE(locals); i++) {
		in.local = locals[i];
		check(&in, XSPLIT_EV_RECONF_BEGIN, locals[i], NONE);
		check(&in, XSPLIT_EV_RECONF_END, locals[i], NONE);
	}
	/* what holds in C holds in 7: fatal, suspend, resume, remove */
	in.local = R7;
	check(&in, XSPLIT_EV_FATAL, G, DISC | FATAL | WR);
	check(&in, XSPLIT_EV_SUSPEND, R7, SUSP);
	check(&in, XSPLIT_EV_RESUME, I, DISC | RENEG | WR);
	check(&in, XSPLIT_EV_REMOVE, X, DISC | FREE | WR);
	/* a backend has no such round of its own */
	in = backend_in(C, C);
	check(&in, XSPLIT_EV_RECONF_BEGIN, C, NONE);
	check(&in, XSPLIT_EV_RECONF_END, C, NONE);
}

static void test_frontend_reconf_wait(void **state)
{
	unsigned int s;

	assert_int_equal(xsplit_fsm_reconf_wait(R8), XSPLIT_RECONF_DONE);
	assert_int_equal(xsplit_fsm_reconf_wait(C), XSPLIT_RECONF_WAIT);
	for (s = 0; s < NSTATES; s++)
		if (s != R8 && s != C)
			assert_int_equal(xsplit_fsm_reconf_wait(s),
					 XSPLIT_RECONF_GONE);
	assert_int_equal(xsplit_fsm_reconf_wait(0xffffffffU),
			 XSPLIT_RECONF_GONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend_dense),
		cmocka_unit_test(test_backend_reconfigured_live),
		cmocka_unit_test(test_backend_reconfigure_unsupported),
		cmocka_unit_test(test_backend_reconfigured_before_connect),
		cmocka_unit_test(test_frontend_dense),
		cmocka_unit_test(test_frontend_reconf_events),
		cmocka_unit_test(test_frontend_reconf_wait),
		cmocka_unit_test(test_remote_out_of_abi),
		cmocka_unit_test(test_backend_offline_unregisters),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_backend_probe),
		cmocka_unit_test(test_backend_hotplug_gate),
		cmocka_unit_test(test_backend_hotplug_error),
		cmocka_unit_test(test_connect_results),
		cmocka_unit_test(test_frontend_skip_initialised),
		cmocka_unit_test(test_frontend_reconnect),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_suspend_resume),
		cmocka_unit_test(test_other_role_events_ignored),
		cmocka_unit_test(test_bad_role_and_event),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_live_overrides_state),
		cmocka_unit_test(test_sim_connect_close_reconnect),
		cmocka_unit_test(test_sim_reprobe_sees_stale_closed),
		cmocka_unit_test(test_sim_backend_restart_reconnect),
		cmocka_unit_test(test_sim_backend_reannounces),
		cmocka_unit_test(test_sim_backend_hand_over),
		cmocka_unit_test(test_backend_unbind_closes),
		cmocka_unit_test(test_sim_hotplug_late),
		cmocka_unit_test(test_sim_reconfigure_cycles),
		cmocka_unit_test(test_sim_reconfigure_before_connect),
		cmocka_unit_test(test_sim_frontend_reconfigures),
		cmocka_unit_test(test_sim_backend_connect_fails),
		cmocka_unit_test(test_sim_hostile_fatal_cycles),
		cmocka_unit_test(test_sim_hostile_state_behind_back),
		cmocka_unit_test(test_sim_frontend_resume),
		cmocka_unit_test(test_sim_frontend_suspend_cancelled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-level plumbing of xsplit_core.ko: each concern (xenbus, grant,
 * evtchn) that needs set-up at load time provides an init/exit pair and is
 * listed once in core/main.c.
 */
#ifndef XSPLIT_CORE_H
#define XSPLIT_CORE_H

struct xsplit_subsys {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

#endif /* XSPLIT_CORE_H */

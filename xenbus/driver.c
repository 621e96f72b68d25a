// SPDX-License-Identifier: GPL-2.0
/*
 * Registration of xsplit drivers with the kernel's XenBus, and the
 * xenbus_driver callbacks that turn bus events into state-machine events.
 *
 * XenBus binds a device to a driver by the id table's devicetype only, so
 * our drivers take "vbd" and "vif" like the in-tree ones; the driver name
 * ("xsplit-vbd") must differ from theirs ("vbd") because driver names are
 * unique per bus.  Whichever driver probes a device first owns it.
 *
 * Backends set allow_rebind (there since 5.5): the bus then leaves our
 * state node alone when a device is unbound, unless the toolstack wrote
 * Closing there.  The state machine decides (xenbus/fsm.c, "Hand-over"):
 * an unbind of a connected device stops its I/O and lets go of rings and
 * channels but leaves XenStore as it is, so that the next instance of
 * the driver (a reload, a new build: tools/xsplit-upgrade) picks the
 * connection up where it was.  Each bound device holds a reference on
 * the driver's module, so a module is replaced by unbinding its devices,
 * unloading it and loading the new one, whose registration probes them.
 */
#include "xenbus/internal.h"

#define XSPLIT_XB_NAME_PREFIX "xsplit-"

static struct xsplit_xb_driver *to_xsplit_driver(struct xenbus_device *xdev)
{
	struct xenbus_driver *xb = to_xenbus_driver(xdev->dev.driver);

	return container_of(xb, struct xsplit_xb_driver, xb);
}

static struct xsplit_xb_dev *dev_alloc(struct xenbus_device *xdev)
{
	struct xsplit_xb_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	dev->xdev = xdev;
	dev->drv = to_xsplit_driver(xdev);
	dev->remote = XenbusStateUnknown;
	mutex_init(&dev->lock);
	xsplit_xb_fatal_init(dev);
	xsplit_xb_reconf_init(dev);
	return dev;
}

/*
 * A uevent can be asked for at any time (a write to the device's uevent
 * file), also while the device is being removed: this lock orders
 * xb_uevent()'s look at the drvdata against dev_free() taking it away.
 */
static DEFINE_MUTEX(xb_uevent_lock);

static void dev_free(struct xsplit_xb_dev *dev)
{
	mutex_lock(&xb_uevent_lock);
	dev_set_drvdata(&dev->xdev->dev, NULL);
	mutex_unlock(&xb_uevent_lock);
	mutex_destroy(&dev->lock);
	kfree(dev);
}

/*
 * The driver's variables for every uevent of a bound device (the bus adds
 * its own: XENBUS_PATH and the like).  xb_uevent_lock keeps the device
 * from being freed under us, its own lock keeps dev->priv.
 */
static int xb_uevent(XSPLIT_XENBUS_UEVENT_DEV *xdev,
		     struct kobj_uevent_env *env)
{
	struct xsplit_xb_dev *dev;
	int err = 0;

	mutex_lock(&xb_uevent_lock);
	dev = dev_get_drvdata(&xdev->dev);
	if (dev) {
		mutex_lock(&dev->lock);
		err = dev->drv->ops->uevent(dev, env);
		mutex_unlock(&dev->lock);
	}
	mutex_unlock(&xb_uevent_lock);
	return err;
}

static void hotplug_uevent(struct xsplit_xb_dev *dev,
			   enum kobject_action action)
{
	if (dev->drv->hotplug_uevents)
		kobject_uevent(&dev->xdev->dev.kobj, action);
}

/* The one teardown path, shared by remove and a probe that went wrong. */
static void dev_teardown(struct xsplit_xb_dev *dev)
{
	xsplit_xb_hotplug_unwatch(dev);
	/* While the driver's variables (the vif's name) are still there. */
	if (dev->announced)
		hotplug_uevent(dev, KOBJ_OFFLINE);
	mutex_lock(&dev->lock);
	xsplit_xb_dispatch(dev, XSPLIT_EV_REMOVE);
	mutex_unlock(&dev->lock);
	/* Disconnected: nothing reports any more, one report may be queued. */
	xsplit_xb_fatal_cancel(dev);
	xsplit_xb_reconf_cancel(dev);
	dev_free(dev);
}

/*
 * A frontend bound again (its module reloaded, a rebind through sysfs)
 * finds its state node at the Closed its last instance wrote on the way
 * out: the bus keeps the device, and the state it last switched to,
 * across the rebind.  Linux's blkback and netback wait in Closed until
 * the frontend says Initialising before they offer the device again, so
 * start over from there.  At first boot the node reads Initialising and
 * nothing is written.
 */
static void front_restart(struct xsplit_xb_dev *dev)
{
	if (dev->drv->role != XSPLIT_ROLE_FRONTEND ||
	    xsplit_xenbus_own_state(dev->xdev) != XenbusStateClosed)
		return;
	dev->xdev->state = XenbusStateClosed;
	xenbus_switch_state(dev->xdev, XenbusStateInitialising);
}

static int xb_probe(struct xenbus_device *xdev,
		    const struct xenbus_device_id *id)
{
	const struct xsplit_xb_ops *ops = to_xsplit_driver(xdev)->ops;
	struct xsplit_xb_dev *dev;
	bool failed;
	int err;

	dev = dev_alloc(xdev);
	if (!dev) {
		/* a device that may not be ours gets no error node */
		if (!ops->wanted)
			xenbus_dev_fatal(xdev, -ENOMEM, "allocating device");
		return -ENOMEM;
	}
	/* Asked with a device to read keys through, before anything else. */
	if (ops->wanted && !ops->wanted(dev)) {
		dev_free(dev);
		return -ENODEV;
	}
	dev_set_drvdata(&xdev->dev, dev);
	err = dev->drv->ops->probe ? dev->drv->ops->probe(dev) : 0;
	if (err) {
		xenbus_dev_fatal(xdev, err, "probing %s", xdev->nodename);
		goto free_dev;
	}

	mutex_lock(&dev->lock);
	front_restart(dev);
	xsplit_xb_dispatch(dev, XSPLIT_EV_PROBED);
	failed = xdev->state == XenbusStateClosing;
	mutex_unlock(&dev->lock);
	if (failed) {
		err = -EIO;
		goto teardown;
	}
	/* In InitWait with the driver's device made: hotplug may run. */
	dev->announced = true;
	hotplug_uevent(dev, KOBJ_ONLINE);
	return 0;

teardown:
	dev_teardown(dev);
	return err;
free_dev:
	dev_free(dev);
	return err;
}

static XSPLIT_XENBUS_REMOVE_RET xb_remove(struct xenbus_device *xdev)
{
	struct xsplit_xb_dev *dev = dev_get_drvdata(&xdev->dev);

	if (dev)
		dev_teardown(dev);
	return XSPLIT_XENBUS_REMOVED;	/* nothing, or 0 before 6.0 */
}

static void xb_otherend_changed(struct xenbus_device *xdev,
				enum xenbus_state state)
{
	struct xsplit_xb_dev *dev = dev_get_drvdata(&xdev->dev);
	enum xsplit_fsm_event ev = XSPLIT_EV_REMOTE;
	bool unregister;

	if (!dev)
		return;
	/* Before the lock: a reconfiguring frontend waits without it. */
	xsplit_xb_reconf_kick(dev);
	/* An absent state node reads as Unknown; tell "gone" apart. */
	if (state == XenbusStateUnknown &&
	    !xenbus_exists(XBT_NIL, xdev->otherend, ""))
		ev = XSPLIT_EV_VANISHED;

	mutex_lock(&dev->lock);
	dev->remote = (unsigned int)state;
	if (dev->remote >= XSPLIT_XS_NR)
		xsplit_xb_set_fatal(dev, -EINVAL, "invalid state at other end");
	unregister = xsplit_xb_dispatch(dev, ev);
	xsplit_xb_set_fatal(dev, 0, NULL);
	mutex_unlock(&dev->lock);
	if (unregister)
		device_unregister(&xdev->dev);
}

static int xb_suspend(struct xenbus_device *xdev)
{
	struct xsplit_xb_dev *dev = dev_get_drvdata(&xdev->dev);

	if (!dev)
		return 0;
	mutex_lock(&dev->lock);
	xsplit_xb_dispatch(dev, XSPLIT_EV_SUSPEND);
	mutex_unlock(&dev->lock);
	return 0;
}

/* The bus re-arms the other-end watch after this; it fires at once. */
static int xb_resume(struct xenbus_device *xdev)
{
	struct xsplit_xb_dev *dev = dev_get_drvdata(&xdev->dev);

	if (!dev)
		return 0;
	mutex_lock(&dev->lock);
	dev->remote = XenbusStateUnknown;
	xsplit_xb_dispatch(dev, XSPLIT_EV_RESUME);
	mutex_unlock(&dev->lock);
	return 0;
}

static int fill_names(struct xsplit_xb_driver *drv)
{
	int n;

	memset(drv->ids, 0, sizeof(drv->ids));
	if (strscpy(drv->ids[0].devicetype, drv->type,
		    sizeof(drv->ids[0].devicetype)) < 0)
		return -EINVAL;
	n = snprintf(drv->name, sizeof(drv->name), "%s%s",
		     XSPLIT_XB_NAME_PREFIX, drv->type);
	if (n < 0 || n >= (int)sizeof(drv->name))
		return -EINVAL;
	return 0;
}

/**
 * __xsplit_xb_register - register a split driver with XenBus
 * @drv: type, role, ops and options filled in; the rest is ours
 * @owner: the driver's module (use xsplit_xb_register())
 * @mod_name: its name
 *
 * Return: 0 or a negative errno.
 */
int __xsplit_xb_register(struct xsplit_xb_driver *drv, struct module *owner,
			 const char *mod_name)
{
	bool frontend = drv->role == XSPLIT_ROLE_FRONTEND;
	int err;

	if (!drv->type || !drv->ops || drv->role >= XSPLIT_ROLE_NR)
		return -EINVAL;
	err = fill_names(drv);
	if (err)
		return err;
	drv->xb = (struct xenbus_driver){
		.name = drv->name,
		.ids = drv->ids,
		.probe = xb_probe,
		.remove = xb_remove,
		.otherend_changed = xb_otherend_changed,
		.suspend = frontend ? xb_suspend : NULL,
		.resume = frontend ? xb_resume : NULL,
		.uevent = drv->ops->uevent ? xb_uevent : NULL,
		.allow_rebind = !frontend,
	};
	if (frontend)
		return __xenbus_register_frontend(&drv->xb, owner, mod_name);
	return __xenbus_register_backend(&drv->xb, owner, mod_name);
}
EXPORT_SYMBOL_GPL(__xsplit_xb_register);

void xsplit_xb_unregister(struct xsplit_xb_driver *drv)
{
	xenbus_unregister_driver(&drv->xb);
}
EXPORT_SYMBOL_GPL(xsplit_xb_unregister);

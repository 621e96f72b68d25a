// SPDX-License-Identifier: GPL-2.0
/*
 * The backend's hotplug-status watch.  The toolstack's hotplug script
 * (block, vif-bridge, ...) writes "connected" into the backend directory
 * once the physical side is ready; a backend that connects earlier hands
 * the guest a device that does not work yet.
 */
#include "xenbus/internal.h"
#include "xenbus/xsplit_watch.h"

static void hotplug_changed(struct xenbus_watch *watch, const char *path,
			    const char *token)
{
	struct xsplit_xb_dev *dev =
		container_of(watch, struct xsplit_xb_dev, hotplug_watch);
	enum xsplit_hotplug_status status;
	enum xsplit_fsm_event ev;
	char *str;

	str = xsplit_xb_read_str(dev, XSPLIT_KEY_HOTPLUG_STATUS);
	if (IS_ERR(str))
		return;
	status = xsplit_key_hotplug_status(str, str ? strlen(str) : 0);
	kfree(str);
	if (status == XSPLIT_HOTPLUG_PENDING)
		return;

	mutex_lock(&dev->lock);
	if (status == XSPLIT_HOTPLUG_CONNECTED) {
		dev->hotplug_ok = true;
		ev = XSPLIT_EV_HOTPLUG_OK;
	} else {
		xsplit_xb_set_fatal(dev, -EIO, "hotplug script failed");
		ev = XSPLIT_EV_HOTPLUG_ERROR;
	}
	/* Neither hotplug event ever asks to unregister. */
	WARN_ON_ONCE(xsplit_xb_dispatch(dev, ev));
	mutex_unlock(&dev->lock);
}

/*
 * Idempotent; the watch fires once at once, so no status is missed.  The
 * bounded watch registers without xenbus_watch_path(), whose failure
 * would write Closing behind the state machine: the caller decides.
 */
int xsplit_xb_hotplug_watch(struct xsplit_xb_dev *dev)
{
	if (dev->hotplug_watch.node)
		return 0;
	return xsplit_xb_watch_bounded(&dev->hotplug_watch, hotplug_changed,
				       "%s/%s", dev->xdev->nodename,
				       xsplit_key_get(XSPLIT_KEY_HOTPLUG_STATUS)->name);
}

/*
 * Called without dev->lock: unregistering waits for a running callback,
 * which may be waiting for that lock.
 */
void xsplit_xb_hotplug_unwatch(struct xsplit_xb_dev *dev)
{
	xsplit_xb_unwatch(&dev->hotplug_watch);
}

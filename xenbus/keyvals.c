// SPDX-License-Identifier: GPL-2.0
/*
 * Keys whose value has a format of its own: read as checked strings, then
 * parsed by the pure code of keys_blkif.c and keys_netif.c.
 */
#include "xenbus/internal.h"

/**
 * xsplit_xb_read_devnum - blkif's "physical-device", "major:minor" in hex
 * @dev: the device (a backend: the toolstack writes it in its directory)
 * @major: result, set only on success
 * @minor: result, set only on success
 *
 * Return: 0, -ENOENT when absent, -EINVAL when malformed, or XenStore's
 * error.
 */
int xsplit_xb_read_devnum(struct xsplit_xb_dev *dev, u32 *major, u32 *minor)
{
	char *s = xsplit_xb_read_str(dev, XSPLIT_KEY_PHYSICAL_DEVICE);
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	err = xsplit_key_parse_devnum(s, strlen(s), major, minor);
	kfree(s);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_devnum);

/**
 * xsplit_xb_read_rate - netif's "rate", "bytes,usec"
 * @dev: the device (a backend: the toolstack writes it in its directory)
 * @bytes: credit per window; result, set only on success
 * @usec: the window; result, set only on success
 *
 * Return: 0, or a negative errno when absent, malformed (a zero window
 * included) or unreadable: the backend then does not limit.
 */
int xsplit_xb_read_rate(struct xsplit_xb_dev *dev, u64 *bytes, u64 *usec)
{
	char *s = xsplit_xb_read_str(dev, XSPLIT_KEY_RATE);
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (!s)
		return -ENOENT;
	err = xsplit_key_parse_rate(s, strlen(s), bytes, usec);
	kfree(s);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_rate);

// SPDX-License-Identifier: GPL-2.0
/*
 * Sets of keys bound to a driver's struct: what a driver offers, published
 * in one transaction, and what the other end (or the toolstack) offers,
 * gathered with each row's bounds and default.  The rows (keys*.c) say
 * where a key lives and how to read it; the binding says which field.
 */
#include "xenbus/internal.h"

/**
 * xsplit_xb_publish - write a set of keys from the fields of @obj
 * @dev: the device
 * @xbt: the caller's transaction (or XBT_NIL)
 * @fields: the bindings; every key one our role writes, device-wide
 * @n: how many
 * @obj: the struct holding the fields
 *
 * Return: 0 or the first error; the caller's transaction then aborts.
 */
int xsplit_xb_publish(struct xsplit_xb_dev *dev,
		      struct xenbus_transaction xbt,
		      const struct xsplit_key_field *fields, unsigned int n,
		      const void *obj)
{
	unsigned int i;
	u64 val;
	int err;

	for (i = 0; i < n; i++) {
		err = xsplit_key_field_load(&fields[i], obj, &val);
		if (WARN_ON_ONCE(err))
			return err;
		err = xsplit_xb_write_num(dev, xbt, fields[i].id, 1, 0, 0, val);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_xb_publish);

/*
 * One field: an optional key the other end got wrong (logged by the read)
 * or could not be read takes its default, as if absent; a required key's
 * error is the caller's.
 */
static int gather_one(struct xsplit_xb_dev *dev,
		      struct xenbus_transaction xbt,
		      const struct xsplit_key_field *f, void *obj)
{
	const struct xsplit_key *key = xsplit_key_get(f->id);
	u64 val;
	int err;

	if (WARN_ON_ONCE(!key))
		return -EINVAL;
	err = xsplit_xb_read_num(dev, xbt, f->id, 1, 0, 0, &val);
	if (err && (key->flags & XSPLIT_KEYF_REQUIRED))
		return err;
	if (err)
		val = key->def;
	err = xsplit_key_field_store(f, obj, val);
	WARN_ON_ONCE(err);
	return err;
}

/**
 * xsplit_xb_gather - read a set of keys into the fields of @obj
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @fields: the bindings; device-wide numeric keys
 * @n: how many
 * @obj: the struct holding the fields
 *
 * Optional keys that are absent or bad get their row's default; a required
 * one that is absent or bad fails the gather.  Fields before the failing
 * one are filled: gather into a scratch struct if that matters.
 *
 * Return: 0, or the first required key's error (-ENOENT, -EINVAL, -ERANGE
 * or XenStore's).
 */
int xsplit_xb_gather(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		     const struct xsplit_key_field *fields, unsigned int n,
		     void *obj)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = gather_one(dev, xbt, &fields[i], obj);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xsplit_xb_gather);

/**
 * xsplit_xb_watch_key - a bounded watch of a device-wide key
 * @dev: the device
 * @w: the watch, unregistered (node NULL)
 * @id: the key; watched in the directory it is read from
 * @fn: the callback; it re-reads the key (events may be dropped)
 *
 * Return: 0, or a negative errno with @w left unregistered.
 */
int xsplit_xb_watch_key(struct xsplit_xb_dev *dev, struct xenbus_watch *w,
			enum xsplit_key_id id, xsplit_xb_watch_fn fn)
{
	const struct xsplit_key *key = xsplit_key_get(id);

	if (WARN_ON_ONCE(!key))
		return -EINVAL;
	return xsplit_xb_watch_bounded(w, fn, "%s/%s",
				       xsplit_xb_key_dir(dev, key), key->name);
}
EXPORT_SYMBOL_GPL(xsplit_xb_watch_key);

// SPDX-License-Identifier: GPL-2.0
/*
 * XenStore access for the drivers: transactions with bounded retry, and
 * reads and writes of the typed keys of keys*.c.  Whatever the other end
 * wrote goes through the key's parser before anyone sees it.
 */
#include "xenbus/internal.h"

/* xenstored answers -EAGAIN when another writer raced us; retry a few. */
#define XSPLIT_XB_TXN_RETRIES 16

/**
 * xsplit_xb_transact - run @fn inside a XenStore transaction
 * @dev: the device (for logging)
 * @fn: the body; a non-zero return aborts the transaction
 * @arg: passed to @fn
 *
 * Return: 0, @fn's error, or the transaction's (-EAGAIN after too many
 * conflicts).
 */
int xsplit_xb_transact(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
		       void *arg)
{
	struct xenbus_transaction xbt;
	int i, err;

	for (i = 0; i < XSPLIT_XB_TXN_RETRIES; i++) {
		err = xenbus_transaction_start(&xbt);
		if (err)
			return err;
		err = fn(dev, xbt, arg);
		if (err) {
			xenbus_transaction_end(xbt, 1);
			return err;
		}
		err = xenbus_transaction_end(xbt, 0);
		if (err != -EAGAIN)
			return err;
	}
	dev_warn_ratelimited(&dev->xdev->dev,
			     "XenStore transaction still conflicting after %d tries\n",
			     XSPLIT_XB_TXN_RETRIES);
	return -EAGAIN;
}
EXPORT_SYMBOL_GPL(xsplit_xb_transact);

/* What xsplit_xb_reannounce() runs inside its transaction. */
struct xsplit_xb_reannounce {
	xsplit_xb_txn_fn fn;
	void *arg;
};

/* Our own state node, as this transaction sees it. */
static int read_own_state(struct xsplit_xb_dev *dev,
			  struct xenbus_transaction xbt, u32 *state)
{
	const struct xsplit_key *key = xsplit_key_get(XSPLIT_KEY_STATE);
	unsigned int len = 0;
	char *str;
	int err;

	str = xenbus_read(xbt, dev->xdev->nodename, key->name, &len);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = xsplit_key_parse_u32(key, str, len, state);
	kfree(str);
	return err;
}

static int reannounce_txn(struct xsplit_xb_dev *dev,
			  struct xenbus_transaction xbt, void *arg)
{
	const struct xsplit_key *key = xsplit_key_get(XSPLIT_KEY_STATE);
	struct xsplit_xb_reannounce *ra = arg;
	u32 state;
	int err;

	err = read_own_state(dev, xbt, &state);
	if (err)
		return err;
	if (state != XSPLIT_XS_CONNECTED)
		return -ENOTCONN;
	err = ra->fn(dev, xbt, ra->arg);
	if (err)
		return err;
	/* The same value: only the other end's watch is meant to fire. */
	return xenbus_printf(xbt, dev->xdev->nodename, key->name, "%u", state);
}

/**
 * xsplit_xb_reannounce - change keys of a live connection and say so
 * @dev: the device
 * @fn: writes the changed keys; a non-zero return aborts
 * @arg: passed to @fn
 *
 * A protocol may change a key while connected and tell the other end by
 * writing Connected again over Connected, in the same transaction: blkif
 * does so for "sectors" when the disk is resized.  The state machine is
 * not involved, since our state does not change; xenbus_switch_state()
 * would skip the write for that very reason.  Reading our state inside
 * the transaction keeps this from racing a state change: we write only
 * over Connected, and a concurrent change makes the transaction retry.
 *
 * Process context; no device lock needed (a driver's I/O thread, which
 * disconnect stops under that lock, may call it).
 *
 * Return: 0, -ENOTCONN when we are not Connected (nothing written: the
 * next connect publishes the keys anyway), @fn's error or XenStore's.
 */
int xsplit_xb_reannounce(struct xsplit_xb_dev *dev, xsplit_xb_txn_fn fn,
			 void *arg)
{
	struct xsplit_xb_reannounce ra = { fn, arg };

	return xsplit_xb_transact(dev, reannounce_txn, &ra);
}
EXPORT_SYMBOL_GPL(xsplit_xb_reannounce);

/* Does the key live in our directory (whoever writes it)? */
static bool key_is_ours(const struct xsplit_xb_dev *dev,
			const struct xsplit_key *key)
{
	switch (key->writer) {
	case XSPLIT_KEY_BY_BACKEND:
	case XSPLIT_KEY_BY_TOOLSTACK:	/* lives in the backend's directory */
		return dev->drv->role == XSPLIT_ROLE_BACKEND;
	case XSPLIT_KEY_BY_FRONTEND:
	case XSPLIT_KEY_BY_TOOLSTACK_FRONT:
		return dev->drv->role == XSPLIT_ROLE_FRONTEND;
	case XSPLIT_KEY_BY_TOOLSTACK_EACH:
		return true;
	default:
		return false;
	}
}

/* May we write (or remove) the key in our directory? */
static bool key_is_writable(const struct xsplit_xb_dev *dev,
			    const struct xsplit_key *key)
{
	return key->writer == XSPLIT_KEY_BY_EACH || key_is_ours(dev, key);
}

/*
 * Where a key is read from: ours for our own and the toolstack's keys of
 * our directory; the other end's for its keys and for a key each end
 * writes (we read what the other end said).
 */
static const char *read_dir(const struct xsplit_xb_dev *dev,
			    const struct xsplit_key *key)
{
	return key_is_ours(dev, key) ? dev->xdev->nodename :
				       dev->xdev->otherend;
}

/* The directory a key is read from, for the core's other files. */
const char *xsplit_xb_key_dir(const struct xsplit_xb_dev *dev,
			      const struct xsplit_key *key)
{
	return read_dir(dev, key);
}

static void log_bad(struct xsplit_xb_dev *dev, const char *dir,
		    const char *node, int err)
{
	dev_warn_ratelimited(&dev->xdev->dev, "bad value at %s/%s: %d\n",
			     dir, node, err);
}

/**
 * xsplit_xb_read_num - read and check one numeric key (U32, BOOL or U64)
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @id: the key; its table entry says whose directory holds it
 * @nr_queues: queues in use (per-queue keys live under queue-N/ when > 1)
 * @queue: which queue
 * @index: for indexed keys ("ring-ref%u")
 * @val: the value; the key's default whenever an error is returned
 *
 * Return: 0, -ENOENT (required key absent), -EINVAL or -ERANGE (bad value,
 * logged rate-limited) or a XenStore error.
 */
int xsplit_xb_read_num(struct xsplit_xb_dev *dev,
		       struct xenbus_transaction xbt, enum xsplit_key_id id,
		       unsigned int nr_queues, unsigned int queue,
		       unsigned int index, u64 *val)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	char node[XSPLIT_KEY_PATH_MAX];
	const char *dir;
	unsigned int len = 0;
	char *str;
	int err;

	if (!key)
		return -EINVAL;
	*val = key->def;
	err = xsplit_key_path(node, sizeof(node), id, nr_queues, queue, index);
	if (err)
		return err;
	dir = read_dir(dev, key);
	str = xenbus_read(xbt, dir, node, &len);
	if (IS_ERR(str) && PTR_ERR(str) != -ENOENT)
		return PTR_ERR(str);
	err = xsplit_key_gather_value(key, IS_ERR(str) ? NULL : str, len, val);
	if (!IS_ERR(str))
		kfree(str);
	if (err == -EINVAL || err == -ERANGE)
		log_bad(dev, dir, node, err);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_num);

/**
 * xsplit_xb_read - read and check one U32 or BOOL key
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @id: the key
 * @nr_queues: queues in use
 * @queue: which queue
 * @index: for indexed keys
 * @val: the value; the key's default whenever an error is returned
 *
 * Return: as xsplit_xb_read_num(); -EINVAL for a U64 key.
 */
int xsplit_xb_read(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		   enum xsplit_key_id id, unsigned int nr_queues,
		   unsigned int queue, unsigned int index, u32 *val)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	u64 v;
	int err;

	if (WARN_ON_ONCE(!key || key->type == XSPLIT_KEY_U64))
		return -EINVAL;
	err = xsplit_xb_read_num(dev, xbt, id, nr_queues, queue, index, &v);
	*val = (u32)v;
	return err;
}

/* A device-wide key, outside any transaction. */
int xsplit_xb_read_top(struct xsplit_xb_dev *dev, enum xsplit_key_id id,
		       u32 *val)
{
	return xsplit_xb_read(dev, XBT_NIL, id, 1, 0, 0, val);
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_top);

/**
 * xsplit_xb_read_flag - a device-wide U32 or BOOL key as a yes or no
 * @dev: the device
 * @id: the key
 *
 * For the feature flags and the like, whose absence is an answer: absent,
 * malformed or unreadable, it is the key's default (a bad value is
 * logged), as xenbus_read_unsigned() would have it.
 *
 * Return: the value is not 0.
 */
bool xsplit_xb_read_flag(struct xsplit_xb_dev *dev, enum xsplit_key_id id)
{
	u32 v;

	xsplit_xb_read(dev, XBT_NIL, id, 1, 0, 0, &v);
	return v;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_flag);

/**
 * xsplit_xb_written - is a device-wide key there at all?
 * @dev: the device
 * @id: the key; its table entry says whose directory holds it
 *
 * For the keys whose mere presence means something, a value equal to the
 * default included ("ring-page-order" = 0).  An error reads as absent.
 */
bool xsplit_xb_written(struct xsplit_xb_dev *dev, enum xsplit_key_id id)
{
	const struct xsplit_key *key = xsplit_key_get(id);

	return key && xenbus_exists(XBT_NIL, read_dir(dev, key), key->name);
}
EXPORT_SYMBOL_GPL(xsplit_xb_written);

/**
 * xsplit_xb_read_str - read and check a STRING key
 * @dev: the device
 * @id: the key
 *
 * Return: a kmalloc'ed printable string the caller frees, NULL when absent
 * and optional, or an ERR_PTR (bad values are logged rate-limited).
 */
char *xsplit_xb_read_str(struct xsplit_xb_dev *dev, enum xsplit_key_id id)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	const char *dir;
	unsigned int len = 0;
	char *str;
	int err;

	if (!key || key->type != XSPLIT_KEY_STRING)
		return ERR_PTR(-EINVAL);
	dir = read_dir(dev, key);
	str = xenbus_read(XBT_NIL, dir, key->name, &len);
	if (IS_ERR(str)) {
		if (PTR_ERR(str) != -ENOENT)
			return str;
		err = xsplit_key_parse_str(key, NULL, 0);
		return err ? ERR_PTR(err) : NULL;
	}
	err = xsplit_key_parse_str(key, str, len);
	if (err) {
		log_bad(dev, dir, key->name, err);
		kfree(str);
		return ERR_PTR(err);
	}
	return str;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_str);

/**
 * xsplit_xb_read_mac - read an ETHER key ("mac")
 * @dev: the device
 * @id: the key
 * @mac: the address, set only on success
 *
 * Return: 0, -ENOENT when absent, -EINVAL when malformed (logged), or a
 * XenStore error.
 */
int xsplit_xb_read_mac(struct xsplit_xb_dev *dev, enum xsplit_key_id id,
		       u8 mac[XSPLIT_KEY_MAC_LEN])
{
	const struct xsplit_key *key = xsplit_key_get(id);
	const char *dir;
	unsigned int len = 0;
	char *str;
	int err;

	if (!key || key->type != XSPLIT_KEY_ETHER)
		return -EINVAL;
	dir = read_dir(dev, key);
	str = xenbus_read(XBT_NIL, dir, key->name, &len);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = xsplit_key_parse_mac(key, str, len, mac);
	kfree(str);
	if (err)
		log_bad(dev, dir, key->name, err);
	return err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_read_mac);

/**
 * xsplit_xb_write_num - write one numeric key into our own directory
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @id: the key; must be one our role writes
 * @nr_queues: queues in use
 * @queue: which queue
 * @index: for indexed keys
 * @val: the value
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_write_num(struct xsplit_xb_dev *dev,
			struct xenbus_transaction xbt, enum xsplit_key_id id,
			unsigned int nr_queues, unsigned int queue,
			unsigned int index, u64 val)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	char node[XSPLIT_KEY_PATH_MAX];
	int err;

	/* Writing the other end's key is our bug, not the peer's. */
	if (WARN_ON_ONCE(!key || key->type == XSPLIT_KEY_STRING ||
			 key->type == XSPLIT_KEY_ETHER ||
			 !key_is_writable(dev, key)))
		return -EINVAL;
	err = xsplit_key_path(node, sizeof(node), id, nr_queues, queue, index);
	if (err)
		return err;
	return xenbus_printf(xbt, dev->xdev->nodename, node, "%llu", val);
}
EXPORT_SYMBOL_GPL(xsplit_xb_write_num);

/* One U32 or BOOL key; see xsplit_xb_write_num(). */
int xsplit_xb_write(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		    enum xsplit_key_id id, unsigned int nr_queues,
		    unsigned int queue, unsigned int index, u32 val)
{
	return xsplit_xb_write_num(dev, xbt, id, nr_queues, queue, index, val);
}
EXPORT_SYMBOL_GPL(xsplit_xb_write);

/**
 * xsplit_xb_write_str - write a device-wide STRING key into our directory
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @id: the key; must be one our role writes
 * @val: the value; must pass the key's own check
 *
 * Return: 0 or a negative errno.
 */
int xsplit_xb_write_str(struct xsplit_xb_dev *dev,
			struct xenbus_transaction xbt, enum xsplit_key_id id,
			const char *val)
{
	const struct xsplit_key *key = xsplit_key_get(id);

	if (WARN_ON_ONCE(!key || !val || !key_is_writable(dev, key) ||
			 xsplit_key_parse_str(key, val, strlen(val))))
		return -EINVAL;
	return xenbus_write(xbt, dev->xdev->nodename, key->name, val);
}
EXPORT_SYMBOL_GPL(xsplit_xb_write_str);

/**
 * xsplit_xb_remove - remove one typed key from our own directory
 * @dev: the device
 * @xbt: transaction or XBT_NIL
 * @id: the key; must be one that lives in our directory
 * @nr_queues: queues in use
 * @queue: which queue
 *
 * Return: 0 (also when the key was absent) or a negative errno.
 */
int xsplit_xb_remove(struct xsplit_xb_dev *dev, struct xenbus_transaction xbt,
		     enum xsplit_key_id id, unsigned int nr_queues,
		     unsigned int queue)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	char node[XSPLIT_KEY_PATH_MAX];
	int err;

	if (WARN_ON_ONCE(!key || !key_is_writable(dev, key)))
		return -EINVAL;
	err = xsplit_key_path(node, sizeof(node), id, nr_queues, queue, 0);
	if (err)
		return err;
	err = xenbus_rm(xbt, dev->xdev->nodename, node);
	return err == -ENOENT ? 0 : err;
}
EXPORT_SYMBOL_GPL(xsplit_xb_remove);

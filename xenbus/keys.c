// SPDX-License-Identifier: GPL-2.0
/*
 * XenStore keys: the table, the parsers and the path builders.  Pure code,
 * also built in user space for the unit tests and the fuzzer.
 */
#include "xenbus/keys.h"

#define U32_LIMIT 0xffffffffU
#define U64_LIMIT 0xffffffffffffffffULL
#define DECIMAL_BASE 10U
#define HEX_BASE 16U
#define OCTAL_BASE 8U
#define QUEUE_DIR_PREFIX "queue-"

static const struct xsplit_key xsplit_keys[XSPLIT_KEY_CORE_END] = {
	[XSPLIT_KEY_MQ_MAX_QUEUES] = {
		"multi-queue-max-queues", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		1, 1, XSPLIT_KEY_MAX_QUEUES, XSPLIT_KEYF_CLAMP },
	[XSPLIT_KEY_MQ_NUM_QUEUES] = {
		"multi-queue-num-queues", XSPLIT_KEY_U32,
		XSPLIT_KEY_BY_FRONTEND, 1, 1, XSPLIT_KEY_MAX_QUEUES, 0 },
	[XSPLIT_KEY_MAX_RING_PAGE_ORDER] = {
		"max-ring-page-order", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, XSPLIT_KEY_MAX_RING_ORDER, XSPLIT_KEYF_CLAMP },
	[XSPLIT_KEY_RING_PAGE_ORDER] = {
		"ring-page-order", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, XSPLIT_KEY_MAX_RING_ORDER, 0 },
	[XSPLIT_KEY_RING_REF] = {
		"ring-ref", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_RING_REF_N] = {
		"ring-ref%u", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE |
		XSPLIT_KEYF_INDEXED },
	[XSPLIT_KEY_TX_RING_REF] = {
		"tx-ring-ref", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_RX_RING_REF] = {
		"rx-ring-ref", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_EVTCHN] = {
		"event-channel", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 1, XSPLIT_KEY_MAX_EVTCHN,
		XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_EVTCHN_TX] = {
		"event-channel-tx", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 1, XSPLIT_KEY_MAX_EVTCHN,
		XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_EVTCHN_RX] = {
		"event-channel-rx", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 1, XSPLIT_KEY_MAX_EVTCHN,
		XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_PER_QUEUE },
	[XSPLIT_KEY_SPLIT_EVTCHN] = {
		"feature-split-event-channels", XSPLIT_KEY_BOOL,
		XSPLIT_KEY_BY_BACKEND, 0, 0, 1, 0 },
	[XSPLIT_KEY_PROTOCOL] = {
		"protocol", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_FRONTEND,
		0, 0, XSPLIT_KEY_MAX_STRLEN, 0 },
	[XSPLIT_KEY_HOTPLUG_STATUS] = {
		"hotplug-status", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_STRLEN, 0 },
	/*
	 * Any number: the state machine decides what an out-of-range state
	 * means, so the parser must not hide it.
	 */
	[XSPLIT_KEY_STATE] = {
		"state", XSPLIT_KEY_U32, XSPLIT_KEY_BY_EACH,
		0, 0, U32_LIMIT, 0 },
	[XSPLIT_KEY_ONLINE] = {
		"online", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_TOOLSTACK, 0, 0, 1, 0 },
	/* the hotplug script, for the udev rules that run it */
	[XSPLIT_KEY_SCRIPT] = {
		"script", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_SCRIPT, 0 },
	/*
	 * 0: the backend is not to be trusted with more than the I/O data
	 * (libxl since Xen 4.17, XSA-403); absent: trusted
	 */
	[XSPLIT_KEY_TRUSTED] = {
		"trusted", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_TOOLSTACK_FRONT,
		1, 0, 1, XSPLIT_KEYF_CLAMP },
};

const struct xsplit_key *xsplit_key_get(enum xsplit_key_id id)
{
	if ((unsigned int)id < XSPLIT_KEY_CORE_END)
		return &xsplit_keys[id];
	if ((unsigned int)id < XSPLIT_KEY_BLKIF_END)
		return xsplit_key_blkif_get(id);
	return xsplit_key_netif_get(id);
}

/* A digit of @base, or -1. */
static int digit_of(char c, unsigned int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned int)d < base ? d : -1;
}

/*
 * Strict unsigned number of @base: digits only, no sign, space or prefix,
 * at most @limit.
 */
static int parse_digits(const char *s, size_t len, unsigned int base,
			u64 limit, u64 *val)
{
	u64 v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int digit = digit_of(s[i], base);

		if (digit < 0)
			return -EINVAL;
		if (v > (limit - (u64)digit) / base)
			return -ERANGE;
		v = v * base + (u64)digit;
	}
	*val = v;
	return 0;
}

/* As parse_digits(), the base read from a "0x" or "0" prefix. */
static int parse_any_base(const char *s, size_t len, u64 limit, u64 *val)
{
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, len - 2, HEX_BASE, limit, val);
	if (len > 1 && s[0] == '0')
		return parse_digits(s + 1, len - 1, OCTAL_BASE, limit, val);
	return parse_digits(s, len, DECIMAL_BASE, limit, val);
}

static int bound_num(const struct xsplit_key *key, u64 v, u64 *val)
{
	if (v < key->min)
		return -ERANGE;
	if (v > key->max) {
		if (!(key->flags & XSPLIT_KEYF_CLAMP))
			return -ERANGE;
		v = key->max;
	}
	*val = v;
	return 0;
}

static bool is_number(const struct xsplit_key *key)
{
	return key->type == XSPLIT_KEY_U32 || key->type == XSPLIT_KEY_BOOL ||
	       key->type == XSPLIT_KEY_U64;
}

/**
 * xsplit_key_parse_num - parse a U32, BOOL or U64 value read from XenStore
 * @key: the table entry
 * @s: the value, or NULL when the node is absent; need not be NUL-ended
 * @len: its length in bytes
 * @val: result; set only on success
 *
 * Return: 0, -ENOENT when a required key is absent, -EINVAL when malformed
 * (empty, non-digits, wrong type), -ERANGE when out of bounds or overflowing
 * the type (a U32 or BOOL past 32 bits, even a clamped one).
 */
int xsplit_key_parse_num(const struct xsplit_key *key, const char *s,
			 size_t len, u64 *val)
{
	u64 limit, v;
	int err;

	if (!key || !is_number(key))
		return -EINVAL;
	if (!s) {
		if (key->flags & XSPLIT_KEYF_REQUIRED)
			return -ENOENT;
		*val = key->def;
		return 0;
	}
	limit = key->type == XSPLIT_KEY_U64 ? U64_LIMIT : U32_LIMIT;
	if (key->flags & XSPLIT_KEYF_ANY_BASE)
		err = parse_any_base(s, len, limit, &v);
	else
		err = parse_digits(s, len, DECIMAL_BASE, limit, &v);
	if (err)
		return err;
	return bound_num(key, v, val);
}

/**
 * xsplit_key_parse_u32 - parse a U32 or BOOL value read from XenStore
 * @key: the table entry
 * @s: the value, or NULL when the node is absent; need not be NUL-ended
 * @len: its length in bytes
 * @val: result; set only on success
 *
 * Return: as xsplit_key_parse_num(); -EINVAL for a U64 key.
 */
int xsplit_key_parse_u32(const struct xsplit_key *key, const char *s,
			 size_t len, u32 *val)
{
	u64 v;
	int err;

	if (!key || key->type == XSPLIT_KEY_U64)
		return -EINVAL;
	err = xsplit_key_parse_num(key, s, len, &v);
	if (!err)
		*val = (u32)v;
	return err;
}

/**
 * xsplit_key_gather_value - a number as a reader of the key takes it
 * @key: the table entry, of a U32, BOOL or U64 key
 * @s: the value, or NULL when absent
 * @len: its length in bytes
 * @val: the value, or the key's default whenever an error is returned
 *
 * Return: as xsplit_key_parse_num().  A caller takes the default on an
 * error of an optional key (the peer wrote nonsense: as if it wrote
 * nothing) and fails on an error of a required one.
 */
int xsplit_key_gather_value(const struct xsplit_key *key, const char *s,
			    size_t len, u64 *val)
{
	int err;

	if (!key)
		return -EINVAL;
	err = xsplit_key_parse_num(key, s, len, val);
	if (err)
		*val = key->def;
	return err;
}

/**
 * xsplit_key_parse_mac - parse a MAC value, "xx:xx:xx:xx:xx:xx" in hex
 * @key: the table entry, of an ETHER key
 * @s: the value, or NULL when absent
 * @len: its length in bytes
 * @mac: result; set only on success
 *
 * Return: 0, -ENOENT when absent, -EINVAL when malformed.  Whether the
 * address is one to use (unicast, not zero) is the driver's business.
 */
int xsplit_key_parse_mac(const struct xsplit_key *key, const char *s,
			 size_t len, u8 mac[XSPLIT_KEY_MAC_LEN])
{
	u8 out[XSPLIT_KEY_MAC_LEN];
	unsigned int i;

	if (!key || key->type != XSPLIT_KEY_ETHER)
		return -EINVAL;
	if (!s)
		return -ENOENT;
	if (len != 3 * XSPLIT_KEY_MAC_LEN - 1)
		return -EINVAL;
	for (i = 0; i < XSPLIT_KEY_MAC_LEN; i++) {
		int hi = digit_of(s[3 * i], HEX_BASE);
		int lo = digit_of(s[3 * i + 1], HEX_BASE);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i + 1 < XSPLIT_KEY_MAC_LEN && s[3 * i + 2] != ':')
			return -EINVAL;
		out[i] = (u8)(hi * HEX_BASE + lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
}

/**
 * xsplit_key_field_load - a field's value, as its key is to be written
 * @f: the binding
 * @obj: the struct holding the field
 * @val: the value (a bool as 0 or 1, inverted for XSPLIT_KEY_FIELD_NOT)
 *
 * Return: 0, or -EINVAL for a field size the bindings do not have.
 */
int xsplit_key_field_load(const struct xsplit_key_field *f, const void *obj,
			  u64 *val)
{
	const u8 *p = (const u8 *)obj + f->offset;
	u64 v;

	switch (f->size) {
	case sizeof(bool):
		v = *(const bool *)p;
		break;
	case sizeof(u32):
		v = *(const u32 *)p;
		break;
	case sizeof(u64):
		v = *(const u64 *)p;
		break;
	default:
		return -EINVAL;
	}
	if (f->flags & XSPLIT_KEY_FIELD_NOT)
		v = !v;
	*val = v;
	return 0;
}

/**
 * xsplit_key_field_store - put a key's value into its field
 * @f: the binding
 * @obj: the struct holding the field
 * @val: the value, already within the key's bounds; a bool field takes
 *       any non-zero value as true (inverted for XSPLIT_KEY_FIELD_NOT)
 *
 * Return: 0, -ERANGE for a value wider than a u32 field (a binding of a
 * U64 key to a u32 field), or -EINVAL for a size the bindings do not have.
 */
int xsplit_key_field_store(const struct xsplit_key_field *f, void *obj,
			   u64 val)
{
	u8 *p = (u8 *)obj + f->offset;

	if (f->flags & XSPLIT_KEY_FIELD_NOT)
		val = !val;
	switch (f->size) {
	case sizeof(bool):
		*(bool *)p = val != 0;
		return 0;
	case sizeof(u32):
		if (val > U32_LIMIT)
			return -ERANGE;
		*(u32 *)p = (u32)val;
		return 0;
	case sizeof(u64):
		*(u64 *)p = val;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * xsplit_key_parse_str - check a STRING value read from XenStore
 * @key: the table entry
 * @s: the value, or NULL when absent
 * @len: its length in bytes
 *
 * Return: 0 when absent (and not required) or printable ASCII no longer
 * than the key allows; -ENOENT, -EINVAL (control bytes, NUL) or -ERANGE.
 */
int xsplit_key_parse_str(const struct xsplit_key *key, const char *s,
			 size_t len)
{
	size_t i;

	if (!key || key->type != XSPLIT_KEY_STRING)
		return -EINVAL;
	if (!s)
		return (key->flags & XSPLIT_KEYF_REQUIRED) ? -ENOENT : 0;
	if (len > key->max)
		return -ERANGE;
	for (i = 0; i < len; i++)
		if (s[i] < ' ' || s[i] > '~')
			return -EINVAL;
	return 0;
}

#define HOTPLUG_CONNECTED "connected"
#define HOTPLUG_ERROR "error"

static bool str_is(const char *s, size_t len, const char *lit, size_t litlen)
{
	return len == litlen && !memcmp(s, lit, len);
}

enum xsplit_hotplug_status xsplit_key_hotplug_status(const char *s,
						     size_t len)
{
	if (!s)
		return XSPLIT_HOTPLUG_PENDING;
	if (str_is(s, len, HOTPLUG_CONNECTED, sizeof(HOTPLUG_CONNECTED) - 1))
		return XSPLIT_HOTPLUG_CONNECTED;
	if (str_is(s, len, HOTPLUG_ERROR, sizeof(HOTPLUG_ERROR) - 1))
		return XSPLIT_HOTPLUG_ERROR;
	return XSPLIT_HOTPLUG_PENDING;
}

/* A bounded string builder: any overflow is remembered, never written. */
struct pathbuf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static void pb_putc(struct pathbuf *pb, char c)
{
	if (pb->len + 1 >= pb->size) {
		pb->overflow = true;
		return;
	}
	pb->buf[pb->len++] = c;
	pb->buf[pb->len] = '\0';
}

static void pb_puts(struct pathbuf *pb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		pb_putc(pb, s[i]);
}

static void pb_putu(struct pathbuf *pb, unsigned int v)
{
	char digits[sizeof("4294967295")];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % DECIMAL_BASE);
		v /= DECIMAL_BASE;
	} while (v);
	while (n)
		pb_putc(pb, digits[--n]);
}

/* Append a table name, expanding its one "%u" (if any) with @index. */
static void pb_put_name(struct pathbuf *pb, const struct xsplit_key *key,
			unsigned int index)
{
	const char *fmt = strstr(key->name, "%u");

	if (!(key->flags & XSPLIT_KEYF_INDEXED) || !fmt) {
		pb_puts(pb, key->name, strlen(key->name));
		return;
	}
	pb_puts(pb, key->name, (size_t)(fmt - key->name));
	pb_putu(pb, index);
	pb_puts(pb, fmt + 2, strlen(fmt + 2));
}

/**
 * xsplit_key_path - node name of a key, relative to a device directory
 * @buf: output, NUL-terminated on success
 * @size: its size
 * @id: the key
 * @nr_queues: queues in use; per-queue keys move to "queue-N/" when > 1
 * @queue: which queue (must be below @nr_queues)
 * @index: the number put into an INDEXED name (ignored otherwise)
 *
 * Return: 0, -EINVAL on a bad id or queue, -ERANGE when @nr_queues is zero
 * or above XSPLIT_KEY_MAX_QUEUES, -ENAMETOOLONG when @buf is too small.
 */
int xsplit_key_path(char *buf, size_t size, enum xsplit_key_id id,
		    unsigned int nr_queues, unsigned int queue,
		    unsigned int index)
{
	const struct xsplit_key *key = xsplit_key_get(id);
	struct pathbuf pb = { buf, size, 0, false };

	if (!key || !buf || !size)
		return -EINVAL;
	if (!nr_queues || nr_queues > XSPLIT_KEY_MAX_QUEUES)
		return -ERANGE;
	if (queue >= nr_queues)
		return -EINVAL;
	buf[0] = '\0';
	if ((key->flags & XSPLIT_KEYF_PER_QUEUE) && nr_queues > 1) {
		pb_puts(&pb, QUEUE_DIR_PREFIX, sizeof(QUEUE_DIR_PREFIX) - 1);
		pb_putu(&pb, queue);
		pb_putc(&pb, '/');
	}
	pb_put_name(&pb, key, index);
	if (pb.overflow) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/**
 * xsplit_key_ring_ref_path - node of one ring page's grant reference
 * @buf: output, as for xsplit_key_path()
 * @size: its size
 * @nr_queues: queues in use
 * @queue: which queue
 * @id: XSPLIT_KEY_RING_REF (multi-page capable) or a single-page ring key
 *      such as XSPLIT_KEY_TX_RING_REF
 * @order: log2 of the ring's pages; 0 gives "ring-ref", more "ring-refN"
 * @page: which page, below 2^@order
 *
 * Return: as xsplit_key_path(), and -ERANGE for an order above
 * XSPLIT_KEY_MAX_RING_ORDER, a page outside the ring, or an order above 0
 * on a ring key that has no multi-page form.
 */
int xsplit_key_ring_ref_path(char *buf, size_t size, enum xsplit_key_id id,
			     unsigned int nr_queues, unsigned int queue,
			     unsigned int order, unsigned int page)
{
	enum xsplit_key_id ref = xsplit_key_ring_ref_id(id, order, false);

	if (order > XSPLIT_KEY_MAX_RING_ORDER || page >= (1U << order) ||
	    ref == XSPLIT_KEY_NR)
		return -ERANGE;
	return xsplit_key_path(buf, size, ref, nr_queues, queue, page);
}

/**
 * xsplit_key_ring_ref_id - the key that holds a ring's page references
 * @id: XSPLIT_KEY_RING_REF (multi-page capable) or a single-page ring key
 *      such as XSPLIT_KEY_TX_RING_REF
 * @order: log2 of the ring's pages
 * @order_written: the frontend wrote "ring-page-order", whatever its value
 *
 * A multi-page capable ring's pages are "ring-ref0".."ring-refN" whenever
 * the frontend wrote its order, 0 included, and its one page is
 * "ring-ref" only when it wrote none.  Linux's blkback reads them so, and
 * frontends that always write the order (0 too) name the page
 * "ring-ref0".
 *
 * Return: the key (XSPLIT_KEY_RING_REF_N is indexed by page), or
 * XSPLIT_KEY_NR for an order above 0 on a key without a multi-page form.
 */
enum xsplit_key_id xsplit_key_ring_ref_id(enum xsplit_key_id id,
					  unsigned int order,
					  bool order_written)
{
	if (id == XSPLIT_KEY_RING_REF)
		return order || order_written ? XSPLIT_KEY_RING_REF_N : id;
	return order ? XSPLIT_KEY_NR : id;
}

/**
 * xsplit_key_evtchn_ids - the event-channel keys of one queue, in order
 * @split: separate tx and rx channels
 * @ids: filled with every event-channel key: first those to write (the tx
 *       port's, then the rx port's), then those of the other layout
 *
 * Return: how many of @ids are to be written (2 when split, else 1).
 */
unsigned int xsplit_key_evtchn_ids(bool split,
				   enum xsplit_key_id ids[XSPLIT_KEY_EVTCHN_IDS])
{
	if (split) {
		ids[0] = XSPLIT_KEY_EVTCHN_TX;
		ids[1] = XSPLIT_KEY_EVTCHN_RX;
		ids[2] = XSPLIT_KEY_EVTCHN;
		return 2;
	}
	ids[0] = XSPLIT_KEY_EVTCHN;
	ids[1] = XSPLIT_KEY_EVTCHN_TX;
	ids[2] = XSPLIT_KEY_EVTCHN_RX;
	return 1;
}

/**
 * xsplit_key_check_order - is a requested ring order acceptable?
 * @order: what the frontend asked for
 * @max_order: what we advertised (never above XSPLIT_KEY_MAX_RING_ORDER)
 *
 * Return: 0 or -ERANGE.
 */
int xsplit_key_check_order(u32 order, u32 max_order)
{
	if (order > max_order || order > XSPLIT_KEY_MAX_RING_ORDER)
		return -ERANGE;
	return 0;
}

/**
 * xsplit_key_queue_dir_stale - is @name a queue directory we must remove?
 * @name: an entry of a frontend's device directory
 * @nr_queues: queues about to be published
 *
 * Per-queue keys live in "queue-N/" only with more than one queue.  A
 * directory outlives its backend (restart, driver domain), so a
 * connection with fewer queues than the last one must drop the rest, or
 * a backend would read their stale grant references and ports.
 *
 * Return: true for "queue-N" (decimal digits only) with N >= @nr_queues,
 * or any such name when @nr_queues <= 1.
 */
bool xsplit_key_queue_dir_stale(const char *name, unsigned int nr_queues)
{
	const size_t plen = sizeof(QUEUE_DIR_PREFIX) - 1;
	unsigned long long n = 0;
	const char *p;

	if (!name || strncmp(name, QUEUE_DIR_PREFIX, plen) || !name[plen])
		return false;
	for (p = name + plen; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		/* past any queue count: stale whatever @nr_queues is */
		if (n <= XSPLIT_KEY_MAX_QUEUES)
			n = n * 10 + (unsigned int)(*p - '0');
	}
	return nr_queues <= 1 || n >= nr_queues;
}

/* Does @name match @key's name, an indexed one with any decimal index? */
static bool name_matches(const struct xsplit_key *key, const char *name)
{
	const char *fmt = strstr(key->name, "%u");
	size_t plen;
	const char *p;

	if (!(key->flags & XSPLIT_KEYF_INDEXED) || !fmt)
		return !strcmp(name, key->name);
	plen = (size_t)(fmt - key->name);
	if (strncmp(name, key->name, plen))
		return false;
	for (p = name + plen; *p >= '0' && *p <= '9'; p++)
		;
	return p != name + plen && !strcmp(p, fmt + 2);
}

/**
 * xsplit_key_top_queue_key_stale - is @name a single-queue key we must remove?
 * @name: an entry of a frontend's device directory
 * @nr_queues: queues about to be published
 *
 * With more than one queue, ring references and ports live in "queue-N/";
 * the top-level ones a single-queue connection wrote would be stale.
 * Backends that read multi-queue-num-queues ignore them, but a reader of
 * the directory (or a backend that does not) would take them for live.
 *
 * Return: true for a per-queue key's top-level name when @nr_queues > 1.
 */
bool xsplit_key_top_queue_key_stale(const char *name, unsigned int nr_queues)
{
	unsigned int id;

	if (!name || nr_queues <= 1)
		return false;
	for (id = 0; id < XSPLIT_KEY_NR; id++) {
		const struct xsplit_key *key = xsplit_key_get(id);

		if (key && key->name && (key->flags & XSPLIT_KEYF_PER_QUEUE) &&
		    key->writer == XSPLIT_KEY_BY_FRONTEND &&
		    name_matches(key, name))
			return true;
	}
	return false;
}

/**
 * xsplit_key_check_queues - is a requested queue count acceptable?
 * @nr_queues: what the frontend asked for
 * @max_queues: what we advertised
 *
 * Return: 0 or -ERANGE (zero queues, or more than advertised or supported).
 */
int xsplit_key_check_queues(u32 nr_queues, u32 max_queues)
{
	if (!nr_queues || nr_queues > max_queues ||
	    nr_queues > XSPLIT_KEY_MAX_QUEUES)
		return -ERANGE;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * XenStore keys: the table, the parsers and the path builders.  Pure code,
 * also built in user space for the unit tests and the fuzzer.
 */
#include "xenbus/keys.h"
#include "ring/netif.h"

#define U32_LIMIT 0xffffffffU
#define DECIMAL_BASE 10U
#define QUEUE_DIR_PREFIX "queue-"

static const struct xsplit_key xsplit_keys[XSPLIT_KEY_NR] = {
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
	/* netif: bytes before the data in rx buffers; netif.h's bound */
	[XSPLIT_KEY_XDP_HEADROOM] = {
		"xdp-headroom", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, XSPLIT_NETIF_MAX_XDP_HEADROOM, XSPLIT_KEYF_CLAMP },
	/* the hotplug script, for the udev rules that run it */
	[XSPLIT_KEY_SCRIPT] = {
		"script", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_SCRIPT, 0 },
	/* netif: the backend puts xdp-headroom bytes before rx data */
	[XSPLIT_KEY_FEAT_XDP_HEADROOM] = {
		"feature-xdp-headroom", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, 0 },
};

const struct xsplit_key *xsplit_key_get(enum xsplit_key_id id)
{
	if ((unsigned int)id >= XSPLIT_KEY_NR)
		return NULL;
	return &xsplit_keys[id];
}

/* Strict unsigned decimal: digits only, no sign, space or base prefix. */
static int parse_decimal(const char *s, size_t len, u32 *val)
{
	u32 v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u32 digit;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		digit = (u32)(s[i] - '0');
		if (v > (U32_LIMIT - digit) / DECIMAL_BASE)
			return -ERANGE;
		v = v * DECIMAL_BASE + digit;
	}
	*val = v;
	return 0;
}

static int bound_u32(const struct xsplit_key *key, u32 v, u32 *val)
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

/**
 * xsplit_key_parse_u32 - parse a U32 or BOOL value read from XenStore
 * @key: the table entry
 * @s: the value, or NULL when the node is absent; need not be NUL-ended
 * @len: its length in bytes
 * @val: result; set only on success
 *
 * Return: 0, -ENOENT when a required key is absent, -EINVAL when malformed
 * (empty, non-digits, wrong type), -ERANGE when out of bounds or overflowing.
 */
int xsplit_key_parse_u32(const struct xsplit_key *key, const char *s,
			 size_t len, u32 *val)
{
	u32 v;
	int err;

	if (!key || key->type == XSPLIT_KEY_STRING)
		return -EINVAL;
	if (!s) {
		if (key->flags & XSPLIT_KEYF_REQUIRED)
			return -ENOENT;
		*val = key->def;
		return 0;
	}
	err = parse_decimal(s, len, &v);
	if (err)
		return err;
	return bound_u32(key, v, val);
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
		const struct xsplit_key *key = &xsplit_keys[id];

		if (key->name && (key->flags & XSPLIT_KEYF_PER_QUEUE) &&
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

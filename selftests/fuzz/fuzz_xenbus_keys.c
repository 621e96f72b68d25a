// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the XenStore value parsers and path builders: byte 0 picks the key
 * (of any table: transport, blkif, netif), byte 1 the queue layout, the
 * rest is the value the other end wrote.  Checks that whatever parses lies
 * inside the key's bounds, that a gathered value is the parsed one or the
 * default, and that it survives a field binding.  The value bytes also go
 * through blkif's physical-device and netif's rate parsers, and, as a
 * directory entry's name, through the stale-layout predicates a new
 * connection uses to clean its directory.
 */
#include <stdlib.h>
#include <string.h>

#include "xenbus/keys.h"

static void check_u32(const struct xsplit_key *k, const char *s, size_t len)
{
	u32 v = 0;
	int err = xsplit_key_parse_u32(k, s, len, &v);

	if (!err && (v < k->min || v > k->max))
		abort();
	if (err && err != -EINVAL && err != -ERANGE && err != -ENOENT)
		abort();
}

/* A struct with a field of each size a binding may have. */
struct fuzz_obj {
	bool flag;
	u32 num;
	u64 big;
};

static const struct xsplit_key_field fuzz_fields[] = {
	XSPLIT_KEY_FIELD(XSPLIT_KEY_FEAT_SG, struct fuzz_obj, flag),
	XSPLIT_KEY_FIELD(XSPLIT_KEY_INFO, struct fuzz_obj, num),
	XSPLIT_KEY_FIELD(XSPLIT_KEY_SECTORS, struct fuzz_obj, big),
};

static void check_num(const struct xsplit_key *k, const char *s, size_t len)
{
	const struct xsplit_key_field *f;
	struct fuzz_obj o = { 0 };
	u64 v = 0, g = 0, back = 0;
	int err = xsplit_key_parse_num(k, s, len, &v);

	if (!err && (v < k->min || v > k->max))
		abort();
	if (err && err != -EINVAL && err != -ERANGE && err != -ENOENT)
		abort();
	if (xsplit_key_gather_value(k, s, len, &g) != err ||
	    g != (err ? k->def : v))
		abort();
	/* the field of the key's width takes the value back unchanged */
	f = &fuzz_fields[k->type == XSPLIT_KEY_U64 ? 2 :
			 k->type == XSPLIT_KEY_BOOL ? 0 : 1];
	if (xsplit_key_field_store(f, &o, g) ||
	    xsplit_key_field_load(f, &o, &back) ||
	    back != (f->size == sizeof(bool) ? g != 0 : g))
		abort();
}

static void check_formats(const char *s, size_t len)
{
	u8 mac[XSPLIT_KEY_MAC_LEN];
	u32 major, minor;
	u64 bytes, usec;

	if (!xsplit_key_parse_devnum(s, len, &major, &minor) &&
	    (len < 3 || !memchr(s, ':', len)))
		abort();
	if (!xsplit_key_parse_rate(s, len, &bytes, &usec) && !usec)
		abort();
	if (!xsplit_key_parse_mac(xsplit_key_get(XSPLIT_KEY_MAC), s, len,
				  mac) && len != 3 * XSPLIT_KEY_MAC_LEN - 1)
		abort();
}

static void check_paths(enum xsplit_key_id id, u8 layout)
{
	char buf[XSPLIT_KEY_PATH_MAX];
	unsigned int nq = layout & 0x7f;
	unsigned int order = layout >> 5;
	unsigned int i;

	for (i = 0; i <= nq; i++)
		if (!xsplit_key_path(buf, sizeof(buf), id, nq, i, i) &&
		    strlen(buf) >= sizeof(buf))
			abort();
	if (!xsplit_key_ring_ref_path(buf, sizeof(buf), id, nq ? nq : 1, 0,
				      order, layout & 0x1f) &&
	    strlen(buf) >= sizeof(buf))
		abort();
}

/* Longest directory entry name we bother the predicates with. */
#define NAME_MAX_FUZZ 80U

static void check_stale(const char *s, size_t len, unsigned int nq)
{
	char name[NAME_MAX_FUZZ + 1];

	if (len > NAME_MAX_FUZZ)
		len = NAME_MAX_FUZZ;
	memcpy(name, s, len);
	name[len] = '\0';
	/* a queue directory is never a top-level key, and one queue keeps all */
	if (xsplit_key_top_queue_key_stale(name, nq) &&
	    (nq <= 1 || xsplit_key_queue_dir_stale(name, nq)))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const struct xsplit_key *k;
	const char *s;
	size_t len;

	if (size < 2)
		return 0;
	k = xsplit_key_get(data[0] % (XSPLIT_KEY_NR + 1));
	s = (const char *)data + 2;
	len = size - 2;
	check_paths(data[0] % (XSPLIT_KEY_NR + 1), data[1]);
	check_stale(s, len, data[1] & 0x7f);
	check_formats(s, len);
	if (!k)
		return 0;
	if (k->type == XSPLIT_KEY_ETHER)
		return 0;	/* check_formats() had it */
	if (k->type == XSPLIT_KEY_STRING) {
		if (!xsplit_key_parse_str(k, s, len) && len > k->max)
			abort();
		xsplit_key_hotplug_status(s, len);
		return 0;
	}
	check_u32(k, s, len);
	check_num(k, s, len);
	return 0;
}

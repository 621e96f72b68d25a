// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the XenStore value parsers and path builders: byte 0 picks the key,
 * byte 1 the queue layout, the rest is the value the other end wrote.
 * Checks that whatever parses lies inside the key's bounds.
 */
#include <stdlib.h>

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
	if (!k)
		return 0;
	if (k->type == XSPLIT_KEY_STRING) {
		if (!xsplit_key_parse_str(k, s, len) && len > k->max)
			abort();
		xsplit_key_hotplug_status(s, len);
		return 0;
	}
	check_u32(k, s, len);
	return 0;
}

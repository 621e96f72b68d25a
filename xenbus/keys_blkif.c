// SPDX-License-Identifier: GPL-2.0
/*
 * The blkif protocol's XenStore keys (Xen's io/blkif.h), as rows of the
 * key table (keys.h), and the values only blkif reads: the toolstack's
 * "physical-device" and "mode".  Pure code, built in user space too.
 */
#include "xenbus/keys.h"

#define U32_LIMIT 0xffffffffU
#define U64_LIMIT 0xffffffffffffffffULL
#define HEX_BASE 16U
/* "physical-device" is "major:minor", each at most 32 bits of hex. */
#define DEVNUM_MAX_DIGITS 8U

/* Indexed by id: the transport's slots stay empty. */
static const struct xsplit_key xsplit_keys_blkif[XSPLIT_KEY_BLKIF_END] = {
	/* the toolstack's, in the frontend's directory: which disk */
	[XSPLIT_KEY_VIRTUAL_DEVICE] = {
		"virtual-device", XSPLIT_KEY_U32,
		XSPLIT_KEY_BY_TOOLSTACK_FRONT, 0, 0, U32_LIMIT,
		XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_ANY_BASE },
	/* ... when virtual-device is absent (extended numbering) */
	[XSPLIT_KEY_VIRTUAL_DEVICE_EXT] = {
		"virtual-device-ext", XSPLIT_KEY_U32,
		XSPLIT_KEY_BY_TOOLSTACK_FRONT, 0, 0, U32_LIMIT,
		XSPLIT_KEYF_REQUIRED | XSPLIT_KEYF_ANY_BASE },
	/* "disk" or "cdrom" */
	[XSPLIT_KEY_DEVICE_TYPE] = {
		"device-type", XSPLIT_KEY_STRING,
		XSPLIT_KEY_BY_TOOLSTACK_FRONT, 0, 0, XSPLIT_KEY_MAX_STRLEN, 0 },
	/* the hotplug script's "major:minor" in hex */
	[XSPLIT_KEY_PHYSICAL_DEVICE] = {
		"physical-device", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_STRLEN, XSPLIT_KEYF_REQUIRED },
	/* "r" or "w" */
	[XSPLIT_KEY_MODE] = {
		"mode", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_STRLEN, XSPLIT_KEYF_REQUIRED },
	/* 0: do not offer discard whatever the device can do */
	[XSPLIT_KEY_DISCARD_ENABLE] = {
		"discard-enable", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_TOOLSTACK,
		1, 0, 1, XSPLIT_KEYF_CLAMP },
	/* each end's offer; used when both offer */
	[XSPLIT_KEY_FEAT_PERSISTENT] = {
		"feature-persistent", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_EACH,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	/* segments an indirect request may carry; 0: no indirect requests */
	[XSPLIT_KEY_FEAT_MAX_INDIRECT] = {
		"feature-max-indirect-segments", XSPLIT_KEY_U32,
		XSPLIT_KEY_BY_BACKEND, 0, 0, U32_LIMIT, 0 },
	/*
	 * xsplit's own: the backend moves data by grant copy, never maps it,
	 * so a trusted frontend may grant its bios' pages and skip persistent
	 * grants.  Other peers ignore it.
	 */
	[XSPLIT_KEY_FEAT_GRANT_COPY] = {
		"feature-grant-copy", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	[XSPLIT_KEY_FEAT_FLUSH_CACHE] = {
		"feature-flush-cache", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	[XSPLIT_KEY_FEAT_BARRIER] = {
		"feature-barrier", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	[XSPLIT_KEY_FEAT_DISCARD] = {
		"feature-discard", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	/* bytes; the frontend checks them (a power of two, below it) */
	[XSPLIT_KEY_DISCARD_GRANULARITY] = {
		"discard-granularity", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, U32_LIMIT, 0 },
	[XSPLIT_KEY_DISCARD_ALIGNMENT] = {
		"discard-alignment", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, U32_LIMIT, 0 },
	[XSPLIT_KEY_DISCARD_SECURE] = {
		"discard-secure", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, XSPLIT_KEYF_CLAMP },
	/* the disk's size in 512-byte sectors; may change while connected */
	[XSPLIT_KEY_SECTORS] = {
		"sectors", XSPLIT_KEY_U64, XSPLIT_KEY_BY_BACKEND,
		0, 0, U64_LIMIT, XSPLIT_KEYF_REQUIRED },
	/* VDISK_* bits */
	[XSPLIT_KEY_INFO] = {
		"info", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED },
	/* bytes; the frontend checks it (a power of two, 512 to a page) */
	[XSPLIT_KEY_SECTOR_SIZE] = {
		"sector-size", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED },
	/* bytes; absent (0): the logical sector size */
	[XSPLIT_KEY_PHYS_SECTOR_SIZE] = {
		"physical-sector-size", XSPLIT_KEY_U32, XSPLIT_KEY_BY_BACKEND,
		0, 0, U32_LIMIT, 0 },
};

const struct xsplit_key *xsplit_key_blkif_get(enum xsplit_key_id id)
{
	if (id < XSPLIT_KEY_BLKIF_FIRST || id >= XSPLIT_KEY_BLKIF_END)
		return NULL;
	return &xsplit_keys_blkif[id];
}

/* Up to DEVNUM_MAX_DIGITS hex digits; the count of them, or 0. */
static size_t hex_u32(const char *s, size_t len, u32 *val)
{
	u32 v = 0;
	size_t i;

	for (i = 0; i < len && i < DEVNUM_MAX_DIGITS + 1; i++) {
		char c = s[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = (u32)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (u32)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (u32)(c - 'A' + 10);
		else
			break;
		if (i == DEVNUM_MAX_DIGITS)
			return 0;	/* a ninth digit: past 32 bits */
		v = v * HEX_BASE + d;
	}
	*val = v;
	return i;
}

/**
 * xsplit_key_parse_devnum - parse "physical-device", "major:minor" in hex
 * @s: the value (need not be NUL-ended)
 * @len: its length
 * @major: result, set only on success
 * @minor: result, set only on success
 *
 * Return: 0, or -EINVAL when not two hex numbers of 32 bits around a ':'.
 */
int xsplit_key_parse_devnum(const char *s, size_t len, u32 *major,
			    u32 *minor)
{
	size_t n, m;
	u32 ma, mi;

	if (!s)
		return -EINVAL;
	n = hex_u32(s, len, &ma);
	if (!n || n >= len || s[n] != ':')
		return -EINVAL;
	m = hex_u32(s + n + 1, len - n - 1, &mi);
	if (!m || n + 1 + m != len)
		return -EINVAL;
	*major = ma;
	*minor = mi;
	return 0;
}

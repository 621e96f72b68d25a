// SPDX-License-Identifier: GPL-2.0
/*
 * The netif protocol's XenStore keys (Xen's io/netif.h), as rows of the
 * key table (keys.h), and the one value only netif reads: the
 * toolstack's "rate".  Pure code, built in user space too.
 */
#include "xenbus/keys.h"
#include "ring/netif.h"

#define U32_LIMIT 0xffffffffU
#define U64_LIMIT 0xffffffffffffffffULL

/* A feature flag: absent or 0 is "no", any other number "yes". */
#define FLAG(key, by) { key, XSPLIT_KEY_BOOL, by, 0, 0, 1, XSPLIT_KEYF_CLAMP }

/* Indexed by id: the transport's and blkif's slots stay empty. */
static const struct xsplit_key xsplit_keys_netif[XSPLIT_KEY_NETIF_END] = {
	/* the toolstack's, in each end's directory; each reads its own */
	[XSPLIT_KEY_MAC] = {
		"mac", XSPLIT_KEY_ETHER, XSPLIT_KEY_BY_TOOLSTACK_EACH,
		0, 0, 0, XSPLIT_KEYF_REQUIRED },
	/* the vif's number, in the backend's directory */
	[XSPLIT_KEY_HANDLE] = {
		"handle", XSPLIT_KEY_U32, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED },
	/* the backend netdev's MTU; the netdev layer bounds it */
	[XSPLIT_KEY_MTU] = {
		"mtu", XSPLIT_KEY_U32, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, U32_LIMIT, 0 },
	/* "bytes,usec": a credit per window; anything else: unlimited */
	[XSPLIT_KEY_RATE] = {
		"rate", XSPLIT_KEY_STRING, XSPLIT_KEY_BY_TOOLSTACK,
		0, 0, XSPLIT_KEY_MAX_RATE, 0 },
	[XSPLIT_KEY_REQ_RX_COPY] =
		FLAG("request-rx-copy", XSPLIT_KEY_BY_FRONTEND),
	[XSPLIT_KEY_FEAT_RX_COPY] =
		FLAG("feature-rx-copy", XSPLIT_KEY_BY_BACKEND),
	[XSPLIT_KEY_FEAT_RX_FLIP] =
		FLAG("feature-rx-flip", XSPLIT_KEY_BY_BACKEND),
	[XSPLIT_KEY_FEAT_RX_NOTIFY] =
		FLAG("feature-rx-notify", XSPLIT_KEY_BY_FRONTEND),
	/* offloads: each end says what it takes */
	[XSPLIT_KEY_FEAT_SG] =
		FLAG("feature-sg", XSPLIT_KEY_BY_EACH),
	[XSPLIT_KEY_FEAT_GSO_TCPV4] =
		FLAG("feature-gso-tcpv4", XSPLIT_KEY_BY_EACH),
	[XSPLIT_KEY_FEAT_GSO_TCPV6] =
		FLAG("feature-gso-tcpv6", XSPLIT_KEY_BY_EACH),
	[XSPLIT_KEY_FEAT_IPV6_CSUM] =
		FLAG("feature-ipv6-csum-offload", XSPLIT_KEY_BY_EACH),
	/* the frontend cannot take packets without an IPv4 checksum */
	[XSPLIT_KEY_FEAT_NO_CSUM] =
		FLAG("feature-no-csum-offload", XSPLIT_KEY_BY_FRONTEND),
	[XSPLIT_KEY_FEAT_MCAST_CTRL] =
		FLAG("feature-multicast-control", XSPLIT_KEY_BY_BACKEND),
	[XSPLIT_KEY_FEAT_DYN_MCAST_CTRL] =
		FLAG("feature-dynamic-multicast-control",
		     XSPLIT_KEY_BY_BACKEND),
	[XSPLIT_KEY_REQ_MCAST_CTRL] =
		FLAG("request-multicast-control", XSPLIT_KEY_BY_FRONTEND),
	[XSPLIT_KEY_FEAT_CTRL_RING] =
		FLAG("feature-ctrl-ring", XSPLIT_KEY_BY_BACKEND),
	/*
	 * The control ring's page; required in the sense that a reader
	 * tells absent (no control ring) from any value, 0 included.
	 */
	[XSPLIT_KEY_CTRL_RING_REF] = {
		"ctrl-ring-ref", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, U32_LIMIT, XSPLIT_KEYF_REQUIRED },
	/* ... and its port, required with it */
	[XSPLIT_KEY_EVTCHN_CTRL] = {
		"event-channel-ctrl", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 1, XSPLIT_KEY_MAX_EVTCHN, XSPLIT_KEYF_REQUIRED },
	/* bytes before the data in rx buffers; netif.h's bound */
	[XSPLIT_KEY_XDP_HEADROOM] = {
		"xdp-headroom", XSPLIT_KEY_U32, XSPLIT_KEY_BY_FRONTEND,
		0, 0, XSPLIT_NETIF_MAX_XDP_HEADROOM, XSPLIT_KEYF_CLAMP },
	/* the backend puts xdp-headroom bytes before rx data */
	[XSPLIT_KEY_FEAT_XDP_HEADROOM] = {
		"feature-xdp-headroom", XSPLIT_KEY_BOOL, XSPLIT_KEY_BY_BACKEND,
		0, 0, 1, 0 },
};

const struct xsplit_key *xsplit_key_netif_get(enum xsplit_key_id id)
{
	if (id < XSPLIT_KEY_NETIF_FIRST || id >= XSPLIT_KEY_NETIF_END)
		return NULL;
	return &xsplit_keys_netif[id];
}

/* The rate's two numbers: plain decimal, as the toolstack writes them. */
static const struct xsplit_key rate_part = {
	"rate", XSPLIT_KEY_U64, XSPLIT_KEY_BY_TOOLSTACK, 0, 0, U64_LIMIT,
	XSPLIT_KEYF_REQUIRED,
};

/**
 * xsplit_key_parse_rate - parse "rate", "bytes,usec"
 * @s: the value (need not be NUL-ended), or NULL when absent
 * @len: its length
 * @bytes: credit per window; result, set only on success
 * @usec: the window; result, set only on success
 *
 * Return: 0, or -EINVAL when absent, malformed or with a zero window (all
 * of which the backend takes as "unlimited").
 */
int xsplit_key_parse_rate(const char *s, size_t len, u64 *bytes, u64 *usec)
{
	const char *comma;
	u64 b, u;
	size_t n;

	if (!s)
		return -EINVAL;
	comma = memchr(s, ',', len);
	if (!comma)
		return -EINVAL;
	n = (size_t)(comma - s);
	if (xsplit_key_parse_num(&rate_part, s, n, &b) ||
	    xsplit_key_parse_num(&rate_part, comma + 1, len - n - 1, &u) || !u)
		return -EINVAL;
	*bytes = b;
	*usec = u;
	return 0;
}

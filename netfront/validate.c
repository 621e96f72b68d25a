// SPDX-License-Identifier: GPL-2.0
/*
 * netfront: response validation (see validate.h).  Pure code: no kernel
 * calls, so the unit tests and the fuzzer run exactly this file.
 */
#include "netfront/validate.h"

/* ---- tx ids ---- */

/* @nr ids, at most the ring's; none (every get -ENOSPC) for 0. */
void xsplit_nf_txids_init(struct xsplit_nf_txids *t, u16 nr)
{
	if (nr > XSPLIT_NF_TX_RING_SIZE)
		nr = XSPLIT_NF_TX_RING_SIZE;
	if (xsplit_ids_init(&t->ids, t->free, t->busy, nr))
		t->ids = (struct xsplit_ids){ t->free, t->busy, 0, 0 };
}

/**
 * xsplit_nf_tx_check - classify one tx response, copied out of the ring
 * @t: the ids; not changed (the caller puts the id after freeing its data)
 * @rsp: the response
 *
 * A NULL status carries no meaningful id (it answers an extra-info slot),
 * so it is the only verdict that does not look at the id.
 */
enum xsplit_nf_tx_verdict
xsplit_nf_tx_check(const struct xsplit_nf_txids *t,
		   const struct xsplit_netif_tx_response *rsp)
{
	bool ours = xsplit_ids_busy(&t->ids, rsp->id);

	switch (rsp->status) {
	case XSPLIT_NETIF_RSP_NULL:
		return XSPLIT_NF_TX_NULL;
	case XSPLIT_NETIF_RSP_OKAY:
		return ours ? XSPLIT_NF_TX_OK : XSPLIT_NF_TX_BAD;
	case XSPLIT_NETIF_RSP_ERROR:
	case XSPLIT_NETIF_RSP_DROPPED:
		return ours ? XSPLIT_NF_TX_ERR : XSPLIT_NF_TX_BAD;
	default:
		return XSPLIT_NF_TX_BAD;
	}
}

/* ---- rx packets ---- */

enum rx_next {
	RX_FIRST,	/* first data slot of a packet */
	RX_EXTRA,	/* an extra-info slot */
	RX_DATA,	/* a further data slot */
	RX_DONE,	/* the packet is complete */
};

/**
 * xsplit_nf_rx_begin - start parsing a packet
 * @p: the parser
 * @max_data: data slots the driver can attach to one packet; a packet with
 *            more is dropped, its further slots reposted
 */
void xsplit_nf_rx_begin(struct xsplit_nf_rx_pkt *p, unsigned int max_data)
{
	memset(p, 0, sizeof(*p));
	p->max_data = max_data;
	p->next = RX_FIRST;
}

bool xsplit_nf_rx_done(const struct xsplit_nf_rx_pkt *p)
{
	return p->next == RX_DONE;
}

static void rx_fail(struct xsplit_nf_rx_pkt *p, int err)
{
	if (!p->err)
		p->err = err;
}

/* Whatever follows a data slot (or the end of the extra chain). */
static u8 rx_after_data(u16 flags)
{
	return (flags & XSPLIT_NETRXF_MORE_DATA) ? RX_DATA : RX_DONE;
}

static int rx_check_extra(const struct xsplit_nf_rx_pkt *p,
			  const struct xsplit_netif_extra_info *x)
{
	if (!xsplit_netif_extra_type_valid(x->type) ||
	    !(XSPLIT_NF_RX_EXTRAS & BIT(x->type)))
		return -EINVAL;
	if (p->extra_mask & BIT(x->type))
		return -EINVAL;		/* the same type twice */
	switch (x->type) {
	case XSPLIT_NETIF_EXTRA_TYPE_GSO:
		if (!x->u.gso.size || !xsplit_netif_gso_type_valid(x->u.gso.type))
			return -EINVAL;
		break;
	case XSPLIT_NETIF_EXTRA_TYPE_HASH:
		if (x->u.hash.type >= XSPLIT_NETIF_CTRL_HASH_TYPE_BITS)
			return -EINVAL;
		break;
	case XSPLIT_NETIF_EXTRA_TYPE_XDP:
		if (x->u.xdp.headroom > XSPLIT_NETIF_MAX_XDP_HEADROOM)
			return -EINVAL;
		break;
	}
	return 0;
}

static void rx_feed_extra(struct xsplit_nf_rx_pkt *p,
			  const struct xsplit_netif_rx_response *rsp)
{
	struct xsplit_netif_extra_info x;
	int err;

	xsplit_netif_rx_extra(&x, rsp);
	p->nr_extra++;
	p->next = (x.flags & XSPLIT_NETIF_EXTRA_FLAG_MORE) ? RX_EXTRA :
		  rx_after_data(p->flags);
	err = rx_check_extra(p, &x);
	if (err) {
		rx_fail(p, err);
		return;
	}
	p->extra_mask |= BIT(x.type);
	p->extra[x.type] = x;
}

/* A data slot: is its buffer part of a packet we can keep? */
static enum xsplit_nf_rx_use
rx_feed_data(struct xsplit_nf_rx_pkt *p,
	     const struct xsplit_netif_rx_response *rsp, u16 want_id,
	     u16 *off, u16 *len)
{
	bool first = p->next == RX_FIRST;

	if (first) {
		p->flags = rsp->flags;
		p->next = (rsp->flags & XSPLIT_NETRXF_EXTRA_INFO) ? RX_EXTRA :
			  rx_after_data(rsp->flags);
	} else {
		p->next = rx_after_data(rsp->flags);
	}
	p->nr_data++;
	if (rsp->id != want_id)
		rx_fail(p, -EPROTO);
	else if (rsp->status < 0)
		rx_fail(p, -EIO);
	else if (!xsplit_netif_in_page(rsp->offset, (u32)rsp->status))
		rx_fail(p, -EFAULT);
	else if (p->nr_data > p->max_data)
		rx_fail(p, -EMSGSIZE);
	if (p->err || !rsp->status)
		return XSPLIT_NF_RX_REPOST;
	*off = rsp->offset;
	*len = (u16)rsp->status;
	p->len += *len;
	return XSPLIT_NF_RX_TAKE;
}

/**
 * xsplit_nf_rx_feed - the next slot of the packet, copied out of the ring
 * @p: the parser, not yet done
 * @rsp: the response at ring index cons
 * @want_id: the id of the request at cons (cons mod ring size)
 * @off: set on XSPLIT_NF_RX_TAKE: offset of the data in the buffer
 * @len: set on XSPLIT_NF_RX_TAKE: its length, 1..page size - @off
 *
 * Once p->err is set, no further buffer is taken: the driver drops what it
 * took and reposts the rest.  Feeding a done packet restarts nothing: it
 * reports -EINVAL and the slot is reposted.
 */
enum xsplit_nf_rx_use
xsplit_nf_rx_feed(struct xsplit_nf_rx_pkt *p,
		  const struct xsplit_netif_rx_response *rsp, u16 want_id,
		  u16 *off, u16 *len)
{
	switch (p->next) {
	case RX_FIRST:
	case RX_DATA:
		return rx_feed_data(p, rsp, want_id, off, len);
	case RX_EXTRA:
		rx_feed_extra(p, rsp);
		return XSPLIT_NF_RX_REPOST;
	default:
		rx_fail(p, -EINVAL);
		return XSPLIT_NF_RX_REPOST;
	}
}

/* The ring ran dry in the middle of a packet: a backend pushes whole ones. */
void xsplit_nf_rx_truncated(struct xsplit_nf_rx_pkt *p)
{
	rx_fail(p, -ENODATA);
	p->next = RX_DONE;
}

/**
 * xsplit_nf_rx_finish - checks of the packet as a whole, once done
 * @p: the parser
 *
 * Return: 0 when the driver may pass the packet up, else why to drop it.
 */
int xsplit_nf_rx_finish(struct xsplit_nf_rx_pkt *p)
{
	if (p->next != RX_DONE)
		rx_fail(p, -EINVAL);
	if (p->flags & XSPLIT_NETRXF_GSO_PREFIX)
		rx_fail(p, -EOPNOTSUPP);
	if (p->len < XSPLIT_NF_MIN_FRAME)
		rx_fail(p, -EMSGSIZE);
	return p->err;
}

/* ---- XDP ---- */

/**
 * xsplit_nf_xdp_ctr - which counter a program's verdict goes to
 * @act: what the program returned, any value
 */
enum xsplit_nf_xdp_ctr xsplit_nf_xdp_ctr(u32 act)
{
	switch (act) {
	case XSPLIT_NF_XDP_PASS:
		return XSPLIT_NF_XDP_CTR_PASS;
	case XSPLIT_NF_XDP_DROP:
		return XSPLIT_NF_XDP_CTR_DROP;
	case XSPLIT_NF_XDP_TX:
		return XSPLIT_NF_XDP_CTR_TX;
	case XSPLIT_NF_XDP_REDIRECT:
		return XSPLIT_NF_XDP_CTR_REDIRECT;
	default:	/* XDP_ABORTED, or a value no verdict has */
		return XSPLIT_NF_XDP_CTR_ABORTED;
	}
}

/**
 * xsplit_nf_rx_xdp_data - where a packet's data is, given its XDP extra
 * @p: the packet, finished without error
 * @nr: the data slots taken
 * @off: offset of the first slot's data, as the response gave it; moved
 *       past the headroom
 * @len: its length, as the response gave it; less the headroom
 *
 * A backend asked for xdp-headroom sends an XDP extra with it, and the two
 * implementations lay the slot out differently: Linux's netback answers
 * offset 0 and a status that counts the headroom (data at the headroom,
 * in every data slot), xsplit's offset = headroom and the data's length
 * (headroom in the first slot only).  Reading the headroom as the start
 * of the data whenever the offset is below it serves both.  A packet in
 * several slots is not kept: whether its other slots start with headroom
 * too, nothing in the responses says.
 *
 * Return: 0, -EMSGSIZE for several slots, -EINVAL when less than a frame
 * is left past the headroom.
 */
int xsplit_nf_rx_xdp_data(const struct xsplit_nf_rx_pkt *p, unsigned int nr,
			  u16 *off, u16 *len)
{
	u16 headroom, skip;

	if (!(p->extra_mask & BIT(XSPLIT_NETIF_EXTRA_TYPE_XDP)))
		return 0;
	headroom = p->extra[XSPLIT_NETIF_EXTRA_TYPE_XDP].u.xdp.headroom;
	if (!headroom)
		return 0;
	if (nr != 1)
		return -EMSGSIZE;
	if (*off >= headroom)
		return 0;
	skip = headroom - *off;
	if (*len < skip + XSPLIT_NF_MIN_FRAME)
		return -EINVAL;
	*off = headroom;
	*len -= skip;
	return 0;
}

/**
 * xsplit_nf_xdp_fits - can a received packet be handed to an XDP program?
 * @nr_data: the packet's data slots (already validated)
 * @off: offset of the data in its buffer
 * @len: its length
 * @page: the buffer's size
 * @tailroom: bytes the kernel needs free after the data (an skb built
 *            around the buffer keeps its shared info there)
 *
 * A program sees one buffer: a packet in several slots, or one too close
 * to its buffer's end, is not for it (dropped and counted, as Linux's
 * netfront drops multi-slot packets).  The arithmetic cannot wrap.
 */
bool xsplit_nf_xdp_fits(unsigned int nr_data, u32 off, u32 len, u32 page,
			u32 tailroom)
{
	if (nr_data != 1 || off > page || len > page - off)
		return false;
	return tailroom <= page - off - len;
}

/**
 * xsplit_nf_xdp_max_mtu - the largest MTU whose frames a program sees whole
 * @page: the rx buffer's size
 * @headroom: what the backend leaves before the data (xdp-headroom)
 * @tailroom: what must stay free after it
 * @l2: the link-layer header, beyond the MTU
 *
 * Return: the MTU, 0 if nothing fits.
 */
u32 xsplit_nf_xdp_max_mtu(u32 page, u32 headroom, u32 tailroom, u32 l2)
{
	u64 room = (u64)headroom + tailroom + l2;

	return room < page ? page - (u32)room : 0;
}

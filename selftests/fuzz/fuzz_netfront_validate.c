// SPDX-License-Identifier: GPL-2.0
/*
 * netfront's response validation against a backend that writes anything:
 * the input is a stream of tx responses and rx responses (extra-info slots
 * included, since they are just response bytes).  Checked: a tx id is
 * freed only while outstanding, exactly once; an rx buffer is taken only
 * with a non-empty range inside its page, never more than max_data per
 * packet, and a packet with an error reports it.
 *
 * Input: one byte choosing tx or rx, then the response bytes, repeated.
 */
#include <stdlib.h>

#include "netfront/validate.h"

#define PAGE 4096U
#define MAX_DATA 17U

#define check(cond) do { if (!(cond)) abort(); } while (0)

struct input {
	const u8 *data;
	size_t len, pos;
};

static bool take(struct input *in, void *out, size_t n)
{
	if (in->len - in->pos < n)
		return false;
	memcpy(out, in->data + in->pos, n);
	in->pos += n;
	return true;
}

static void fuzz_tx(struct xsplit_nf_txids *t, struct input *in)
{
	struct xsplit_netif_tx_response rsp;
	enum xsplit_nf_tx_verdict v;
	bool was_busy;
	int id;

	/* Keep some ids outstanding, as a sending front end would. */
	while (t->ids.nr_free > t->ids.nr / 2) {
		id = xsplit_ids_get(&t->ids);
		check(id >= 0 && xsplit_ids_busy(&t->ids, id));
	}
	if (!take(in, &rsp, sizeof(rsp)))
		return;
	was_busy = xsplit_ids_busy(&t->ids, rsp.id);
	v = xsplit_nf_tx_check(t, &rsp);
	if (v == XSPLIT_NF_TX_OK || v == XSPLIT_NF_TX_ERR) {
		check(was_busy);
		check(xsplit_ids_put(&t->ids, rsp.id) == 0);
		check(xsplit_ids_put(&t->ids, rsp.id) == -EINVAL);
	} else if (v == XSPLIT_NF_TX_BAD) {
		check(!was_busy || rsp.status != XSPLIT_NETIF_RSP_OKAY);
	}
}

/* Past the headroom, a kept packet still lies in its page, whole frame. */
static void fuzz_rx_xdp(const struct xsplit_nf_rx_pkt *p, unsigned int taken,
			u16 off, u16 len)
{
	u16 o = off, l = len;

	if (xsplit_nf_rx_xdp_data(p, taken, &o, &l))
		return;
	check(o >= off && o + l == off + len);
	check(o + l <= PAGE && (l >= XSPLIT_NF_MIN_FRAME || o == off));
	if (xsplit_nf_xdp_fits(taken, o, l, PAGE, 320))
		check(o + l + 320 <= PAGE && taken == 1);
}

static void fuzz_rx(struct input *in, u16 *cons)
{
	struct xsplit_netif_rx_response rsp;
	struct xsplit_nf_rx_pkt p;
	unsigned int taken = 0;
	u16 off, len, off0 = 0, len0 = 0;

	xsplit_nf_rx_begin(&p, MAX_DATA);
	while (!xsplit_nf_rx_done(&p)) {
		u16 id = *cons % XSPLIT_NF_RX_RING_SIZE;

		if (!take(in, &rsp, sizeof(rsp))) {
			xsplit_nf_rx_truncated(&p);
			break;
		}
		(*cons)++;
		if (xsplit_nf_rx_feed(&p, &rsp, id, &off, &len) ==
		    XSPLIT_NF_RX_TAKE) {
			check(!p.err);
			check(len && off + len <= PAGE);
			check(rsp.id == id);
			if (!taken++) {
				off0 = off;
				len0 = len;
			}
		}
	}
	check(taken <= MAX_DATA);
	check(p.len <= taken * PAGE);
	if (xsplit_nf_rx_finish(&p) == 0) {
		check(taken && p.len >= XSPLIT_NF_MIN_FRAME);
		fuzz_rx_xdp(&p, taken, off0, len0);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct xsplit_nf_txids t;
	u16 cons = 0;
	u8 op;

	xsplit_nf_txids_init(&t, XSPLIT_NF_TX_RING_SIZE);
	while (take(&in, &op, 1)) {
		if (op & 1)
			fuzz_tx(&t, &in);
		else
			fuzz_rx(&in, &cons);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zero-copy guest transmit (tx_zc.c), used by tx.c when the queue was
 * connected with the tx_zerocopy parameter on.  Call order for one poll:
 * take() per packet (or copy it when it says no), map_flush() once,
 * then per packet attach() and, if that worked, handoff() before the skb
 * goes to the stack or is freed.
 */
#ifndef XSPLIT_NB_TX_ZC_H
#define XSPLIT_NB_TX_ZC_H

#include "netback/tx_zc_ring.h"

struct sk_buff;
struct xsplit_nb_queue;
struct xsplit_nb_tx_pkt;
struct xsplit_nb_txv;
struct xsplit_nb_zc;

void xsplit_nb_zc_create(struct xsplit_nb_queue *q);
void xsplit_nb_zc_stop_notify(struct xsplit_nb_queue *q);
void xsplit_nb_zc_destroy(struct xsplit_nb_queue *q);

bool xsplit_nb_zc_take(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
		       const struct xsplit_nb_txv *v, u32 first, u32 skip,
		       u32 copy_frags);
void xsplit_nb_zc_map_flush(struct xsplit_nb_zc *zc);
int xsplit_nb_zc_attach(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
			struct sk_buff *skb);
void xsplit_nb_zc_handoff(struct xsplit_nb_zc *zc, struct xsplit_nb_tx_pkt *pkt,
			  struct sk_buff *skb, s16 status);

int xsplit_nb_zc_init(void);
void xsplit_nb_zc_exit(void);

#endif /* XSPLIT_NB_TX_ZC_H */

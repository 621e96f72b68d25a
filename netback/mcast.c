// SPDX-License-Identifier: GPL-2.0
/*
 * Multicast filter (feature-multicast-control): once the frontend asks
 * for it, guest-bound multicast frames pass only to addresses it
 * subscribed to with MCAST_ADD extra-info slots.  The list is bounded.
 */
#include "netback/common.h"

static int find(struct xsplit_nb_vif *vif, const u8 *addr)
{
	unsigned int i;

	for (i = 0; i < vif->nr_mcast; i++)
		if (ether_addr_equal(vif->mcast[i], addr))
			return i;
	return -ENOENT;
}

bool xsplit_nb_mcast_allowed(struct xsplit_nb_vif *vif, const u8 *addr)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&vif->mcast_lock, flags);
	found = find(vif, addr) >= 0;
	spin_unlock_irqrestore(&vif->mcast_lock, flags);
	return found;
}

int xsplit_nb_mcast_add(struct xsplit_nb_vif *vif, const u8 *addr)
{
	unsigned long flags;
	int err = 0;

	if (!is_multicast_ether_addr(addr))
		return -EINVAL;
	spin_lock_irqsave(&vif->mcast_lock, flags);
	if (find(vif, addr) < 0) {
		if (vif->nr_mcast < XSPLIT_NB_MCAST_MAX)
			ether_addr_copy(vif->mcast[vif->nr_mcast++], addr);
		else
			err = -ENOSPC;
	}
	spin_unlock_irqrestore(&vif->mcast_lock, flags);
	return err;
}

void xsplit_nb_mcast_del(struct xsplit_nb_vif *vif, const u8 *addr)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&vif->mcast_lock, flags);
	i = find(vif, addr);
	if (i >= 0) {
		vif->nr_mcast--;
		ether_addr_copy(vif->mcast[i], vif->mcast[vif->nr_mcast]);
	}
	spin_unlock_irqrestore(&vif->mcast_lock, flags);
}

void xsplit_nb_mcast_flush(struct xsplit_nb_vif *vif)
{
	unsigned long flags;

	spin_lock_irqsave(&vif->mcast_lock, flags);
	vif->nr_mcast = 0;
	spin_unlock_irqrestore(&vif->mcast_lock, flags);
}

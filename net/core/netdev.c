/*
 * The device registry and the netif glue: struct net_device (the drivers'
 * side, include/ferrite/netdev.h) to lwIP's struct netif and back. Frames
 * are copied at the boundary: into a pbuf on receive, out of a (possibly
 * chained) pbuf into one flat frame on transmit.
 */
#include <ferrite/netdev.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/etharp.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#include "netcore.h"

LIST_HEAD(netdev_list);			/* [N] */
static unsigned int nr_ether;		/* [N] eth<N> names handed out */

/* The loopback's device: lwIP owns the netif, we own the name and flags. */
static struct net_device lo_dev = {
	.name = "lo",
	.mtu = LOOPBACK_MTU,
	.flags = IFF_LOOPBACK,
};

/* Transmit staging for chained pbufs: one frame at a time under net_lock. */
static u8 tx_frame[ETH_FRAME_MAX + 4];	/* [N] (+4: a VLAN tag) */

struct net_device *netdev_by_name(const char *name)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node)
		if (!strncmp(d->name, name, NETDEV_NAME_MAX))
			return d;
	return NULL;
}

struct net_device *netdev_by_index(int ifindex)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

struct net_device *netdev_of_netif(struct netif *n)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node)
		if (d->netif == n)
			return d;
	return NULL;
}

struct net_device *netdev_first_ether(void)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node)
		if (!(d->flags & IFF_LOOPBACK))
			return d;
	return NULL;
}

void netdev_set_up(struct net_device *d, bool up)
{
	struct netif *n = d->netif;

	if (up) {
		netif_set_up(n);
		d->flags |= IFF_UP | IFF_RUNNING;
	} else {
		netif_set_down(n);
		d->flags &= ~(IFF_UP | IFF_RUNNING);
	}
}

void netdev_get_stats(struct net_device *d, struct net_stats *s)
{
	if (d == &lo_dev) {
		/* Every frame lo sends it also receives. */
		const struct stats_mib2_netif_ctrs *c =
			&((struct netif *)d->netif)->mib2_counters;

		memset(s, 0, sizeof(*s));
		s->rx_bytes = c->ifinoctets;
		s->rx_packets = c->ifinucastpkts;
		s->tx_bytes = c->ifoutoctets;
		s->tx_packets = c->ifoutucastpkts;
		return;
	}
	*s = d->stats;
}

int netdev_attach_loopback(void)
{
	/* lwip_init() made it: index 1, 127.0.0.1/8, up. */
	struct netif *n = netif_get_by_index(1);

	if (!n || n->name[0] != 'l' || n->name[1] != 'o')
		return -ENODEV;
	lo_dev.netif = n;
	lo_dev.ifindex = 1;
	lo_dev.flags = IFF_LOOPBACK | (netif_is_up(n) ? IFF_UP | IFF_RUNNING : 0);
	list_add_tail(&lo_dev.node, &netdev_list);
	return 0;
}

/* lwIP's linkoutput: one whole Ethernet frame to the driver. */
static err_t ether_linkoutput(struct netif *n, struct pbuf *p)
{
	struct net_device *d = n->state;
	const void *frame = p->payload;
	size_t len = p->tot_len;
	int err;

	if (len > sizeof(tx_frame)) {
		d->stats.tx_errors++;
		return ERR_IF;
	}
	if (p->next) {
		/* Headers and payload in separate pbufs: flatten. */
		if (pbuf_copy_partial(p, tx_frame, p->tot_len, 0) != len) {
			d->stats.tx_errors++;
			return ERR_IF;
		}
		frame = tx_frame;
	}
	err = d->ops->xmit(d, frame, len);
	if (err == -EBUSY) {
		/* Ring full: dropped, as a full qdisc would; TCP resends. */
		d->stats.tx_dropped++;
		return ERR_OK;
	}
	if (err) {
		d->stats.tx_errors++;
		return ERR_IF;
	}
	d->stats.tx_packets++;
	d->stats.tx_bytes += len;
	return ERR_OK;
}

static err_t ether_netif_init(struct netif *n)
{
	struct net_device *d = n->state;

	n->name[0] = 'e';
	n->name[1] = 't';
	n->hwaddr_len = ETH_ALEN;
	memcpy(n->hwaddr, d->mac, ETH_ALEN);
	n->mtu = d->mtu ? d->mtu : 1500;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		   NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	n->output = etharp_output;
	n->linkoutput = ether_linkoutput;
	return ERR_OK;
}

int netdev_register(struct net_device *d)
{
	struct netif *n;
	int err = 0;

	if (!d->ops || !d->ops->xmit || !d->ops->rx_poll)
		return -EINVAL;
	if (d->mtu > 1500 || (d->mtu && d->mtu < 576))
		return -EINVAL;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;

	net_lock();
	if (nr_ether >= 100) {
		err = -ENFILE;
		goto out_unlock;
	}
	snprintf(d->name, sizeof(d->name), "eth%u", nr_ether);
	if (!d->mtu)
		d->mtu = 1500;
	d->flags = IFF_BROADCAST | IFF_MULTICAST;	/* down until configured */
	d->netif = n;
	WRITE_ONCE(d->rx_pending, false);
	if (!netif_add(n, NULL, NULL, NULL, d, ether_netif_init,
		       ethernet_input)) {
		d->netif = NULL;
		err = -ENOMEM;
		goto out_unlock;
	}
	d->ifindex = netif_get_index(n);
	nr_ether++;
	list_add_tail(&d->node, &netdev_list);
	net_unlock();
	pr_debug("net: %s: %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", d->name,
		d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4],
		d->mac[5], d->mtu);
	return 0;

out_unlock:
	net_unlock();
	kfree(n);
	return err;
}

void netdev_rx_notify(struct net_device *d)
{
	WRITE_ONCE(d->rx_pending, true);
	netd_wake();
}

void netdev_poll_all(void)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node) {
		if (!d->ops || !__atomic_exchange_n(&d->rx_pending, false,
						    __ATOMIC_ACQ_REL))
			continue;
		d->ops->rx_poll(d);
	}
}

void netdev_receive(struct net_device *d, const void *frame, size_t len)
{
	struct netif *n = d->netif;
	struct pbuf *p;

	if (len < 14 || len > ETH_FRAME_MAX + 4) {
		d->stats.rx_errors++;
		return;
	}
	d->stats.rx_packets++;
	d->stats.rx_bytes += len;
	/* A down interface takes nothing in, as on Linux. */
	if (!netif_is_up(n)) {
		d->stats.rx_dropped++;
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p) {
		d->stats.rx_dropped++;
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	if (n->input(p, n) != ERR_OK) {
		pbuf_free(p);
		d->stats.rx_dropped++;
	}
}

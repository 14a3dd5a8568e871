/*
 * /proc/net/dev and /proc/net/route in Linux's exact layout (BusyBox's
 * ifconfig, route and netstat parse them), and the text behind the stack
 * counters (proc_net_lwip_show is in netcore.c). snprintf's convention.
 */
#include <ferrite/procfs_hooks.h>
#include <ferrite/netdev.h>
#include <ferrite/printk.h>

#include "lwip/netif.h"

#include "netcore.h"

/* Append to @buf (size @len) at *pos; *pos grows by the full length. */
__printf(4, 5) static void out(char *buf, size_t len, size_t *pos,
			       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < len ? buf + *pos : NULL,
		      *pos < len ? len - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

#define ULL(x)	((unsigned long long)(x))

int proc_net_dev_show(char *buf, size_t len)
{
	struct net_device *d;
	size_t pos = 0;

	out(buf, len, &pos, "%s",
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
	net_lock();
	list_for_each_entry(d, &netdev_list, node) {
		struct net_stats s;

		netdev_get_stats(d, &s);
		/* Linux's dev_seq_printf_stats: fifo, frame, compressed,
		 * multicast, colls and carrier are not counted here. */
		out(buf, len, &pos,
		    "%6s:%8llu %7llu %4llu %4llu %4u %5u %10u %9u "
		    "%8llu %7llu %4llu %4llu %4u %5u %7u %10u\n",
		    d->name, ULL(s.rx_bytes), ULL(s.rx_packets),
		    ULL(s.rx_errors), ULL(s.rx_dropped), 0, 0, 0, 0,
		    ULL(s.tx_bytes), ULL(s.tx_packets), ULL(s.tx_errors),
		    ULL(s.tx_dropped), 0, 0, 0, 0);
	}
	net_unlock();
	return (int)pos;
}

/* One route line, padded to 127 columns like Linux's seq_pad. */
static void route_line(char *buf, size_t len, size_t *pos, const char *dev,
		       u32 dst, u32 gw, unsigned int flags, u32 mask)
{
	size_t start = *pos;

	out(buf, len, pos, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
	    dev, dst, gw, flags, 0, 0, 0, mask, 0, 0, 0);
	out(buf, len, pos, "%*s\n",
	    (int)(*pos - start < 127 ? 127 - (*pos - start) : 0), "");
}

#define RTF_UP		0x0001
#define RTF_GATEWAY	0x0002

/*
 * The routes lwIP actually uses: the default one through netif_default's
 * gateway, and one on-link network per configured interface. Addresses
 * are printed as the raw network-order words, as Linux does.
 */
int proc_net_route_show(char *buf, size_t len)
{
	struct net_device *d;
	size_t pos = 0;

	out(buf, len, &pos, "%-127s\n",
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
	net_lock();
	if (netif_default && netif_is_up(netif_default) &&
	    !ip4_addr_isany_val(*netif_ip4_gw(netif_default))) {
		d = netdev_of_netif(netif_default);
		if (d && !(d->flags & IFF_LOOPBACK))
			route_line(buf, len, &pos, d->name, 0,
				   netif_ip4_gw(netif_default)->addr,
				   RTF_UP | RTF_GATEWAY, 0);
	}
	list_for_each_entry(d, &netdev_list, node) {
		struct netif *n = d->netif;
		u32 addr, mask;

		if ((d->flags & IFF_LOOPBACK) || !netif_is_up(n))
			continue;
		addr = netif_ip4_addr(n)->addr;
		mask = netif_ip4_netmask(n)->addr;
		if (!addr)
			continue;
		route_line(buf, len, &pos, d->name, addr & mask, 0, RTF_UP,
			   mask);
	}
	net_unlock();
	return (int)pos;
}

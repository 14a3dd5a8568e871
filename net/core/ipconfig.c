/*
 * Interface configuration from the command line at boot (ip=, Linux's
 * IP-Config): a static address, or DHCP through lwIP with a bounded wait,
 * so init starts with the network up. Prints one line like
 * "ferrite: eth0 10.0.2.15/24 gw 10.0.2.2 (dhcp)".
 */
#include <ferrite/net.h>
#include <ferrite/netdev.h>
#include <ferrite/cmdline.h>
#include <ferrite/init.h>
#include <ferrite/printk.h>
#include <ferrite/arch.h>
#include <ferrite/timer.h>
#include <ferrite/wait.h>

#include "lwip/netif.h"
#include "lwip/dhcp.h"

#include "netcore.h"

static DEFINE_WAIT_QUEUE_HEAD(ipconfig_wq);
static bool ipconfig_bound;		/* [a] DHCP gave an address */

/* lwIP's status callback (netd, net_lock held): address changes. */
static void ipconfig_status(struct netif *n)
{
	if (!ip4_addr_isany_val(*netif_ip4_addr(n))) {
		WRITE_ONCE(ipconfig_bound, true);
		wake_up(&ipconfig_wq);
	}
}

static int mask_prefix(u32 mask)
{
	int bits = 0;

	for (; mask; mask &= mask - 1)	/* no libgcc: count by hand */
		bits++;
	return bits;
}

/* The IP-Config line; net_lock held. */
static void ipconfig_report(struct net_device *d, const char *how, u64 ns)
{
	struct netif *n = d->netif;
	const u8 *a = (const u8 *)&netif_ip4_addr(n)->addr;
	const u8 *g = (const u8 *)&netif_ip4_gw(n)->addr;
	char gw[24] = "", took[32] = "";

	if (!ip4_addr_isany_val(*netif_ip4_gw(n)))
		snprintf(gw, sizeof(gw), " gw %u.%u.%u.%u", g[0], g[1], g[2], g[3]);
	if (ns)
		snprintf(took, sizeof(took), " in %llu ms",
			 (unsigned long long)(ns / NSEC_PER_MSEC));
	pr_info("ferrite: %s %u.%u.%u.%u/%d%s (%s)%s\n", d->name,
		a[0], a[1], a[2], a[3], mask_prefix(netif_ip4_netmask(n)->addr),
		gw, how, took);
}

static int ipconfig_static(struct net_device *d, const struct ipconfig *c)
{
	struct netif *n = d->netif;
	ip4_addr_t addr, mask, gw;

	ip4_addr_set_u32(&addr, c->addr);
	ip4_addr_set_u32(&mask, c->netmask ? c->netmask
					   : ipconfig_class_netmask(c->addr));
	ip4_addr_set_u32(&gw, c->gateway);
	net_lock();
	netif_set_addr(n, &addr, &mask, &gw);
	netdev_set_up(d, true);
	if (c->gateway)
		netif_set_default(n);
	ipconfig_report(d, "static", 0);
	net_unlock();
	return 0;
}

static int ipconfig_dhcp(struct net_device *d)
{
	struct netif *n = d->netif;
	u64 start = arch_clock_ns();
	err_t e;

	net_lock();
	netif_set_status_callback(n, ipconfig_status);
	netdev_set_up(d, true);
	netif_set_default(n);
	e = dhcp_start(n);
	net_unlock();
	if (e != ERR_OK) {
		pr_err("ferrite: %s: DHCP could not start (lwIP error %d)\n",
		       d->name, e);
		return -ENOMEM;
	}
	netd_wake();
	wait_event_timeout(ipconfig_wq, READ_ONCE(ipconfig_bound),
			   (u64)CONFIG_NET_IPCONFIG_TIMEOUT_MS * NSEC_PER_MSEC);

	net_lock();
	netif_set_status_callback(n, NULL);
	if (dhcp_supplied_address(n))
		ipconfig_report(d, "dhcp", arch_clock_ns() - start);
	else
		pr_warn("ferrite: %s: no DHCP lease in %u ms; going on, DHCP keeps trying\n",
			d->name, CONFIG_NET_IPCONFIG_TIMEOUT_MS);
	net_unlock();
	return 0;
}

static int ipconfig_init(void)
{
	const char *arg = cmdline_get(kernel_cmdline(), "ip");
	struct ipconfig c;
	struct net_device *d;
	int err;

	if (!arg)
		return 0;		/* like Linux: nothing asked, nothing done */
	err = ipconfig_parse(arg, &c);
	if (err) {
		pr_err("ferrite: ip=%s: cannot parse it, ignored\n", arg);
		return 0;
	}
	if (c.mode == IPCONFIG_OFF)
		return 0;

	net_lock();
	d = c.device[0] ? netdev_by_name(c.device) : netdev_first_ether();
	net_unlock();
	if (!d || (d->flags & IFF_LOOPBACK)) {
		pr_warn("ferrite: ip=: no device %s\n",
			c.device[0] ? c.device : "(no Ethernet device found)");
		return 0;
	}
	if (c.mode == IPCONFIG_STATIC)
		return ipconfig_static(d, &c);
	return ipconfig_dhcp(d);
}
initcall(INITCALL_LATE, ipconfig_init);

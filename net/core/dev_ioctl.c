/*
 * The interface and route ioctls (SIOCGIFCONF, SIOC[GS]IF*, SIOCADDRT,
 * SIOCDELRT) as BusyBox's ifconfig and route use them, on any socket:
 * Linux's struct ifreq / ifconf / rtentry in, lwIP's netifs underneath.
 */
#include <ferrite/net.h>
#include <ferrite/netdev.h>
#include <ferrite/errno.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>

#include "lwip/netif.h"
#include "lwip/dhcp.h"

#include "netcore.h"

#define IFNAMSIZ		16
#define ARPHRD_ETHER		1
#define ARPHRD_LOOPBACK		772
#define AF_INET_K		2
#define TX_QUEUE_LEN		1000	/* what Linux reports for eth0 and lo */

struct sockaddr_in_k {
	u16 family;
	u16 port;
	u32 addr;			/* network order */
	u8 zero[8];
};

/* Linux's struct ifreq on x86_64: 16 + 24 bytes. */
struct ifreq_k {
	char name[IFNAMSIZ];
	union {
		struct sockaddr_in_k sin;
		struct {
			u16 family;
			u8 data[14];
		} hw;
		short flags;
		int ivalue;
		u8 raw[24];
	};
};

struct ifconf_k {
	int len;
	u32 pad;
	u64 buf;			/* user pointer */
};

/* Linux's struct rtentry on x86_64 (120 bytes). */
struct rtentry_k {
	unsigned long pad1;
	struct sockaddr_in_k dst;
	struct sockaddr_in_k gateway;
	struct sockaddr_in_k genmask;
	u16 flags;
	short pad2;
	unsigned long pad3;
	u64 pad4;
	short metric;
	u64 dev;			/* user pointer to a name, or 0 */
	unsigned long mtu;
	unsigned long window;
	u16 irtt;
};

_Static_assert(sizeof(struct ifreq_k) == 40, "struct ifreq layout");
_Static_assert(sizeof(struct ifconf_k) == 16, "struct ifconf layout");
_Static_assert(sizeof(struct rtentry_k) == 120, "struct rtentry layout");

#define RTF_UP		0x0001
#define RTF_GATEWAY	0x0002
#define RTF_HOST	0x0004

static bool net_admin(void)
{
	return current_process()->cred.euid == 0;
}

static void put_sin(struct sockaddr_in_k *s, u32 addr)
{
	memset(s, 0, sizeof(*s));
	s->family = AF_INET_K;
	s->addr = addr;
}

/* A netmask is contiguous ones then zeros (Linux's bad_mask). */
static bool mask_ok(u32 mask_be)
{
	u32 m = __builtin_bswap32(mask_be);

	return (~m & (~m + 1)) == 0;
}

static long gifconf(user_addr_t arg)
{
	struct ifconf_k ifc;
	struct net_device *d;
	int done = 0;
	long err = 0;

	if (copy_from_user(&ifc, arg, sizeof(ifc)))
		return -EFAULT;
	if (ifc.len < 0)
		return -EINVAL;
	net_lock();
	list_for_each_entry(d, &netdev_list, node) {
		struct netif *n = d->netif;
		struct ifreq_k r;

		/* Like Linux: only interfaces that have an IPv4 address. */
		if (ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (!ifc.buf) {
			done += sizeof(r);
			continue;
		}
		if (ifc.len - done < (int)sizeof(r))
			break;
		memset(&r, 0, sizeof(r));
		strlcpy(r.name, d->name, sizeof(r.name));
		put_sin(&r.sin, netif_ip4_addr(n)->addr);
		if (copy_to_user(UADDR(ifc.buf + done), &r, sizeof(r))) {
			err = -EFAULT;
			break;
		}
		done += sizeof(r);
	}
	net_unlock();
	if (err)
		return err;
	ifc.len = done;
	if (copy_to_user(arg, &ifc, sizeof(ifc)))
		return -EFAULT;
	return 0;
}

/* SIOCGIF* that read a device; net_lock held. */
static long get_one(unsigned int cmd, struct net_device *d, struct ifreq_k *r)
{
	struct netif *n = d->netif;
	u32 addr = netif_ip4_addr(n)->addr;
	u32 mask = netif_ip4_netmask(n)->addr;

	switch (cmd) {
	case SIOCGIFFLAGS:
		r->flags = (short)d->flags;
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:	/* not point-to-point: the local address */
		if (!addr)
			return -EADDRNOTAVAIL;
		put_sin(&r->sin, addr);
		return 0;
	case SIOCGIFNETMASK:
		if (!addr)
			return -EADDRNOTAVAIL;
		put_sin(&r->sin, mask);
		return 0;
	case SIOCGIFBRDADDR:
		if (!addr)
			return -EADDRNOTAVAIL;
		/* lo has none on Linux: it reports 0.0.0.0. */
		put_sin(&r->sin, (d->flags & IFF_BROADCAST) ?
				 (addr & mask) | ~mask : 0);
		return 0;
	case SIOCGIFHWADDR:
		memset(&r->hw, 0, sizeof(r->hw));
		if (d->flags & IFF_LOOPBACK) {
			r->hw.family = ARPHRD_LOOPBACK;
		} else {
			r->hw.family = ARPHRD_ETHER;
			memcpy(r->hw.data, d->mac, ETH_ALEN);
		}
		return 0;
	case SIOCGIFMTU:
		r->ivalue = (int)d->mtu;
		return 0;
	case SIOCGIFINDEX:
		r->ivalue = d->ifindex;
		return 0;
	case SIOCGIFMETRIC:
		r->ivalue = 0;
		return 0;
	case SIOCGIFTXQLEN:
		r->ivalue = TX_QUEUE_LEN;
		return 0;
	case SIOCGIFMAP:	/* no I/O ports or IRQ to report */
		memset(r->raw, 0, sizeof(r->raw));
		return 0;
	}
	return -ENOTTY;
}

/* SIOCSIF*: change a device; net_lock held, caller is root. */
static long set_one(unsigned int cmd, struct net_device *d,
		    const struct ifreq_k *r)
{
	struct netif *n = d->netif;
	ip4_addr_t a, m, g;

	switch (cmd) {
	case SIOCSIFFLAGS:
		/* Only IFF_UP changes anything; the rest are read-only here. */
		if (!!(r->flags & IFF_UP) != !!(d->flags & IFF_UP))
			netdev_set_up(d, r->flags & IFF_UP);
		return 0;
	case SIOCSIFADDR:
		if (r->sin.family != AF_INET_K)
			return -EINVAL;
		ip4_addr_set_u32(&a, r->sin.addr);
		if (r->sin.addr && !ipconfig_class_netmask(r->sin.addr))
			return -EINVAL;		/* class D/E: Linux refuses */
		/* Like Linux: a new address brings the classful mask. */
		ip4_addr_set_u32(&m, ipconfig_class_netmask(r->sin.addr));
		if (d->flags & IFF_LOOPBACK)
			ip4_addr_set_u32(&m, PP_HTONL(0xff000000UL));
		/* The user takes over from ip=dhcp's client (which lwIP
		 * would keep renewing): release the lease first, as that
		 * clears the address, then set the new one. */
		g = *netif_ip4_gw(n);
		if (netif_dhcp_data(n))
			dhcp_stop(n);
		netif_set_addr(n, &a, &m, &g);
		return 0;
	case SIOCSIFNETMASK:
		if (r->sin.family != AF_INET_K && r->sin.family != 0)
			return -EINVAL;
		if (ip4_addr_isany_val(*netif_ip4_addr(n)))
			return -EADDRNOTAVAIL;
		if (!mask_ok(r->sin.addr))
			return -EINVAL;
		ip4_addr_set_u32(&m, r->sin.addr);
		netif_set_netmask(n, &m);
		return 0;
	}
	return -ENOTTY;
}

/* The interface whose network holds @gw (an on-link gateway). */
static struct net_device *dev_for_gateway(u32 gw)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, node) {
		struct netif *n = d->netif;
		u32 addr = netif_ip4_addr(n)->addr;
		u32 mask = netif_ip4_netmask(n)->addr;

		if ((d->flags & IFF_LOOPBACK) || !netif_is_up(n) || !addr)
			continue;
		if ((gw & mask) == (addr & mask))
			return d;
	}
	return NULL;
}

/*
 * Routes. lwIP routes by interface network plus one default gateway
 * (netif_default), so that is what can be added or deleted here: the
 * default route. The per-interface network routes exist while the
 * interface has an address (adding one again is -EEXIST); other routes
 * need a routing table lwIP does not have (-EOPNOTSUPP, docs/net.md).
 */
static long route_ioctl(unsigned int cmd, user_addr_t arg)
{
	struct rtentry_k rt;
	struct net_device *d = NULL;
	char devname[IFNAMSIZ];
	u32 dst, mask, gw;
	long err = 0;

	if (!net_admin())
		return -EPERM;
	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	if (rt.dev) {
		long n = strncpy_from_user(devname, UADDR(rt.dev), sizeof(devname));

		if (n < 0)
			return n;
		if (n >= (long)sizeof(devname))
			return -ENODEV;
	}
	dst = rt.dst.addr;
	mask = (rt.flags & RTF_HOST) ? 0xffffffffu : rt.genmask.addr;
	gw = (rt.flags & RTF_GATEWAY) ? rt.gateway.addr : 0;
	if (rt.dst.family != AF_INET_K && rt.dst.family != 0)
		return -EAFNOSUPPORT;
	if (!mask_ok(mask) || (dst & ~mask))
		return -EINVAL;

	net_lock();
	if (rt.dev) {
		d = netdev_by_name(devname);
		if (!d) {
			err = -ENODEV;
			goto out;
		}
	}
	if (mask == 0) {		/* the default route */
		struct netif *def = netif_default;
		bool have = def && !ip4_addr_isany_val(*netif_ip4_gw(def)) &&
			    !(netdev_of_netif(def) &&
			      (netdev_of_netif(def)->flags & IFF_LOOPBACK));

		if (cmd == SIOCADDRT) {
			ip4_addr_t g;

			if (!gw) {
				err = -EOPNOTSUPP;	/* no device-only default */
				goto out;
			}
			if (have) {
				err = -EEXIST;	/* one default route at a time */
				goto out;
			}
			if (!d)
				d = dev_for_gateway(gw);
			if (!d || (d->flags & IFF_LOOPBACK)) {
				err = -ENETUNREACH;
				goto out;
			}
			ip4_addr_set_u32(&g, gw);
			netif_set_gw(d->netif, &g);
			netif_set_default(d->netif);
		} else {
			if (!have || (gw && netif_ip4_gw(def)->addr != gw) ||
			    (d && d->netif != def)) {
				err = -ESRCH;
				goto out;
			}
			netif_set_gw(def, IP4_ADDR_ANY4);
			netif_set_default(NULL);
		}
		goto out;
	}
	/* A network route: only the ones lwIP has by construction. */
	{
		struct net_device *i;
		bool exists = false;

		list_for_each_entry(i, &netdev_list, node) {
			struct netif *n = i->netif;

			if ((i->flags & IFF_LOOPBACK) || !netif_is_up(n) ||
			    ip4_addr_isany_val(*netif_ip4_addr(n)))
				continue;
			if (netif_ip4_netmask(n)->addr == mask &&
			    (netif_ip4_addr(n)->addr & mask) == dst && !gw &&
			    (!d || d == i))
				exists = true;
		}
		if (cmd == SIOCADDRT)
			err = exists ? -EEXIST : -EOPNOTSUPP;
		else
			err = exists ? -EOPNOTSUPP : -ESRCH;
	}
out:
	net_unlock();
	return err;
}

long net_dev_ioctl(unsigned int cmd, user_addr_t arg)
{
	struct net_device *d;
	struct ifreq_k r;
	long err;

	switch (cmd) {
	case SIOCGIFCONF:
		return gifconf(arg);
	case SIOCADDRT:
	case SIOCDELRT:
		return route_ioctl(cmd, arg);
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFHWADDR:
	case SIOCGIFMTU:
	case SIOCGIFINDEX:
	case SIOCGIFMETRIC:
	case SIOCGIFTXQLEN:
	case SIOCGIFMAP:
	case SIOCSIFFLAGS:
	case SIOCSIFADDR:
	case SIOCSIFNETMASK:
		break;
	default:
		return -ENOTTY;
	}

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	r.name[IFNAMSIZ - 1] = '\0';

	net_lock();
	if (cmd == SIOCGIFNAME) {
		d = netdev_by_index(r.ivalue);
		if (d)
			strlcpy(r.name, d->name, sizeof(r.name));
		err = d ? 0 : -ENODEV;
	} else {
		d = netdev_by_name(r.name);
		if (!d)
			err = -ENODEV;
		else if (cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR ||
			 cmd == SIOCSIFNETMASK)
			err = net_admin() ? set_one(cmd, d, &r) : -EPERM;
		else
			err = get_one(cmd, d, &r);
	}
	net_unlock();
	if (err)
		return err;
	if (cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR || cmd == SIOCSIFNETMASK)
		return 0;
	if (copy_to_user(arg, &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

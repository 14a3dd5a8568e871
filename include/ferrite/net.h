/*
 * The network core's services to the rest of the kernel (net/core): the
 * interface ioctls every socket answers, the ip= command-line parser, and
 * counters of the stack's live objects for leak checks.
 */
#ifndef FERRITE_NET_H
#define FERRITE_NET_H

#include <ferrite/types.h>
#include <ferrite/uaccess.h>
#include <ferrite/errno.h>

/* Linux's interface and routing ioctls (linux/sockios.h). */
#define SIOCADDRT	0x890B
#define SIOCDELRT	0x890C
#define SIOCGIFNAME	0x8910
#define SIOCGIFCONF	0x8912
#define SIOCGIFFLAGS	0x8913
#define SIOCSIFFLAGS	0x8914
#define SIOCGIFADDR	0x8915
#define SIOCSIFADDR	0x8916
#define SIOCGIFDSTADDR	0x8917
#define SIOCGIFBRDADDR	0x8919
#define SIOCGIFNETMASK	0x891b
#define SIOCSIFNETMASK	0x891c
#define SIOCGIFMETRIC	0x891d
#define SIOCGIFMTU	0x8921
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCGIFTXQLEN	0x8942
#define SIOCGIFMAP	0x8970

#ifdef CONFIG_NET
/*
 * The SIOC* interface and route ioctls above, for a socket of any family
 * (net/socket.c calls this for the commands its family does not know).
 * Process context, no lock held. -ENOTTY for a command that is not one
 * of these, -ENODEV for an unknown interface, -EPERM for a change by a
 * non-root caller, -EFAULT for a bad pointer.
 */
long net_dev_ioctl(unsigned int cmd, user_addr_t arg);
#else
static inline long net_dev_ioctl(unsigned int cmd, user_addr_t arg)
{
	return -ENOTTY;
}
#endif

/*
 * ip= in Linux's format (Documentation/admin-guide/nfs/nfsroot.rst):
 *   ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>
 * with everything after the first field optional, or one word:
 * ip=dhcp (also "on", "any", "bootp", "both"), ip=off / ip=none.
 * Only the fields this kernel uses are kept; addresses in network order.
 */
enum ipconfig_mode {
	IPCONFIG_OFF,		/* ip=off / none: leave the interfaces alone */
	IPCONFIG_STATIC,	/* client address given, autoconf off */
	IPCONFIG_DHCP,		/* ip=dhcp, or autoconf dhcp/on/any/... */
};

struct ipconfig {
	enum ipconfig_mode mode;
	u32 addr;		/* 0 when not given */
	u32 gateway;
	u32 netmask;		/* 0: the class default, like Linux */
	char device[16];	/* "" means the first Ethernet device */
};

/*
 * Parse the value of ip= (without "ip="). 0, or -EINVAL for a malformed
 * address, an unknown autoconf word or a device name too long. Pure: the
 * host unit tests run it (tests/unit/test_ipconfig.c).
 */
int ipconfig_parse(const char *s, struct ipconfig *out);
/* Dotted quad to a network-order address: 0 or -EINVAL. */
int ipconfig_parse_addr(const char *s, size_t len, u32 *out);
/* Linux's classful default mask (inet_make_mask(inet_abc_len())), in
 * network order; 0 for an address that has no class (multicast, ...). */
u32 ipconfig_class_netmask(u32 addr);

/*
 * The stack's live objects (net/core), for leak checks: everything lwIP
 * allocates comes from kmalloc through the port, counted here.
 */
struct net_counts {
	u64 heap_objects;	/* live lwIP heap blocks (pbufs, pcbs, ...) */
	u64 heap_bytes;
	u32 tcp_pcbs;		/* connections, including TIME_WAIT */
	u32 tcp_listen_pcbs;
	u32 udp_pcbs;
	u32 tcp_segs;		/* queued TCP segments */
	u32 pbufs_ref;		/* PBUF_REF/ROM pbuf headers */
};
void net_get_counts(struct net_counts *c);
/*
 * The same counters as text, snprintf's convention (a candidate for a
 * /proc/net/ file of our own, e.g. /proc/net/lwip):
 *   heap_objects N\nheap_bytes N\ntcp_pcbs N\n...
 */
int proc_net_lwip_show(char *buf, size_t len);

#endif

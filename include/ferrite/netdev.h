/*
 * Network devices: the contract between drivers (virtio-net, the loopback)
 * and the stack (net/core: lwIP's netif glue). A driver fills a struct
 * net_device and registers it; frames cross the boundary by copy, so no
 * buffer is ever owned by both sides.
 *
 * Context rules: the stack calls ops with the net lock held (net_lock(),
 * a mutex) from a thread, never from an interrupt. A driver's interrupt
 * handler only calls netdev_rx_notify(); the network thread then calls
 * ops->rx_poll(), which hands each frame to netdev_receive() (a copy) and
 * gives the buffer back to the device: nothing is allocated in interrupt
 * context.
 */
#ifndef FERRITE_NETDEV_H
#define FERRITE_NETDEV_H

#include <ferrite/types.h>
#include <ferrite/list.h>

#define NETDEV_NAME_MAX	16
#define ETH_ALEN	6
#define ETH_FRAME_MAX	1514	/* without FCS; MTU 1500 */

/* Linux's IFF_* flags (linux/if.h), reported by SIOCGIFFLAGS. */
#define IFF_UP		0x1
#define IFF_BROADCAST	0x2
#define IFF_LOOPBACK	0x8
#define IFF_RUNNING	0x40
#define IFF_MULTICAST	0x1000

struct net_device;

struct net_device_ops {
	/* Queue one Ethernet frame (copied; the caller keeps @frame).
	 * 0, or -EBUSY when the ring is full (frame dropped), -EIO. */
	int (*xmit)(struct net_device *d, const void *frame, size_t len);
	/* Deliver every received frame with netdev_receive(), give the
	 * buffers back to the device and re-enable its interrupt. */
	void (*rx_poll)(struct net_device *d);
};

/* Counters for /proc/net/dev. [d] the driver, under net_lock or its own. */
struct net_stats {
	u64 rx_packets, rx_bytes, rx_errors, rx_dropped;
	u64 tx_packets, tx_bytes, tx_errors, tx_dropped;
};

/*
 * Legend: [I] set before netdev_register; [N] net_lock; [a] atomic.
 */
struct net_device {
	char name[NETDEV_NAME_MAX];	/* [I] "eth0": set by netdev_register */
	u8 mac[ETH_ALEN];		/* [I] */
	u32 mtu;			/* [I] 1500 */
	int ifindex;			/* [I] by netdev_register */
	unsigned int flags;		/* [N] IFF_* */
	const struct net_device_ops *ops;	/* [I] */
	void *priv;			/* [I] the driver's */
	struct net_stats stats;		/* [d] */
	void *netif;			/* [N] the stack's per-interface state */
	bool rx_pending;		/* [a] set by netdev_rx_notify */
	struct list_head node;		/* [N] all devices */
};

/* Name the device (eth0, eth1, ...), attach it to the stack. 0 or -errno. */
int netdev_register(struct net_device *d);
/* Interrupt context: frames are waiting; wake the network thread. */
void netdev_rx_notify(struct net_device *d);
/* From rx_poll (net lock held): hand one received frame to the stack. */
void netdev_receive(struct net_device *d, const void *frame, size_t len);
/* Lookup for ioctls and /proc/net (net lock held). NULL if none. */
struct net_device *netdev_by_name(const char *name);
struct net_device *netdev_by_index(int ifindex);

/* The single lock over the TCP/IP stack's state (net/core). Sleeping
 * lock: never taken in interrupt context. */
void net_lock(void);
void net_unlock(void);

#endif

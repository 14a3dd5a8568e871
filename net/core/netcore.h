/*
 * Private interfaces between the files of net/core: the device registry
 * (netdev.c), netd (netcore.c), the ioctls and /proc/net (dev_ioctl.c,
 * proc_net.c) and ip= (ipconfig.c). All under net_lock unless said.
 */
#ifndef FERRITE_NET_CORE_H
#define FERRITE_NET_CORE_H

#include <ferrite/netdev.h>
#include <ferrite/list.h>

struct netif;

/* Every registered device, lo first. [N] */
extern struct list_head netdev_list;

bool net_lock_held(void);
/* Make netd run its loop soon. Any context. */
void netd_wake(void);
/* netd: rx_poll() each device whose rx_pending is set. */
void netdev_poll_all(void);
/* At start-up: the net_device for lwIP's own loopback netif. */
int netdev_attach_loopback(void);
/* The device of an lwIP netif, NULL if none. */
struct net_device *netdev_of_netif(struct netif *n);
/* Bring the interface up or down in lwIP and in d->flags. */
void netdev_set_up(struct net_device *d, bool up);
/* Counters of @d, lo's from lwIP's own per-netif counters. */
void netdev_get_stats(struct net_device *d, struct net_stats *s);
/* First device that is not the loopback, NULL if none. */
struct net_device *netdev_first_ether(void);

#define LOOPBACK_MTU	65536	/* what Linux reports for lo */

#endif

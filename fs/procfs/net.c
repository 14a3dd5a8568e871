/*
 * /proc/net: the tables BusyBox's ifconfig, route and netstat parse. The
 * text comes from the network code through the snprintf-style hooks in
 * <ferrite/procfs_hooks.h>; this file only places them in the tree.
 */
#include <ferrite/procfs_hooks.h>
#include "internal.h"

static int show_hook(struct seqbuf *s, int (*fn)(char *buf, size_t len))
{
	int n = fn(s->len < s->size ? s->buf + s->len : NULL,
		   s->len < s->size ? s->size - s->len : 0);

	if (n < 0)
		return n;
	s->len += (size_t)n;
	return 0;
}

#define NET_FILE(name)							\
static int show_net_##name(struct proc_inode *pi, struct seqbuf *s)	\
{									\
	return show_hook(s, proc_net_##name##_show);			\
}

#ifdef CONFIG_NET
#include <ferrite/net.h>
NET_FILE(dev)
NET_FILE(lwip)
NET_FILE(route)
#include <ferrite/inet.h>
NET_FILE(sockstat)
NET_FILE(tcp)
NET_FILE(udp)
#endif
NET_FILE(unix)

/* Sorted as readdir shows them. */
const struct proc_entry proc_net_entries[] = {
#ifdef CONFIG_NET
	{ "dev", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_dev, NULL },
	/* Ferrite's own: lwIP's live objects, for leak checks. */
	{ "lwip", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_lwip, NULL },
	{ "route", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_route, NULL },
	{ "sockstat", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_sockstat, NULL },
	{ "tcp", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_tcp, NULL },
	{ "udp", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_udp, NULL },
#endif
	{ "unix", S_IFREG | 0444, PD_NONE, NULL, 0, show_net_unix, NULL },
};

/* root.c sizes the directory with PROC_NET_NR_ENTRIES: keep them equal. */
_Static_assert(ARRAY_SIZE(proc_net_entries) == PROC_NET_NR_ENTRIES,
	       "PROC_NET_NR_ENTRIES (internal.h) does not match the table");

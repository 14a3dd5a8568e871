/*
 * What procfs needs from outside fs/: accessors that do not exist
 * elsewhere yet. Each says who provides it.
 */
#ifndef FERRITE_PROCFS_HOOKS_H
#define FERRITE_PROCFS_HOOKS_H

#include <ferrite/types.h>

/*
 * /proc/cpuinfo in the architecture's format (arch/x86_64/cpuinfo.c).
 * Like snprintf: writes at most @len bytes (buf may be NULL when len is
 * 0) and returns the length the whole text needs.
 */
int arch_cpuinfo_show(char *buf, size_t len);

/*
 * /proc/net/<name> (the lead wires them into fs/procfs): same snprintf
 * convention as above. dev, route: net/core (the lwIP glue); tcp, udp:
 * net/inet; unix: net/unix. Linux's exact column layout: BusyBox's
 * ifconfig, route and netstat parse these files.
 */
int proc_net_dev_show(char *buf, size_t len);
int proc_net_route_show(char *buf, size_t len);
int proc_net_tcp_show(char *buf, size_t len);
int proc_net_udp_show(char *buf, size_t len);
int proc_net_unix_show(char *buf, size_t len);

#endif

/*
 * AF_INET as user space sees it (net/inet/: TCP and UDP sockets on lwIP):
 * struct sockaddr_in, the IPPROTO_* and option numbers of the IP and TCP
 * levels, and the /proc/net texts the family provides.
 */
#ifndef FERRITE_INET_H
#define FERRITE_INET_H

#include <ferrite/types.h>

/* Linux's numbers (linux/in.h). */
#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17

#define INADDR_ANY		0x00000000u	/* host order */
#define INADDR_BROADCAST	0xffffffffu
#define INADDR_LOOPBACK		0x7f000001u

/* struct sockaddr_in: port and address in network byte order. */
struct sockaddr_in_k {
	u16 sin_family;
	u16 sin_port;
	u32 sin_addr;
	u8 sin_zero[8];
};

/* Options of level IPPROTO_IP (SOL_IP) the family answers. */
#define IP_TOS		1
#define IP_TTL		2

/* Options of level IPPROTO_TCP (SOL_TCP), linux/tcp.h. */
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6

/* FIONREAD (SIOCINQ) and SIOCOUTQ (TIOCOUTQ): bytes queued in and out. */
#define SIOCINQ		0x541B
#define SIOCOUTQ	0x5411

/*
 * /proc/net/tcp and /proc/net/udp are declared in <ferrite/procfs_hooks.h>.
 * /proc/net/sockstat in Linux's format ("TCP: inuse N orphan N tw N alloc N
 * mem N" and friends): the counters return to their baseline once every
 * socket is closed and TIME_WAIT has passed, which the leak tests check.
 * Same snprintf convention as the other proc hooks.
 */
int proc_net_sockstat_show(char *buf, size_t len);

#endif

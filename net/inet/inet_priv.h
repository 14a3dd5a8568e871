/*
 * Private interfaces between the files of net/inet: the per-socket state
 * both protocols share (struct inet_sock), the sleep and address helpers
 * (af_inet.c), and the TCP (tcp.c) and UDP (udp.c) operations.
 */
#ifndef FERRITE_NET_INET_PRIV_H
#define FERRITE_NET_INET_PRIV_H

#include <ferrite/types.h>
#include <ferrite/list.h>
#include <ferrite/socket.h>
#include <ferrite/inet.h>

#include "lwip/tcp.h"
#include "lwip/udp.h"

/* Life cycle of a socket, as far as its user can tell. */
enum inet_state {
	INET_CLOSED,		/* never connected, or the connection is over */
	INET_LISTEN,
	INET_CONNECTING,	/* TCP SYN sent */
	INET_CONNECTED,
};

#define RCV_SHUT	0x1
#define SEND_SHUT	0x2
#define SHUT_BOTH	(RCV_SHUT | SEND_SHUT)

/* One queued UDP datagram, copied out of lwIP's pbuf on arrival. */
struct inet_dgram {
	struct list_head node;		/* on inet_sock.dgrams */
	u32 addr;			/* source, network order */
	u16 port;			/* source, host order */
	u16 len;
	u8 data[];
};

/*
 * Everything here is under net_lock ([N]); the wait condition of sleepers
 * (events) is also read with READ_ONCE without it. The pcb pointer is the
 * only link with lwIP: lwIP's callbacks find the inet_sock through the
 * pcb's arg, and the socket forgets the pcb (tcp = NULL) whenever lwIP
 * frees it (tcp_err) or the socket lets go of it (release, or both
 * directions closed: the pcb finishes on its own, TIME_WAIT included).
 */
struct inet_sock {
	struct list_head node;		/* [N] on inet_socks (/proc/net) */
	struct socket *sock;		/* [N] NULL while on an accept queue */
	int type;			/* [I] SOCK_STREAM or SOCK_DGRAM */
	union {
		struct tcp_pcb *tcp;	/* [N] NULL: no (more) pcb */
		struct udp_pcb *udp;	/* [N] */
	};
	unsigned int events;		/* [N] bumped by every state change */
	int err;			/* [N] pending error (positive), SO_ERROR */
	enum inet_state state;		/* [N] */
	u8 shut;			/* [N] RCV_SHUT | SEND_SHUT */
	bool fin_sent;			/* [N] our FIN is queued (shutdown) */
	bool fin_rcvd;			/* [N] the peer's FIN came in */

	/* Options, kept so they can be reported and applied to new pcbs. [N] */
	bool reuseaddr, reuseport, keepalive, nodelay, broadcast;
	bool linger_on;
	int linger_secs;
	int rcvbuf, sndbuf;		/* as reported: Linux's doubled values */
	u8 ttl, tos;
	u32 keep_idle_s, keep_intvl_s, keep_cnt;

	/* Addresses (network order, ports host order), kept for getname
	 * after the pcb is gone. [N] */
	u32 laddr, raddr;
	u16 lport, rport;

	/* TCP: received data not yet read, a pbuf chain (rcvq_bytes in all;
	 * the chain's u16 tot_len is not used). tcp_recved() runs as the user
	 * copies out, so the window bounds the queue. [N] */
	struct pbuf *rcvq;
	size_t rcvq_bytes;

	/* TCP listener: established connections not yet accepted. [N] */
	struct list_head acceptq;
	unsigned int acceptq_len;
	int backlog;			/* as given to listen(), clamped */
	struct inet_sock *parent;	/* [N] a child: its listener, or NULL */
	struct list_head accept_node;	/* [N] on parent->acceptq */

	/* UDP: datagrams not yet read, and their bytes for SO_RCVBUF. [N] */
	struct list_head dgrams;
	size_t dgram_bytes;
	unsigned int drops;
};

/* All inet sockets, for /proc/net/tcp, udp and sockstat. [N] */
extern struct list_head inet_socks;
/* Live inet_socks of each type (allocated, released). [N] */
extern unsigned int inet_tcp_socks, inet_udp_socks;

extern const struct proto_ops inet_stream_ops, inet_dgram_ops;

struct inet_sock *inet_sk_alloc(int type);
void inet_sk_free(struct inet_sock *sk);
/* A state change: bump events and wake whoever sleeps on the socket. */
void inet_sk_wake(struct inet_sock *sk);
/* net_unlock() after feeding lwIP's loopback queues back in, so a
 * request to 127.0.0.1 is answered before the caller looks again. */
void inet_unlock(void);
/*
 * Sleep (net_lock NOT held) until sk->events differs from @seen, a signal
 * or *timeo runs out (SOCK_TIMEO_FOREVER: never; 0: at once). 0, -EAGAIN,
 * or sock_intr_errno(). *timeo is left with the time remaining.
 */
int inet_wait(struct socket *s, struct inet_sock *sk, unsigned int seen,
	      u64 *timeo);

/* A user's sockaddr_in: 0, -EINVAL (short), -EAFNOSUPPORT. */
int inet_addr_in(const struct sockaddr_k *a, int len, u32 *addr, u16 *port);
int inet_addr_out(struct sockaddr_k *a, u32 addr, u16 port);
/* A destination as Linux routes it: 0.0.0.0 means this host. */
u32 inet_addr_dest(u32 addr);
/* An address bind() may use: any, loopback, or one of an interface. */
bool inet_addr_local(u32 addr);
int inet_err(err_t e);			/* lwIP err_t -> -errno */

/* Options both protocols share (SOL_SOCKET, SOL_IP). -ENOPROTOOPT if
 * @name is not one of them. */
int inet_setsockopt_common(struct inet_sock *sk, int level, int name, int v,
			   const void *val, unsigned int len);
int inet_getsockopt_common(struct socket *s, struct inet_sock *sk, int level,
			   int name, void *val, unsigned int *len);
int inet_put_int(void *val, unsigned int *len, int v);

int inet_tcp_create(struct socket *s);
int inet_udp_create(struct socket *s);

#endif

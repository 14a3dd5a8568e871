/*
 * The AF_INET family: socket creation for TCP and UDP, the state both
 * protocols share (allocation, wake-ups, sleeping, sockaddr_in, the
 * SOL_SOCKET and SOL_IP options) and registration with the socket layer.
 */
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/netdev.h>
#include <ferrite/printk.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>

#include "lwip/netif.h"

#include "inet_priv.h"

LIST_HEAD(inet_socks);
unsigned int inet_tcp_socks, inet_udp_socks;

struct inet_sock *inet_sk_alloc(int type)
{
	struct inet_sock *sk = kzalloc(sizeof(*sk), GFP_KERNEL);

	if (!sk)
		return NULL;
	sk->type = type;
	sk->state = INET_CLOSED;
	list_init(&sk->acceptq);
	list_init(&sk->accept_node);
	list_init(&sk->dgrams);
	sk->ttl = 64;
	if (type == SOCK_STREAM) {
		/* Linux's tcp_wmem[1] and tcp_rmem[1]. */
		sk->sndbuf = 16384;
		sk->rcvbuf = 131072;
		inet_tcp_socks++;
	} else {
		sk->sndbuf = SOCK_WMEM_DEFAULT;
		sk->rcvbuf = SOCK_RMEM_DEFAULT;
		inet_udp_socks++;
	}
	list_add_tail(&sk->node, &inet_socks);
	return sk;
}

/* Drop the queues and the memory; the pcb must already be let go of. */
void inet_sk_free(struct inet_sock *sk)
{
	struct inet_dgram *d, *tmp;

	if (sk->rcvq)
		pbuf_free(sk->rcvq);
	list_for_each_entry_safe(d, tmp, &sk->dgrams, node) {
		list_del(&d->node);
		kfree(d);
	}
	list_del(&sk->node);
	if (sk->type == SOCK_STREAM)
		inet_tcp_socks--;
	else
		inet_udp_socks--;
	kfree(sk);
}

void inet_sk_wake(struct inet_sock *sk)
{
	WRITE_ONCE(sk->events, sk->events + 1);
	if (sk->sock)
		wake_up_all(&sk->sock->wq);
}

void inet_unlock(void)
{
	netif_poll_all();
	net_unlock();
}

int inet_wait(struct socket *s, struct inet_sock *sk, unsigned int seen,
	      u64 *timeo)
{
	long r;

	if (*timeo == 0)
		return -EAGAIN;
	if (*timeo == SOCK_TIMEO_FOREVER) {
		r = wait_event_interruptible(s->wq,
					     READ_ONCE(sk->events) != seen);
		return r ? sock_intr_errno(*timeo) : 0;
	}
	r = wait_event_interruptible_timeout(s->wq,
					     READ_ONCE(sk->events) != seen,
					     *timeo);
	if (r < 0)
		return sock_intr_errno(*timeo);
	if (r == 0) {
		*timeo = 0;
		return -EAGAIN;
	}
	*timeo = (u64)r;
	return 0;
}

int inet_addr_in(const struct sockaddr_k *a, int len, u32 *addr, u16 *port)
{
	const struct sockaddr_in_k *sin = (const struct sockaddr_in_k *)a;

	if (len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*addr = sin->sin_addr;
	*port = lwip_ntohs(sin->sin_port);
	return 0;
}

int inet_addr_out(struct sockaddr_k *a, u32 addr, u16 port)
{
	struct sockaddr_in_k *sin = (struct sockaddr_in_k *)a;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = lwip_htons(port);
	sin->sin_addr = addr;
	return sizeof(*sin);
}

u32 inet_addr_dest(u32 addr)
{
	return addr ? addr : lwip_htonl(INADDR_LOOPBACK);
}

bool inet_addr_local(u32 addr)
{
	struct netif *n;

	if (addr == 0 || (lwip_ntohl(addr) >> 24) == 127)
		return true;
	NETIF_FOREACH(n) {
		if (ip4_addr_get_u32(netif_ip4_addr(n)) == addr)
			return true;
	}
	return false;
}

int inet_err(err_t e)
{
	switch (e) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return -ENOMEM;
	case ERR_RTE:
		return -ENETUNREACH;
	case ERR_USE:
		return -EADDRINUSE;
	case ERR_ISCONN:
		return -EISCONN;
	case ERR_ALREADY:
	case ERR_INPROGRESS:
		return -EALREADY;
	case ERR_CONN:
		return -ENOTCONN;
	case ERR_ABRT:
		return -ECONNABORTED;
	case ERR_RST:
		return -ECONNRESET;
	case ERR_CLSD:
		return -EPIPE;
	case ERR_TIMEOUT:
		return -ETIMEDOUT;
	case ERR_IF:
		return -ENETDOWN;
	default:
		return -EINVAL;
	}
}

int inet_put_int(void *val, unsigned int *len, int v)
{
	/* Linux copies min(len, sizeof(int)) bytes of the value. */
	if (*len > sizeof(int))
		*len = sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}

/* Linux's sock_setsockopt: double, within the floor and the ceiling. */
static int buf_size(int v, int floor, int max)
{
	if (v < 0)
		v = 0;
	if (v > max)
		v = max;
	v *= 2;
	return v < floor ? floor : v;
}

int inet_setsockopt_common(struct inet_sock *sk, int level, int name, int v,
			   const void *val, unsigned int len)
{
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
			sk->reuseaddr = v != 0;
			return 0;
		case SO_REUSEPORT:
			sk->reuseport = v != 0;
			return 0;
		case SO_KEEPALIVE:
			sk->keepalive = v != 0;
			return 0;
		case SO_BROADCAST:
			sk->broadcast = v != 0;
			return 0;
		case SO_SNDBUF:
		case SO_SNDBUFFORCE:
			sk->sndbuf = buf_size(v, SOCK_MIN_SNDBUF,
					      SOCK_WMEM_MAX);
			return 0;
		case SO_RCVBUF:
		case SO_RCVBUFFORCE:
			sk->rcvbuf = buf_size(v, SOCK_MIN_RCVBUF,
					      SOCK_RMEM_MAX);
			return 0;
		case SO_LINGER: {
			struct linger_k l;

			if (len < sizeof(l))
				return -EINVAL;
			memcpy(&l, val, sizeof(l));
			sk->linger_on = l.l_onoff != 0;
			sk->linger_secs = l.l_linger < 0 ? 0 : l.l_linger;
			return 0;
		}
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL:
			/* -1 restores the default, like Linux. */
			if (v == -1)
				v = 64;
			if (v < 1 || v > 255)
				return -EINVAL;
			sk->ttl = (u8)v;
			return 0;
		case IP_TOS:
			sk->tos = (u8)v;
			return 0;
		}
		return -ENOPROTOOPT;
	}
	return -ENOPROTOOPT;
}

int inet_getsockopt_common(struct socket *s, struct inet_sock *sk, int level,
			   int name, void *val, unsigned int *len)
{
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			return inet_put_int(val, len, s->type);
		case SO_PROTOCOL:
			return inet_put_int(val, len, s->protocol);
		case SO_DOMAIN:
			return inet_put_int(val, len, AF_INET);
		case SO_ACCEPTCONN:
			return inet_put_int(val, len,
					    sk->state == INET_LISTEN);
		case SO_ERROR: {
			int e = sk->err;

			sk->err = 0;
			return inet_put_int(val, len, e);
		}
		case SO_REUSEADDR:
			return inet_put_int(val, len, sk->reuseaddr);
		case SO_REUSEPORT:
			return inet_put_int(val, len, sk->reuseport);
		case SO_KEEPALIVE:
			return inet_put_int(val, len, sk->keepalive);
		case SO_BROADCAST:
			return inet_put_int(val, len, sk->broadcast);
		case SO_SNDBUF:
			return inet_put_int(val, len, sk->sndbuf);
		case SO_RCVBUF:
			return inet_put_int(val, len, sk->rcvbuf);
		case SO_LINGER: {
			struct linger_k l = {
				.l_onoff = sk->linger_on,
				.l_linger = sk->linger_secs,
			};

			if (*len > sizeof(l))
				*len = sizeof(l);
			memcpy(val, &l, *len);
			return 0;
		}
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL:
			return inet_put_int(val, len, sk->ttl);
		case IP_TOS:
			return inet_put_int(val, len, sk->tos);
		}
		return -ENOPROTOOPT;
	}
	return -ENOPROTOOPT;
}

static int inet_create(struct socket *s, int type, int protocol)
{
	switch (type) {
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_TCP;
		return inet_tcp_create(s);
	case SOCK_DGRAM:
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_UDP;
		return inet_udp_create(s);
	case SOCK_RAW:
		/* No raw IP in this stack's configuration (LWIP_RAW 0). */
		return -EPROTONOSUPPORT;
	default:
		return -ESOCKTNOSUPPORT;
	}
}

static const struct net_proto_family inet_family = {
	.family = AF_INET,
	.create = inet_create,
};

static int inet_init(void)
{
	return sock_register(&inet_family);
}
initcall(INITCALL_SUBSYS, inet_init);

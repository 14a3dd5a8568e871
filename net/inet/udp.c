/*
 * UDP sockets on lwIP's raw API: datagrams are copied out of lwIP's pbufs
 * into a per-socket queue on arrival (bounded by SO_RCVBUF) and sent with
 * udp_sendto; connect() sets the default destination and the source filter.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/netdev.h>
#include <ferrite/poll.h>
#include <ferrite/string.h>

#include "lwip/ip4.h"
#include "lwip/netif.h"

#include "inet_priv.h"

/* The largest payload of one IPv4 UDP datagram (65535 - 20 - 8). */
#define UDP_MAX_PAYLOAD	65507
/* What one queued datagram costs beyond its data, charged to SO_RCVBUF
 * (Linux charges the skb's truesize, of the same order). */
#define UDP_DGRAM_COST	256

static struct inet_sock *usk(struct socket *s)
{
	return s->sk;
}

static bool udp_connected(struct udp_pcb *pcb)
{
	return pcb->flags & UDP_FLAGS_CONNECTED;
}

static void udp_cache_addrs(struct inet_sock *sk)
{
	struct udp_pcb *pcb = sk->udp;

	sk->laddr = ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip));
	sk->lport = pcb->local_port;
	if (udp_connected(pcb)) {
		sk->raddr = ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip));
		sk->rport = pcb->remote_port;
	} else {
		sk->raddr = 0;
		sk->rport = 0;
	}
}

static void udp_apply_opts(struct inet_sock *sk)
{
	struct udp_pcb *pcb = sk->udp;

	if (sk->reuseaddr || sk->reuseport)
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (sk->broadcast)
		ip_set_option(pcb, SOF_BROADCAST);
	else
		ip_reset_option(pcb, SOF_BROADCAST);
	pcb->ttl = sk->ttl;
	pcb->tos = sk->tos;
}

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			const ip_addr_t *addr, u16_t port)
{
	struct inet_sock *sk = arg;
	struct inet_dgram *d;

	if (!sk)
		goto drop;
	/* Like Linux, a datagram is refused only once the queue is over
	 * the limit, so one always fits. */
	if (sk->dgram_bytes > (size_t)sk->rcvbuf)
		goto drop_count;
	d = kmalloc(sizeof(*d) + p->tot_len, GFP_KERNEL);
	if (!d)
		goto drop_count;
	d->len = p->tot_len;
	d->addr = ip4_addr_get_u32(ip_2_ip4(addr));
	d->port = port;
	pbuf_copy_partial(p, d->data, p->tot_len, 0);
	pbuf_free(p);
	list_add_tail(&d->node, &sk->dgrams);
	sk->dgram_bytes += d->len + UDP_DGRAM_COST;
	inet_sk_wake(sk);
	return;
drop_count:
	sk->drops++;
drop:
	pbuf_free(p);
}

static int udp_sock_bind(struct socket *s, const struct sockaddr_k *a,
			 int len)
{
	struct inet_sock *sk = usk(s);
	ip_addr_t ip;
	u32 addr;
	u16 port;
	err_t e;
	int ret;

	ret = inet_addr_in(a, len, &addr, &port);
	if (ret)
		return ret;
	net_lock();
	if (sk->udp->local_port) {
		ret = -EINVAL;
		goto out;
	}
	if (!inet_addr_local(addr) && addr != 0xffffffffu) {
		ret = -EADDRNOTAVAIL;
		goto out;
	}
	ip_addr_set_ip4_u32_val(ip, addr);
	e = udp_bind(sk->udp, &ip, port);
	if (e != ERR_OK) {
		ret = e == ERR_USE ? -EADDRINUSE : inet_err(e);
		goto out;
	}
	udp_cache_addrs(sk);
out:
	net_unlock();
	return ret;
}

static int udp_sock_connect(struct socket *s, const struct sockaddr_k *a,
			    int len, bool nonblock)
{
	struct inet_sock *sk = usk(s);
	ip_addr_t ip;
	u32 addr;
	u16 port;
	err_t e;
	int ret;

	if (len >= (int)sizeof(u16) && a->family == AF_UNSPEC) {
		net_lock();
		udp_disconnect(sk->udp);
		sk->state = INET_CLOSED;
		s->state = SS_UNCONNECTED;
		udp_cache_addrs(sk);
		net_unlock();
		return 0;
	}
	ret = inet_addr_in(a, len, &addr, &port);
	if (ret)
		return ret;
	net_lock();
	ip_addr_set_ip4_u32_val(ip, inet_addr_dest(addr));
	e = udp_connect(sk->udp, &ip, port);
	if (e != ERR_OK) {
		ret = inet_err(e);
		goto out;
	}
	sk->state = INET_CONNECTED;
	s->state = SS_CONNECTED;
	udp_cache_addrs(sk);
out:
	net_unlock();
	return ret;
}

/* The source address a datagram to @raddr would carry (Linux reports it
 * for a connected socket bound to the wildcard). */
static u32 udp_route_source(u32 raddr)
{
	ip4_addr_t dst;
	struct netif *n;

	ip4_addr_set_u32(&dst, raddr);
	n = ip4_route(&dst);
	return n ? ip4_addr_get_u32(netif_ip4_addr(n)) : 0;
}

static int udp_sock_getname(struct socket *s, struct sockaddr_k *a, bool peer)
{
	struct inet_sock *sk = usk(s);
	int ret;

	net_lock();
	udp_cache_addrs(sk);
	if (peer) {
		if (!udp_connected(sk->udp))
			ret = -ENOTCONN;
		else
			ret = inet_addr_out(a, sk->raddr, sk->rport);
	} else {
		u32 laddr = sk->laddr;

		if (!laddr && udp_connected(sk->udp))
			laddr = udp_route_source(sk->raddr);
		ret = inet_addr_out(a, laddr, sk->lport);
	}
	net_unlock();
	return ret;
}

static unsigned int udp_sock_poll(struct socket *s, struct file *f,
				  struct poll_table *pt)
{
	struct inet_sock *sk = usk(s);
	unsigned int mask = POLLOUT | POLLWRNORM;

	poll_wait(f, &s->wq, pt);
	net_lock();
	if (!list_empty(&sk->dgrams))
		mask |= POLLIN | POLLRDNORM;
	if (sk->shut & RCV_SHUT)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (sk->shut == SHUT_BOTH)
		mask |= POLLHUP;
	if (sk->err)
		mask |= POLLERR;
	net_unlock();
	return mask;
}

/* A destination that needs SO_BROADCAST (Linux says EACCES without). */
static bool udp_is_broadcast(u32 addr)
{
	struct netif *n;
	ip4_addr_t a;

	if (addr == 0xffffffffu)
		return true;
	ip4_addr_set_u32(&a, addr);
	NETIF_FOREACH(n) {
		if (ip4_addr_isbroadcast(&a, n))
			return true;
	}
	return false;
}

static ssize_t udp_sock_sendmsg(struct socket *s, struct kmsghdr *m,
				size_t len, unsigned int flags)
{
	struct inet_sock *sk = usk(s);
	struct pbuf *p;
	ip_addr_t ip;
	u32 addr;
	u16 port;
	err_t e;
	ssize_t ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (m->namelen) {
		ret = inet_addr_in(m->name, m->namelen, &addr, &port);
		if (ret)
			return ret;
		if (!port)
			return -EINVAL;
	}
	net_lock();
	if (sk->shut & SEND_SHUT) {
		ret = -EPIPE;
		goto out;
	}
	if (!m->namelen) {
		if (!udp_connected(sk->udp)) {
			ret = -EDESTADDRREQ;
			goto out;
		}
		addr = ip4_addr_get_u32(ip_2_ip4(&sk->udp->remote_ip));
		port = sk->udp->remote_port;
	}
	if (!sk->broadcast && udp_is_broadcast(addr)) {
		ret = -EACCES;
		goto out;
	}
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	/* One contiguous buffer (PBUF_RAM). A fault may sleep under
	 * net_lock, a mutex. */
	if (copy_from_iter(p->payload, len, &m->iter) != len) {
		pbuf_free(p);
		ret = -EFAULT;
		goto out;
	}
	ip_addr_set_ip4_u32_val(ip, inet_addr_dest(addr));
	e = udp_sendto(sk->udp, p, &ip, port);
	pbuf_free(p);
	if (e != ERR_OK) {
		ret = inet_err(e);
		goto out;
	}
	udp_cache_addrs(sk);		/* an unbound socket got a port */
	ret = len;
out:
	inet_unlock();
	return ret;
}

static ssize_t udp_sock_recvmsg(struct socket *s, struct kmsghdr *m,
				size_t len, unsigned int flags)
{
	struct inet_sock *sk = usk(s);
	u64 timeo = sock_rcvtimeo(s, flags & MSG_DONTWAIT);
	struct inet_dgram *d;
	unsigned int seen;
	ssize_t ret;
	size_t n;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	net_lock();
	for (;;) {
		if (!list_empty(&sk->dgrams))
			break;
		if (sk->err) {
			ret = -sk->err;
			sk->err = 0;
			goto out;
		}
		if (sk->shut & RCV_SHUT) {
			ret = 0;
			goto out;
		}
		seen = sk->events;
		inet_unlock();
		ret = inet_wait(s, sk, seen, &timeo);
		net_lock();
		if (ret)
			goto out;
	}
	d = list_first_entry(&sk->dgrams, struct inet_dgram, node);
	n = MIN(len, (size_t)d->len);
	if (copy_to_iter(d->data, n, &m->iter) != n) {
		ret = -EFAULT;
		goto out;
	}
	if (n < d->len)
		m->msg_flags |= MSG_TRUNC;
	if (m->name) {
		m->namelen = inet_addr_out(m->name, d->addr, d->port);
	}
	/* MSG_TRUNC asks for the datagram's real length. */
	ret = (flags & MSG_TRUNC) ? d->len : n;
	if (!(flags & MSG_PEEK)) {
		list_del(&d->node);
		sk->dgram_bytes -= d->len + UDP_DGRAM_COST;
		kfree(d);
	}
out:
	inet_unlock();
	return ret;
}

static int udp_sock_shutdown(struct socket *s, int how)
{
	struct inet_sock *sk = usk(s);
	int ret = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	net_lock();
	/* Linux records the shutdown even on an unconnected socket and
	 * then says ENOTCONN. */
	if (!udp_connected(sk->udp))
		ret = -ENOTCONN;
	if (how != SHUT_WR)
		sk->shut |= RCV_SHUT;
	if (how != SHUT_RD)
		sk->shut |= SEND_SHUT;
	inet_sk_wake(sk);
	net_unlock();
	return ret;
}

static void udp_sock_release(struct socket *s)
{
	struct inet_sock *sk = usk(s);

	if (!sk)
		return;
	net_lock();
	sk->sock = NULL;
	if (sk->udp) {
		udp_remove(sk->udp);	/* callbacks go with the pcb */
		sk->udp = NULL;
	}
	inet_sk_free(sk);
	s->sk = NULL;
	net_unlock();
}

static int udp_sock_setsockopt(struct socket *s, int level, int name,
			       const void *val, unsigned int len)
{
	struct inet_sock *sk = usk(s);
	int v, ret;

	if (level == IPPROTO_TCP)
		return -EOPNOTSUPP;	/* what Linux's UDP says */
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	net_lock();
	ret = inet_setsockopt_common(sk, level, name, v, val, len);
	if (!ret)
		udp_apply_opts(sk);
	net_unlock();
	return ret;
}

static int udp_sock_getsockopt(struct socket *s, int level, int name,
			       void *val, unsigned int *len)
{
	struct inet_sock *sk = usk(s);
	int ret;

	if (level == IPPROTO_TCP)
		return -EOPNOTSUPP;
	net_lock();
	ret = inet_getsockopt_common(s, sk, level, name, val, len);
	net_unlock();
	return ret;
}

static long udp_sock_ioctl(struct socket *s, unsigned int cmd,
			   unsigned long arg)
{
	struct inet_sock *sk = usk(s);
	int v = 0;

	switch (cmd) {
	case SIOCINQ:
		/* The size of the next datagram, as Linux reports. */
		net_lock();
		if (!list_empty(&sk->dgrams))
			v = list_first_entry(&sk->dgrams, struct inet_dgram,
					     node)->len;
		net_unlock();
		break;
	case SIOCOUTQ:
		break;		/* datagrams leave at once */
	default:
		return -ENOIOCTLCMD;
	}
	return copy_to_user(UADDR(arg), &v, sizeof(v)) ? -EFAULT : 0;
}

const struct proto_ops inet_dgram_ops = {
	.family = AF_INET,
	.release = udp_sock_release,
	.bind = udp_sock_bind,
	.connect = udp_sock_connect,
	.getname = udp_sock_getname,
	.poll = udp_sock_poll,
	.ioctl = udp_sock_ioctl,
	.shutdown = udp_sock_shutdown,
	.setsockopt = udp_sock_setsockopt,
	.getsockopt = udp_sock_getsockopt,
	.sendmsg = udp_sock_sendmsg,
	.recvmsg = udp_sock_recvmsg,
};

int inet_udp_create(struct socket *s)
{
	struct inet_sock *sk;

	net_lock();
	sk = inet_sk_alloc(SOCK_DGRAM);
	if (!sk)
		goto nomem;
	sk->udp = udp_new_ip_type(IPADDR_TYPE_V4);
	if (!sk->udp) {
		inet_sk_free(sk);
		goto nomem;
	}
	udp_recv(sk->udp, udp_recv_cb, sk);
	udp_apply_opts(sk);
	sk->sock = s;
	s->sk = sk;
	s->ops = &inet_dgram_ops;
	s->state = SS_UNCONNECTED;
	net_unlock();
	return 0;
nomem:
	net_unlock();
	return -ENOMEM;
}

/*
 * TCP sockets on lwIP's raw API: connection set-up (connect, listen,
 * accept), the byte stream (receive queue of pbufs, sends through
 * tcp_write), shutdown and close, options and poll.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/netdev.h>
#include <ferrite/poll.h>
#include <ferrite/string.h>

#include "lwip/priv/tcp_priv.h"

#include "inet_priv.h"

/* The most one send copies from user space before handing it to lwIP. */
#define TCP_CHUNK	16384
/*
 * lwIP's backlog counts half-open connections too: we give it all its u8
 * holds, our SYN queue, and tcp_input.c bounds the accept queue to
 * backlog + 1 as Linux does.
 */
#define LWIP_SYN_BACKLOG	255

/* Linux's somaxconn: the most a backlog can ask for. */
#define TCP_SOMAXCONN	4096

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
			 err_t err);
static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len);
static void tcp_err_cb(void *arg, err_t err);

static struct inet_sock *tsk(struct socket *s)
{
	return s->sk;
}

/* Keep the addresses for getname and /proc after the pcb is gone. */
static void tcp_cache_addrs(struct inet_sock *sk)
{
	struct tcp_pcb *pcb = sk->tcp;

	sk->laddr = ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip));
	sk->lport = pcb->local_port;
	sk->raddr = ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip));
	sk->rport = pcb->remote_port;
}

/* The options a pcb carries, from the socket's copy of them. */
static void tcp_apply_opts(struct inet_sock *sk, struct tcp_pcb *pcb)
{
	if (sk->reuseaddr || sk->reuseport)
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (sk->keepalive)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	pcb->ttl = sk->ttl;
	pcb->tos = sk->tos;
	if (pcb->state == LISTEN)
		return;		/* the rest lives in full pcbs only */
	if (sk->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
	if (sk->keep_idle_s)
		pcb->keep_idle = sk->keep_idle_s * 1000;
	if (sk->keep_intvl_s)
		pcb->keep_intvl = sk->keep_intvl_s * 1000;
	if (sk->keep_cnt)
		pcb->keep_cnt = sk->keep_cnt;
}

static void tcp_attach(struct inet_sock *sk, struct tcp_pcb *pcb)
{
	sk->tcp = pcb;
	tcp_arg(pcb, sk);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
}

/*
 * Forget the pcb: lwIP keeps running it (FIN handshake, TIME_WAIT,
 * retransmissions) without ever calling back into this socket. Data that
 * still arrives goes to lwIP's default receiver, which drops it.
 */
static void tcp_detach(struct inet_sock *sk)
{
	struct tcp_pcb *pcb = sk->tcp;

	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	if (pcb->state != LISTEN) {
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		tcp_poll(pcb, NULL, 0);
	} else {
		tcp_accept(pcb, NULL);
	}
	sk->tcp = NULL;
}

/* After our FIN and theirs, the socket needs the pcb no more. */
static void tcp_maybe_detach(struct inet_sock *sk)
{
	if (sk->fin_sent && sk->fin_rcvd && sk->tcp) {
		tcp_cache_addrs(sk);
		tcp_detach(sk);
	}
}

/* lwIP freed the pcb (RST, timeout, or the close handshake ended). */
static void tcp_err_cb(void *arg, err_t err)
{
	struct inet_sock *sk = arg;

	if (!sk)
		return;
	sk->tcp = NULL;
	switch (err) {
	case ERR_RST:
		sk->err = sk->state == INET_CONNECTING ? ECONNREFUSED
						       : ECONNRESET;
		break;
	case ERR_ABRT:
		/* Retransmissions or keepalives gave up. */
		sk->err = ETIMEDOUT;
		break;
	case ERR_CLSD:
		/* Closed in good order after shutdown(SHUT_WR). */
		break;
	default:
		sk->err = ECONNABORTED;
		break;
	}
	sk->state = INET_CLOSED;
	sk->shut = SHUT_BOTH;
	inet_sk_wake(sk);
	if (sk->parent)
		inet_sk_wake(sk->parent);
}

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
			 err_t err)
{
	struct inet_sock *sk = arg;

	if (!sk) {
		/* Released meanwhile: lwIP's default handler's job. */
		return tcp_recv_null(NULL, pcb, p, err);
	}
	if (!p) {
		/* FIN: end of the stream once the queue is read. */
		sk->shut |= RCV_SHUT;
		sk->fin_rcvd = true;
		inet_sk_wake(sk);
		tcp_maybe_detach(sk);
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return ERR_OK;
	}
	sk->rcvq_bytes += p->tot_len;
	if (sk->rcvq)
		pbuf_cat(sk->rcvq, p);
	else
		sk->rcvq = p;
	inet_sk_wake(sk);
	return ERR_OK;
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *sk = arg;

	if (sk)
		inet_sk_wake(sk);
	return ERR_OK;
}

static err_t tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *sk = arg;

	if (!sk)
		return ERR_OK;
	sk->state = INET_CONNECTED;
	tcp_cache_addrs(sk);
	inet_sk_wake(sk);
	return ERR_OK;
}

/* A new connection on a listener: queue it for accept(). */
static err_t tcp_accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *lsk = arg;
	struct inet_sock *sk;

	if (err != ERR_OK || !newpcb || !lsk)
		return ERR_VAL;		/* lwIP aborts the connection */
	sk = inet_sk_alloc(SOCK_STREAM);
	if (!sk)
		return ERR_MEM;
	/* Inherit what Linux's accepted sockets inherit. */
	sk->reuseaddr = lsk->reuseaddr;
	sk->reuseport = lsk->reuseport;
	sk->keepalive = lsk->keepalive;
	sk->nodelay = lsk->nodelay;
	sk->linger_on = lsk->linger_on;
	sk->linger_secs = lsk->linger_secs;
	sk->sndbuf = lsk->sndbuf;
	sk->rcvbuf = lsk->rcvbuf;
	sk->ttl = lsk->ttl;
	sk->tos = lsk->tos;
	sk->keep_idle_s = lsk->keep_idle_s;
	sk->keep_intvl_s = lsk->keep_intvl_s;
	sk->keep_cnt = lsk->keep_cnt;
	tcp_attach(sk, newpcb);
	tcp_apply_opts(sk, newpcb);
	sk->state = INET_CONNECTED;
	tcp_cache_addrs(sk);
	/* It counts against the backlog until accept() takes it. */
	tcp_backlog_delayed(newpcb);
	sk->parent = lsk;
	list_add_tail(&sk->accept_node, &lsk->acceptq);
	lsk->acceptq_len++;
	inet_sk_wake(lsk);
	return ERR_OK;
}

/* A fresh pcb for a socket that has none (new, or its last one ended). */
static int tcp_ensure_pcb(struct inet_sock *sk)
{
	struct tcp_pcb *pcb;

	if (sk->tcp)
		return 0;
	pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb)
		return -ENOMEM;
	tcp_attach(sk, pcb);
	tcp_apply_opts(sk, pcb);
	return 0;
}

/* Linux refuses a bind next to a listener on the same port and address
 * even with SO_REUSEADDR; lwIP lets reusing sockets share anything. */
static bool tcp_listener_conflict(u32 addr, u16 port)
{
	struct tcp_pcb_listen *l;

	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
		u32 la = ip4_addr_get_u32(ip_2_ip4(&l->local_ip));

		if (l->local_port == port && (la == 0 || addr == 0 ||
					      la == addr))
			return true;
	}
	return false;
}

static int tcp_do_bind(struct inet_sock *sk, u32 addr, u16 port)
{
	ip_addr_t ip;
	err_t e;
	int ret;

	if (sk->state != INET_CLOSED || (sk->tcp && sk->tcp->local_port))
		return -EINVAL;
	if (!inet_addr_local(addr))
		return -EADDRNOTAVAIL;
	ret = tcp_ensure_pcb(sk);
	if (ret)
		return ret;
	if (port && (sk->reuseaddr || sk->reuseport) &&
	    tcp_listener_conflict(addr, port))
		return -EADDRINUSE;
	ip_addr_set_ip4_u32_val(ip, addr);
	e = tcp_bind(sk->tcp, &ip, port);
	if (e != ERR_OK)
		return e == ERR_USE ? -EADDRINUSE : inet_err(e);
	tcp_cache_addrs(sk);
	return 0;
}

static int tcp_sock_bind(struct socket *s, const struct sockaddr_k *a,
			 int len)
{
	struct inet_sock *sk = tsk(s);
	u32 addr;
	u16 port;
	int ret;

	ret = inet_addr_in(a, len, &addr, &port);
	if (ret)
		return ret;
	net_lock();
	ret = tcp_do_bind(sk, addr, port);
	inet_unlock();
	return ret;
}

static int tcp_sock_listen(struct socket *s, int backlog)
{
	struct inet_sock *sk = tsk(s);
	struct tcp_pcb *lpcb;
	err_t e;
	int ret = 0;

	if (backlog < 0 || backlog > TCP_SOMAXCONN)
		backlog = TCP_SOMAXCONN;
	net_lock();
	if (sk->state == INET_LISTEN) {
		sk->backlog = backlog;	/* tcp_input.c reads it */
		goto out;
	}
	if (sk->state != INET_CLOSED || s->state == SS_CONNECTED) {
		ret = -EINVAL;
		goto out;
	}
	ret = tcp_ensure_pcb(sk);
	if (ret)
		goto out;
	if (!sk->tcp->local_port) {
		ret = tcp_do_bind(sk, 0, 0);
		if (ret)
			goto out;
	}
	lpcb = tcp_listen_with_backlog_and_err(sk->tcp, LWIP_SYN_BACKLOG,
					       &e);
	if (!lpcb) {
		ret = e == ERR_USE ? -EADDRINUSE : inet_err(e);
		goto out;
	}
	/* The old pcb is freed; the listener has our arg already. */
	sk->tcp = lpcb;
	tcp_arg(lpcb, sk);
	tcp_accept(lpcb, tcp_accept_cb);
	sk->backlog = backlog;
	sk->state = INET_LISTEN;
	tcp_cache_addrs(sk);
out:
	inet_unlock();
	return ret;
}

static int tcp_sock_accept(struct socket *s, struct socket *newsock,
			   bool nonblock)
{
	struct inet_sock *sk = tsk(s);
	struct inet_sock *child;
	u64 timeo = sock_rcvtimeo(s, nonblock);
	unsigned int seen;
	int ret;

	net_lock();
	for (;;) {
		if (sk->state != INET_LISTEN) {
			ret = -EINVAL;
			goto out;
		}
		if (!list_empty(&sk->acceptq))
			break;
		seen = sk->events;
		inet_unlock();
		ret = inet_wait(s, sk, seen, &timeo);
		if (ret)
			return ret;
		net_lock();
	}
	child = list_first_entry(&sk->acceptq, struct inet_sock, accept_node);
	list_del(&child->accept_node);
	sk->acceptq_len--;
	child->parent = NULL;
	if (child->tcp)
		tcp_backlog_accepted(child->tcp);
	child->sock = newsock;
	newsock->sk = child;
	newsock->state = child->state == INET_CONNECTED ? SS_CONNECTED
							: SS_UNCONNECTED;
	ret = 0;
out:
	inet_unlock();
	return ret;
}

/* Close a connection the user no longer holds. */
static void tcp_close_conn(struct inet_sock *sk, bool hard)
{
	struct tcp_pcb *pcb = sk->tcp;

	if (!pcb)
		return;
	tcp_detach(sk);
	/* Unread data makes lwIP answer the close with RST, like Linux:
	 * its window still misses the bytes never tcp_recved(). */
	if (hard || tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

/* Reset every connection a listener has not handed out yet. */
static void tcp_drop_acceptq(struct inet_sock *sk)
{
	struct inet_sock *child, *tmp;

	list_for_each_entry_safe(child, tmp, &sk->acceptq, accept_node) {
		list_del(&child->accept_node);
		tcp_close_conn(child, true);
		inet_sk_free(child);
	}
	sk->acceptq_len = 0;
}

/* Linux's tcp_disconnect for a listener or a pending connect. */
static void tcp_disconnect(struct inet_sock *sk)
{
	struct tcp_pcb *pcb = sk->tcp;

	if (sk->state == INET_LISTEN)
		tcp_drop_acceptq(sk);
	tcp_detach(sk);
	if (pcb) {
		if (pcb->state == LISTEN)
			tcp_close(pcb);		/* never fails for a listener */
		else
			tcp_abort(pcb);
	}
	sk->state = INET_CLOSED;
	sk->shut = 0;
	sk->fin_sent = sk->fin_rcvd = false;
	inet_sk_wake(sk);
}

static int tcp_sock_connect(struct socket *s, const struct sockaddr_k *a,
			    int len, bool nonblock)
{
	struct inet_sock *sk = tsk(s);
	u64 timeo = sock_sndtimeo(s, nonblock);
	unsigned int seen;
	ip_addr_t ip;
	u32 addr;
	u16 port;
	err_t e;
	int ret;

	if (len >= (int)sizeof(u16) && a->family == AF_UNSPEC) {
		/* Linux's tcp_disconnect: drop the connection, stay open. */
		net_lock();
		if (sk->state != INET_CLOSED)
			tcp_disconnect(sk);
		s->state = SS_UNCONNECTED;
		inet_unlock();
		return 0;
	}
	ret = inet_addr_in(a, len, &addr, &port);
	if (ret)
		return ret;
	net_lock();
	switch (sk->state) {
	case INET_CONNECTED:
		/* The first call after a non-blocking connect completed
		 * says 0, the next ones EISCONN (Linux). */
		if (s->state == SS_CONNECTING) {
			s->state = SS_CONNECTED;
			ret = 0;
		} else {
			ret = -EISCONN;
		}
		goto out;
	case INET_LISTEN:
		ret = -EISCONN;
		goto out;
	case INET_CONNECTING:
		if (timeo == 0) {
			ret = -EALREADY;
			goto out;
		}
		goto wait;
	case INET_CLOSED:
		break;
	}
	if (sk->err && s->state == SS_CONNECTING) {
		/* A non-blocking connect failed: this call reports it. */
		ret = -sk->err;
		sk->err = 0;
		s->state = SS_UNCONNECTED;
		goto out;
	}
	if (s->state == SS_CONNECTED || sk->fin_sent) {
		/* The connection is over; Linux wants a new socket. */
		ret = -EISCONN;
		goto out;
	}
	ret = tcp_ensure_pcb(sk);
	if (ret)
		goto out;
	sk->err = 0;
	sk->shut = 0;
	ip_addr_set_ip4_u32_val(ip, inet_addr_dest(addr));
	e = tcp_connect(sk->tcp, &ip, port, tcp_connected_cb);
	if (e != ERR_OK) {
		ret = inet_err(e);
		goto out;
	}
	tcp_cache_addrs(sk);
	sk->state = INET_CONNECTING;
	s->state = SS_CONNECTING;
	if (timeo == 0) {
		ret = -EINPROGRESS;
		goto out;
	}
wait:
	while (sk->state == INET_CONNECTING) {
		seen = sk->events;
		inet_unlock();
		ret = inet_wait(s, sk, seen, &timeo);
		if (ret) {
			/* Linux: a timed-out connect goes on in the
			 * background and says EINPROGRESS. */
			return ret == -EAGAIN ? -EINPROGRESS : ret;
		}
		net_lock();
	}
	if (sk->state == INET_CONNECTED) {
		s->state = SS_CONNECTED;
		ret = 0;
	} else {
		ret = sk->err ? -sk->err : -ECONNABORTED;
		sk->err = 0;
		s->state = SS_UNCONNECTED;
	}
out:
	inet_unlock();
	return ret;
}

static int tcp_sock_getname(struct socket *s, struct sockaddr_k *a, bool peer)
{
	struct inet_sock *sk = tsk(s);
	int ret;

	net_lock();
	if (sk->tcp)
		tcp_cache_addrs(sk);
	if (peer) {
		if (sk->state != INET_CONNECTED)
			ret = -ENOTCONN;
		else
			ret = inet_addr_out(a, sk->raddr, sk->rport);
	} else {
		ret = inet_addr_out(a, sk->laddr, sk->lport);
	}
	net_unlock();
	return ret;
}

/* Enough room to be worth a writer's while (Linux: a third free). */
static bool tcp_writable(struct tcp_pcb *pcb)
{
	return tcp_sndbuf(pcb) >= TCP_SND_BUF / 4 &&
	       tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN / 2;
}

static unsigned int tcp_sock_poll(struct socket *s, struct file *f,
				  struct poll_table *pt)
{
	struct inet_sock *sk = tsk(s);
	unsigned int mask = 0;

	poll_wait(f, &s->wq, pt);
	net_lock();
	if (sk->state == INET_LISTEN) {
		if (!list_empty(&sk->acceptq))
			mask |= POLLIN | POLLRDNORM;
		goto out;
	}
	/* Linux's tcp_poll, state by state. */
	if (sk->shut == SHUT_BOTH || sk->state == INET_CLOSED)
		mask |= POLLHUP;
	if (sk->shut & RCV_SHUT)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (sk->state != INET_CONNECTING) {
		if (sk->rcvq_bytes)
			mask |= POLLIN | POLLRDNORM;
		if ((sk->shut & SEND_SHUT) || !sk->tcp ||
		    tcp_writable(sk->tcp))
			mask |= POLLOUT | POLLWRNORM;
	}
	if (sk->err)
		mask |= POLLERR;
out:
	net_unlock();
	return mask;
}

/* Hand consumed bytes back to lwIP's window, u16 at a time. */
static void tcp_reopen_window(struct inet_sock *sk, size_t n)
{
	while (n && sk->tcp) {
		u16_t step = n > 0xffff ? 0xffff : (u16_t)n;

		tcp_recved(sk->tcp, step);
		n -= step;
	}
}

/* Copy up to @len queued bytes to the user; consume them unless @peek.
 * Returns bytes copied, or -EFAULT if the first copy faulted. */
static ssize_t tcp_copy_out(struct inet_sock *sk, struct iov_iter *it,
			    size_t len, bool peek)
{
	struct pbuf *q;
	size_t done = 0;

	for (q = sk->rcvq; q && done < len; q = q->next) {
		size_t n = MIN((size_t)q->len, len - done);
		size_t c = copy_to_iter(q->payload, n, it);

		done += c;
		if (c < n)
			break;
	}
	if (!done && len)
		return -EFAULT;
	if (peek)
		return done;
	sk->rcvq_bytes -= done;
	for (size_t left = done; left;) {
		u16_t step = left > 0xffff ? 0xffff : (u16_t)left;

		sk->rcvq = pbuf_free_header(sk->rcvq, step);
		left -= step;
	}
	tcp_reopen_window(sk, done);
	return done;
}

static ssize_t tcp_sock_recvmsg(struct socket *s, struct kmsghdr *m,
				size_t len, unsigned int flags)
{
	struct inet_sock *sk = tsk(s);
	u64 timeo = sock_rcvtimeo(s, flags & MSG_DONTWAIT);
	bool peek = flags & MSG_PEEK;
	unsigned int seen;
	ssize_t copied = 0, n;
	int ret;

	if (flags & MSG_OOB)
		return -EINVAL;		/* no urgent data is ever kept */
	net_lock();
	if (sk->state == INET_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	for (;;) {
		if (sk->rcvq_bytes && (size_t)copied < len && !(peek && copied)) {
			n = tcp_copy_out(sk, &m->iter, len - copied, peek);
			if (n < 0) {
				if (!copied)
					copied = n;
				break;
			}
			copied += n;
		}
		if ((size_t)copied >= len || len == 0)
			break;
		if (copied && (!(flags & MSG_WAITALL) || peek))
			break;
		if (sk->err) {
			if (!copied) {
				copied = -sk->err;
				sk->err = 0;
			}
			break;
		}
		if (sk->shut & RCV_SHUT)
			break;
		if (sk->state == INET_CLOSED) {
			if (!copied)
				copied = -ENOTCONN;
			break;
		}
		seen = sk->events;
		inet_unlock();
		ret = inet_wait(s, sk, seen, &timeo);
		net_lock();
		if (ret) {
			if (!copied)
				copied = ret;
			break;
		}
	}
out:
	inet_unlock();
	return copied;
}

static ssize_t tcp_sock_sendmsg(struct socket *s, struct kmsghdr *m,
				size_t len, unsigned int flags)
{
	struct inet_sock *sk = tsk(s);
	u64 timeo = sock_sndtimeo(s, flags & MSG_DONTWAIT);
	size_t sent = 0, boff = 0, blen = 0;
	unsigned int seen;
	u8_t wflags;
	char *bounce;
	ssize_t ret = 0;
	err_t e;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;	/* lwIP sends no urgent data */
	bounce = kmalloc(MIN(len, (size_t)TCP_CHUNK) ?: 1, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	net_lock();
	while (sent < len) {
		struct tcp_pcb *pcb;
		size_t n;

		/* Linux: an error or a shut write side is EPIPE. */
		if (sk->state == INET_CONNECTING) {
			if (timeo == 0) {
				ret = -EAGAIN;
				break;
			}
			goto wait;
		}
		if (sk->err || sk->state != INET_CONNECTED ||
		    (sk->shut & SEND_SHUT) || !sk->tcp) {
			/* Linux's sk_stream_error: a pending error is
			 * reported (once), otherwise EPIPE (and SIGPIPE). */
			ret = sk->err ? -sk->err : -EPIPE;
			sk->err = 0;
			break;
		}
		pcb = sk->tcp;
		if (boff == blen) {
			/* Copy the next chunk; under net_lock, which a
			 * page fault may sleep under (it is a mutex). */
			n = copy_from_iter(bounce, MIN(len - sent,
						       (size_t)TCP_CHUNK),
					   &m->iter);
			if (!n) {
				ret = -EFAULT;
				break;
			}
			boff = 0;
			blen = n;
		}
		n = MIN(blen - boff, (size_t)tcp_sndbuf(pcb));
		n = MIN(n, (size_t)0xffff);
		if (n && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN) {
			wflags = TCP_WRITE_FLAG_COPY;
			if ((flags & MSG_MORE) || sent + (blen - boff) < len)
				wflags |= TCP_WRITE_FLAG_MORE;
			e = tcp_write(pcb, bounce + boff, (u16_t)n, wflags);
			if (e == ERR_OK) {
				boff += n;
				sent += n;
				if (!(flags & MSG_MORE))
					tcp_output(pcb);
				continue;
			}
			if (e != ERR_MEM) {
				ret = inet_err(e);
				break;
			}
		}
		/* No room: push what is queued and wait for ACKs. */
		tcp_output(pcb);
		if (timeo == 0) {
			ret = -EAGAIN;
			break;
		}
wait:
		seen = sk->events;
		inet_unlock();
		ret = inet_wait(s, sk, seen, &timeo);
		net_lock();
		if (ret)
			break;
	}
	if (sk->tcp && sent)
		tcp_output(sk->tcp);
	inet_unlock();
	kfree(bounce);
	/* The bytes copied into lwIP count even if a later wait failed. */
	return sent ? (ssize_t)sent : ret;
}

static int tcp_sock_shutdown(struct socket *s, int how)
{
	struct inet_sock *sk = tsk(s);
	int ret = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	net_lock();
	switch (sk->state) {
	case INET_LISTEN:
		/* Linux stops listening on a read shutdown (accept then
		 * fails with EINVAL) and ignores a write shutdown. */
		if (how != SHUT_WR)
			tcp_disconnect(sk);
		goto out;
	case INET_CONNECTING:
		tcp_disconnect(sk);
		s->state = SS_UNCONNECTED;
		goto out;
	case INET_CLOSED:
		ret = -ENOTCONN;
		goto out;
	case INET_CONNECTED:
		break;
	}
	if (how != SHUT_WR)
		sk->shut |= RCV_SHUT;
	if (how != SHUT_RD && !(sk->shut & SEND_SHUT)) {
		sk->shut |= SEND_SHUT;
		if (sk->tcp) {
			err_t e = tcp_shutdown(sk->tcp, 0, 1);

			if (e == ERR_OK)
				sk->fin_sent = true;
			else
				ret = inet_err(e);
		}
	}
	/* Reading stops at once, but the pcb is let go of only once the
	 * FINs have crossed: data may still be in flight either way. */
	tcp_maybe_detach(sk);
	inet_sk_wake(sk);
out:
	inet_unlock();
	return ret;
}

static void tcp_sock_release(struct socket *s)
{
	struct inet_sock *sk = tsk(s);

	if (!sk)
		return;
	net_lock();
	sk->sock = NULL;
	if (sk->state == INET_LISTEN)
		tcp_disconnect(sk);	/* unaccepted connections get RST */
	else	/* SO_LINGER with a zero time: RST instead of FIN. */
		tcp_close_conn(sk, sk->linger_on && sk->linger_secs == 0);
	inet_sk_free(sk);
	s->sk = NULL;
	inet_unlock();
}

static int tcp_sock_setsockopt(struct socket *s, int level, int name,
			       const void *val, unsigned int len)
{
	struct inet_sock *sk = tsk(s);
	int v, ret;

	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	net_lock();
	if (level == IPPROTO_TCP) {
		ret = 0;
		switch (name) {
		case TCP_NODELAY:
			sk->nodelay = v != 0;
			break;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
			if (v < 1 || v > 32767) {
				ret = -EINVAL;
				break;
			}
			if (name == TCP_KEEPIDLE)
				sk->keep_idle_s = v;
			else
				sk->keep_intvl_s = v;
			break;
		case TCP_KEEPCNT:
			if (v < 1 || v > 127) {
				ret = -EINVAL;
				break;
			}
			sk->keep_cnt = v;
			break;
		case TCP_MAXSEG:
			/* lwIP negotiates its MSS from TCP_MSS alone. */
			ret = v < 88 || v > 32767 ? -EINVAL : 0;
			break;
		default:
			ret = -ENOPROTOOPT;
		}
	} else {
		ret = inet_setsockopt_common(sk, level, name, v, val, len);
	}
	if (!ret && sk->tcp)
		tcp_apply_opts(sk, sk->tcp);
	net_unlock();
	return ret;
}

static int tcp_sock_getsockopt(struct socket *s, int level, int name,
			       void *val, unsigned int *len)
{
	struct inet_sock *sk = tsk(s);
	int ret;

	net_lock();
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			ret = inet_put_int(val, len, sk->nodelay);
			break;
		case TCP_MAXSEG:
			/* Linux reports 536 before a connection exists. */
			ret = inet_put_int(val, len,
					   sk->tcp && sk->state == INET_CONNECTED
					   ? tcp_mss(sk->tcp) : 536);
			break;
		case TCP_KEEPIDLE:
			ret = inet_put_int(val, len, sk->keep_idle_s ?:
					   TCP_KEEPIDLE_DEFAULT / 1000);
			break;
		case TCP_KEEPINTVL:
			ret = inet_put_int(val, len, sk->keep_intvl_s ?:
					   TCP_KEEPINTVL_DEFAULT / 1000);
			break;
		case TCP_KEEPCNT:
			ret = inet_put_int(val, len, sk->keep_cnt ?:
					   TCP_KEEPCNT_DEFAULT);
			break;
		default:
			ret = -ENOPROTOOPT;
		}
	} else {
		ret = inet_getsockopt_common(s, sk, level, name, val, len);
	}
	net_unlock();
	return ret;
}

static long tcp_sock_ioctl(struct socket *s, unsigned int cmd,
			   unsigned long arg)
{
	struct inet_sock *sk = tsk(s);
	int v;

	net_lock();
	switch (cmd) {
	case SIOCINQ:
		v = sk->state == INET_LISTEN ? -EINVAL : (int)sk->rcvq_bytes;
		break;
	case SIOCOUTQ:
		v = sk->tcp && sk->state != INET_LISTEN ?
		    (int)(sk->tcp->snd_lbb - sk->tcp->lastack) : 0;
		break;
	default:
		net_unlock();
		/* The socket layer tries the interface ioctls next. */
		return -ENOIOCTLCMD;
	}
	net_unlock();
	if (v < 0)
		return v;
	return copy_to_user(UADDR(arg), &v, sizeof(v)) ? -EFAULT : 0;
}

const struct proto_ops inet_stream_ops = {
	.family = AF_INET,
	.release = tcp_sock_release,
	.bind = tcp_sock_bind,
	.connect = tcp_sock_connect,
	.listen = tcp_sock_listen,
	.accept = tcp_sock_accept,
	.getname = tcp_sock_getname,
	.poll = tcp_sock_poll,
	.ioctl = tcp_sock_ioctl,
	.shutdown = tcp_sock_shutdown,
	.setsockopt = tcp_sock_setsockopt,
	.getsockopt = tcp_sock_getsockopt,
	.sendmsg = tcp_sock_sendmsg,
	.recvmsg = tcp_sock_recvmsg,
};

int inet_tcp_create(struct socket *s)
{
	struct inet_sock *sk;
	int ret;

	net_lock();
	sk = inet_sk_alloc(SOCK_STREAM);
	if (!sk) {
		net_unlock();
		return -ENOMEM;
	}
	ret = tcp_ensure_pcb(sk);
	if (ret) {
		inet_sk_free(sk);
		net_unlock();
		return ret;
	}
	sk->sock = s;
	s->sk = sk;
	s->ops = &inet_stream_ops;
	s->state = SS_UNCONNECTED;
	net_unlock();
	return 0;
}

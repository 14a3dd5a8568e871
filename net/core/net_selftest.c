/*
 * In-kernel self-tests of the network core: a TCP connection over
 * 127.0.0.1 through lwIP's raw API (listen, connect, 1 MiB one way, a
 * reply the other, reset), driven by netd like any socket would be, and
 * a check that it leaves no lwIP object behind.
 */
#include <ferrite/selftest.h>
#include <ferrite/net.h>
#include <ferrite/netdev.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include <ferrite/wait.h>
#include <ferrite/arch.h>
#include <ferrite/procfs_hooks.h>
#include <ferrite/mm.h>

#include "lwip/tcp.h"
#include "lwip/netif.h"

#include "netcore.h"

#ifdef CONFIG_SELFTEST

#define LB_PORT		5999
#define LB_BYTES	(1024 * 1024)
#define LB_TIMEOUT_NS	(20 * NSEC_PER_SEC)

/* Everything below is written by lwIP callbacks in netd under net_lock
 * and read by the test thread, which sleeps on wq between looks. */
struct lb_test {
	wait_queue_head_t wq;
	struct tcp_pcb *listener, *server, *client;
	bool connected, server_gone, client_gone;
	size_t sent, received, replied;
	bool corrupt;
	int server_err;
	unsigned int events;	/* bumped by every callback that wakes */
};

static u8 lb_byte(size_t i)
{
	return (u8)(i * 7 + (i >> 9));
}

static void lb_wake(struct lb_test *t)
{
	WRITE_ONCE(t->events, t->events + 1);
	wake_up(&t->wq);
}

/* Queue as much of the stream as the send buffer takes. */
static void lb_push(struct lb_test *t)
{
	u8 chunk[1024];

	while (t->client && t->sent < LB_BYTES) {
		size_t n = MIN(sizeof(chunk), LB_BYTES - t->sent);

		if (tcp_sndbuf(t->client) < n)
			break;
		for (size_t i = 0; i < n; i++)
			chunk[i] = lb_byte(t->sent + i);
		if (tcp_write(t->client, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		t->sent += n;
	}
	if (t->client)
		tcp_output(t->client);
}

static err_t lb_client_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	lb_push(arg);
	return ERR_OK;
}

static err_t lb_client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
			    err_t err)
{
	struct lb_test *t = arg;

	if (!p)
		return ERR_OK;
	t->replied += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	lb_wake(t);
	return ERR_OK;
}

static void lb_client_err(void *arg, err_t err)
{
	struct lb_test *t = arg;

	t->client = NULL;	/* lwIP freed it */
	t->client_gone = true;
	lb_wake(t);
}

static err_t lb_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lb_test *t = arg;

	t->connected = true;
	lb_push(t);
	lb_wake(t);
	return ERR_OK;
}

static err_t lb_server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
			    err_t err)
{
	struct lb_test *t = arg;

	if (!p)
		return ERR_OK;
	for (struct pbuf *q = p; q; q = q->next) {
		const u8 *b = q->payload;

		for (u16_t i = 0; i < q->len; i++)
			if (b[i] != lb_byte(t->received + i))
				t->corrupt = true;
		t->received += q->len;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (t->received == LB_BYTES) {
		tcp_write(pcb, "done", 4, TCP_WRITE_FLAG_COPY);
		tcp_output(pcb);
	}
	lb_wake(t);
	return ERR_OK;
}

static void lb_server_err(void *arg, err_t err)
{
	struct lb_test *t = arg;

	t->server = NULL;
	t->server_err = err;
	t->server_gone = true;
	lb_wake(t);
}

static err_t lb_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lb_test *t = arg;

	if (err != ERR_OK || !pcb || t->server)
		return ERR_VAL;
	t->server = pcb;
	tcp_arg(pcb, t);
	tcp_recv(pcb, lb_server_recv);
	tcp_err(pcb, lb_server_err);
	lb_wake(t);
	return ERR_OK;
}

/* Wait for @cond (read under net_lock) with the test's deadline. */
#define LB_WAIT(t, cond)						\
	({								\
		bool __ok;						\
		unsigned int __seen;					\
		u64 __end = arch_clock_ns() + LB_TIMEOUT_NS;		\
		for (;;) {						\
			net_lock();					\
			__seen = (t)->events;				\
			__ok = (cond);					\
			net_unlock();					\
			if (__ok || arch_clock_ns() >= __end)		\
				break;					\
			wait_event_timeout((t)->wq,			\
					   READ_ONCE((t)->events) != __seen, \
					   10 * NSEC_PER_MSEC);		\
		}							\
		__ok;							\
	})

SELFTEST(net_loopback_tcp_stream)
{
	static struct lb_test t;
	struct net_counts before, after;
	ip_addr_t lo;
	bool ok;
	u64 start, ns;

	memset(&t, 0, sizeof(t));
	wait_queue_init(&t.wq);
	IP_ADDR4(&lo, 127, 0, 0, 1);
	net_get_counts(&before);

	net_lock();
	t.listener = tcp_new();
	if (t.listener && tcp_bind(t.listener, &lo, LB_PORT) == ERR_OK) {
		struct tcp_pcb *l = tcp_listen(t.listener);

		if (l) {
			t.listener = l;
			tcp_arg(l, &t);
			tcp_accept(l, lb_accept);
		} else {
			tcp_close(t.listener);
			t.listener = NULL;
		}
	}
	t.client = tcp_new();
	if (t.client && t.listener) {
		tcp_arg(t.client, &t);
		tcp_recv(t.client, lb_client_recv);
		tcp_sent(t.client, lb_client_sent);
		tcp_err(t.client, lb_client_err);
		/* Else the last partial segment waits for a delayed ACK
		 * (up to 250 ms), which would hide the stream's real time. */
		tcp_nagle_disable(t.client);
		if (tcp_connect(t.client, &lo, LB_PORT, lb_connected) != ERR_OK) {
			tcp_abort(t.client);
			t.client = NULL;
		}
	}
	net_unlock();
	ST_EXPECT(t.listener && t.client);

	start = arch_clock_ns();
	ok = LB_WAIT(&t, t.connected && t.server);
	ST_EXPECT(ok);
	ok = LB_WAIT(&t, t.replied == 4 || t.corrupt || t.client_gone);
	ns = arch_clock_ns() - start;
	ST_EXPECT(ok);
	ST_EXPECT(!t.corrupt);
	ST_EXPECT(t.received == LB_BYTES);
	ST_EXPECT(t.replied == 4);
	pr_info("selftest: net loopback: %u KiB over TCP 127.0.0.1 in %llu ms\n",
		LB_BYTES / 1024, (unsigned long long)(ns / NSEC_PER_MSEC));

	/* Reset from the client: the server learns it through its err
	 * callback and lwIP frees both ends; then the listener goes. */
	net_lock();
	if (t.client) {
		tcp_abort(t.client);	/* no err callback for our own abort */
		t.client = NULL;
	}
	net_unlock();
	ok = LB_WAIT(&t, t.server_gone);
	ST_EXPECT(ok);
	ST_EXPECT(t.server_err == ERR_RST);
	net_lock();
	tcp_close(t.listener);
	t.listener = NULL;
	net_unlock();

	/* Nothing left behind: pcbs, segments, heap blocks. */
	for (u64 end = arch_clock_ns() + LB_TIMEOUT_NS;;) {
		net_get_counts(&after);
		ok = after.heap_objects == before.heap_objects;
		if (ok || arch_clock_ns() >= end)
			break;
		sleep_ns(10 * NSEC_PER_MSEC);
	}
	if (!ok)
		pr_err("selftest: net: %llu lwIP heap objects before, %llu after\n",
		       (unsigned long long)before.heap_objects,
		       (unsigned long long)after.heap_objects);
	ST_EXPECT(after.tcp_pcbs == before.tcp_pcbs);
	ST_EXPECT(after.tcp_listen_pcbs == before.tcp_listen_pcbs);
	ST_EXPECT(after.tcp_segs == before.tcp_segs);
	ST_EXPECT(ok);
	return 0;
}

SELFTEST(net_lo_is_up_with_127_0_0_1)
{
	struct net_device *d;
	bool ok;

	net_lock();
	d = netdev_by_name("lo");
	ok = d && d->ifindex == 1 && (d->flags & IFF_UP) &&
	     (d->flags & IFF_LOOPBACK) &&
	     netif_ip4_addr((struct netif *)d->netif)->addr ==
		     PP_HTONL(0x7f000001UL);
	net_unlock();
	ST_EXPECT(ok);
	return 0;
}

/* /proc/net/dev and route: snprintf's convention and Linux's columns. */
SELFTEST(net_proc_dev_and_route_format)
{
	char *buf = kmalloc(4096, GFP_KERNEL);
	int n, m;

	ST_EXPECT(buf);
	n = proc_net_dev_show(NULL, 0);
	m = proc_net_dev_show(buf, 4096);
	if (n != m || n <= 0 || n >= 4096 ||
	    strncmp(buf, "Inter-|   Receive", 17) || !strstr(buf, "\n    lo:")) {
		kfree(buf);
		ST_EXPECT(!"/proc/net/dev text");
	}
	/* Truncation still reports the full length and terminates. */
	m = proc_net_dev_show(buf, 10);
	n = (m == n && strlen(buf) == 9);
	/* Route: a 127-column header line, then only real routes. */
	m = proc_net_route_show(buf, 4096);
	n = n && m >= 128 && buf[127] == '\n' && !strncmp(buf, "Iface\tDestination", 17);
	kfree(buf);
	ST_EXPECT(n);
	return 0;
}

#endif

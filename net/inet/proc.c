/*
 * /proc/net/tcp, /proc/net/udp and /proc/net/sockstat in Linux's formats
 * (netstat and ss parse the first two), built from lwIP's pcb lists and
 * the sockets that own them.
 */
#include <ferrite/fs.h>
#include <ferrite/netdev.h>
#include <ferrite/printk.h>
#include <ferrite/procfs_hooks.h>

#include "lwip/priv/tcp_priv.h"

#include "inet_priv.h"

/* Linux pads every line of these files to a fixed width. */
#define TCP_LINE	150	/* TMPSZ in net/ipv4/tcp_ipv4.c, with '\n' */
#define UDP_LINE	128

/* Linux's TCP state numbers (include/net/tcp_states.h) by lwIP state. */
static const u8 linux_tcp_state[] = {
	[CLOSED] = 7, [LISTEN] = 10, [SYN_SENT] = 2, [SYN_RCVD] = 3,
	[ESTABLISHED] = 1, [FIN_WAIT_1] = 4, [FIN_WAIT_2] = 5,
	[CLOSE_WAIT] = 8, [CLOSING] = 11, [LAST_ACK] = 9, [TIME_WAIT] = 6,
};

/* snprintf into buf at *pos, counting what would not fit. */
struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static __printf(2, 3) void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += n;
}

/* Pad the current line (started at @start) with spaces to @width - 1. */
static void out_pad(struct out *o, size_t start, size_t width)
{
	while (o->pos - start < width - 1)
		out_printf(o, " ");
	out_printf(o, "\n");
}

static u64 sk_inode(struct inet_sock *sk)
{
	if (sk && sk->sock && sk->sock->file && sk->sock->file->inode)
		return sk->sock->file->inode->ino;
	return 0;
}

static u32 sk_uid(struct inet_sock *sk)
{
	if (sk && sk->sock && sk->sock->file && sk->sock->file->inode)
		return sk->sock->file->inode->uid;
	return 0;
}

/* Address as Linux prints it: the network-order u32 in hex. */
static u32 pcb_ip(const ip_addr_t *a)
{
	return ip4_addr_get_u32(ip_2_ip4(a));
}

static void tcp_line(struct out *o, int i, struct tcp_pcb *pcb)
{
	struct inet_sock *sk = pcb->callback_arg;
	size_t start = o->pos;
	u32 txq = 0, rxq = 0;
	u8 st = linux_tcp_state[pcb->state];
	u32 raddr = 0;
	u16 rport = 0;

	/*
	 * A listening pcb is lwIP's smaller struct tcp_pcb_listen: its
	 * remote address is never written and there is no remote port
	 * field at all. Linux prints zeros for both.
	 */
	if (pcb->state != LISTEN) {
		raddr = pcb_ip(&pcb->remote_ip);
		rport = pcb->remote_port;
	}
	if (pcb->state == LISTEN) {
		if (sk) {
			rxq = sk->acceptq_len;
			txq = sk->backlog;
		}
	} else {
		txq = pcb->snd_lbb - pcb->lastack;
		if (sk)
			rxq = sk->rcvq_bytes;
	}
	out_printf(o, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX "
		   "%08X %5u %8d %llu %d %016lx",
		   i, pcb_ip(&pcb->local_ip), pcb->local_port,
		   raddr, rport, st, txq, rxq,
		   0, 0ul, pcb->state == LISTEN ? 0 : pcb->nrtx,
		   sk_uid(sk), 0, (unsigned long long)sk_inode(sk),
		   sk ? 2 : 1, 0ul);
	if (pcb->state == TIME_WAIT) {
		out_pad(o, start, TCP_LINE);
		return;
	}
	if (pcb->state == LISTEN) {
		out_printf(o, " 100 0 0 10 0");
	} else {
		/* rto in clock ticks (lwIP's unit is the 500 ms slow timer),
		 * ato, quick/pingpong, cwnd in segments, ssthresh. */
		u32 mss = pcb->mss ? pcb->mss : 536;
		u32 cwnd = pcb->cwnd / mss;
		int ssth = pcb->ssthresh >= 0xffff ? -1
			 : (int)(pcb->ssthresh / mss);

		out_printf(o, " %d 4 0 %u %d", pcb->rto * TCP_SLOW_INTERVAL / 10,
			   cwnd, ssth);
	}
	out_pad(o, start, TCP_LINE);
}

int proc_net_tcp_show(char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	struct tcp_pcb *pcb;
	int i = 0;

	out_printf(&o, "  sl  local_address rem_address   st tx_queue "
		   "rx_queue tr tm->when retrnsmt   uid  timeout inode");
	out_pad(&o, 0, TCP_LINE);
	net_lock();
	for (pcb = (struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs; pcb;
	     pcb = pcb->next)
		tcp_line(&o, i++, pcb);
	for (pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		tcp_line(&o, i++, pcb);
	for (pcb = tcp_tw_pcbs; pcb; pcb = pcb->next)
		tcp_line(&o, i++, pcb);
	net_unlock();
	return (int)o.pos;
}

int proc_net_udp_show(char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	struct udp_pcb *pcb;
	int i = 0;

	out_printf(&o, "   sl  local_address rem_address   st tx_queue "
		   "rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
		   "pointer drops");
	out_pad(&o, 0, UDP_LINE);
	net_lock();
	for (pcb = udp_pcbs; pcb; pcb = pcb->next, i++) {
		struct inet_sock *sk = pcb->recv == NULL ? NULL : pcb->recv_arg;
		bool conn = pcb->flags & UDP_FLAGS_CONNECTED;
		size_t start = o.pos;

		out_printf(&o, "%5d: %08X:%04X %08X:%04X %02X %08X:%08X "
			   "%02X:%08lX %08X %5u %8d %llu %d %016lx %u",
			   i, pcb_ip(&pcb->local_ip), pcb->local_port,
			   conn ? pcb_ip(&pcb->remote_ip) : 0,
			   conn ? pcb->remote_port : 0, conn ? 1 : 7, 0,
			   sk ? (u32)sk->dgram_bytes : 0, 0, 0ul, 0,
			   sk_uid(sk), 0,
			   (unsigned long long)sk_inode(sk), 2, 0ul,
			   sk ? sk->drops : 0);
		out_pad(&o, start, UDP_LINE);
	}
	net_unlock();
	return (int)o.pos;
}

int proc_net_sockstat_show(char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	unsigned int tcp_inuse = 0, orphan = 0, tw = 0, udp_inuse = 0;
	unsigned int used = 0;
	size_t tcp_mem = 0, udp_mem = 0;
	struct tcp_pcb *pcb;
	struct tcp_pcb_listen *l;
	struct udp_pcb *u;
	struct inet_sock *sk;

	net_lock();
	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		tcp_inuse++;
	for (pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
		tcp_inuse++;
		/* A connection no socket holds any more (closing). */
		if (!pcb->callback_arg)
			orphan++;
	}
	for (pcb = tcp_tw_pcbs; pcb; pcb = pcb->next)
		tw++;
	for (u = udp_pcbs; u; u = u->next)
		udp_inuse++;
	list_for_each_entry(sk, &inet_socks, node) {
		if (sk->sock)
			used++;
		if (sk->type == SOCK_STREAM)
			tcp_mem += sk->rcvq_bytes;
		else
			udp_mem += sk->dgram_bytes;
	}
	/* alloc: sockets of ours plus the orphans lwIP still runs. mem: pages
	 * of queued data, as Linux counts them. */
	out_printf(&o, "sockets: used %u\n", used);
	out_printf(&o, "TCP: inuse %u orphan %u tw %u alloc %u mem %zu\n",
		   tcp_inuse, orphan, tw, inet_tcp_socks + orphan,
		   (tcp_mem + 4095) / 4096);
	out_printf(&o, "UDP: inuse %u mem %zu\n", udp_inuse,
		   (udp_mem + 4095) / 4096);
	out_printf(&o, "UDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n");
	net_unlock();
	return (int)o.pos;
}

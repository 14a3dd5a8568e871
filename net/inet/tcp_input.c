/*
 * Where our TCP input differs from lwIP's, so that peers see Linux: lwIP's
 * IPv4 input hook (LWIP_HOOK_IP4_INPUT, net/lwip/include/lwip_hooks.h)
 * looks at every TCP segment before lwIP does, on every interface,
 * loopback included, under net_lock.
 *
 * - A SYN for a port whose last connection with that peer is in TIME_WAIT
 *   here opens a new connection when its sequence number lies beyond the
 *   old connection's end (RFC 1122, 4.2.2.13), as on Linux. lwIP answers
 *   it with a bare ACK and keeps refusing until its TIME_WAIT (2 MSL) ends,
 *   so a client that reuses its port soon (QEMU's hostfwd does, after a
 *   few thousand connections) would hang for a minute or more.
 *
 * - The listen backlog bounds what Linux bounds: connections established
 *   and not yet accepted, backlog + 1 of them. lwIP counts half-open
 *   (SYN_RCVD) connections against the backlog too and drops SYNs beyond
 *   it; a burst of connections (100 SYNs in one poll, as QEMU's hostfwd
 *   sends them to a BusyBox httpd with backlog 9) then loses most of its
 *   SYNs to a queue accept() would have drained in time, and clients give
 *   up (QEMU's after 75 s). Linux answers every SYN (SYN cookies once its
 *   SYN queue is full) and drops a SYN only while the accept queue is
 *   full; so do we. lwIP's own limit is set to its maximum (tcp.c), our
 *   SYN queue. Linux also drops the ACK that would complete a handshake
 *   while the queue is full; we let it through, so a burst of SYNs that
 *   found the queue open can leave more than backlog + 1 (at most 255)
 *   waiting. Dropping it stalls peers that sent data behind it: QEMU's
 *   slirp stops retransmitting that data once it sees our repeated
 *   SYN-ACK, and the request never comes.
 */
#include <ferrite/types.h>
#include <ferrite/string.h>

#include "inet_priv.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip_hooks.h"

/* What the hook needs of a segment, in lwIP's byte orders. */
struct seg {
	u32 saddr, daddr;		/* network order, as pcbs keep them */
	u16 sport, dport;		/* host order */
	u32 seq;
	u8 flags;
};

/* 0 and *s filled for an unfragmented IPv4 TCP segment, else -1. */
static int seg_parse(struct pbuf *p, struct seg *s)
{
	u8 h[60 + 20];
	size_t ihl;

	if (p->tot_len < 20 + 20 || pbuf_copy_partial(p, h, 20, 0) != 20)
		return -1;
	ihl = (size_t)(h[0] & 0x0f) * 4;
	if ((h[0] >> 4) != 4 || ihl < 20 || h[9] != IP_PROTO_TCP ||
	    p->tot_len < ihl + 20)
		return -1;
	if ((h[6] & 0x3f) || h[7])
		return -1;		/* a fragment: lwIP reassembles it */
	if (pbuf_copy_partial(p, h + 20, (u16_t)(ihl - 20 + 20), 20) !=
	    ihl - 20 + 20)
		return -1;
	memcpy(&s->saddr, h + 12, 4);
	memcpy(&s->daddr, h + 16, 4);
	s->sport = (u16)(h[ihl] << 8 | h[ihl + 1]);
	s->dport = (u16)(h[ihl + 2] << 8 | h[ihl + 3]);
	s->seq = (u32)h[ihl + 4] << 24 | (u32)h[ihl + 5] << 16 |
		 (u32)h[ihl + 6] << 8 | h[ihl + 7];
	s->flags = h[ihl + 13];
	return 0;
}

static bool pcb_matches(const struct tcp_pcb *pcb, const struct seg *s)
{
	return pcb->remote_port == s->sport && pcb->local_port == s->dport &&
	       ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)) == s->saddr &&
	       ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip)) == s->daddr;
}

static struct tcp_pcb *find_active(const struct seg *s)
{
	struct tcp_pcb *pcb;

	for (pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		if (pcb_matches(pcb, s))
			return pcb;
	return NULL;
}

/* Linux's sk_acceptq_is_full(): backlog + 1 connections wait at most. */
static bool acceptq_full(const struct tcp_pcb_listen *lpcb)
{
	const struct inet_sock *lsk = lpcb ? lpcb->callback_arg : NULL;

	return lsk && lsk->state == INET_LISTEN &&
	       lsk->acceptq_len > (unsigned int)lsk->backlog;
}

/* The listener lwIP would give a SYN to: a bound address before any. */
static struct tcp_pcb_listen *find_listener(const struct seg *s)
{
	struct tcp_pcb_listen *l, *any = NULL;

	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
		if (l->local_port != s->dport)
			continue;
		if (ip4_addr_get_u32(ip_2_ip4(&l->local_ip)) == s->daddr)
			return l;
		if (ip_addr_isany(&l->local_ip))
			any = l;
	}
	return any;
}

/* A new SYN: false to drop it (the accept queue is full). */
static bool syn_input(const struct seg *s)
{
	struct tcp_pcb *pcb;

	for (pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
		if (!pcb_matches(pcb, s))
			continue;
		if (!TCP_SEQ_GT(s->seq, pcb->rcv_nxt))
			return true;	/* lwIP answers as RFC 793 says */
		/* TIME_WAIT pcbs have no socket attached any more (tcp.c
		 * lets go at the second FIN): nobody is told. No RST. */
		tcp_abort(pcb);
		break;
	}
	if (find_active(s))
		return true;		/* a retransmitted or stray SYN */
	return !acceptq_full(find_listener(s));
}

/* LWIP_HOOK_IP4_INPUT: non-zero when the packet was eaten (freed). */
int inet_ip4_input_hook(struct pbuf *p, struct netif *inp)
{
	struct seg s;
	bool keep = true;

	(void)inp;
	if (seg_parse(p, &s))
		return 0;
	if ((s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN)
		keep = syn_input(&s);
	if (keep)
		return 0;
	pbuf_free(p);
	return 1;
}

/*
 * lwIP's configuration for Ferrite: NO_SYS raw API under one sleeping lock
 * (net_lock), heap from kmalloc, IPv4 with TCP, UDP, ICMP, ARP and DHCP,
 * sized for a microVM. docs/net.md says why each big choice was made.
 */
#ifndef FERRITE_LWIPOPTS_H
#define FERRITE_LWIPOPTS_H

/* --- threading model ---------------------------------------------------- */
/* No lwIP threads, mailboxes or semaphores: the netd kernel thread and the
 * socket layer call the raw API with net_lock() held. */
#define NO_SYS				1
#define LWIP_SOCKET			0
#define LWIP_NETCONN			0
#define LWIP_TIMERS			1
/* SYS_ARCH_PROTECT is irq-save (arch/sys_arch.h): only pbuf reference
 * counts use it, everything else is under net_lock. */
#define SYS_LIGHTWEIGHT_PROT		1

/* --- memory ------------------------------------------------------------- */
/* The heap and every pool come from kmalloc, so nothing is reserved at boot
 * and nothing caps the number of connections but memory. Counting wrappers
 * live in net/core/lwip_port.c (live objects for leak checks). */
#define MEM_LIBC_MALLOC			1
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			8
/* Not a reservation with MEM_LIBC_MALLOC: above 64000 it makes
 * mem_size_t 32-bit, so large pbufs and the byte counts do not wrap. */
#define MEM_SIZE			(1024 * 1024)
#define mem_clib_malloc			ferrite_lwip_malloc
#define mem_clib_free			ferrite_lwip_free
#define mem_clib_calloc			ferrite_lwip_calloc
/* Nominal pool sizes: with MEMP_MEM_MALLOC they only feed lwIP's sanity
 * checks and stats, they are not reservations. */
#define MEMP_NUM_PBUF			256
#define MEMP_NUM_RAW_PCB		8
#define MEMP_NUM_UDP_PCB		128
#define MEMP_NUM_TCP_PCB		256
#define MEMP_NUM_TCP_PCB_LISTEN		64
#define MEMP_NUM_TCP_SEG		1024
#define MEMP_NUM_REASSDATA		16
#define MEMP_NUM_FRAG_PBUF		32
#define MEMP_NUM_ARP_QUEUE		32
#define MEMP_NUM_SYS_TIMEOUT		(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define PBUF_POOL_SIZE			64
/* One pool buffer holds a whole frame; rx uses PBUF_RAM anyway. */
#define PBUF_POOL_BUFSIZE		1536
#define PBUF_LINK_HLEN			14
#define PBUF_LINK_ENCAPSULATION_HLEN	0

/* --- interfaces --------------------------------------------------------- */
#define LWIP_ARP			1
#define ARP_TABLE_SIZE			32
#define ARP_QUEUEING			1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define LWIP_ETHERNET			1
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	0
#define LWIP_NETIF_HOSTNAME		0
#define LWIP_NUM_NETIF_CLIENT_DATA	0
/* 127.0.0.1 on "lo", and frames a netif sends to its own address, are
 * queued and fed back by netif_poll() from netd; net_unlock() wakes netd
 * when a queue is not empty (net/core/netcore.c). */
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_HAVE_LOOPIF		1
#define LWIP_LOOPIF_MULTICAST		0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_LOOPBACK_MAX_PBUFS		0
/* Per-interface byte and packet counters (lo's /proc/net/dev line). */
#define LWIP_STATS			1
#define MIB2_STATS			1
#define MEM_STATS			1
#define MEMP_STATS			1
#define SYS_STATS			0
#define LINK_STATS			1
#define ETHARP_STATS			1
#define IP_STATS			1
#define IPFRAG_STATS			1
#define ICMP_STATS			1
#define IGMP_STATS			0
#define UDP_STATS			1
#define TCP_STATS			1
#define LWIP_STATS_DISPLAY		0

/* --- IPv4 --------------------------------------------------------------- */
#define LWIP_IPV4			1
#define LWIP_IPV6			0
#define IP_FORWARD			0
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_DEFAULT_TTL			64	/* Linux's ip_default_ttl */
#define LWIP_ICMP			1
#define LWIP_BROADCAST_PING		0
#define LWIP_RAW			0
#define LWIP_IGMP			0
#define LWIP_AUTOIP			0
#define LWIP_DNS			0

/* --- DHCP (ip=dhcp) ----------------------------------------------------- */
#define LWIP_DHCP			1
/* Linux's IP-Config does not ARP-probe the offered address; the probe
 * would add a second to every boot. */
#define DHCP_DOES_ARP_CHECK		0

/* --- UDP ---------------------------------------------------------------- */
#define LWIP_UDP			1
#define LWIP_UDPLITE			0
#define UDP_TTL				64

/* --- TCP ---------------------------------------------------------------- */
#define LWIP_TCP			1
#define TCP_TTL				64
#define TCP_MSS				1460
/* ~62 KiB windows: below 64 KiB so no window scaling is needed, large
 * enough for a decent rate over virtio and loopback. */
#define TCP_WND				(44 * TCP_MSS)
#define TCP_SND_BUF			(44 * TCP_MSS)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT			(TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ			1
/* TIME_WAIT lasts 2 MSL: 60 s, Linux's TCP_TIMEWAIT_LEN (lwIP: 120 s). */
#define TCP_MSL				30000UL
#define TCP_OOSEQ_MAX_PBUFS		64
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	128
#define LWIP_TCP_KEEPALIVE		1
#define LWIP_TCP_TIMESTAMPS		0
#define TCP_CALCULATE_EFF_SEND_MSS	1
#define LWIP_TCP_SACK_OUT		0
#define SO_REUSE			1
#define SO_REUSE_RXTOALL		0
/* Windows stay under 64 KiB (docs/net.md: what lwIP does not do). */
#define LWIP_WND_SCALE			0

/* --- callbacks the socket layer uses ------------------------------------ */
#define LWIP_CALLBACK_API		1
#define LWIP_EVENT_API			0

/* --- checksums: all in software ----------------------------------------- */
#define CHECKSUM_GEN_IP			1
#define CHECKSUM_GEN_UDP		1
#define CHECKSUM_GEN_TCP		1
#define CHECKSUM_GEN_ICMP		1
#define CHECKSUM_CHECK_IP		1
#define CHECKSUM_CHECK_UDP		1
#define CHECKSUM_CHECK_TCP		1
#define CHECKSUM_CHECK_ICMP		1
#define LWIP_CHECKSUM_ON_COPY		0

/* --- hooks ------------------------------------------------------------- */
/* TIME_WAIT reuse and Linux's accept-queue limit (net/inet/tcp_input.c). */
#define LWIP_HOOK_FILENAME		"lwip_hooks.h"

/* --- debugging ---------------------------------------------------------- */
/* LWIP_DEBUG stays undefined (lwIP tests it with #ifdef): defining it
 * turns LWIP_DEBUGF on, which prints through LWIP_PLATFORM_DIAG, i.e.
 * printk at debug level (arch/cc.h). */

#endif

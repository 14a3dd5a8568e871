/*
 * The network core: the one lock over lwIP (net_lock), the "netd" kernel
 * thread that runs lwIP's timers, polls receiving devices and feeds the
 * loopback queues, lwIP's platform hooks (clock, heap, randomness,
 * diagnostics), and the stack's start-up with the lo interface.
 */
#include <ferrite/netdev.h>
#include <ferrite/net.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/random.h>
#include <ferrite/sched.h>
#include <ferrite/err.h>
#include <ferrite/timer.h>
#include <ferrite/wait.h>
#include <ferrite/arch.h>
#include <ferrite/string.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip/stats.h"
#include "lwip/memp.h"
#include "lwip/sys.h"

#include "netcore.h"

/* --- the lock --------------------------------------------------------------- */

static struct mutex net_mutex = {
	.lock = SPINLOCK_INIT,
	.owner = NULL,
	.waiters = WAIT_QUEUE_HEAD_INIT(net_mutex.waiters),
};

/*
 * netd's sleep. netd_kick [a] says "run now" (set by interrupts, by
 * net_unlock and by netd_wake); the rest is [N].
 */
static struct task *netd_task;			/* [I] after net_core_init */
static DEFINE_WAIT_QUEUE_HEAD(netd_wq);
static bool netd_kick;				/* [a] */
static bool netd_asleep;			/* [N] between unlock and relock */
static u32 netd_wake_at;			/* [N] sys_now() value, if asleep */

/* Cap on one sleep, so a lost wake-up costs at most this much. */
#define NETD_MAX_SLEEP_MS	2000

void net_lock(void)
{
	mutex_lock(&net_mutex);
}

bool net_lock_held(void)
{
	return mutex_owned(&net_mutex);
}

void netd_wake(void)
{
	WRITE_ONCE(netd_kick, true);
	wake_up(&netd_wq);
}

/* Queued loopback frames wait for netif_poll() in netd. */
static bool loop_frames_queued(void)
{
	struct netif *n;

	NETIF_FOREACH(n)
		if (n->loop_first)
			return true;
	return false;
}

/*
 * Whoever changed lwIP's state may have queued loopback frames or armed a
 * timer earlier than netd's planned wake-up (tcp_connect arms the TCP
 * timer): netd must then come round before it would have on its own.
 */
void net_unlock(void)
{
	if (current() != netd_task && netd_task) {
		bool kick = loop_frames_queued();

		if (!kick && netd_asleep) {
			u32 next = sys_timeouts_sleeptime();

			kick = next != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
			       (s32)(sys_now() + next - netd_wake_at) < 0;
		}
		if (kick)
			netd_wake();
	}
	mutex_unlock(&net_mutex);
}

/* --- lwIP's platform hooks ----------------------------------------------- */

u32_t sys_now(void)
{
	return (u32_t)(arch_clock_ns() / NSEC_PER_MSEC);
}

u32 lwip_port_rand(void)
{
	return (u32)get_random_u64();
}

void lwip_port_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_DEBUG "lwip: %s", buf);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
	pr_err("lwip: assertion \"%s\" failed\n", msg);
	warn_slowpath(file, line, msg);
}

/*
 * lwIP's heap (mem_malloc, and every memp pool through MEMP_MEM_MALLOC).
 * A 16-byte header keeps the size for the byte count and the payload
 * aligned as kmalloc's. Counters are atomics: lwIP frees pbufs under its
 * light protection too, though always with net_lock held today.
 */
#define LWIP_HDR	16
static u64 lwip_live_objects;		/* [a] */
static u64 lwip_live_bytes;		/* [a] */

void *ferrite_lwip_malloc(size_t size)
{
	gfp_t gfp = arch_irqs_enabled() ? GFP_KERNEL : GFP_ATOMIC;
	u8 *p;

	if (size > (64u << 20))
		return NULL;
	p = kmalloc(size + LWIP_HDR, gfp);
	if (!p)
		return NULL;
	*(size_t *)p = size;
	__atomic_add_fetch(&lwip_live_objects, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&lwip_live_bytes, size, __ATOMIC_RELAXED);
	return p + LWIP_HDR;
}

void *ferrite_lwip_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (64u << 20) / size)
		return NULL;
	p = ferrite_lwip_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void ferrite_lwip_free(void *ptr)
{
	u8 *p = ptr;

	if (!p)
		return;
	p -= LWIP_HDR;
	__atomic_sub_fetch(&lwip_live_objects, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&lwip_live_bytes, *(size_t *)p, __ATOMIC_RELAXED);
	kfree(p);
}

static u32 memp_used(memp_t t)
{
#if MEMP_STATS
	return lwip_stats.memp[t]->used;
#else
	return 0;
#endif
}

void net_get_counts(struct net_counts *c)
{
	net_lock();
	c->heap_objects = __atomic_load_n(&lwip_live_objects, __ATOMIC_RELAXED);
	c->heap_bytes = __atomic_load_n(&lwip_live_bytes, __ATOMIC_RELAXED);
	c->tcp_pcbs = memp_used(MEMP_TCP_PCB);
	c->tcp_listen_pcbs = memp_used(MEMP_TCP_PCB_LISTEN);
	c->udp_pcbs = memp_used(MEMP_UDP_PCB);
	c->tcp_segs = memp_used(MEMP_TCP_SEG);
	c->pbufs_ref = memp_used(MEMP_PBUF);
	net_unlock();
}

int proc_net_lwip_show(char *buf, size_t len)
{
	struct net_counts c;
	struct stats_proto tcp, ip;
	int n;

	net_get_counts(&c);
	net_lock();
	tcp = lwip_stats.tcp;	/* lwIP's own protocol counters: where */
	ip = lwip_stats.ip;	/* a segment it did not take went */
	net_unlock();
	n = snprintf(buf, len,
		     "heap_objects %llu\nheap_bytes %llu\ntcp_pcbs %u\n"
		     "tcp_listen_pcbs %u\nudp_pcbs %u\ntcp_segs %u\n"
		     "pbufs_ref %u\n",
		     (unsigned long long)c.heap_objects,
		     (unsigned long long)c.heap_bytes, c.tcp_pcbs,
		     c.tcp_listen_pcbs, c.udp_pcbs, c.tcp_segs, c.pbufs_ref);
	if (n < 0 || (size_t)n >= len)
		return n;
	return n + snprintf(buf + n, len - (size_t)n,
		"tcp recv %u xmit %u drop %u chkerr %u lenerr %u memerr %u "
		"rterr %u proterr %u err %u\nip recv %u xmit %u drop %u "
		"chkerr %u lenerr %u memerr %u proterr %u\n",
		tcp.recv, tcp.xmit, tcp.drop, tcp.chkerr, tcp.lenerr,
		tcp.memerr, tcp.rterr, tcp.proterr, tcp.err, ip.recv, ip.xmit,
		ip.drop, ip.chkerr, ip.lenerr, ip.memerr, ip.proterr);
}

/* --- netd ----------------------------------------------------------------- */

static void netd_main(void *arg)
{
	for (;;) {
		u32 sleep_ms;

		net_lock();
		netd_asleep = false;
		/* Consumed before the work, so a kick during it is kept. */
		WRITE_ONCE(netd_kick, false);
		netdev_poll_all();
		netif_poll_all();
		sys_check_timeouts();
		/* Timers may have queued loopback frames (retransmits). */
		netif_poll_all();
		sleep_ms = sys_timeouts_sleeptime();
		if (sleep_ms > NETD_MAX_SLEEP_MS)
			sleep_ms = NETD_MAX_SLEEP_MS;
		netd_wake_at = sys_now() + sleep_ms;
		netd_asleep = true;
		net_unlock();

		if (sleep_ms)
			wait_event_timeout(netd_wq, READ_ONCE(netd_kick),
					   (u64)sleep_ms * NSEC_PER_MSEC);
	}
}

/*
 * Start lwIP (which makes the loopback netif, 127.0.0.1/8, up), give it
 * its net_device, and start netd. Devices register later, at
 * INITCALL_DEVICE.
 */
static int net_core_init(void)
{
	u64 start = arch_clock_ns();
	struct task *t;
	int err;

	net_lock();
	lwip_init();
	err = netdev_attach_loopback();
	net_unlock();
	if (err)
		return err;
	t = kthread_create(netd_main, NULL, "netd");
	if (IS_ERR(t))
		return PTR_ERR(t);
	netd_task = t;
	pr_info("net: lwIP " LWIP_VERSION_STRING ", lo 127.0.0.1/8 up (%llu us)\n",
		(unsigned long long)((arch_clock_ns() - start) / NSEC_PER_USEC));
	return 0;
}
initcall(INITCALL_SUBSYS, net_core_init);

/*
 * virtio-net (spec 5.1): one receive and one transmit queue, fixed pools of
 * 2 KiB buffers allocated at probe, frames copied in and out. No offloads
 * (checksum, segmentation, merged buffers) are negotiated: the stack sees
 * plain Ethernet frames of at most 1514 bytes.
 */
#include <ferrite/arch.h>
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/netdev.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include <ferrite/virtio.h>

#define VIRTIO_NET_F_MAC	5

#define RXQ			0
#define TXQ			1
#define QUEUE_MAX		256
/*
 * A buffer slot: the virtio_net_hdr at 0, the frame at SLOT_DATA (two
 * descriptors, so no ANY_LAYOUT is needed on legacy devices). Two slots
 * per page, so a slot never crosses a page boundary.
 */
#define SLOT_SIZE		2048
#define SLOT_DATA		64
#define SLOT_DATA_MAX		(SLOT_SIZE - SLOT_DATA)
#define RX_SLOTS_MAX		128
#define TX_SLOTS_MAX		64

/* struct virtio_net_hdr: 12 bytes with VERSION_1, 10 without (legacy). */
#define NET_HDR_MODERN		12
#define NET_HDR_LEGACY		10

/*
 * Legend: [I] set in probe; [N] net_lock (the stack calls xmit/rx_poll
 * with it held; the interrupt path touches none of these).
 */
struct vnet {
	struct net_device ndev;
	struct virtio_device *vd;	/* [I] */
	struct virtqueue *rx, *tx;	/* [I] */
	unsigned int hdr_len;		/* [I] */
	unsigned int nr_rx, nr_tx;	/* [I] slots in each pool */
	u8 *rx_slots[RX_SLOTS_MAX];	/* [I] */
	u8 *tx_free[TX_SLOTS_MAX];	/* [N] stack of idle tx slots */
	unsigned int nr_tx_free;	/* [N] */
	u64 irqs;			/* interrupt handler only; self-test reads */
	bool registered;		/* [I] after netdev_register */
};

/* Give receive slot @slot to the device. The ring has room: every slot
 * owns its two descriptors, whether posted or being copied out. */
static int rx_post(struct vnet *vn, u8 *slot)
{
	struct virtq_sg sg[2] = {
		{ virt_to_phys(slot), vn->hdr_len },
		{ virt_to_phys(slot + SLOT_DATA), SLOT_DATA_MAX },
	};

	return virtq_add(&vn->rx->ring, sg, 0, 2, slot);
}

/*
 * Copy every finished frame to the stack and hand its slot straight back
 * to the device: nothing is allocated, and the buffer is ours only between
 * virtq_get_used and rx_post.
 */
static void vnet_rx_poll(struct net_device *d)
{
	struct vnet *vn = d->priv;
	struct virtq *ring = &vn->rx->ring;
	u8 *slot;
	u32 len;

	do {
		virtq_disable_cb(ring);
		while ((slot = virtq_get_used(ring, &len))) {
			if (len < vn->hdr_len || len - vn->hdr_len > SLOT_DATA_MAX)
				d->stats.rx_errors++;
			else
				netdev_receive(d, slot + SLOT_DATA,
					       len - vn->hdr_len);
			if (rx_post(vn, slot))
				d->stats.rx_errors++;	/* cannot happen */
		}
		virtio_kick(vn->rx);
	} while (virtq_enable_cb(ring));
}

/* Transmit completions are reaped here, not by interrupt. */
static void tx_reclaim(struct vnet *vn)
{
	u8 *slot;

	while ((slot = virtq_get_used(&vn->tx->ring, NULL)))
		vn->tx_free[vn->nr_tx_free++] = slot;
}

/* Bad length: -EINVAL (the stack never sends one; a caller bug). */
static int vnet_xmit(struct net_device *d, const void *frame, size_t len)
{
	struct vnet *vn = d->priv;
	struct virtq_sg sg[2];
	u8 *slot;
	int err;

	if (len < 14 || len > SLOT_DATA_MAX)
		return -EINVAL;
	tx_reclaim(vn);
	if (!vn->nr_tx_free)
		return -EBUSY;
	slot = vn->tx_free[--vn->nr_tx_free];
	memset(slot, 0, vn->hdr_len);	/* no offloads asked for */
	memcpy(slot + SLOT_DATA, frame, len);
	sg[0] = (struct virtq_sg){ virt_to_phys(slot), vn->hdr_len };
	sg[1] = (struct virtq_sg){ virt_to_phys(slot + SLOT_DATA), (u32)len };
	err = virtq_add(&vn->tx->ring, sg, 2, 0, slot);
	if (err) {
		vn->tx_free[vn->nr_tx_free++] = slot;
		return -EIO;
	}
	virtio_kick(vn->tx);
	return 0;
}

static const struct net_device_ops vnet_ops = {
	.xmit = vnet_xmit,
	.rx_poll = vnet_rx_poll,
};

/* Interrupt context: only wake the network thread. */
static void vnet_rx_interrupt(struct virtqueue *vq)
{
	struct vnet *vn = vq->priv;

	/* A shared line can call us before probe has set priv. */
	if (!vn)
		return;
	vn->irqs++;
	if (READ_ONCE(vn->registered))
		netdev_rx_notify(&vn->ndev);
}

/* The slots, two per page; 0 or -ENOMEM (the caller frees). */
static int vnet_alloc_slots(struct vnet *vn)
{
	for (unsigned int i = 0; i < vn->nr_rx; i += 2) {
		u8 *page = get_free_pages(GFP_KERNEL, 0);

		if (!page)
			return -ENOMEM;
		vn->rx_slots[i] = page;
		if (i + 1 < vn->nr_rx)
			vn->rx_slots[i + 1] = page + SLOT_SIZE;
	}
	for (unsigned int i = 0; i < vn->nr_tx; i += 2) {
		u8 *page = get_free_pages(GFP_KERNEL, 0);

		if (!page)
			return -ENOMEM;
		vn->tx_free[vn->nr_tx_free++] = page;
		if (i + 1 < vn->nr_tx)
			vn->tx_free[vn->nr_tx_free++] = page + SLOT_SIZE;
	}
	return 0;
}

static void vnet_free_slots(struct vnet *vn)
{
	for (unsigned int i = 0; i < vn->nr_rx; i += 2)
		if (vn->rx_slots[i])
			free_pages_addr(vn->rx_slots[i], 0);
	/* At probe time every tx slot is idle: the free stack has them all,
	 * page starts at even positions. */
	for (unsigned int i = 0; i < vn->nr_tx_free; i += 2)
		free_pages_addr(vn->tx_free[i], 0);
}

static int vnet_selftest(struct vnet *vn);

static int vnet_probe(struct virtio_device *vd)
{
	static const vq_callback_t callbacks[2] = { vnet_rx_interrupt, NULL };
	struct vnet *vn = kzalloc(sizeof(*vn), GFP_KERNEL);
	int err;

	if (!vn)
		return -ENOMEM;
	vn->vd = vd;
	vn->hdr_len = virtio_has_feature(vd, VIRTIO_F_VERSION_1) ?
		      NET_HDR_MODERN : NET_HDR_LEGACY;
	if (virtio_has_feature(vd, VIRTIO_NET_F_MAC)) {
		for (unsigned int i = 0; i < ETH_ALEN; i++)
			vn->ndev.mac[i] = vd->ops->config_read8(vd, i);
	} else {
		/* A locally administered address of our own. */
		vn->ndev.mac[0] = 0x02;
		vn->ndev.mac[5] = 0x01;
	}
	err = virtio_find_vqs(vd, 2, callbacks, QUEUE_MAX);
	if (err)
		goto out_free;
	vn->rx = &vd->vqs[RXQ];
	vn->tx = &vd->vqs[TXQ];
	vn->rx->priv = vn;
	vn->tx->priv = vn;
	vn->nr_rx = MIN(vn->rx->ring.num / 2, RX_SLOTS_MAX);
	vn->nr_tx = MIN(vn->tx->ring.num / 2, TX_SLOTS_MAX);
	err = vnet_alloc_slots(vn);
	if (err)
		goto out_slots;
	for (unsigned int i = 0; i < vn->nr_rx; i++)
		rx_post(vn, vn->rx_slots[i]);
	virtq_disable_cb(&vn->tx->ring);
	virtio_device_ready(vd);
	virtio_kick(vn->rx);

	vn->ndev.mtu = 1500;
	vn->ndev.ops = &vnet_ops;
	vn->ndev.priv = vn;
	if (cmdline_has(kernel_cmdline(), "virtio_net.selftest"))
		vnet_selftest(vn);
	err = netdev_register(&vn->ndev);
	if (err) {
		/* The device keeps DMA-ing into our slots until reset. */
		vd->ops->reset(vd);
		goto out_slots;
	}
	WRITE_ONCE(vn->registered, true);
	/* Frames that arrived before registration raised no notify. */
	netdev_rx_notify(&vn->ndev);
	vd->priv = vn;
	pr_info("virtio-net: %s on %s: %02x:%02x:%02x:%02x:%02x:%02x, rx %u/tx %u buffers, %s\n",
		vn->ndev.name, vd->name, vn->ndev.mac[0], vn->ndev.mac[1],
		vn->ndev.mac[2], vn->ndev.mac[3], vn->ndev.mac[4],
		vn->ndev.mac[5], vn->nr_rx, vn->nr_tx,
		vd->legacy ? "legacy" : "virtio 1.0");
	return 0;

out_slots:
	vnet_free_slots(vn);
	/* The queues stay allocated with the device (reset by the core). */
out_free:
	kfree(vn);
	return err;
}

static struct virtio_driver vnet_driver = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = 1ull << VIRTIO_NET_F_MAC,
	.probe = vnet_probe,
};

static int virtio_net_init(void)
{
	return virtio_register_driver(&vnet_driver);
}
initcall(INITCALL_DEVICE, virtio_net_init);

/* ---- boot self-test (virtio_net.selftest on the command line) ---------- */

static const u8 test_ip[4] = { 10, 0, 2, 15 };
static const u8 gw_ip[4] = { 10, 0, 2, 2 };

static size_t build_arp_request(const u8 *mac, u8 *f)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08; f[13] = 0x06;		/* ARP */
	f[15] = 1; f[16] = 0x08; f[18] = 6; f[19] = 4;
	f[21] = 1;				/* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, test_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	return 60;
}

static u16 ip_checksum(const u8 *p, size_t n)
{
	u32 sum = 0;

	for (size_t i = 0; i < n; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static size_t build_dhcp_discover(const u8 *mac, u8 *f)
{
	const size_t bootp = 300, udp = 8 + bootp, ip = 20 + udp;
	u8 *iph = f + 14, *udph = iph + 20, *b = udph + 8;
	u16 sum;

	memset(f, 0, 14 + ip);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;				/* IPv4 */
	iph[0] = 0x45;
	iph[2] = (u8)(ip >> 8); iph[3] = (u8)ip;
	iph[8] = 64; iph[9] = 17;		/* TTL, UDP */
	memset(iph + 16, 0xff, 4);		/* from 0.0.0.0 to broadcast */
	sum = ip_checksum(iph, 20);
	iph[10] = (u8)(sum >> 8); iph[11] = (u8)sum;
	udph[1] = 68; udph[3] = 67;
	udph[4] = (u8)(udp >> 8); udph[5] = (u8)udp;	/* checksum 0: none */
	b[0] = 1; b[1] = 1; b[2] = 6;		/* BOOTREQUEST, Ethernet */
	b[4] = 0xfe; b[5] = 0x44; b[6] = 0x11; b[7] = 0x07;	/* xid */
	b[10] = 0x80;				/* reply by broadcast */
	memcpy(b + 28, mac, 6);
	b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;	/* magic */
	b[240] = 53; b[241] = 1; b[242] = 1;	/* DHCPDISCOVER */
	b[243] = 255;
	return 14 + ip;
}

/*
 * Send an ARP request for 10.0.2.2 and a DHCPDISCOVER (QEMU's user
 * network answers both), then wait up to 5 s for the replies on the
 * receive ring (polled), and for at least one receive interrupt: proof
 * of transmit, receive and the interrupt path before the
 * stack owns the device. Runs before netdev_register, so nothing else
 * touches the queues.
 */
static int vnet_selftest(struct vnet *vn)
{
	u8 frame[400];
	bool arp = false, dhcp = false, ok;
	unsigned int frames = 0;
	u64 t0 = arch_clock_ns();
	u8 *slot;
	u32 len;

	if (vnet_xmit(&vn->ndev, frame, build_arp_request(vn->ndev.mac, frame)) ||
	    vnet_xmit(&vn->ndev, frame, build_dhcp_discover(vn->ndev.mac, frame)))
		pr_err("virtio-net selftest: xmit failed\n");
	while (!(arp && dhcp) && arch_clock_ns() - t0 < 5000000000ull) {
		while ((slot = virtq_get_used(&vn->rx->ring, &len))) {
			u8 *f = slot + SLOT_DATA;

			frames++;
			if (len >= vn->hdr_len + 42 && f[12] == 0x08 &&
			    f[13] == 0x06 && f[21] == 2 && !memcmp(f + 28, gw_ip, 4))
				arp = true;
			if (len >= vn->hdr_len + 42 + 240 && f[12] == 0x08 &&
			    f[13] == 0x00 && f[23] == 17 && f[37] == 68 &&
			    f[42] == 2)
				dhcp = true;
			rx_post(vn, slot);
		}
		virtio_kick(vn->rx);
		sleep_ns(10000000);
	}
	tx_reclaim(vn);
	ok = arp && dhcp && READ_ONCE(vn->irqs);
	pr_info("virtio-net selftest: %s: arp reply %s, dhcp offer %s, %u frames, %llu interrupts, tx done %u/%u, %llu ms\n",
		ok ? "PASS" : "FAIL", arp ? "yes" : "no",
		dhcp ? "yes" : "no", frames, (unsigned long long)vn->irqs,
		vn->nr_tx_free, vn->nr_tx,
		(unsigned long long)(arch_clock_ns() - t0) / 1000000);
	return ok ? 0 : -EIO;
}

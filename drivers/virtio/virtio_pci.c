/*
 * The virtio-pci transport (spec 4.1): modern devices through their vendor
 * capabilities (common/notify/ISR/device windows in memory BARs), legacy
 * ones through the I/O BAR 0 register block. Interrupts: one MSI-X vector
 * for every queue when the device has MSI-X, else the shared INTx line.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/pci.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/virtio.h>

#define VIRTIO_PCI_VENDOR	0x1af4

/* Vendor capability: type and where its window sits. */
#define VPCI_CAP_CFG_TYPE	3
#define VPCI_CAP_BAR		4
#define VPCI_CAP_OFFSET		8
#define VPCI_CAP_LENGTH		12
#define VPCI_CAP_NOTIFY_MULT	16
#define VPCI_CAP_COMMON		1
#define VPCI_CAP_NOTIFY		2
#define VPCI_CAP_ISR		3
#define VPCI_CAP_DEVICE		4

/* Common configuration window (struct virtio_pci_common_cfg). */
#define CC_DFSELECT		0x00
#define CC_DF			0x04
#define CC_GFSELECT		0x08
#define CC_GF			0x0c
#define CC_MSIX_CONFIG		0x10
#define CC_NUM_QUEUES		0x12
#define CC_STATUS		0x14
#define CC_Q_SELECT		0x16
#define CC_Q_SIZE		0x18
#define CC_Q_MSIX		0x1a
#define CC_Q_ENABLE		0x1c
#define CC_Q_NOTIFY_OFF		0x1e
#define CC_Q_DESC		0x20
#define CC_Q_DRIVER		0x28
#define CC_Q_DEVICE		0x30
#define VIRTIO_MSI_NO_VECTOR	0xffff

/* Legacy I/O register block (virtio 0.9.5), without MSI-X. */
#define LEG_HOST_FEATURES	0x00
#define LEG_GUEST_FEATURES	0x04
#define LEG_QUEUE_PFN		0x08
#define LEG_QUEUE_SIZE		0x0c
#define LEG_QUEUE_SELECT	0x0e
#define LEG_QUEUE_NOTIFY	0x10
#define LEG_STATUS		0x12
#define LEG_ISR			0x13
#define LEG_CONFIG		0x14

#define ISR_QUEUE		0x1
#define ISR_CONFIG		0x2

/* Legend: [I] set at probe; registers are the device's. */
struct virtio_pci {
	struct virtio_device vd;
	struct pci_dev *pdev;		/* [I] */
	volatile u8 *common;		/* [I] modern windows */
	volatile u8 *isr;		/* [I] */
	volatile u8 *devcfg;		/* [I] */
	volatile u8 *notify_base;	/* [I] */
	u32 notify_len;			/* [I] */
	u32 notify_mult;		/* [I] */
	u64 io;				/* [I] legacy: I/O BAR 0 base */
	bool use_msix;			/* [I] decided before the queues */
};

static struct virtio_pci *to_vp(struct virtio_device *vd)
{
	return container_of(vd, struct virtio_pci, vd);
}

#define CC8(vp, off)	(*(volatile u8 *)((vp)->common + (off)))
#define CC16(vp, off)	(*(volatile u16 *)((vp)->common + (off)))
#define CC32(vp, off)	(*(volatile u32 *)((vp)->common + (off)))

/* ---- modern ---------------------------------------------------------- */

static u64 vpm_get_features(struct virtio_device *vd)
{
	struct virtio_pci *vp = to_vp(vd);
	u64 f;

	CC32(vp, CC_DFSELECT) = 0;
	f = CC32(vp, CC_DF);
	CC32(vp, CC_DFSELECT) = 1;
	return f | (u64)CC32(vp, CC_DF) << 32;
}

static void vpm_set_features(struct virtio_device *vd, u64 f)
{
	struct virtio_pci *vp = to_vp(vd);

	CC32(vp, CC_GFSELECT) = 0;
	CC32(vp, CC_GF) = (u32)f;
	CC32(vp, CC_GFSELECT) = 1;
	CC32(vp, CC_GF) = (u32)(f >> 32);
}

static u8 vpm_get_status(struct virtio_device *vd)
{
	return CC8(to_vp(vd), CC_STATUS);
}

static void vpm_set_status(struct virtio_device *vd, u8 s)
{
	CC8(to_vp(vd), CC_STATUS) = s;
}

static void vpm_reset(struct virtio_device *vd)
{
	struct virtio_pci *vp = to_vp(vd);

	CC8(vp, CC_STATUS) = 0;
	/* The reset is complete when the device reads back 0 (spec 4.1.4.3.2). */
	while (CC8(vp, CC_STATUS))
		arch_cpu_relax();
}

static u8 vpm_config_read8(struct virtio_device *vd, unsigned int off)
{
	struct virtio_pci *vp = to_vp(vd);

	return vp->devcfg ? vp->devcfg[off] : 0xff;
}

static unsigned int vpm_queue_max(struct virtio_device *vd, unsigned int idx)
{
	struct virtio_pci *vp = to_vp(vd);

	if (idx >= CC16(vp, CC_NUM_QUEUES))
		return 0;
	CC16(vp, CC_Q_SELECT) = (u16)idx;
	return CC16(vp, CC_Q_SIZE);
}

static int vpm_queue_activate(struct virtio_device *vd, struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vp(vd);
	u32 off;

	CC16(vp, CC_Q_SELECT) = (u16)vq->index;
	CC16(vp, CC_Q_SIZE) = (u16)vq->ring.num;
	CC32(vp, CC_Q_DESC) = (u32)virt_to_phys(vq->ring.desc);
	CC32(vp, CC_Q_DESC + 4) = (u32)(virt_to_phys(vq->ring.desc) >> 32);
	CC32(vp, CC_Q_DRIVER) = (u32)virt_to_phys(vq->ring.avail);
	CC32(vp, CC_Q_DRIVER + 4) = (u32)(virt_to_phys(vq->ring.avail) >> 32);
	CC32(vp, CC_Q_DEVICE) = (u32)virt_to_phys(vq->ring.used);
	CC32(vp, CC_Q_DEVICE + 4) = (u32)(virt_to_phys(vq->ring.used) >> 32);
	if (vp->use_msix) {
		/* Every queue shares MSI-X table entry 0. */
		CC16(vp, CC_Q_MSIX) = 0;
		if (CC16(vp, CC_Q_MSIX) == VIRTIO_MSI_NO_VECTOR)
			return -EIO;
	}
	off = (u32)CC16(vp, CC_Q_NOTIFY_OFF) * vp->notify_mult;
	if (off + 2 > vp->notify_len)
		return -EIO;
	vq->notify = (void *)(vp->notify_base + off);
	vq->notify_data = (u16)vq->index;
	CC16(vp, CC_Q_ENABLE) = 1;
	return 0;
}

static void vpm_notify(struct virtqueue *vq)
{
	*(volatile u16 *)vq->notify = vq->notify_data;
}

/* ---- legacy ---------------------------------------------------------- */

static u64 vpl_get_features(struct virtio_device *vd)
{
	return pci_io_read32(to_vp(vd)->io + LEG_HOST_FEATURES);
}

static void vpl_set_features(struct virtio_device *vd, u64 f)
{
	pci_io_write32(to_vp(vd)->io + LEG_GUEST_FEATURES, (u32)f);
}

static u8 vpl_get_status(struct virtio_device *vd)
{
	return pci_io_read8(to_vp(vd)->io + LEG_STATUS);
}

static void vpl_set_status(struct virtio_device *vd, u8 s)
{
	pci_io_write8(to_vp(vd)->io + LEG_STATUS, s);
}

static void vpl_reset(struct virtio_device *vd)
{
	struct virtio_pci *vp = to_vp(vd);

	pci_io_write8(vp->io + LEG_STATUS, 0);
	/* Legacy reset is synchronous; the read flushes the write. */
	(void)pci_io_read8(vp->io + LEG_STATUS);
}

static u8 vpl_config_read8(struct virtio_device *vd, unsigned int off)
{
	return pci_io_read8(to_vp(vd)->io + LEG_CONFIG + off);
}

static unsigned int vpl_queue_max(struct virtio_device *vd, unsigned int idx)
{
	struct virtio_pci *vp = to_vp(vd);

	pci_io_write16(vp->io + LEG_QUEUE_SELECT, (u16)idx);
	return pci_io_read16(vp->io + LEG_QUEUE_SIZE);
}

static int vpl_queue_activate(struct virtio_device *vd, struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vp(vd);
	phys_addr_t pa = virt_to_phys(vq->ring.desc);

	if (pa >> (32 + 12))
		return -EIO;	/* the PFN register is 32 bits */
	pci_io_write16(vp->io + LEG_QUEUE_SELECT, (u16)vq->index);
	pci_io_write32(vp->io + LEG_QUEUE_PFN, (u32)(pa >> 12));
	vq->notify_data = (u16)vq->index;
	return 0;
}

static void vpl_notify(struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vp(vq->vdev);

	pci_io_write16(vp->io + LEG_QUEUE_NOTIFY, vq->notify_data);
}

/* ---- interrupts ------------------------------------------------------ */

static void vp_msix_interrupt(void *data)
{
	struct virtio_pci *vp = data;

	virtio_vq_interrupt(&vp->vd, NULL);
}

/* INTx: reading the ISR clears it and lowers the line. */
static void vp_intx_interrupt(void *data)
{
	struct virtio_pci *vp = data;
	u8 isr = vp->vd.legacy ? pci_io_read8(vp->io + LEG_ISR) : *vp->isr;

	if (isr & ISR_QUEUE)
		virtio_vq_interrupt(&vp->vd, NULL);
}

static int vp_setup_irq(struct virtio_device *vd)
{
	struct virtio_pci *vp = to_vp(vd);
	pci_irq_fn fn = vp_msix_interrupt;
	void *data = vp;
	int err;

	if (vp->use_msix) {
		err = pci_enable_msix(vp->pdev, 1, &fn, &data);
		if (!err) {
			pr_info("virtio: %s: MSI-X\n", vd->name);
			return 0;
		}
		/* Fall back: queues back to "no vector" means ISR + INTx. */
		pr_warn("virtio: %s: MSI-X failed (%d), using INTx\n", vd->name,
			err);
		for (unsigned int i = 0; i < vd->nr_vqs; i++) {
			CC16(vp, CC_Q_SELECT) = (u16)i;
			CC16(vp, CC_Q_MSIX) = VIRTIO_MSI_NO_VECTOR;
		}
		vp->use_msix = false;
	}
	err = pci_request_intx(vp->pdev, vp_intx_interrupt, vp);
	if (!err)
		pr_info("virtio: %s: INTx, irq %u\n", vd->name,
			vp->pdev->irq_line);
	return err;
}

static const struct virtio_config_ops vp_modern_ops = {
	.get_features = vpm_get_features,
	.set_features = vpm_set_features,
	.get_status = vpm_get_status,
	.set_status = vpm_set_status,
	.reset = vpm_reset,
	.config_read8 = vpm_config_read8,
	.queue_max = vpm_queue_max,
	.queue_activate = vpm_queue_activate,
	.notify = vpm_notify,
	.setup_irq = vp_setup_irq,
};

static const struct virtio_config_ops vp_legacy_ops = {
	.get_features = vpl_get_features,
	.set_features = vpl_set_features,
	.get_status = vpl_get_status,
	.set_status = vpl_set_status,
	.reset = vpl_reset,
	.config_read8 = vpl_config_read8,
	.queue_max = vpl_queue_max,
	.queue_activate = vpl_queue_activate,
	.notify = vpl_notify,
	.setup_irq = vp_setup_irq,
};

/* ---- probe ----------------------------------------------------------- */

/* Map the window a vendor capability describes; NULL if bad. */
static volatile u8 *map_cap(struct virtio_pci *vp, unsigned int cap, u32 *len)
{
	u8 bar = pci_read8(vp->pdev, cap + VPCI_CAP_BAR);
	u32 off = pci_read32(vp->pdev, cap + VPCI_CAP_OFFSET);

	*len = pci_read32(vp->pdev, cap + VPCI_CAP_LENGTH);
	if (*len == 0)
		return NULL;
	return pci_iomap(vp->pdev, bar, off, *len);
}

/* Find and map the modern windows; -ENODEV if the device has none. */
static int vp_modern_init(struct virtio_pci *vp)
{
	unsigned int cap = 0;
	u32 len;

	while ((cap = pci_find_capability(vp->pdev, PCI_CAP_ID_VNDR, cap))) {
		u8 type = pci_read8(vp->pdev, cap + VPCI_CAP_CFG_TYPE);

		/* The first capability of each type is the preferred one. */
		if (type == VPCI_CAP_COMMON && !vp->common) {
			vp->common = map_cap(vp, cap, &len);
		} else if (type == VPCI_CAP_ISR && !vp->isr) {
			vp->isr = map_cap(vp, cap, &len);
		} else if (type == VPCI_CAP_DEVICE && !vp->devcfg) {
			vp->devcfg = map_cap(vp, cap, &len);
		} else if (type == VPCI_CAP_NOTIFY && !vp->notify_base) {
			vp->notify_mult = pci_read32(vp->pdev,
						     cap + VPCI_CAP_NOTIFY_MULT);
			vp->notify_base = map_cap(vp, cap, &vp->notify_len);
		}
	}
	if (!vp->common || !vp->isr || !vp->notify_base)
		return -ENODEV;
	vp->vd.ops = &vp_modern_ops;
	/* Without MSI-X the device config needs no vector; with it, config
	 * changes (link state) stay unsignalled: we do not use them. */
	vp->use_msix = pci_find_capability(vp->pdev, PCI_CAP_ID_MSIX, 0) != 0;
	if (vp->use_msix)
		CC16(vp, CC_MSIX_CONFIG) = VIRTIO_MSI_NO_VECTOR;
	return 0;
}

static int vp_legacy_init(struct virtio_pci *vp)
{
	struct pci_bar *b = &vp->pdev->bar[0];

	if (!b->io || b->size < LEG_CONFIG)
		return -ENODEV;
	vp->io = b->addr;
	vp->vd.legacy = true;
	vp->vd.ops = &vp_legacy_ops;
	return 0;
}

static int vp_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct virtio_pci *vp;
	int err;

	/* 0x1000-0x103f transitional (type in the subsystem id), 0x1040+
	 * modern (type = device - 0x1040). */
	if (pdev->device < 0x1000 || pdev->device > 0x107f)
		return -ENODEV;
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vp->pdev = pdev;
	pci_enable_device(pdev);
	err = vp_modern_init(vp);
	if (err && pdev->device < 0x1040)
		err = vp_legacy_init(vp);
	if (err) {
		kfree(vp);	/* mappings of a half-modern device stay */
		return err;
	}
	vp->vd.device_id = pdev->device >= 0x1040 ? pdev->device - 0x1040u
						  : pdev->subsys_device;
	vp->vd.transport = vp;
	snprintf(vp->vd.name, sizeof(vp->vd.name), "pci %02x:%02x.%u%s",
		 pdev->bus, pdev->slot, pdev->func,
		 vp->vd.legacy ? " legacy" : "");
	pdev->priv = vp;
	return virtio_add_device(&vp->vd);
}

static const struct pci_device_id vp_ids[] = {
	{ VIRTIO_PCI_VENDOR, PCI_ANY_ID },
	{ 0, 0 },
};

static struct pci_driver vp_driver = {
	.name = "virtio-pci",
	.ids = vp_ids,
	.probe = vp_probe,
};

static int virtio_pci_init(void)
{
	return pci_register_driver(&vp_driver);
}
initcall(INITCALL_DEVICE, virtio_pci_init);

/*
 * The virtio-mmio transport (spec 4.2), version 2 (modern) and 1 (legacy).
 * Devices come from the kernel command line as
 * virtio_mmio.device=<size>@<base>:<irq>[:<id>], as QEMU microvm and
 * Firecracker describe them; the interrupt is an edge-triggered IOAPIC line.
 */
#include <ferrite/arch.h>
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/pci.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/virtio.h>

#define VM_MAGIC		0x000
#define VM_VERSION		0x004
#define VM_DEVICE_ID		0x008
#define VM_DEV_FEATURES		0x010
#define VM_DEV_FEATURES_SEL	0x014
#define VM_DRV_FEATURES		0x020
#define VM_DRV_FEATURES_SEL	0x024
#define VM_GUEST_PAGE_SIZE	0x028	/* legacy */
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_ALIGN		0x03c	/* legacy */
#define VM_QUEUE_PFN		0x040	/* legacy */
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_INT_STATUS		0x060
#define VM_INT_ACK		0x064
#define VM_STATUS		0x070
#define VM_QUEUE_DESC		0x080
#define VM_QUEUE_DRIVER		0x090
#define VM_QUEUE_DEVICE		0x0a0
#define VM_CONFIG		0x100

#define VM_MAGIC_VALUE		0x74726976	/* "virt" */
#define VM_INT_VRING		0x1
#define VM_MIN_SIZE		0x200

/* Legend: [I] set before virtio_add_device. */
struct virtio_mmio {
	struct virtio_device vd;
	volatile u8 *regs;		/* [I] */
	phys_addr_t base;		/* [I] */
	unsigned int irq;		/* [I] */
};

static struct virtio_mmio *to_vm(struct virtio_device *vd)
{
	return container_of(vd, struct virtio_mmio, vd);
}

static u32 vm_read(struct virtio_mmio *vm, unsigned int off)
{
	return *(volatile u32 *)(vm->regs + off);
}

static void vm_write(struct virtio_mmio *vm, unsigned int off, u32 v)
{
	*(volatile u32 *)(vm->regs + off) = v;
}

static u64 vm_get_features(struct virtio_device *vd)
{
	struct virtio_mmio *vm = to_vm(vd);
	u64 f;

	vm_write(vm, VM_DEV_FEATURES_SEL, 0);
	f = vm_read(vm, VM_DEV_FEATURES);
	if (vd->legacy)
		return f;
	vm_write(vm, VM_DEV_FEATURES_SEL, 1);
	return f | (u64)vm_read(vm, VM_DEV_FEATURES) << 32;
}

static void vm_set_features(struct virtio_device *vd, u64 f)
{
	struct virtio_mmio *vm = to_vm(vd);

	vm_write(vm, VM_DRV_FEATURES_SEL, 0);
	vm_write(vm, VM_DRV_FEATURES, (u32)f);
	if (vd->legacy)
		return;
	vm_write(vm, VM_DRV_FEATURES_SEL, 1);
	vm_write(vm, VM_DRV_FEATURES, (u32)(f >> 32));
}

static u8 vm_get_status(struct virtio_device *vd)
{
	return (u8)vm_read(to_vm(vd), VM_STATUS);
}

static void vm_set_status(struct virtio_device *vd, u8 s)
{
	vm_write(to_vm(vd), VM_STATUS, s);
}

static void vm_reset(struct virtio_device *vd)
{
	struct virtio_mmio *vm = to_vm(vd);

	vm_write(vm, VM_STATUS, 0);
	while (!vd->legacy && vm_read(vm, VM_STATUS))
		arch_cpu_relax();
	if (vd->legacy)
		vm_write(vm, VM_GUEST_PAGE_SIZE, PAGE_SIZE);
}

static u8 vm_config_read8(struct virtio_device *vd, unsigned int off)
{
	return to_vm(vd)->regs[VM_CONFIG + off];
}

static unsigned int vm_queue_max(struct virtio_device *vd, unsigned int idx)
{
	struct virtio_mmio *vm = to_vm(vd);

	vm_write(vm, VM_QUEUE_SEL, idx);
	return vm_read(vm, VM_QUEUE_NUM_MAX);
}

static void vm_write64(struct virtio_mmio *vm, unsigned int off, u64 v)
{
	vm_write(vm, off, (u32)v);
	vm_write(vm, off + 4, (u32)(v >> 32));
}

static int vm_queue_activate(struct virtio_device *vd, struct virtqueue *vq)
{
	struct virtio_mmio *vm = to_vm(vd);
	phys_addr_t desc = virt_to_phys(vq->ring.desc);

	vm_write(vm, VM_QUEUE_SEL, vq->index);
	vm_write(vm, VM_QUEUE_NUM, vq->ring.num);
	if (vd->legacy) {
		if (desc >> (32 + 12))
			return -EIO;
		vm_write(vm, VM_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
		vm_write(vm, VM_QUEUE_PFN, (u32)(desc >> 12));
	} else {
		vm_write64(vm, VM_QUEUE_DESC, desc);
		vm_write64(vm, VM_QUEUE_DRIVER, virt_to_phys(vq->ring.avail));
		vm_write64(vm, VM_QUEUE_DEVICE, virt_to_phys(vq->ring.used));
		vm_write(vm, VM_QUEUE_READY, 1);
	}
	vq->notify_data = (u16)vq->index;
	return 0;
}

static void vm_notify(struct virtqueue *vq)
{
	vm_write(to_vm(vq->vdev), VM_QUEUE_NOTIFY, vq->notify_data);
}

/*
 * Acknowledge until the status reads 0: a bit set between our read and
 * our ack would otherwise keep QEMU's (level) line high, and an edge-
 * triggered pin would never see another edge.
 */
static void vm_interrupt(void *data)
{
	struct virtio_mmio *vm = data;

	for (int n = 0; n < 16; n++) {
		u32 st = vm_read(vm, VM_INT_STATUS);

		if (!st)
			break;
		vm_write(vm, VM_INT_ACK, st);
		if (st & VM_INT_VRING)
			virtio_vq_interrupt(&vm->vd, NULL);
	}
}

static int vm_setup_irq(struct virtio_device *vd)
{
	struct virtio_mmio *vm = to_vm(vd);
	int err = arch_irq_request_line(vm->irq, false, false, vm_interrupt, vm);

	if (!err)
		pr_info("virtio: %s: irq %u\n", vd->name, vm->irq);
	return err;
}

static const struct virtio_config_ops vm_ops = {
	.get_features = vm_get_features,
	.set_features = vm_set_features,
	.get_status = vm_get_status,
	.set_status = vm_set_status,
	.reset = vm_reset,
	.config_read8 = vm_config_read8,
	.queue_max = vm_queue_max,
	.queue_activate = vm_queue_activate,
	.notify = vm_notify,
	.setup_irq = vm_setup_irq,
};

/* "<size>@<base>:<irq>[:<id>]" -> 0 or -EINVAL. */
static int vm_parse(const char *s, u64 *size, u64 *base, u64 *irq)
{
	const char *end;

	*size = memparse(s, &end);
	if (end == s || *end != '@')
		return -EINVAL;
	s = end + 1;
	*base = memparse(s, &end);
	if (end == s || *end != ':')
		return -EINVAL;
	s = end + 1;
	*irq = memparse(s, &end);
	if (end == s || (*end && *end != ':'))
		return -EINVAL;
	if (*size < VM_MIN_SIZE || *size > 0x100000 || *base & 3 ||
	    *base + *size < *base || *irq == 0 || *irq > 255)
		return -EINVAL;
	return 0;
}

static int vm_add(const char *arg)
{
	struct virtio_mmio *vm;
	u64 size, base, irq;
	u32 magic, version, id;
	int err;

	if (vm_parse(arg, &size, &base, &irq)) {
		pr_err("virtio-mmio: bad device '%s'\n", arg);
		return -EINVAL;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->regs = ioremap(base, size);
	if (!vm->regs) {
		err = -ENOMEM;
		goto out_free;
	}
	vm->base = base;
	vm->irq = (unsigned int)irq;
	magic = vm_read(vm, VM_MAGIC);
	version = vm_read(vm, VM_VERSION);
	id = vm_read(vm, VM_DEVICE_ID);
	err = -ENODEV;
	if (magic != VM_MAGIC_VALUE || version < 1 || version > 2) {
		pr_err("virtio-mmio: nothing at %#llx\n", (unsigned long long)base);
		goto out_free;	/* the mapping stays: ioremap never unmaps */
	}
	if (id == 0)
		goto out_free;	/* an empty slot */
	vm->vd.device_id = id;
	vm->vd.legacy = version == 1;
	vm->vd.ops = &vm_ops;
	vm->vd.transport = vm;
	snprintf(vm->vd.name, sizeof(vm->vd.name), "mmio %#llx%s",
		 (unsigned long long)base, vm->vd.legacy ? " legacy" : "");
	return virtio_add_device(&vm->vd);
out_free:
	kfree(vm);
	return err;
}

static int virtio_mmio_init(void)
{
	const struct cmdline *cl = kernel_cmdline();

	/* Every occurrence counts, not only the last (cmdline_get). */
	for (unsigned int i = 0; i < cl->nr_params; i++)
		if (!strcmp(cl->params[i].key, "virtio_mmio.device") &&
		    cl->params[i].val)
			vm_add(cl->params[i].val);
	return 0;
}
initcall(INITCALL_DEVICE, virtio_mmio_init);

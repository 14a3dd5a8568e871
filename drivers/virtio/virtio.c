/*
 * The virtio bus: devices found by the transports meet the drivers that
 * registered for their device id; binding runs the status handshake and
 * feature negotiation (spec 3.1.1), then the driver's probe, which sets up
 * its queues with virtio_find_vqs and declares DRIVER_OK.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/virtio.h>

/* Devices, drivers and probes (which allocate, so may sleep). */
static struct mutex virtio_lock = {
	SPINLOCK_INIT, NULL, WAIT_QUEUE_HEAD_INIT(virtio_lock.waiters)
};
static LIST_HEAD(virtio_devices);	/* [virtio_lock] */
static LIST_HEAD(virtio_drivers);	/* [virtio_lock] */

static void add_status(struct virtio_device *vd, u8 bits)
{
	vd->ops->set_status(vd, vd->ops->get_status(vd) | bits);
}

/*
 * Offer the driver's bits plus the transport's own (VERSION_1 for modern
 * devices; ANY_LAYOUT is harmless for legacy ones), keep what the device
 * has. Checksum, segmentation and merged buffers are never in a driver's
 * list unless it handles them.
 */
static int negotiate(struct virtio_device *vd, struct virtio_driver *drv)
{
	u64 offered = vd->ops->get_features(vd);
	u64 want = drv->features;

	if (vd->legacy) {
		want &= 0xffffffffull;
	} else {
		if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
			return -ENODEV;	/* a modern transport must offer it */
		want |= 1ull << VIRTIO_F_VERSION_1;
	}
	vd->features = offered & want;
	vd->ops->set_features(vd, vd->features);
	if (vd->legacy)
		return 0;	/* no FEATURES_OK step before 1.0 */
	add_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(vd->ops->get_status(vd) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;	/* the device refused our subset */
	return 0;
}

/* Caller holds virtio_lock. */
static void virtio_try_bind(struct virtio_driver *drv, struct virtio_device *vd)
{
	u64 t0 = arch_clock_ns();
	int err;

	if (vd->driver || vd->device_id != drv->device_id)
		return;
	vd->ops->reset(vd);
	add_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vd, VIRTIO_STATUS_DRIVER);
	err = negotiate(vd, drv);
	if (!err) {
		vd->driver = drv;
		err = drv->probe(vd);
	}
	if (err) {
		vd->driver = NULL;
		add_status(vd, VIRTIO_STATUS_FAILED);
		pr_err("virtio: %s: %s probe failed: %d\n", vd->name, drv->name,
		       err);
		return;
	}
	pr_info("virtio: %s bound to %s, features %#llx (%llu us)\n", vd->name,
		drv->name, (unsigned long long)vd->features,
		(unsigned long long)(arch_clock_ns() - t0) / 1000);
}

int virtio_add_device(struct virtio_device *vd)
{
	struct virtio_driver *drv;

	mutex_lock(&virtio_lock);
	list_add_tail(&vd->node, &virtio_devices);
	list_for_each_entry(drv, &virtio_drivers, node)
		virtio_try_bind(drv, vd);
	mutex_unlock(&virtio_lock);
	return 0;
}

int virtio_register_driver(struct virtio_driver *drv)
{
	struct virtio_device *vd;

	mutex_lock(&virtio_lock);
	list_add_tail(&drv->node, &virtio_drivers);
	list_for_each_entry(vd, &virtio_devices, node)
		virtio_try_bind(drv, vd);
	mutex_unlock(&virtio_lock);
	return 0;
}

static void vq_free(struct virtqueue *vq)
{
	if (vq->mem)
		free_pages_addr(vq->mem, vq->order);
	kfree(vq->cookie_mem);
	vq->mem = NULL;
	vq->cookie_mem = NULL;
}

/* Ring memory: physically contiguous pages from the buddy allocator. */
static int vq_alloc(struct virtio_device *vd, struct virtqueue *vq,
		    unsigned int index, unsigned int max_size)
{
	unsigned int num = vd->ops->queue_max(vd, index);
	size_t bytes;
	int err;

	if (num == 0)
		return -ENOENT;
	/* Legacy devices dictate the size; modern ones accept a smaller
	 * power of two. */
	if (!vd->legacy) {
		while (num > max_size || (num & (num - 1)))
			num = (num & (num - 1)) ? 1u << (31 - __builtin_clz(num))
						: num / 2;
	}
	bytes = virtq_ring_bytes(num, VIRTQ_LEGACY_ALIGN);
	vq->order = 0;
	while ((PAGE_SIZE << vq->order) < bytes)
		vq->order++;
	vq->mem = get_free_pages(GFP_KERNEL, vq->order);
	vq->cookie_mem = kcalloc(num, sizeof(void *), GFP_KERNEL);
	if (!vq->mem || !vq->cookie_mem) {
		vq_free(vq);
		return -ENOMEM;
	}
	err = virtq_init(&vq->ring, num, vq->mem, VIRTQ_LEGACY_ALIGN,
			 vq->cookie_mem);
	if (err) {
		vq_free(vq);
		return err;
	}
	vq->vdev = vd;
	vq->index = index;
	return 0;
}

int virtio_find_vqs(struct virtio_device *vd, unsigned int n,
		    const vq_callback_t *callbacks, unsigned int max_size)
{
	struct virtqueue *vqs = kcalloc(n, sizeof(*vqs), GFP_KERNEL);
	unsigned int i;
	int err = 0;

	if (!vqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		vqs[i].callback = callbacks[i];
		err = vq_alloc(vd, &vqs[i], i, max_size);
		if (!err)
			err = vd->ops->queue_activate(vd, &vqs[i]);
		if (err) {
			if (vqs[i].mem)
				i++;
			goto out_free;
		}
	}
	vd->vqs = vqs;
	vd->nr_vqs = n;
	err = vd->ops->setup_irq(vd);
	if (!err)
		return 0;
	vd->vqs = NULL;
	vd->nr_vqs = 0;
out_free:
	/* The caller marks the device FAILED and resets it: the rings we
	 * free here are no longer the device's to touch after that. */
	vd->ops->reset(vd);
	while (i--)
		vq_free(&vqs[i]);
	kfree(vqs);
	return err;
}

void virtio_device_ready(struct virtio_device *vd)
{
	add_status(vd, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_vq_interrupt(struct virtio_device *vd, struct virtqueue *vq)
{
	if (vq) {
		if (vq->callback)
			vq->callback(vq);
		return;
	}
	for (unsigned int i = 0; i < vd->nr_vqs; i++)
		if (vd->vqs[i].callback)
			vd->vqs[i].callback(&vd->vqs[i]);
}

void virtio_kick(struct virtqueue *vq)
{
	if (virtq_kick_prepare(&vq->ring))
		vq->vdev->ops->notify(vq);
}

/*
 * Virtio (spec 1.2): split virtqueues, the device/driver model with feature
 * negotiation, and the interface the two transports (virtio-pci, virtio-mmio)
 * implement. The ring logic (struct virtq, drivers/virtio/virtq.c) touches
 * only memory, so tests/unit builds it on the host. See docs/virtio.md.
 */
#ifndef FERRITE_VIRTIO_H
#define FERRITE_VIRTIO_H

#include <ferrite/types.h>
#include <ferrite/compiler.h>
#include <ferrite/list.h>

/* Device status bits (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport feature bits (spec 6). */
#define VIRTIO_F_ANY_LAYOUT		27	/* legacy only */
#define VIRTIO_F_RING_INDIRECT_DESC	28
#define VIRTIO_F_RING_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34

#define VIRTIO_ID_NET			1

/* ---- split virtqueue layout (spec 2.7), little-endian on x86 ---------- */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* device writes (else reads) */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

struct virtq_desc {
	u64 addr;	/* guest-physical */
	u32 len;
	u16 flags;
	u16 next;
};

struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};

struct virtq_used_elem {
	u32 id;		/* head of the finished chain */
	u32 len;	/* bytes the device wrote */
};

struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[];
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "used elem is 8 bytes");

/*
 * The legacy layout, used for every transport: descriptors, then the
 * available ring, then the used ring at the next @align boundary. Modern
 * devices accept any placement, legacy ones (QueuePFN) insist on this.
 */
#define VIRTQ_LEGACY_ALIGN	4096
size_t virtq_ring_bytes(unsigned int num, size_t align);

/* One buffer segment of a chain: guest-physical address and length. */
struct virtq_sg {
	u64 addr;
	u32 len;
};

/*
 * BUFFER OWNERSHIP — the rule the whole driver stack relies on:
 *
 *  - A buffer belongs to the DRIVER until virtq_add() publishes its chain
 *    (the avail->idx store after a release fence). From then on it belongs
 *    to the DEVICE: the driver must not read or write it, nor its
 *    descriptors, nor free it.
 *  - It comes back to the DRIVER when virtq_get_used() returns its cookie:
 *    the device wrote used->ring[] and then used->idx, and the acquire
 *    fence after our read of used->idx makes the data visible. The
 *    descriptors go back to the free list at that moment.
 *  - virtq_detach() (after a device reset, which ends the device's claim on
 *    everything) hands every outstanding buffer back for freeing.
 *
 * Descriptor table, avail ring and free list: written by the driver only.
 * Used ring: written by the device only. A struct virtq is not locked
 * here: its owner serialises all calls (virtio-net: the net lock).
 */
struct virtq {
	unsigned int num;		/* ring size, a power of two */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	void **cookies;			/* per head: the caller's token */
	u16 free_head;			/* first free descriptor */
	u16 num_free;
	u16 avail_idx;			/* our copy of avail->idx */
	u16 last_used;			/* next used->ring slot to read */
	u16 added;			/* chains added since the last kick */
};

/*
 * Lay out a ring of @num entries (power of two, <= 32768) in @mem, zeroed
 * here, of virtq_ring_bytes(num, align) bytes; @cookies holds @num
 * pointers. 0 or -EINVAL.
 */
int virtq_init(struct virtq *vq, unsigned int num, void *mem, size_t align,
	       void **cookies);
/*
 * Queue one chain: @nout device-readable segments, then @nin
 * device-writable ones. @cookie (not NULL) comes back from
 * virtq_get_used(). 0, -ENOSPC (not enough free descriptors), -EINVAL.
 */
int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned int nout,
	      unsigned int nin, void *cookie);
/* After adds: must the device be notified? (It may ask not to be.) */
bool virtq_kick_prepare(struct virtq *vq);
/* Next finished chain's cookie and written length, or NULL if none. */
void *virtq_get_used(struct virtq *vq, u32 *len);
bool virtq_has_used(const struct virtq *vq);
/* Ask the device not to interrupt / to interrupt again. enable_cb returns
 * true if buffers finished meanwhile (poll again before sleeping). */
void virtq_disable_cb(struct virtq *vq);
bool virtq_enable_cb(struct virtq *vq);
/* After a reset: return one outstanding cookie and free its chain; NULL
 * when none is left. */
void *virtq_detach(struct virtq *vq);

/* ---- devices, drivers, transports ------------------------------------ */

struct virtio_device;
struct virtqueue;

typedef void (*vq_callback_t)(struct virtqueue *vq);

/*
 * A transport's queue: the ring plus where it lives. Legend: [I] set up by
 * virtio_find_vqs before DRIVER_OK; ring: see struct virtq.
 */
struct virtqueue {
	struct virtq ring;
	struct virtio_device *vdev;	/* [I] */
	unsigned int index;		/* [I] queue number on the device */
	vq_callback_t callback;		/* [I] interrupt context; may be NULL */
	void *mem;			/* [I] ring memory, 2^order pages */
	unsigned int order;		/* [I] */
	void *cookie_mem;		/* [I] the ring's cookie array */
	void *notify;			/* [I] transport's doorbell (MMIO/port) */
	u16 notify_data;		/* [I] value written to ring it */
	void *priv;			/* [I] the driver's */
};

/* What a transport provides (virtio_pci.c, virtio_mmio.c). */
struct virtio_config_ops {
	u64 (*get_features)(struct virtio_device *vd);
	void (*set_features)(struct virtio_device *vd, u64 features);
	u8 (*get_status)(struct virtio_device *vd);
	void (*set_status)(struct virtio_device *vd, u8 status);
	void (*reset)(struct virtio_device *vd);	/* waits until done */
	/* Device-specific configuration space, byte by byte. */
	u8 (*config_read8)(struct virtio_device *vd, unsigned int off);
	/* Largest queue size for @index, 0 if the queue does not exist. */
	unsigned int (*queue_max)(struct virtio_device *vd, unsigned int index);
	/* Tell the device where @vq's (laid out) ring is; enable it. */
	int (*queue_activate)(struct virtio_device *vd, struct virtqueue *vq);
	void (*notify)(struct virtqueue *vq);
	/* Hook up interrupts for every queue set up so far. 0 or -errno. */
	int (*setup_irq)(struct virtio_device *vd);
};

/*
 * One device. Legend: [I] set before virtio_add_device / during probe,
 * read-only after DRIVER_OK.
 */
struct virtio_device {
	char name[24];			/* [I] e.g. "virtio-pci 00:03.0" */
	u32 device_id;			/* [I] VIRTIO_ID_* */
	bool legacy;			/* [I] pre-1.0 transport */
	u64 features;			/* [I] negotiated */
	const struct virtio_config_ops *ops;	/* [I] */
	void *transport;		/* [I] the transport's state */
	struct virtqueue *vqs;		/* [I] virtio_find_vqs */
	unsigned int nr_vqs;		/* [I] */
	struct virtio_driver *driver;	/* [I] once bound */
	void *priv;			/* [I] the driver's */
	struct list_head node;		/* virtio_lock: all devices */
};

struct virtio_driver {
	const char *name;
	u32 device_id;
	u64 features;		/* the optional bits this driver can use */
	int (*probe)(struct virtio_device *vd);
	struct list_head node;	/* virtio_lock */
};

static inline bool virtio_has_feature(const struct virtio_device *vd,
				      unsigned int bit)
{
	return (vd->features >> bit) & 1;
}

/* Transports: a device was found; binds it if a driver matches. */
int virtio_add_device(struct virtio_device *vd);
/* Drivers: register, binding every device already found. */
int virtio_register_driver(struct virtio_driver *drv);

/*
 * From probe: allocate @n queues (up to @max_size entries each), activate
 * them and their interrupts. 0 or -errno (nothing left allocated).
 */
int virtio_find_vqs(struct virtio_device *vd, unsigned int n,
		    const vq_callback_t *callbacks, unsigned int max_size);
/* From probe, when the queues are filled: set DRIVER_OK. */
void virtio_device_ready(struct virtio_device *vd);
/* Transports' interrupt handlers: a queue (or all, @vq NULL) has news. */
void virtio_vq_interrupt(struct virtio_device *vd, struct virtqueue *vq);
/* Ring @vq's doorbell if the device wants it (after virtq_add). */
void virtio_kick(struct virtqueue *vq);

#endif

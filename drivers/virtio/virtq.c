/*
 * Split virtqueue ring logic: descriptor free list, publishing chains on the
 * available ring, reaping the used ring. Pure memory manipulation with
 * fences, no allocation and no hardware, so the host unit test
 * (tests/unit/test_virtq.c) runs it against a simulated device.
 */
#include <ferrite/errno.h>
#include <ferrite/string.h>
#include <ferrite/virtio.h>

/*
 * x86 keeps stores in order and loads in order, so release/acquire cost
 * nothing but a compiler barrier; a full fence is needed only where a
 * store must be visible before a later load (publishing avail->idx, then
 * reading the device's used->flags).
 */
#define virtq_release()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define virtq_acquire()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtq_full_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

static size_t avail_bytes(unsigned int num)
{
	return sizeof(struct virtq_avail) + 2 * num + 2;	/* + used_event */
}

size_t virtq_ring_bytes(unsigned int num, size_t align)
{
	size_t used_off = ALIGN_UP(sizeof(struct virtq_desc) * num +
				   avail_bytes(num), align);

	return used_off + ALIGN_UP(sizeof(struct virtq_used) +
				   sizeof(struct virtq_used_elem) * num + 2,
				   align);
}

int virtq_init(struct virtq *vq, unsigned int num, void *mem, size_t align,
	       void **cookies)
{
	u8 *base = mem;

	if (num == 0 || num > 32768 || (num & (num - 1)) || !align ||
	    (align & (align - 1)))
		return -EINVAL;
	memset(mem, 0, virtq_ring_bytes(num, align));
	vq->num = num;
	vq->desc = mem;
	vq->avail = (struct virtq_avail *)(base + sizeof(struct virtq_desc) * num);
	vq->used = (struct virtq_used *)(base +
		ALIGN_UP(sizeof(struct virtq_desc) * num + avail_bytes(num),
			 align));
	vq->cookies = cookies;
	for (unsigned int i = 0; i < num; i++) {
		vq->desc[i].next = (u16)((i + 1) & (num - 1));
		cookies[i] = NULL;
	}
	vq->free_head = 0;
	/* A u16 cannot count 32768 free entries: one stays unused then. */
	vq->num_free = (u16)(num == 32768 ? 32767 : num);
	vq->avail_idx = 0;
	vq->last_used = 0;
	vq->added = 0;
	return 0;
}

int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned int nout,
	      unsigned int nin, void *cookie)
{
	unsigned int total = nout + nin;
	u16 head = vq->free_head, i = head, last = head;

	if (!cookie || total == 0 || total > vq->num)
		return -EINVAL;
	if (total > vq->num_free)
		return -ENOSPC;
	/* Fill the chain while the buffers are still ours: nothing the
	 * device can see points at these descriptors yet. */
	for (unsigned int n = 0; n < total; n++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = sg[n].addr;
		d->len = sg[n].len;
		d->flags = (n >= nout ? VIRTQ_DESC_F_WRITE : 0) |
			   (n + 1 < total ? VIRTQ_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= total;
	vq->cookies[head] = cookie;
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	/* The descriptors and the ring slot before the index: once the index
	 * moves, ownership of the chain passes to the device. */
	virtq_release();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	vq->added++;
	return 0;
}

bool virtq_kick_prepare(struct virtq *vq)
{
	bool kick;

	if (!vq->added)
		return false;
	vq->added = 0;
	/* Our avail->idx store must be visible before we read the device's
	 * flag, or we could skip a kick the device is waiting for. */
	virtq_full_mb();
	kick = !(READ_ONCE(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
	return kick;
}

bool virtq_has_used(const struct virtq *vq)
{
	return vq->last_used != READ_ONCE(vq->used->idx);
}

/* Put the chain starting at @head back on the free list. */
static void free_chain(struct virtq *vq, u16 head)
{
	u16 i = head;
	unsigned int n = 1;

	while ((vq->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < vq->num) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
	vq->cookies[head] = NULL;
}

void *virtq_get_used(struct virtq *vq, u32 *len)
{
	struct virtq_used_elem e;
	void *cookie;

	while (virtq_has_used(vq)) {
		/* The ring entry and the buffer contents were written before
		 * the device moved used->idx; read them only after it. */
		virtq_acquire();
		e = vq->used->ring[vq->last_used & (vq->num - 1)];
		vq->last_used++;
		/* A head we never gave out means a broken device: skipping
		 * the entry keeps our free list intact. */
		if (e.id >= vq->num || !vq->cookies[e.id])
			continue;
		cookie = vq->cookies[e.id];
		free_chain(vq, (u16)e.id);
		if (len)
			*len = e.len;
		return cookie;
	}
	return NULL;
}

void virtq_disable_cb(struct virtq *vq)
{
	WRITE_ONCE(vq->avail->flags,
		   vq->avail->flags | VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtq_enable_cb(struct virtq *vq)
{
	WRITE_ONCE(vq->avail->flags,
		   vq->avail->flags & ~VIRTQ_AVAIL_F_NO_INTERRUPT);
	/* The flag store before the used->idx load: a buffer finished just
	 * before the store would otherwise go unnoticed until the next one. */
	virtq_full_mb();
	return virtq_has_used(vq);
}

void *virtq_detach(struct virtq *vq)
{
	for (unsigned int i = 0; i < vq->num; i++) {
		void *cookie = vq->cookies[i];

		if (cookie) {
			free_chain(vq, (u16)i);
			return cookie;
		}
	}
	return NULL;
}

/*
 * Host tests of the split virtqueue (drivers/virtio/virtq.c) against a
 * simulated device that consumes the available ring and completes chains
 * in any order, the way a real device is allowed to.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/errno.h>
#include <ferrite/virtio.h>
#include "unit.h"

struct ring {
	struct virtq vq;
	void *mem;
	void *cookies[256];
	u16 dev_avail;		/* device: next avail slot to consume */
};

static void ring_setup(struct ring *r, unsigned int num)
{
	memset(r, 0, sizeof(*r));
	r->mem = aligned_alloc(4096, virtq_ring_bytes(num, 4096));
	EXPECT_EQ(virtq_init(&r->vq, num, r->mem, 4096, r->cookies), 0);
}

static void ring_free(struct ring *r)
{
	free(r->mem);
}

/* Device: take the next available head, or -1. */
static int dev_pop(struct ring *r)
{
	struct virtq *vq = &r->vq;

	if (r->dev_avail == vq->avail->idx)
		return -1;
	return vq->avail->ring[r->dev_avail++ & (vq->num - 1)];
}

/* Device: finish @head having written @len bytes. */
static void dev_push(struct ring *r, int head, u32 len)
{
	struct virtq *vq = &r->vq;
	struct virtq_used_elem *e = &vq->used->ring[vq->used->idx & (vq->num - 1)];

	e->id = (u32)head;
	e->len = len;
	vq->used->idx++;
}

static unsigned int chain_len(struct ring *r, int head)
{
	unsigned int n = 1;
	u16 i = (u16)head;

	while (r->vq.desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = r->vq.desc[i].next;
		n++;
	}
	return n;
}

TEST(virtq_init_rejects_bad_sizes)
{
	struct virtq vq;
	void *cookies[8];
	static char mem[65536] __attribute__((aligned(4096)));

	EXPECT_EQ(virtq_init(&vq, 0, mem, 4096, cookies), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 6, mem, 4096, cookies), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 8, mem, 3, cookies), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 8, mem, 4096, cookies), 0);
	EXPECT_EQ(vq.num_free, 8);
}

TEST(virtq_layout_matches_legacy_spec)
{
	struct ring r;

	ring_setup(&r, 256);
	/* 256 * 16 descriptor bytes, avail ring right after, used at 8 KiB. */
	EXPECT_EQ((char *)r.vq.avail - (char *)r.mem, 4096);
	EXPECT_EQ((char *)r.vq.used - (char *)r.mem, 8192);
	EXPECT_EQ(virtq_ring_bytes(256, 4096), 12288);
	ring_free(&r);
}

TEST(virtq_add_then_get_used_round_trip)
{
	struct ring r;
	char out[10], in[20];
	struct virtq_sg sg[2] = {
		{ (u64)(uintptr_t)out, sizeof(out) },
		{ (u64)(uintptr_t)in, sizeof(in) },
	};
	u32 len = 0;
	int head;

	ring_setup(&r, 8);
	EXPECT_EQ(virtq_add(&r.vq, sg, 1, 1, out), 0);
	EXPECT_EQ(r.vq.num_free, 6);
	EXPECT(virtq_get_used(&r.vq, &len) == NULL);
	head = dev_pop(&r);
	EXPECT(head >= 0);
	EXPECT_EQ(chain_len(&r, head), 2);
	EXPECT_EQ(r.vq.desc[head].flags, VIRTQ_DESC_F_NEXT);
	EXPECT_EQ(r.vq.desc[r.vq.desc[head].next].flags, VIRTQ_DESC_F_WRITE);
	EXPECT_EQ(r.vq.desc[r.vq.desc[head].next].len, 20);
	dev_push(&r, head, 17);
	EXPECT(virtq_has_used(&r.vq));
	EXPECT(virtq_get_used(&r.vq, &len) == out);
	EXPECT_EQ(len, 17);
	EXPECT_EQ(r.vq.num_free, 8);
	EXPECT(!virtq_has_used(&r.vq));
	ring_free(&r);
}

TEST(virtq_full_ring_gives_enospc_and_recovers)
{
	struct ring r;
	char buf[4];
	struct virtq_sg sg[3] = { { 1, 1 }, { 2, 2 }, { 3, 3 } };
	int i;

	ring_setup(&r, 8);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(virtq_add(&r.vq, sg, 1, 1, &buf[i]), 0);
	EXPECT_EQ(virtq_add(&r.vq, sg, 1, 0, &buf[0]), -ENOSPC);
	EXPECT_EQ(virtq_add(&r.vq, sg, 0, 0, &buf[0]), -EINVAL);
	EXPECT_EQ(virtq_add(&r.vq, sg, 1, 0, NULL), -EINVAL);
	dev_push(&r, dev_pop(&r), 0);
	EXPECT(virtq_get_used(&r.vq, NULL) == &buf[0]);
	EXPECT_EQ(virtq_add(&r.vq, sg, 2, 0, &buf[0]), 0);
	EXPECT_EQ(virtq_add(&r.vq, sg, 3, 0, &buf[0]), -ENOSPC);
	ring_free(&r);
}

/* Completion order differs from submission order; chains of mixed length
 * and u16 index wrap-around must leave the free list whole. */
TEST(virtq_out_of_order_completion_many_rounds)
{
	struct ring r;
	static char tok[64];
	struct virtq_sg sg[3] = { { 1, 1 }, { 2, 2 }, { 3, 3 } };
	int heads[64];
	unsigned int seed = 1;

	ring_setup(&r, 64);
	for (int round = 0; round < 20000; round++) {
		int n = 0, added = 0, got = 0;

		while (added < 20) {
			unsigned int segs = 1 + (seed = seed * 1103515245 + 12345) % 3;

			if (virtq_add(&r.vq, sg, segs - 1, 1, &tok[added]))
				break;
			added++;
		}
		EXPECT(added >= 16);
		while ((heads[n] = dev_pop(&r)) >= 0)
			n++;
		EXPECT_EQ(n, added);
		/* Finish them backwards. */
		for (int k = n - 1; k >= 0; k--)
			dev_push(&r, heads[k], (u32)k);
		while (virtq_get_used(&r.vq, NULL))
			got++;
		EXPECT_EQ(got, added);
		EXPECT_EQ(r.vq.num_free, 64);
		if (r.vq.num_free != 64)
			break;
	}
	EXPECT(r.vq.avail_idx == r.vq.avail->idx);
	ring_free(&r);
}

TEST(virtq_kick_respects_no_notify)
{
	struct ring r;
	struct virtq_sg sg = { 1, 1 };
	char c;

	ring_setup(&r, 8);
	EXPECT(!virtq_kick_prepare(&r.vq));	/* nothing added */
	virtq_add(&r.vq, &sg, 1, 0, &c);
	EXPECT(virtq_kick_prepare(&r.vq));
	EXPECT(!virtq_kick_prepare(&r.vq));	/* already kicked */
	r.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	virtq_add(&r.vq, &sg, 1, 0, &c);
	EXPECT(!virtq_kick_prepare(&r.vq));
	ring_free(&r);
}

TEST(virtq_enable_cb_reports_pending)
{
	struct ring r;
	struct virtq_sg sg = { 1, 1 };
	char c;

	ring_setup(&r, 8);
	virtq_disable_cb(&r.vq);
	EXPECT_EQ(r.vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_add(&r.vq, &sg, 0, 1, &c);
	EXPECT(!virtq_enable_cb(&r.vq));
	EXPECT_EQ(r.vq.avail->flags, 0);
	dev_push(&r, dev_pop(&r), 1);
	EXPECT(virtq_enable_cb(&r.vq));
	ring_free(&r);
}

TEST(virtq_bogus_used_id_is_skipped)
{
	struct ring r;
	struct virtq_sg sg = { 1, 1 };
	char c;

	ring_setup(&r, 8);
	virtq_add(&r.vq, &sg, 0, 1, &c);
	dev_push(&r, 7, 1);		/* never handed out */
	dev_push(&r, 99, 1);		/* out of range */
	dev_push(&r, dev_pop(&r), 1);
	EXPECT(virtq_get_used(&r.vq, NULL) == &c);
	EXPECT(virtq_get_used(&r.vq, NULL) == NULL);
	EXPECT_EQ(r.vq.num_free, 8);
	ring_free(&r);
}

TEST(virtq_detach_returns_every_outstanding_buffer)
{
	struct ring r;
	struct virtq_sg sg[2] = { { 1, 1 }, { 2, 2 } };
	char toks[3];
	int n = 0;

	ring_setup(&r, 8);
	for (int i = 0; i < 3; i++)
		virtq_add(&r.vq, sg, 1, 1, &toks[i]);
	while (virtq_detach(&r.vq))
		n++;
	EXPECT_EQ(n, 3);
	EXPECT_EQ(r.vq.num_free, 8);
	ring_free(&r);
}

/*
 * vm_object: a refcounted, sparse array of pages indexed by page number.
 * tmpfs regular files keep their data in one; shared anonymous mappings
 * get a fresh one so that parent and child of a fork see the same pages.
 * Pages live in chunks of VM_CHUNK_PAGES slots, kept in an rbtree by
 * their first index, so a sparse file costs memory only where it has data.
 */
#include <ferrite/errno.h>
#include <ferrite/err.h>
#include <ferrite/printk.h>
#include <ferrite/vm.h>

#define VM_CHUNK_PAGES	64

struct vm_chunk {
	struct rb_node node;		/* in obj->chunks, keyed by base */
	u64 base;			/* index of pages[0], chunk aligned */
	unsigned int count;		/* non-NULL slots */
	struct page *pages[VM_CHUNK_PAGES];
};

struct vm_object *vm_object_create(void)
{
	struct vm_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return NULL;
	obj->refcount = 1;
	mutex_init(&obj->lock);
	obj->chunks = RB_ROOT;
	return obj;
}

void vm_object_get(struct vm_object *obj)
{
	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_RELAXED);
}

static struct vm_chunk *chunk_find(struct vm_object *obj, u64 base)
{
	struct rb_node *n = obj->chunks.rb_node;

	while (n) {
		struct vm_chunk *c = rb_entry(n, struct vm_chunk, node);

		if (base < c->base)
			n = n->rb_left;
		else if (base > c->base)
			n = n->rb_right;
		else
			return c;
	}
	return NULL;
}

static void chunk_insert(struct vm_object *obj, struct vm_chunk *c)
{
	struct rb_node **link = &obj->chunks.rb_node, *parent = NULL;

	while (*link) {
		struct vm_chunk *o = rb_entry(*link, struct vm_chunk, node);

		parent = *link;
		link = c->base < o->base ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&c->node, parent, link);
	rb_insert_color(&c->node, &obj->chunks);
}

struct page *vm_object_get_page(struct vm_object *obj, u64 index, bool alloc)
{
	u64 base = ALIGN_DOWN(index, (u64)VM_CHUNK_PAGES);
	unsigned int slot = index - base;
	struct vm_chunk *c;
	struct page *p = NULL;

	mutex_lock(&obj->lock);
	c = chunk_find(obj, base);
	if (c && c->pages[slot]) {
		p = c->pages[slot];
		goto out_ref;
	}
	if (!alloc)
		goto out_unlock;
	if (!c) {
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			p = ERR_PTR(-ENOMEM);
			goto out_unlock;
		}
		c->base = base;
		chunk_insert(obj, c);
	}
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!p) {
		/* An empty chunk is harmless, but do not keep it around. */
		if (!c->count) {
			rb_erase(&c->node, &obj->chunks);
			kfree(c);
		}
		p = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	c->pages[slot] = p;	/* the allocation's reference is the object's */
	c->count++;
	obj->nr_pages++;
out_ref:
	get_page(p);
out_unlock:
	mutex_unlock(&obj->lock);
	return p;
}

bool vm_object_has_page(struct vm_object *obj, u64 index)
{
	u64 base = ALIGN_DOWN(index, (u64)VM_CHUNK_PAGES);
	struct vm_chunk *c;
	bool ret;

	mutex_lock(&obj->lock);
	c = chunk_find(obj, base);
	ret = c && c->pages[index - base];
	mutex_unlock(&obj->lock);
	return ret;
}

/* Drop pages at index >= @first from @c; true when the chunk is empty. */
static bool chunk_truncate(struct vm_object *obj, struct vm_chunk *c, u64 first)
{
	unsigned int i = first > c->base ? first - c->base : 0;

	for (; i < VM_CHUNK_PAGES; i++) {
		if (!c->pages[i])
			continue;
		put_page(c->pages[i]);
		c->pages[i] = NULL;
		c->count--;
		obj->nr_pages--;
	}
	return c->count == 0;
}

/*
 * Pages still mapped by some address space keep their PTE references
 * and stay readable there (Linux would unmap them and raise SIGBUS on
 * the next touch; there is no reverse map to do that yet).
 */
void vm_object_truncate(struct vm_object *obj, u64 first)
{
	struct rb_node *n;

	mutex_lock(&obj->lock);
	n = rb_last(&obj->chunks);
	while (n) {
		struct vm_chunk *c = rb_entry(n, struct vm_chunk, node);
		struct rb_node *prev = rb_prev(n);

		if (c->base + VM_CHUNK_PAGES <= first)
			break;
		if (chunk_truncate(obj, c, first)) {
			rb_erase(&c->node, &obj->chunks);
			kfree(c);
		}
		n = prev;
	}
	mutex_unlock(&obj->lock);
}

void vm_object_put(struct vm_object *obj)
{
	if (!obj || __atomic_sub_fetch(&obj->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	vm_object_truncate(obj, 0);
	WARN_ON(obj->nr_pages != 0);
	kfree(obj);
}

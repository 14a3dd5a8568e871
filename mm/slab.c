/*
 * Slab allocator and kmalloc. A slab is one buddy page cut into equal
 * objects; its metadata (free list, use count, owning cache) lives in the
 * struct page. kmalloc sizes above 2 KiB take whole pages from the buddy.
 * The public entry points ask the fail_alloc hook once (CONFIG_FAIL_ALLOC);
 * the pages behind them come from the buddy without asking again.
 */
#include <ferrite/fail_alloc.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/selftest.h>
#include <ferrite/spinlock.h>

#define SLAB_POISON	0x6b	/* free object bytes, past the link word */
#define SLAB_NAME_MAX	24

#ifdef CONFIG_FAIL_ALLOC
#define slab_alloc_pages	__alloc_pages

/*
 * Who allocated each live object, for the leak hunt of fail_alloc runs:
 * an open-addressing table (linear probing, backward-shift deletion) of
 * object address -> caller. Objects born before the initcall, or when the
 * table is full, are simply not listed.
 */
#define OWNER_ORDER	6
#define OWNER_SLOTS	((PAGE_SIZE << OWNER_ORDER) / sizeof(struct obj_owner))
struct obj_owner {
	uintptr_t obj;		/* 0: empty slot */
	uintptr_t caller;
};
static struct obj_owner *obj_owners;	/* [I] pointer; slots [owner_lock] */
static DEFINE_SPINLOCK(owner_lock);

static size_t owner_hash(uintptr_t obj)
{
	return (size_t)((obj >> 3) * 0x9e3779b97f4a7c15ULL >> 20) %
	       OWNER_SLOTS;
}

static void owner_add(const void *obj, void *caller)
{
	unsigned long flags;
	size_t i, n;

	if (!obj_owners || ZERO_OR_NULL_PTR(obj))
		return;
	flags = spin_lock_irqsave(&owner_lock);
	for (i = owner_hash((uintptr_t)obj), n = 0; n < OWNER_SLOTS;
	     i = (i + 1) % OWNER_SLOTS, n++) {
		if (!obj_owners[i].obj || obj_owners[i].obj == (uintptr_t)obj) {
			obj_owners[i].obj = (uintptr_t)obj;
			obj_owners[i].caller = (uintptr_t)caller;
			break;
		}
	}
	spin_unlock_irqrestore(&owner_lock, flags);
}

static void owner_del(const void *obj)
{
	unsigned long flags;
	size_t i, j, n;

	if (!obj_owners)
		return;
	flags = spin_lock_irqsave(&owner_lock);
	for (i = owner_hash((uintptr_t)obj), n = 0; n < OWNER_SLOTS;
	     i = (i + 1) % OWNER_SLOTS, n++) {
		if (!obj_owners[i].obj)
			goto out;
		if (obj_owners[i].obj == (uintptr_t)obj)
			break;
	}
	if (n == OWNER_SLOTS)
		goto out;
	/* Shift back the entries that probed past the hole. */
	for (j = (i + 1) % OWNER_SLOTS; obj_owners[j].obj;
	     j = (j + 1) % OWNER_SLOTS) {
		size_t h = owner_hash(obj_owners[j].obj);

		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			obj_owners[i] = obj_owners[j];
			i = j;
		}
	}
	obj_owners[i].obj = 0;
out:
	spin_unlock_irqrestore(&owner_lock, flags);
}
#else
#define slab_alloc_pages	alloc_pages
static inline void owner_add(const void *obj, void *caller)
{
}

static inline void owner_del(const void *obj)
{
}
#endif

/*
 * Lock order: cache_list_lock, then a cache's lock, then the buddy lock.
 * A cache lock is never held across alloc_pages()/free_pages() though:
 * slabs are built and destroyed outside it.
 */
struct kmem_cache {
	char name[SLAB_NAME_MAX];	/* [I] */
	u32 size;			/* [I] object stride, >= 8 */
	u32 objs_per_slab;		/* [I] */
	spinlock_t lock;
	struct list_head partial;	/* [lock] slabs with free and used objects */
	struct list_head full;		/* [lock] slabs with no free object */
	struct page *empty;		/* [lock] one spare all-free slab or NULL */
	u64 in_use;			/* [lock] objects handed out */
	u64 nr_slabs;			/* [lock] partial + full + empty */
	struct list_head link;		/* [cache_list_lock] */
};

static DEFINE_SPINLOCK(cache_list_lock);
static LIST_HEAD(cache_list);		/* [cache_list_lock] */

/* Bootstrap: the cache that kmem_cache structs come from. */
static struct kmem_cache cache_cache;

static const u16 kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048
};
static const char *const kmalloc_names[] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
	"kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
	"kmalloc-1024", "kmalloc-2048"
};
_Static_assert(ARRAY_SIZE(kmalloc_sizes) == ARRAY_SIZE(kmalloc_names),
	       "one name per kmalloc size class");
_Static_assert(KMALLOC_MAX_CACHE_SIZE == 2048, "largest kmalloc class");

static struct kmem_cache *kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];	/* [I] */
static u64 kmalloc_large_in_use;	/* [atomic] live page-backed kmallocs */

static void cache_setup(struct kmem_cache *c, const char *name, u32 size)
{
	unsigned int i;

	for (i = 0; i + 1 < SLAB_NAME_MAX && name[i]; i++)
		c->name[i] = name[i];
	c->name[i] = '\0';
	c->size = size;
	c->objs_per_slab = PAGE_SIZE / size;
	spin_lock_init(&c->lock);
	list_init(&c->partial);
	list_init(&c->full);
	c->empty = NULL;
	c->in_use = 0;
	c->nr_slabs = 0;
	list_init(&c->link);
}

static void cache_publish(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&cache_list_lock);

	list_add_tail(&c->link, &cache_list);
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

static inline void *obj_next(void *obj)
{
	return *(void **)obj;
}

static inline void obj_set_next(void *obj, void *next)
{
	*(void **)obj = next;
}

/* Free objects hold their free-list link in the first word, poison after. */
static void obj_poison(struct kmem_cache *c, void *obj)
{
#ifdef CONFIG_DEBUG_CHECKS
	__builtin_memset((char *)obj + sizeof(void *), SLAB_POISON,
			 c->size - sizeof(void *));
#endif
}

/*
 * Build a slab outside any lock: the page is private until the caller
 * links it into the cache.
 */
static struct page *slab_new(struct kmem_cache *c, gfp_t gfp)
{
	struct page *pg = slab_alloc_pages(gfp & ~__GFP_ZERO, 0);
	char *base;
	u32 i;

	if (!pg)
		return NULL;
	base = page_address(pg);
	pg->flags |= PG_SLAB;
	pg->slab_cache = c;
	pg->inuse = 0;
	pg->freelist = base;
	for (i = 0; i < c->objs_per_slab; i++) {
		void *obj = base + (size_t)i * c->size;

		obj_poison(c, obj);
		obj_set_next(obj, i + 1 < c->objs_per_slab ?
			     base + (size_t)(i + 1) * c->size : NULL);
	}
	return pg;
}

static void slab_release(struct page *pg)
{
	pg->flags &= ~PG_SLAB;
	pg->slab_cache = NULL;
	pg->freelist = NULL;
	free_pages(pg, 0);
}

/* Pop an object from a slab that has one. Caller holds c->lock. */
static void *slab_take(struct kmem_cache *c, struct page *pg)
{
	uintptr_t base = (uintptr_t)page_address(pg);
	void *obj = pg->freelist;
	void *next = obj_next(obj);

	/*
	 * A write after free that hit the link word would send the next
	 * allocation anywhere: drop the rest of this slab's list instead.
	 */
	if (WARN_ON(next && ((uintptr_t)next < base ||
			     (uintptr_t)next >= base + PAGE_SIZE)))
		next = NULL;
	pg->freelist = next;
	pg->inuse++;
	c->in_use++;
	list_del(&pg->list);
	list_add(&pg->list, pg->freelist ? &c->partial : &c->full);
	return obj;
}

#ifdef CONFIG_DEBUG_CHECKS
/* A write after free leaves a mark in the poison: report it once. */
static void obj_check_poison(struct kmem_cache *c, void *obj)
{
	const u8 *b = (const u8 *)obj + sizeof(void *);
	u32 i;

	for (i = 0; i < c->size - sizeof(void *); i++) {
		if (b[i] != SLAB_POISON) {
			pr_err("slab %s: object %p written after free (+%u)\n",
			       c->name, obj, (unsigned int)(i + sizeof(void *)));
			WARN_ON(1);
			return;
		}
	}
}
#endif

static void *cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	struct page *pg = NULL;
	unsigned long flags;
	void *obj;

	flags = spin_lock_irqsave(&c->lock);
	if (list_empty(&c->partial) && !c->empty) {
		spin_unlock_irqrestore(&c->lock, flags);
		pg = slab_new(c, gfp);
		if (!pg)
			return NULL;
		flags = spin_lock_irqsave(&c->lock);
		/* Someone may have freed meanwhile; ours is then the spare. */
		c->nr_slabs++;
		list_add(&pg->list, &c->partial);
	}
	if (!list_empty(&c->partial)) {
		obj = slab_take(c, list_first_entry(&c->partial, struct page,
						    list));
	} else {
		struct page *spare = c->empty;

		c->empty = NULL;
		list_init(&spare->list);
		obj = slab_take(c, spare);
	}
	spin_unlock_irqrestore(&c->lock, flags);
#ifdef CONFIG_DEBUG_CHECKS
	obj_check_poison(c, obj);
#endif
	if (gfp & __GFP_ZERO)
		__builtin_memset(obj, 0, c->size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	void *caller = __builtin_return_address(0), *obj;

	if (fail_alloc_should_fail(gfp, caller))
		return NULL;
	obj = cache_alloc(c, gfp);
	owner_add(obj, caller);
	return obj;
}

/*
 * A double free is cheap to suspect (the object still looks free: poison
 * intact and a link that points into its slab or is NULL) and only then
 * confirmed by walking the slab's short free list. Caller holds c->lock.
 */
static bool obj_is_free(struct kmem_cache *c, struct page *pg, void *obj)
{
	uintptr_t base = (uintptr_t)page_address(pg);
	uintptr_t next = (uintptr_t)obj_next(obj);
	void *f;
	u32 n;

	if (next && (next < base || next >= base + PAGE_SIZE))
		return false;
#ifdef CONFIG_DEBUG_CHECKS
	{
		const u8 *b = (const u8 *)obj + sizeof(void *);
		u32 i;

		for (i = 0; i < c->size - sizeof(void *); i++)
			if (b[i] != SLAB_POISON)
				return false;
	}
#endif
	for (f = pg->freelist, n = 0; f && n < c->objs_per_slab;
	     f = obj_next(f), n++)
		if (f == obj)
			return true;
	return false;
}

static bool obj_free_is_bad(struct kmem_cache *c, struct page *pg, void *obj)
{
	uintptr_t off = (uintptr_t)obj - (uintptr_t)page_address(pg);

	if (WARN_ON(!(pg->flags & PG_SLAB) || pg->slab_cache != c))
		return true;
	if (WARN_ON(off % c->size != 0 || off / c->size >= c->objs_per_slab))
		return true;
	return false;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *pg, *release = NULL;
	unsigned long flags;

	if (!obj)
		return;
	owner_del(obj);
	pg = virt_to_page(obj);
	if (obj_free_is_bad(c, pg, obj))
		return;
	flags = spin_lock_irqsave(&c->lock);
	if (WARN_ON(pg->inuse == 0 || obj_is_free(c, pg, obj)))
		goto out_unlock;
	obj_poison(c, obj);
	obj_set_next(obj, pg->freelist);
	pg->freelist = obj;
	pg->inuse--;
	c->in_use--;
	list_del(&pg->list);
	if (pg->inuse > 0) {
		list_add(&pg->list, &c->partial);
	} else if (!c->empty) {
		c->empty = pg;		/* keep one to absorb alloc/free churn */
	} else {
		c->nr_slabs--;
		release = pg;
	}
out_unlock:
	spin_unlock_irqrestore(&c->lock, flags);
	if (release)
		slab_release(release);
}

/*
 * Objects are at least a pointer wide (the free link) and a multiple of
 * @align; a slab is one page, so objects above PAGE_SIZE are refused.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align)
{
	struct kmem_cache *c;

	if (align == 0)
		align = sizeof(void *);
	if ((align & (align - 1)) != 0 || align > PAGE_SIZE || size == 0 ||
	    size > PAGE_SIZE)
		return NULL;
	size = ALIGN_UP(MAX(size, sizeof(void *)), MAX(align, sizeof(void *)));
	if (size > PAGE_SIZE)
		return NULL;
	c = cache_alloc(&cache_cache, GFP_KERNEL);
	if (!c)
		return NULL;
	cache_setup(c, name, (u32)size);
	cache_publish(c);
	return c;
}

void slab_init(void)
{
	unsigned int i;

	cache_setup(&cache_cache, "kmem_cache",
		    ALIGN_UP(sizeof(struct kmem_cache), 64));
	cache_publish(&cache_cache);
	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i],
						      kmalloc_sizes[i], 0);
		if (!kmalloc_caches[i])
			panic("slab_init: cannot create %s", kmalloc_names[i]);
	}
}

static struct kmem_cache *kmalloc_cache_for(size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		if (size <= kmalloc_sizes[i])
			return kmalloc_caches[i];
	return NULL;
}

static unsigned int pages_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order;
	struct page *pg;

	if (size > (PAGE_SIZE << (MAX_ORDER - 1)))
		return NULL;
	order = pages_order(size);
	pg = slab_alloc_pages(gfp, order);
	if (!pg)
		return NULL;
	pg->flags |= PG_HEAD;
	pg->order = order;
	__atomic_add_fetch(&kmalloc_large_in_use, 1, __ATOMIC_RELAXED);
	return page_address(pg);
}

/* kmalloc and friends; @caller is the outer caller, for the hook's log. */
static void *do_kmalloc(size_t size, gfp_t gfp, void *caller)
{
	struct kmem_cache *c;
	void *obj;

	if (size == 0)
		return ZERO_SIZE_PTR;
	if (fail_alloc_should_fail(gfp, caller))
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE) {
		obj = kmalloc_large(size, gfp);
	} else {
		c = kmalloc_cache_for(size);
		if (WARN_ON(!c))	/* kmalloc before slab_init() */
			return NULL;
		obj = cache_alloc(c, gfp);
	}
	owner_add(obj, caller);
	return obj;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, __builtin_return_address(0));
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp | __GFP_ZERO, __builtin_return_address(0));
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_kmalloc(bytes, gfp | __GFP_ZERO,
			  __builtin_return_address(0));
}

void kfree(const void *p)
{
	struct page *pg;

	if (ZERO_OR_NULL_PTR(p))
		return;
	pg = virt_to_page(p);
	if (WARN_ON(page_to_pfn(pg) >= max_pfn))	/* not a direct-map address */
		return;
	if (pg->flags & PG_HEAD)
		owner_del(p);		/* kmem_cache_free does it for slabs */
	if (pg->flags & PG_SLAB) {
		kmem_cache_free(pg->slab_cache, (void *)p);
	} else if (pg->flags & PG_HEAD) {
		if (WARN_ON(p != page_address(pg)))
			return;
		pg->flags &= ~PG_HEAD;
		__atomic_sub_fetch(&kmalloc_large_in_use, 1, __ATOMIC_RELAXED);
		free_pages(pg, pg->order);
	} else {
		WARN_ON(1);		/* not from kmalloc, or freed twice */
	}
}

u64 slab_objects_in_use(void)
{
	struct kmem_cache *c;
	unsigned long flags;
	u64 n = __atomic_load_n(&kmalloc_large_in_use, __ATOMIC_RELAXED);

	flags = spin_lock_irqsave(&cache_list_lock);
	list_for_each_entry(c, &cache_list, link)
		if (c != &cache_cache)	/* caches are not leaks */
			n += READ_ONCE(c->in_use);
	spin_unlock_irqrestore(&cache_list_lock, flags);
	return n;
}

#ifdef CONFIG_FAIL_ALLOC
u64 slab_pages_in_use(void)
{
	struct kmem_cache *c;
	unsigned long flags;
	u64 n = 0;

	flags = spin_lock_irqsave(&cache_list_lock);
	list_for_each_entry(c, &cache_list, link)
		n += READ_ONCE(c->nr_slabs);
	spin_unlock_irqrestore(&cache_list_lock, flags);
	return n;
}

static int slab_owner_init(void)
{
	obj_owners = get_free_pages(GFP_KERNEL | __GFP_ZERO, OWNER_ORDER);
	return 0;
}
initcall(INITCALL_SUBSYS, slab_owner_init);

/* "sowner_<caller>: <live objects>", like page_owner_show(). */
static int slab_show_owners(char *buf, size_t len)
{
	enum { SLOTS = 128 };
	static uintptr_t who[SLOTS];	/* [owner_lock] */
	static u64 count[SLOTS];	/* [owner_lock] */
	unsigned int used = 0, i;
	unsigned long flags;
	int n = 0;

	if (!obj_owners)
		return 0;
	flags = spin_lock_irqsave(&owner_lock);
	for (size_t s = 0; s < OWNER_SLOTS; s++) {
		if (!obj_owners[s].obj)
			continue;
		for (i = 0; i < used && who[i] != obj_owners[s].caller; i++)
			;
		if (i == used && used < SLOTS) {
			who[used] = obj_owners[s].caller;
			count[used++] = 0;
		}
		if (i < used)
			count[i]++;
	}
	spin_unlock_irqrestore(&owner_lock, flags);
	for (i = 0; i < used; i++) {
		size_t off = MIN((size_t)n, len);

		n += snprintf(buf ? buf + off : NULL, len - off,
			      "sowner_%ps: %llu\n", (void *)who[i],
			      (unsigned long long)count[i]);
	}
	return n;
}

int slab_show_caches(char *buf, size_t len)
{
	struct kmem_cache *c;
	unsigned long flags;
	int n = 0;

	flags = spin_lock_irqsave(&cache_list_lock);
	list_for_each_entry(c, &cache_list, link) {
		size_t off = MIN((size_t)n, len);

		n += snprintf(buf ? buf + off : NULL, len - off,
			      "slab_%s: %llu\n", c->name,
			      (unsigned long long)READ_ONCE(c->in_use));
	}
	spin_unlock_irqrestore(&cache_list_lock, flags);
	return n + slab_show_owners(buf ? buf + MIN((size_t)n, len) : NULL,
				    len - MIN((size_t)n, len));
}
#endif

void slab_dump(void)
{
	struct kmem_cache *c;
	unsigned long flags;

	flags = spin_lock_irqsave(&cache_list_lock);
	pr_info("slab: %-16s %6s %8s %6s\n", "cache", "size", "in use",
		"slabs");
	list_for_each_entry(c, &cache_list, link)
		pr_info("slab: %-16s %6u %8llu %6llu\n", c->name, c->size,
			(unsigned long long)READ_ONCE(c->in_use),
			(unsigned long long)READ_ONCE(c->nr_slabs));
	pr_info("slab: %-16s %6s %8llu\n", "kmalloc-large", "-",
		(unsigned long long)__atomic_load_n(&kmalloc_large_in_use,
						    __ATOMIC_RELAXED));
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

/* kmalloc one object of each size, write it end to end, free them all. */
static int kmalloc_every_class(void)
{
	static const size_t sizes[] = {
		1, 8, 9, 16, 33, 64, 96, 100, 128, 192, 256, 300, 512, 1024,
		2048, 2049, 4096, 5000, 65536
	};
	void *objs[ARRAY_SIZE(sizes)];
	u64 objects = slab_objects_in_use();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		objs[i] = kmalloc(sizes[i], GFP_KERNEL);
		ST_EXPECT(objs[i] != NULL && objs[i] != ZERO_SIZE_PTR);
		__builtin_memset(objs[i], 0xa5, sizes[i]);
	}
	ST_EXPECT(slab_objects_in_use() == objects + ARRAY_SIZE(sizes));
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(objs[i]);
	ST_EXPECT(slab_objects_in_use() == objects);
	return 0;
}

SELFTEST(slab_kmalloc_classes)
{
	u64 pages;

	/*
	 * The first round may leave each cache one spare slab; after it,
	 * the free page count must come back exactly.
	 */
	ST_EXPECT(kmalloc_every_class() == 0);
	pages = nr_free_pages();
	ST_EXPECT(kmalloc_every_class() == 0);
	ST_EXPECT(nr_free_pages() == pages);
	ST_EXPECT(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	ST_EXPECT(kcalloc((size_t)-1 / 2, 4, GFP_KERNEL) == NULL);
	return 0;
}

SELFTEST(slab_cache_create_alloc_free)
{
	struct kmem_cache *c = kmem_cache_create("selftest-40", 40, 8);
	void *a, *b;

	ST_EXPECT(c != NULL);
	ST_EXPECT(kmem_cache_create("bad-align", 40, 12) == NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	ST_EXPECT(a && b && a != b);
	ST_EXPECT(((const u8 *)a)[39] == 0);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	return 0;
}

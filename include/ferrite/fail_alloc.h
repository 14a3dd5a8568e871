/*
 * Allocation-failure injection (CONFIG_FAIL_ALLOC, mm/fail_alloc.c): page
 * and slab allocations of flagged processes fail on a schedule, so every
 * caller's ENOMEM path gets exercised. Off by default; compiled out then.
 */
#ifndef FERRITE_FAIL_ALLOC_H
#define FERRITE_FAIL_ALLOC_H

#include <ferrite/types.h>
#include <ferrite/mm.h>

/*
 * The schedule, from "fail_alloc=" on the kernel command line: a comma
 * separated list of key:value words.
 *   interval:N   every Nth eligible allocation fails (N >= 1)
 *   prob:P       each eligible allocation fails with probability P percent
 *                (1..100), from a xorshift generator seeded by
 *   seed:S       (default 1), so a run is reproducible
 *   times:K      stop after K injected failures (default: no limit)
 *   subsys:NAME  only allocations made from that top source directory:
 *                arch, kernel, mm, fs, drivers, net, lib
 *   verbose:1    log every injected failure with its caller
 * Exactly one of interval and prob must be given. An allocation is
 * eligible only if the calling process has make-it-fail set (written to
 * /proc/<pid>/make-it-fail, inherited over fork, as in Linux), so boot,
 * kernel threads and interrupts that find no flagged process never fail.
 * Example: fail_alloc=interval:20  fail_alloc=prob:5,seed:42,subsys:fs
 */
enum fail_subsys {
	FAIL_SUBSYS_ANY,	/* no filter / caller not known */
	FAIL_SUBSYS_ARCH,
	FAIL_SUBSYS_KERNEL,
	FAIL_SUBSYS_MM,
	FAIL_SUBSYS_FS,
	FAIL_SUBSYS_DRIVERS,
	FAIL_SUBSYS_NET,
	FAIL_SUBSYS_LIB,
	FAIL_SUBSYS_COUNT,
};

struct fail_alloc_attr {
	u32 interval;		/* 0: not the interval mode */
	u32 percent;		/* 0: not the probability mode */
	u64 seed;
	s64 times;		/* -1: unlimited */
	enum fail_subsys subsys;
	bool verbose;
};

/* Parse a schedule (syntax above) into @a: 0 or -EINVAL. Pure; unit-tested. */
int fail_alloc_parse(const char *s, struct fail_alloc_attr *a);
/* "fs" -> FAIL_SUBSYS_FS; FAIL_SUBSYS_ANY for an unknown name. */
enum fail_subsys fail_subsys_from_name(const char *s, size_t len);
const char *fail_subsys_name(enum fail_subsys s);

#if defined(CONFIG_FAIL_ALLOC) && !defined(FERRITE_HOST_TEST)

/*
 * The hook at the top of every allocator entry point: true when this
 * allocation must fail. @caller is the return address for the log.
 */
bool fail_alloc_should_fail(gfp_t gfp, void *caller);

/*
 * The subsystem of the allocation in progress. Each kernel object file is
 * compiled with -DFAIL_SUBSYS=<its top directory> (mk/kernel/fail_alloc.mk)
 * and gets this header forced in, so the allocator calls below go through
 * a macro that marks the outermost call. Nested calls (vmalloc_guarded
 * taking pages) keep the outer caller's mark. An interrupt that allocates
 * between the mark and the check may be misattributed: this only steers
 * the subsys: filter, never correctness.
 */
extern enum fail_subsys fail_alloc_site;	/* [cpu] */

static inline enum fail_subsys fail_site_enter(enum fail_subsys s)
{
	enum fail_subsys old = fail_alloc_site;

	if (old == FAIL_SUBSYS_ANY)
		fail_alloc_site = s;
	return old;
}

static inline void fail_site_exit(enum fail_subsys old)
{
	fail_alloc_site = old;
}

/* Figures for /proc/fail_alloc (snprintf convention, as procfs_hooks.h). */
int fail_alloc_show(char *buf, size_t len);

/* Raw buddy allocation without the hook, for the slab's own pages. */
struct page *__alloc_pages(gfp_t gfp, unsigned int order);
/* Pages held by slab caches, spares included (mm/slab.c). */
u64 slab_pages_in_use(void);
/* "slab_<cache>: <objects in use>" lines, snprintf's convention. */
int slab_show_caches(char *buf, size_t len);
/* "owner_<caller>: <pages>" lines for non-slab pages (mm/page_alloc.c). */
int page_owner_show(char *buf, size_t len);

#if defined(FAIL_SUBSYS) && !defined(FAIL_ALLOC_NO_WRAP)
#define FAIL_WRAP(type, call)						\
	({								\
		enum fail_subsys __fa_old = fail_site_enter(FAIL_SUBSYS); \
		type __fa_ret = call;					\
		fail_site_exit(__fa_old);				\
		__fa_ret;						\
	})
#define alloc_pages(g, o)	FAIL_WRAP(struct page *, alloc_pages(g, o))
#define get_free_pages(g, o)	FAIL_WRAP(void *, get_free_pages(g, o))
#define kmalloc(s, g)		FAIL_WRAP(void *, kmalloc(s, g))
#define kzalloc(s, g)		FAIL_WRAP(void *, kzalloc(s, g))
#define kcalloc(n, s, g)	FAIL_WRAP(void *, kcalloc(n, s, g))
#define kmem_cache_alloc(c, g)	FAIL_WRAP(void *, kmem_cache_alloc(c, g))
#define vmalloc_guarded(s)	FAIL_WRAP(void *, vmalloc_guarded(s))
#endif

#else /* !CONFIG_FAIL_ALLOC */

static inline bool fail_alloc_should_fail(gfp_t gfp, void *caller)
{
	return false;
}

#endif
#endif

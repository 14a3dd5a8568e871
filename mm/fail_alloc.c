/*
 * Allocation-failure injection (CONFIG_FAIL_ALLOC): the "fail_alloc="
 * schedule parser, the decision hook that alloc_pages() and the slab call
 * first, its counters, and the figures behind /proc/fail_alloc.
 */
#include <ferrite/errno.h>
#include <ferrite/fail_alloc.h>

#if defined(CONFIG_FAIL_ALLOC) || defined(FERRITE_HOST_TEST)

static const char *const subsys_names[FAIL_SUBSYS_COUNT] = {
	[FAIL_SUBSYS_ANY] = "any",
	[FAIL_SUBSYS_ARCH] = "arch",
	[FAIL_SUBSYS_KERNEL] = "kernel",
	[FAIL_SUBSYS_MM] = "mm",
	[FAIL_SUBSYS_FS] = "fs",
	[FAIL_SUBSYS_DRIVERS] = "drivers",
	[FAIL_SUBSYS_NET] = "net",
	[FAIL_SUBSYS_LIB] = "lib",
};

const char *fail_subsys_name(enum fail_subsys s)
{
	return (unsigned int)s < FAIL_SUBSYS_COUNT ? subsys_names[s] : "?";
}

static bool word_is(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] != s[i])	/* also stops at word's NUL */
			return false;
	return word[len] == '\0';
}

enum fail_subsys fail_subsys_from_name(const char *s, size_t len)
{
	unsigned int i;

	for (i = FAIL_SUBSYS_ANY + 1; i < FAIL_SUBSYS_COUNT; i++)
		if (word_is(s, len, subsys_names[i]))
			return (enum fail_subsys)i;
	return FAIL_SUBSYS_ANY;
}

/* Decimal, no sign, at most 19 digits (no overflow possible). */
static int parse_u64(const char *s, size_t len, u64 *out)
{
	u64 v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (u64)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int fail_alloc_parse(const char *s, struct fail_alloc_attr *a)
{
	struct fail_alloc_attr r = { .seed = 1, .times = -1 };

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		const char *key = s, *val;
		size_t klen, vlen;
		u64 v;

		while (*s && *s != ':' && *s != ',')
			s++;
		if (*s != ':')
			return -EINVAL;	/* every word is key:value */
		klen = (size_t)(s - key);
		val = ++s;
		while (*s && *s != ',')
			s++;
		vlen = (size_t)(s - val);
		if (*s == ',' && !*++s)
			return -EINVAL;	/* trailing comma */
		if (word_is(key, klen, "subsys")) {
			r.subsys = fail_subsys_from_name(val, vlen);
			if (r.subsys == FAIL_SUBSYS_ANY)
				return -EINVAL;
			continue;
		}
		if (parse_u64(val, vlen, &v))
			return -EINVAL;
		if (word_is(key, klen, "interval")) {
			if (v == 0 || v > 0xffffffffu)
				return -EINVAL;
			r.interval = (u32)v;
		} else if (word_is(key, klen, "prob")) {
			if (v == 0 || v > 100)
				return -EINVAL;
			r.percent = (u32)v;
		} else if (word_is(key, klen, "seed")) {
			r.seed = v;
		} else if (word_is(key, klen, "times")) {
			if (v > (u64)1 << 62)
				return -EINVAL;
			r.times = (s64)v;
		} else if (word_is(key, klen, "verbose")) {
			if (v > 1)
				return -EINVAL;
			r.verbose = v == 1;
		} else {
			return -EINVAL;
		}
	}
	/* One mode, not both, not neither. */
	if ((r.interval != 0) == (r.percent != 0))
		return -EINVAL;
	*a = r;
	return 0;
}

#endif /* CONFIG_FAIL_ALLOC || FERRITE_HOST_TEST */

#if defined(CONFIG_FAIL_ALLOC) && !defined(FERRITE_HOST_TEST)

#include <ferrite/cmdline.h>
#include <ferrite/init.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>

enum fail_subsys fail_alloc_site;	/* [cpu] see fail_alloc.h */

/*
 * The schedule is set once by the initcall, before any process can be
 * flagged, and read without a lock afterwards. The counters change under
 * the lock: the hook runs in any context, interrupts included.
 */
static struct {
	bool armed;			/* [I] a valid schedule was given */
	struct fail_alloc_attr attr;	/* [I] */
	spinlock_t lock;
	u64 calls;			/* [lock] eligible allocations */
	u64 injected;			/* [lock] failed on purpose */
	u64 per_subsys[FAIL_SUBSYS_COUNT];	/* [lock] injected, by caller */
	u64 rng;			/* [lock] xorshift64 state */
} fa = { .lock = SPINLOCK_INIT };

/* Marsaglia's xorshift64: plenty for a reproducible coin. */
static u64 fa_next_random(void)
{
	u64 x = fa.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	fa.rng = x;
	return x;
}

bool fail_alloc_should_fail(gfp_t gfp, void *caller)
{
	struct process *p;
	enum fail_subsys site = fail_alloc_site;
	unsigned long flags;
	bool fail = false;
	u64 n = 0;

	if (!fa.armed)
		return false;
	p = current_process();
	if (!p || !READ_ONCE(p->make_it_fail))
		return false;
	if (fa.attr.subsys != FAIL_SUBSYS_ANY && site != fa.attr.subsys)
		return false;
	flags = spin_lock_irqsave(&fa.lock);
	if (fa.attr.times < 0 || fa.injected < (u64)fa.attr.times) {
		n = ++fa.calls;
		if (fa.attr.interval)
			fail = n % fa.attr.interval == 0;
		else
			fail = fa_next_random() % 100 < fa.attr.percent;
		if (fail) {
			fa.injected++;
			fa.per_subsys[(unsigned int)site < FAIL_SUBSYS_COUNT ?
				      site : FAIL_SUBSYS_ANY]++;
		}
	}
	spin_unlock_irqrestore(&fa.lock, flags);
	if (fail && fa.attr.verbose)
		pr_info("fail_alloc: #%llu pid %d %s gfp %#x from %pS\n",
			(unsigned long long)n, p->pid, fail_subsys_name(site),
			gfp, caller);
	return fail;
}

int fail_alloc_show(char *buf, size_t len)
{
	struct fail_alloc_attr a = fa.attr;
	u64 calls, injected, per[FAIL_SUBSYS_COUNT];
	u64 total = nr_total_pages(), free = nr_free_pages();
	u64 slab_pages = slab_pages_in_use();
	unsigned long flags;
	int n = 0;

	flags = spin_lock_irqsave(&fa.lock);
	calls = fa.calls;
	injected = fa.injected;
	memcpy(per, fa.per_subsys, sizeof(per));
	spin_unlock_irqrestore(&fa.lock, flags);

#define EMIT(...)							\
	n += snprintf(buf ? buf + MIN((size_t)n, len) : NULL,		\
		      len - MIN((size_t)n, len), __VA_ARGS__)
	if (!fa.armed)
		EMIT("schedule: none\n");
	else if (a.interval)
		EMIT("schedule: interval:%u", a.interval);
	else
		EMIT("schedule: prob:%u,seed:%llu", a.percent,
		     (unsigned long long)a.seed);
	if (fa.armed && a.times >= 0)
		EMIT(",times:%lld", (long long)a.times);
	if (fa.armed && a.subsys != FAIL_SUBSYS_ANY)
		EMIT(",subsys:%s", fail_subsys_name(a.subsys));
	if (fa.armed)
		EMIT("\n");
	EMIT("calls: %llu\ninjected: %llu\n", (unsigned long long)calls,
	     (unsigned long long)injected);
	for (unsigned int i = 0; i < FAIL_SUBSYS_COUNT; i++)
		EMIT("injected_%s: %llu\n", fail_subsys_name(i),
		     (unsigned long long)per[i]);
	/*
	 * For leak checks: pages in use outside the slab do not depend on
	 * how objects happen to be spread over slabs, so together with the
	 * live object count they must come back exactly after a run.
	 */
	EMIT("free_pages: %llu\nslab_pages: %llu\nslab_objects: %llu\n"
	     "other_pages: %llu\n", (unsigned long long)free,
	     (unsigned long long)slab_pages,
	     (unsigned long long)slab_objects_in_use(),
	     (unsigned long long)(total - free - slab_pages));
#undef EMIT
	n += slab_show_caches(buf ? buf + MIN((size_t)n, len) : NULL,
			      len - MIN((size_t)n, len));
	n += page_owner_show(buf ? buf + MIN((size_t)n, len) : NULL,
			     len - MIN((size_t)n, len));
	return n;
}

static int fail_alloc_init(void)
{
	const char *s = cmdline_get(kernel_cmdline(), "fail_alloc");

	if (!s)
		return 0;
	if (fail_alloc_parse(s, &fa.attr)) {
		pr_err("fail_alloc: bad schedule \"%s\": nothing is injected\n",
		       s);
		return -EINVAL;
	}
	fa.rng = fa.attr.seed ? fa.attr.seed : 0x9e3779b97f4a7c15ULL;
	fa.armed = true;
	pr_info("fail_alloc: armed (%s %u%s%s); processes opt in through "
		"/proc/<pid>/make-it-fail\n",
		fa.attr.interval ? "1 in" : "percent",
		fa.attr.interval ? fa.attr.interval : fa.attr.percent,
		fa.attr.subsys ? ", subsys " : "",
		fa.attr.subsys ? fail_subsys_name(fa.attr.subsys) : "");
	return 0;
}
initcall(INITCALL_SUBSYS, fail_alloc_init);

#endif /* CONFIG_FAIL_ALLOC */

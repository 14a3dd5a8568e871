/*
 * The undefined-behaviour sanitizer's runtime (CONFIG_UBSAN): the
 * __ubsan_handle_* entry points gcc's -fsanitize=undefined calls. Each
 * site is reported once, as "UBSAN: <kind> at <file>:<line>:<col>", with
 * the values and a backtrace, and the kernel carries on.
 */
#include <ferrite/arch.h>
#include <ferrite/compiler.h>
#include <ferrite/printk.h>
#include <ferrite/types.h>

#ifdef CONFIG_UBSAN

/* The descriptors gcc emits (libsanitizer's ubsan_handlers.h layout). */
struct ubsan_loc {
	const char *file;
	u32 line;
	u32 column;		/* top bit: already reported (ours) */
};

struct ubsan_type {
	u16 kind;		/* 0 integer, 1 float, 0xffff unknown */
	u16 info;		/* integer: bit 0 signed, bits 1+: log2(width) */
	char name[];
};

struct ubsan_type_mismatch {
	struct ubsan_loc loc;
	const struct ubsan_type *type;
	u8 log_alignment;
	u8 check_kind;
};

struct ubsan_overflow {
	struct ubsan_loc loc;
	const struct ubsan_type *type;
};

struct ubsan_shift {
	struct ubsan_loc loc;
	const struct ubsan_type *lhs_type;
	const struct ubsan_type *rhs_type;
};

struct ubsan_out_of_bounds {
	struct ubsan_loc loc;
	const struct ubsan_type *array_type;
	const struct ubsan_type *index_type;
};

struct ubsan_loc_only {
	struct ubsan_loc loc;
};

struct ubsan_invalid_value {
	struct ubsan_loc loc;
	const struct ubsan_type *type;
};

struct ubsan_nonnull_arg {
	struct ubsan_loc loc;
	struct ubsan_loc attr_loc;
	int arg_index;
};

struct ubsan_nonnull_return {
	struct ubsan_loc attr_loc;
};

struct ubsan_vla_bound {
	struct ubsan_loc loc;
	const struct ubsan_type *type;
};

struct ubsan_invalid_builtin {
	struct ubsan_loc loc;
	u8 kind;
};

#define LOC_REPORTED	0x80000000u

/*
 * Reports in progress. A report calls printk, itself instrumented: a
 * second report from inside the first is dropped (and its site left
 * unmarked, so a later hit still reports) rather than deadlocking on the
 * console lock.
 */
static int ubsan_depth;

static bool ubsan_begin(struct ubsan_loc *loc, const char *kind)
{
	u32 old = __atomic_fetch_or(&loc->column, LOC_REPORTED, __ATOMIC_RELAXED);

	if (old & LOC_REPORTED)
		return false;
	if (__atomic_fetch_add(&ubsan_depth, 1, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_sub(&ubsan_depth, 1, __ATOMIC_RELEASE);
		__atomic_fetch_and(&loc->column, ~LOC_REPORTED, __ATOMIC_RELAXED);
		return false;
	}
	printk(KERN_ERR "UBSAN: %s at %s:%u:%u\n", kind,
	       loc->file ? loc->file : "?", loc->line, old & ~LOC_REPORTED);
	return true;
}

static void ubsan_end(void)
{
	arch_dump_stack();
	__atomic_fetch_sub(&ubsan_depth, 1, __ATOMIC_RELEASE);
}

static unsigned int type_bits(const struct ubsan_type *t)
{
	return t->kind == 0 ? 1u << (t->info >> 1) : 0;
}

static bool type_signed(const struct ubsan_type *t)
{
	return t->kind == 0 && (t->info & 1);
}

/*
 * A value as the handlers pass it: inline in the pointer-sized argument
 * when it fits (all of ours: no __int128 in the kernel), else a pointer.
 */
static void format_value(char *buf, size_t size, const struct ubsan_type *t,
			 uintptr_t v)
{
	unsigned int bits = type_bits(t);

	if (bits == 0 || bits > 64) {
		snprintf(buf, size, "<%s>", t->name);
	} else if (type_signed(t)) {
		s64 s = (s64)(v << (64 - bits)) >> (64 - bits);

		snprintf(buf, size, "%lld", (long long)s);
	} else {
		u64 u = bits == 64 ? (u64)v : (u64)v & ((1ULL << bits) - 1);

		snprintf(buf, size, "%llu", (unsigned long long)u);
	}
}

static const char *const check_kinds[] = {
	"load of", "store to", "reference binding to", "member access within",
	"member call on", "constructor call on", "downcast of", "downcast of",
	"upcast of", "cast to virtual base of", "_Nonnull binding to",
	"dynamic operation on",
};

void __ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch *d, void *ptr);
void __ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch *d, void *ptr)
{
	uintptr_t align = (uintptr_t)1 << d->log_alignment;
	const char *what = d->check_kind < ARRAY_SIZE(check_kinds) ?
			   check_kinds[d->check_kind] : "access to";
	const char *kind = !ptr ? "null-pointer dereference" :
			   (d->log_alignment && ((uintptr_t)ptr & (align - 1))) ?
			   "misaligned access" : "object-size mismatch";

	if (!ubsan_begin(&d->loc, kind))
		return;
	printk(KERN_ERR "%s address %px for type %s\n", what, ptr, d->type->name);
	ubsan_end();
}

static void overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs,
		     char op)
{
	char a[24], b[24];

	if (!ubsan_begin(&d->loc, type_signed(d->type) ?
			 "signed-integer-overflow" : "unsigned-integer-overflow"))
		return;
	format_value(a, sizeof(a), d->type, lhs);
	format_value(b, sizeof(b), d->type, rhs);
	printk(KERN_ERR "%s %c %s cannot be represented in type %s\n", a, op,
	       b, d->type->name);
	ubsan_end();
}

void __ubsan_handle_add_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r);
void __ubsan_handle_add_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '+');
}

void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r);
void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '-');
}

void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r);
void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '*');
}

void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, uintptr_t v);
void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, uintptr_t v)
{
	char a[24];

	if (!ubsan_begin(&d->loc, "negation-overflow"))
		return;
	format_value(a, sizeof(a), d->type, v);
	printk(KERN_ERR "negation of %s cannot be represented in type %s\n",
	       a, d->type->name);
	ubsan_end();
}

void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r);
void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, uintptr_t l, uintptr_t r)
{
	char a[24], b[24];

	if (!ubsan_begin(&d->loc, "division-overflow"))
		return;
	format_value(a, sizeof(a), d->type, l);
	format_value(b, sizeof(b), d->type, r);
	printk(KERN_ERR "%s / %s: %s\n", a, b,
	       r == 0 ? "division by zero" : "result not representable");
	ubsan_end();
}

void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, uintptr_t l, uintptr_t r);
void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, uintptr_t l, uintptr_t r)
{
	char a[24], b[24];

	if (!ubsan_begin(&d->loc, "shift-out-of-bounds"))
		return;
	format_value(a, sizeof(a), d->lhs_type, l);
	format_value(b, sizeof(b), d->rhs_type, r);
	printk(KERN_ERR "shift of %s (%s) by %s (%s)\n", a, d->lhs_type->name,
	       b, d->rhs_type->name);
	ubsan_end();
}

void __ubsan_handle_out_of_bounds(struct ubsan_out_of_bounds *d, uintptr_t index);
void __ubsan_handle_out_of_bounds(struct ubsan_out_of_bounds *d, uintptr_t index)
{
	char i[24];

	if (!ubsan_begin(&d->loc, "array-index-out-of-bounds"))
		return;
	format_value(i, sizeof(i), d->index_type, index);
	printk(KERN_ERR "index %s is out of range for type %s\n", i,
	       d->array_type->name);
	ubsan_end();
}

void __ubsan_handle_pointer_overflow(struct ubsan_loc_only *d, uintptr_t base,
				     uintptr_t result);
void __ubsan_handle_pointer_overflow(struct ubsan_loc_only *d, uintptr_t base,
				     uintptr_t result)
{
	if (!ubsan_begin(&d->loc, "pointer-overflow"))
		return;
	printk(KERN_ERR "pointer arithmetic on %#lx gave %#lx\n",
	       (unsigned long)base, (unsigned long)result);
	ubsan_end();
}

void __ubsan_handle_load_invalid_value(struct ubsan_invalid_value *d, uintptr_t v);
void __ubsan_handle_load_invalid_value(struct ubsan_invalid_value *d, uintptr_t v)
{
	char a[24];

	if (!ubsan_begin(&d->loc, "invalid-load"))
		return;
	format_value(a, sizeof(a), d->type, v);
	printk(KERN_ERR "load of value %s, which is not valid for type %s\n",
	       a, d->type->name);
	ubsan_end();
}

void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d);
void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d)
{
	if (!ubsan_begin(&d->loc, "nonnull-attribute"))
		return;
	printk(KERN_ERR "null pointer passed as argument %d, declared never null\n",
	       d->arg_index);
	ubsan_end();
}

void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return *d,
				      struct ubsan_loc *loc);
void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return *d,
				      struct ubsan_loc *loc)
{
	if (!ubsan_begin(loc, "returns-nonnull-attribute"))
		return;
	printk(KERN_ERR "null pointer returned from a function declared never to return null\n");
	ubsan_end();
}

void __ubsan_handle_vla_bound_not_positive(struct ubsan_vla_bound *d, uintptr_t v);
void __ubsan_handle_vla_bound_not_positive(struct ubsan_vla_bound *d, uintptr_t v)
{
	char a[24];

	if (!ubsan_begin(&d->loc, "vla-bound-not-positive"))
		return;
	format_value(a, sizeof(a), d->type, v);
	printk(KERN_ERR "variable length array bound evaluates to %s\n", a);
	ubsan_end();
}

void __ubsan_handle_invalid_builtin(struct ubsan_invalid_builtin *d);
void __ubsan_handle_invalid_builtin(struct ubsan_invalid_builtin *d)
{
	if (!ubsan_begin(&d->loc, "invalid-builtin-use"))
		return;
	printk(KERN_ERR "passing zero to %s, which is not a valid argument\n",
	       d->kind == 0 ? "ctz()" : "clz()");
	ubsan_end();
}

/*
 * Control reached __builtin_unreachable(): the compiler generated no code
 * after this point, so there is nothing to continue to.
 */
__noreturn void __ubsan_handle_builtin_unreachable(struct ubsan_loc_only *d);
__noreturn void __ubsan_handle_builtin_unreachable(struct ubsan_loc_only *d)
{
	panic("UBSAN: unreachable at %s:%u:%u", d->loc.file, d->loc.line,
	      d->loc.column & ~LOC_REPORTED);
}

/* C++ only (a value-returning function fell off its end); same reason. */
__noreturn void __ubsan_handle_missing_return(struct ubsan_loc_only *d);
__noreturn void __ubsan_handle_missing_return(struct ubsan_loc_only *d)
{
	panic("UBSAN: missing-return at %s:%u:%u", d->loc.file, d->loc.line,
	      d->loc.column & ~LOC_REPORTED);
}

#endif /* CONFIG_UBSAN */

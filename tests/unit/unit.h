/*
 * Host unit-test framework. A test file includes this header and defines
 * tests with TEST(name) { ... }; each registers itself from a constructor
 * and tests/unit/unit_main.c runs them all, printing TAP-like lines.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
/* Record a failure of the running test; the message follows on '#' lines. */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void unit_fail_eq(const char *file, int line, const char *a_expr,
		  const char *b_expr, long long a, long long b);
void unit_fail_streq(const char *file, int line, const char *a_expr,
		     const char *b_expr, const char *a, const char *b);
bool unit_streq(const char *a, const char *b);

#define TEST(tname)							\
	static void unit_test_fn_##tname(void);				\
	static struct unit_test unit_test_desc_##tname = {		\
		#tname, unit_test_fn_##tname, NULL };			\
	__attribute__((constructor)) static void unit_test_reg_##tname(void) \
	{								\
		unit_register(&unit_test_desc_##tname);			\
	}								\
	static void unit_test_fn_##tname(void)

#define EXPECT(cond)							\
	do {								\
		if (!(cond))						\
			unit_fail(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

/*
 * Compares the two values converted to long long: the bits of any integer
 * or pointer up to 64 bits survive, so signed and unsigned compare alike.
 */
#define EXPECT_EQ(a, b)							\
	do {								\
		long long unit_a_ = (long long)(a);			\
		long long unit_b_ = (long long)(b);			\
		if (unit_a_ != unit_b_)					\
			unit_fail_eq(__FILE__, __LINE__, #a, #b,	\
				     unit_a_, unit_b_);			\
	} while (0)

#define EXPECT_STREQ(a, b)						\
	do {								\
		const char *unit_a_ = (a), *unit_b_ = (b);		\
		if (!unit_streq(unit_a_, unit_b_))			\
			unit_fail_streq(__FILE__, __LINE__, #a, #b,	\
					unit_a_, unit_b_);		\
	} while (0)

/* Stops the current test (returns from it) when @cond is false. */
#define ASSERT(cond)							\
	do {								\
		if (!(cond)) {						\
			unit_fail(__FILE__, __LINE__, "assertion %s failed", #cond); \
			return;						\
		}							\
	} while (0)

#endif

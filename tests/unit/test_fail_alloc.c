/*
 * Tests for the fail_alloc= schedule parser (mm/fail_alloc.c): both
 * modes, every key, defaults, and malformed schedules that must be refused
 * whole rather than half-applied.
 */
#include "unit.h"

#include <ferrite/errno.h>
#include <ferrite/fail_alloc.h>
#include <stdio.h>
#include <string.h>

static struct fail_alloc_attr a;

static int parse(const char *s)
{
	memset(&a, 0x5a, sizeof(a));
	return fail_alloc_parse(s, &a);
}

TEST(interval_with_defaults)
{
	EXPECT_EQ(parse("interval:20"), 0);
	EXPECT_EQ(a.interval, 20);
	EXPECT_EQ(a.percent, 0);
	EXPECT_EQ(a.seed, 1);
	EXPECT_EQ(a.times, -1);
	EXPECT_EQ(a.subsys, FAIL_SUBSYS_ANY);
	EXPECT(!a.verbose);
	EXPECT_EQ(parse("interval:1"), 0);
	EXPECT_EQ(a.interval, 1);
}

TEST(probability_seed_subsys)
{
	EXPECT_EQ(parse("prob:5,seed:42,subsys:fs"), 0);
	EXPECT_EQ(a.interval, 0);
	EXPECT_EQ(a.percent, 5);
	EXPECT_EQ(a.seed, 42);
	EXPECT_EQ(a.subsys, FAIL_SUBSYS_FS);
	EXPECT_EQ(parse("seed:7,prob:100"), 0);	/* any order */
	EXPECT_EQ(a.percent, 100);
	EXPECT_EQ(a.seed, 7);
}

TEST(times_verbose_and_every_subsystem)
{
	static const char *const names[] = {
		"arch", "kernel", "mm", "fs", "drivers", "net", "lib",
	};
	char buf[64];

	EXPECT_EQ(parse("interval:3,times:0,verbose:1"), 0);
	EXPECT_EQ(a.times, 0);
	EXPECT(a.verbose);
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(buf, sizeof(buf), "interval:2,subsys:%s", names[i]);
		EXPECT_EQ(parse(buf), 0);
		EXPECT_STREQ(fail_subsys_name(a.subsys), names[i]);
		EXPECT_EQ(fail_subsys_from_name(names[i], strlen(names[i])),
			  a.subsys);
	}
	EXPECT_EQ(fail_subsys_from_name("fsx", 3), FAIL_SUBSYS_ANY);
	EXPECT_EQ(fail_subsys_from_name("f", 1), FAIL_SUBSYS_ANY);
}

TEST(refused)
{
	static const char *const bad[] = {
		"", "interval", "interval:", "interval:0", "interval:x",
		"interval:-1", "interval:5,", ",interval:5", "interval:4294967296",
		"prob:0", "prob:101", "prob:5,interval:5", "seed:3",
		"interval:5,subsys:usb", "interval:5,subsys:", "interval:5,foo:1",
		"interval:5,verbose:2", "interval:5,,seed:1",
		"interval:99999999999999999999", "interval: 5", "INTERVAL:5",
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fail_alloc_attr before;

		memset(&a, 0x5a, sizeof(a));
		before = a;
		if (fail_alloc_parse(bad[i], &a) != -EINVAL)
			unit_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		/* A refused schedule leaves the old one alone. */
		EXPECT(memcmp(&before, &a, sizeof(a)) == 0);
	}
	EXPECT_EQ(fail_alloc_parse(NULL, &a), -EINVAL);
}

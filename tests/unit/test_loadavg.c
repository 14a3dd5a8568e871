/*
 * The load average's fixed-point decay (fs/procfs/loadavg.c): values
 * checked against the closed form 1 - e^(-t/T) for a constant load.
 */
#include "unit.h"
#include "../../fs/procfs/loadavg.h"

/* Two decimals as /proc/loadavg prints them, times 100. */
static unsigned long centi(unsigned long v)
{
	v += LOAD_FIXED_1 / 200;
	return (v >> LOAD_FSHIFT) * 100 + (((v & (LOAD_FIXED_1 - 1)) * 100) >> LOAD_FSHIFT);
}

TEST(loadavg_idle_stays_zero)
{
	unsigned long avg[3] = { 0, 0, 0 };

	for (int i = 0; i < 100; i++)
		loadavg_fold(avg, 0);
	EXPECT_EQ(avg[0], 0UL);
	EXPECT_EQ(avg[1], 0UL);
	EXPECT_EQ(avg[2], 0UL);
}

TEST(loadavg_one_task_for_a_minute_is_063)
{
	unsigned long avg[3] = { 0, 0, 0 };

	for (int i = 0; i < 12; i++)	/* 12 samples of 5 s */
		loadavg_fold(avg, 1);
	/* 1 - e^-1 = 0.632; 5 min: 1 - e^-0.2 = 0.18; 15 min: 0.06. */
	EXPECT(centi(avg[0]) >= 62 && centi(avg[0]) <= 64);
	EXPECT(centi(avg[1]) >= 17 && centi(avg[1]) <= 19);
	EXPECT(centi(avg[2]) >= 6 && centi(avg[2]) <= 7);
}

TEST(loadavg_steady_load_reaches_its_value)
{
	unsigned long avg[3] = { 0, 0, 0 };

	for (int i = 0; i < 2000; i++)
		loadavg_fold(avg, 3);
	EXPECT_EQ(centi(avg[0]), 300UL);
	EXPECT_EQ(centi(avg[1]), 300UL);
	EXPECT_EQ(centi(avg[2]), 300UL);
}

TEST(loadavg_decays_after_load_ends)
{
	unsigned long avg[3] = { 2 * LOAD_FIXED_1, 2 * LOAD_FIXED_1, 2 * LOAD_FIXED_1 };

	for (int i = 0; i < 12; i++)
		loadavg_fold(avg, 0);
	/* 2 e^-1 = 0.74 after a minute; the 15-minute figure barely moves. */
	EXPECT(centi(avg[0]) >= 72 && centi(avg[0]) <= 75);
	EXPECT(centi(avg[2]) >= 185 && centi(avg[2]) <= 188);
	for (int i = 0; i < 2000; i++)
		loadavg_fold(avg, 0);
	EXPECT_EQ(avg[0], 0UL);
	EXPECT_EQ(avg[2], 0UL);
}

/*
 * Host tests for the CMOS date logic (arch/x86_64/rtc_date.c): BCD, 12/24
 * hour and century decoding, and days-from-civil against the C library.
 */
#define _DEFAULT_SOURCE
#include <time.h>
#include <ferrite/errno.h>
#include "unit.h"
#include "../../arch/x86_64/platform_logic.h"

TEST(bcd_valid_and_convert)
{
	EXPECT(rtc_bcd_valid(0x59));
	EXPECT(!rtc_bcd_valid(0x5a));
	EXPECT(!rtc_bcd_valid(0xa0));
	EXPECT(!rtc_bcd_valid(0xff));
	EXPECT_EQ(rtc_bcd_to_bin(0x59), 59);
	EXPECT_EQ(rtc_bcd_to_bin(0x00), 0);
	EXPECT_EQ(rtc_bcd_to_bin(0x99), 99);
}

TEST(days_from_civil_known_dates)
{
	EXPECT_EQ(rtc_days_from_civil(1970, 1, 1), 0);
	EXPECT_EQ(rtc_days_from_civil(1969, 12, 31), -1);
	EXPECT_EQ(rtc_days_from_civil(2000, 3, 1), 11017);
	EXPECT_EQ(rtc_days_from_civil(2024, 2, 29), 19782);
	EXPECT_EQ(rtc_days_from_civil(2100, 3, 1), 47541);	/* not leap */
}

TEST(days_match_timegm_and_round_trip)
{
	/* Every day from 1970 to 2400 against the C library. */
	for (s64 d = 0; d < 157000; d += 1) {
		struct rtc_tm tm;
		struct tm ct = { 0 };

		rtc_civil_from_days(d, &tm);
		EXPECT_EQ(rtc_days_from_civil(tm.year, tm.mon, tm.mday), d);
		if (d % 97)
			continue;	/* timegm is slow: sample it */
		ct.tm_year = tm.year - 1900;
		ct.tm_mon = tm.mon - 1;
		ct.tm_mday = tm.mday;
		EXPECT_EQ(timegm(&ct), d * 86400);
	}
}

TEST(epoch_round_trip)
{
	struct rtc_tm tm;
	u64 s;

	rtc_epoch_to_tm(1700000000ULL, &tm);	/* 2023-11-14 22:13:20 */
	EXPECT_EQ(tm.year, 2023);
	EXPECT_EQ(tm.mon, 11);
	EXPECT_EQ(tm.mday, 14);
	EXPECT_EQ(tm.hour, 22);
	EXPECT_EQ(tm.min, 13);
	EXPECT_EQ(tm.sec, 20);
	ASSERT(rtc_tm_to_epoch(&tm, &s) == 0);
	EXPECT_EQ(s, 1700000000ULL);
}

TEST(tm_to_epoch_rejects_bad_dates)
{
	u64 s;

	EXPECT_EQ(rtc_tm_to_epoch(&(struct rtc_tm){ 1969, 12, 31, 0, 0, 0 }, &s), -EINVAL);
	EXPECT_EQ(rtc_tm_to_epoch(&(struct rtc_tm){ 2023, 2, 29, 0, 0, 0 }, &s), -EINVAL);
	EXPECT_EQ(rtc_tm_to_epoch(&(struct rtc_tm){ 2024, 13, 1, 0, 0, 0 }, &s), -EINVAL);
	EXPECT_EQ(rtc_tm_to_epoch(&(struct rtc_tm){ 2024, 1, 1, 24, 0, 0 }, &s), -EINVAL);
	EXPECT_EQ(rtc_tm_to_epoch(&(struct rtc_tm){ 2024, 2, 29, 0, 0, 0 }, &s), 0);
}

TEST(decode_bcd_24h_default_century)
{
	struct rtc_raw r = { .sec = 0x56, .min = 0x34, .hour = 0x23,
			     .mday = 0x31, .mon = 0x12, .year = 0x24 };
	struct rtc_tm tm;

	ASSERT(rtc_decode(&r, RTC_B_24H, false, &tm) == 0);
	EXPECT_EQ(tm.year, 2024);
	EXPECT_EQ(tm.mon, 12);
	EXPECT_EQ(tm.mday, 31);
	EXPECT_EQ(tm.hour, 23);
	EXPECT_EQ(tm.min, 34);
	EXPECT_EQ(tm.sec, 56);
}

TEST(decode_binary_12h_pm_and_midnight)
{
	struct rtc_raw r = { .sec = 5, .min = 6, .hour = 0x80 | 3,
			     .mday = 7, .mon = 8, .year = 99, .century = 19 };
	struct rtc_tm tm;

	ASSERT(rtc_decode(&r, RTC_B_BINARY, true, &tm) == 0);
	EXPECT_EQ(tm.year, 1999);
	EXPECT_EQ(tm.hour, 15);
	r.hour = 12;			/* 12 AM */
	ASSERT(rtc_decode(&r, RTC_B_BINARY, true, &tm) == 0);
	EXPECT_EQ(tm.hour, 0);
	r.hour = 0x80 | 12;		/* 12 PM */
	ASSERT(rtc_decode(&r, RTC_B_BINARY, true, &tm) == 0);
	EXPECT_EQ(tm.hour, 12);
}

TEST(decode_bcd_12h_pm_bit_outside_bcd)
{
	struct rtc_raw r = { .sec = 0, .min = 0, .hour = 0x80 | 0x11,
			     .mday = 1, .mon = 1, .year = 0x30, .century = 0x20 };
	struct rtc_tm tm;

	ASSERT(rtc_decode(&r, 0, true, &tm) == 0);
	EXPECT_EQ(tm.hour, 23);
	EXPECT_EQ(tm.year, 2030);
}

TEST(decode_rejects_garbage)
{
	struct rtc_raw ff = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rtc_raw r = { .sec = 0, .min = 0, .hour = 0x13, .mday = 1,
			     .mon = 1, .year = 0x24 };
	struct rtc_tm tm;

	/* A missing CMOS reads all ones, in either encoding. */
	EXPECT_EQ(rtc_decode(&ff, 0xff, true, &tm), -EINVAL);
	EXPECT_EQ(rtc_decode(&ff, RTC_B_24H, false, &tm), -EINVAL);
	EXPECT_EQ(rtc_decode(&r, 0, false, &tm), -EINVAL);	/* 13 in 12h */
	r.hour = 0x24;
	EXPECT_EQ(rtc_decode(&r, RTC_B_24H, false, &tm), -EINVAL);
	r.hour = 0x1a;						/* bad BCD */
	EXPECT_EQ(rtc_decode(&r, RTC_B_24H, false, &tm), -EINVAL);
	r.hour = 0x10;
	r.mon = 0x02;
	r.mday = 0x30;						/* Feb 30 */
	EXPECT_EQ(rtc_decode(&r, RTC_B_24H, false, &tm), -EINVAL);
	r.mday = 0x29;						/* 2024: leap */
	EXPECT_EQ(rtc_decode(&r, RTC_B_24H, false, &tm), 0);
}

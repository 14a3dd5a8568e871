/*
 * CMOS clock arithmetic: BCD, 12/24-hour decoding and the conversion
 * between civil dates and Unix time. rtc.c reads the registers; this file
 * only computes, so the host unit tests check it exhaustively.
 */
#include <ferrite/errno.h>
#include "platform_logic.h"

bool rtc_bcd_valid(u8 v)
{
	return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

u8 rtc_bcd_to_bin(u8 v)
{
	return (u8)((v >> 4) * 10 + (v & 0x0f));
}

/*
 * Count in 400-year eras of 146097 days, with years starting on March 1
 * so the leap day is the last day of the year; 719468 is the day number
 * of 1970-01-01 in that scheme.
 */
s64 rtc_days_from_civil(s64 year, unsigned int mon, unsigned int mday)
{
	s64 y = year - (mon <= 2);
	s64 era = (y >= 0 ? y : y - 399) / 400;
	s64 yoe = y - era * 400;			/* 0..399 */
	s64 mp = mon > 2 ? mon - 3 : mon + 9;		/* March = 0 */
	s64 doy = (153 * mp + 2) / 5 + mday - 1;	/* 0..365 */
	s64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void rtc_civil_from_days(s64 days, struct rtc_tm *tm)
{
	s64 z = days + 719468;
	s64 era = (z >= 0 ? z : z - 146096) / 146097;
	s64 doe = z - era * 146097;
	s64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	s64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	s64 mp = (5 * doy + 2) / 153;

	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (int)(yoe + era * 400 + (tm->mon <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const u8 dim[12] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* One register: BCD unless status B says binary. -1 when malformed. */
static int field(u8 v, bool binary)
{
	if (binary)
		return v;
	return rtc_bcd_valid(v) ? rtc_bcd_to_bin(v) : -1;
}

int rtc_decode(const struct rtc_raw *raw, u8 status_b, bool has_century,
	       struct rtc_tm *tm)
{
	bool binary = status_b & RTC_B_BINARY;
	bool pm = false;
	u8 hour = raw->hour;
	int year, century = 20;

	/* In 12-hour mode bit 7 of the hour is PM, whatever the encoding. */
	if (!(status_b & RTC_B_24H)) {
		pm = hour & 0x80;
		hour &= 0x7f;
	}
	tm->sec = field(raw->sec, binary);
	tm->min = field(raw->min, binary);
	tm->hour = field(hour, binary);
	tm->mday = field(raw->mday, binary);
	tm->mon = field(raw->mon, binary);
	year = field(raw->year, binary);
	if (has_century)
		century = field(raw->century, binary);
	if (tm->sec < 0 || tm->sec > 59 || tm->min < 0 || tm->min > 59 ||
	    year < 0 || year > 99 || century < 19 || century > 99 ||
	    tm->mon < 1 || tm->mon > 12 || tm->hour < 0)
		return -EINVAL;
	if (!(status_b & RTC_B_24H)) {
		if (tm->hour < 1 || tm->hour > 12)
			return -EINVAL;
		tm->hour = tm->hour % 12 + (pm ? 12 : 0);	/* 12 AM is 0 */
	} else if (tm->hour > 23) {
		return -EINVAL;
	}
	tm->year = century * 100 + year;
	if (tm->mday < 1 || tm->mday > days_in_month(tm->year, tm->mon))
		return -EINVAL;
	return 0;
}

int rtc_tm_to_epoch(const struct rtc_tm *tm, u64 *secs)
{
	s64 days;

	if (tm->year < 1970 || tm->mon < 1 || tm->mon > 12 || tm->mday < 1 ||
	    tm->mday > days_in_month(tm->year, tm->mon) || tm->hour < 0 ||
	    tm->hour > 23 || tm->min < 0 || tm->min > 59 || tm->sec < 0 ||
	    tm->sec > 60)
		return -EINVAL;
	days = rtc_days_from_civil(tm->year, (unsigned int)tm->mon,
				   (unsigned int)tm->mday);
	*secs = (u64)days * 86400 + (u64)tm->hour * 3600 +
		(u64)tm->min * 60 + (u64)tm->sec;
	return 0;
}

void rtc_epoch_to_tm(u64 secs, struct rtc_tm *tm)
{
	u64 rem = secs % 86400;

	rtc_civil_from_days((s64)(secs / 86400), tm);
	tm->hour = (int)(rem / 3600);
	tm->min = (int)(rem / 60 % 60);
	tm->sec = (int)(rem % 60);
}

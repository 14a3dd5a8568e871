UNIT_TESTS += rtc_date
UNIT_SRCS_rtc_date := arch/x86_64/rtc_date.c tests/unit/test_rtc_date.c

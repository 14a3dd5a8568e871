UNIT_TESTS += vsnprintf
UNIT_SRCS_vsnprintf := tests/unit/test_vsnprintf.c

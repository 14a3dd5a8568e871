UNIT_TESTS += string
UNIT_SRCS_string := tests/unit/kstring.c tests/unit/test_string.c

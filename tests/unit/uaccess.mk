UNIT_TESTS += uaccess
UNIT_SRCS_uaccess := arch/x86_64/uaccess.c tests/unit/test_uaccess.c

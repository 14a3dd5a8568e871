UNIT_TESTS += ksyms
UNIT_SRCS_ksyms := kernel/ksyms.c tests/unit/test_ksyms.c

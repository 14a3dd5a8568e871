UNIT_TESTS += fail_alloc
UNIT_SRCS_fail_alloc := mm/fail_alloc.c tests/unit/test_fail_alloc.c

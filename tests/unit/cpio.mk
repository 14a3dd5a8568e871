UNIT_TESTS += cpio
UNIT_SRCS_cpio := lib/cpio.c tests/unit/test_cpio.c

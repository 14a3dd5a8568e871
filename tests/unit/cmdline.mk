UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := lib/cmdline.c tests/unit/kstring.c tests/unit/test_cmdline.c

UNIT_TESTS += tty
UNIT_SRCS_tty := drivers/tty/n_tty.c tests/unit/test_tty.c

UNIT_TESTS += chacha20
UNIT_SRCS_chacha20 := drivers/char/chacha20.c tests/unit/test_chacha20.c

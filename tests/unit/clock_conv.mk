UNIT_TESTS += clock_conv
UNIT_SRCS_clock_conv := arch/x86_64/clock_conv.c tests/unit/test_clock_conv.c

UNIT_TESTS += timerq
UNIT_SRCS_timerq := kernel/timer.c tests/unit/test_timerq.c

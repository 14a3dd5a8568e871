UNIT_TESTS += runqueue
UNIT_SRCS_runqueue := kernel/sched_rr.c tests/unit/test_runqueue.c

UNIT_TESTS += loadavg
UNIT_SRCS_loadavg := fs/procfs/loadavg.c tests/unit/test_loadavg.c

UNIT_TESTS += inflate
UNIT_SRCS_inflate := lib/inflate.c tests/unit/host_kmalloc.c tests/unit/test_inflate.c

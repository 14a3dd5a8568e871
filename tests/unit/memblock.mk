UNIT_TESTS += memblock
UNIT_SRCS_memblock := mm/memblock.c tests/unit/test_memblock.c

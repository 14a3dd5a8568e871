UNIT_TESTS += slab
UNIT_SRCS_slab := mm/slab.c mm/page_alloc.c mm/memblock.c tests/unit/test_slab.c

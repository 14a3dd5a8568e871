UNIT_TESTS += buddy
UNIT_SRCS_buddy := mm/page_alloc.c mm/memblock.c tests/unit/test_buddy.c

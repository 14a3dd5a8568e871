UNIT_TESTS += vmap
UNIT_SRCS_vmap := mm/vmap.c mm/slab.c mm/page_alloc.c mm/memblock.c \
	tests/unit/test_vmap.c

UNIT_TESTS += vma
UNIT_SRCS_vma := mm/vma.c mm/fault.c mm/mm.c mm/vm_object.c mm/page_ref.c \
	mm/slab.c mm/page_alloc.c mm/memblock.c lib/rbtree.c \
	tests/unit/test_vma.c

UNIT_TESTS += rbtree
UNIT_SRCS_rbtree := lib/rbtree.c tests/unit/test_rbtree.c

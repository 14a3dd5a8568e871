UNIT_TESTS += printk
UNIT_SRCS_printk := kernel/printk.c tests/unit/kstring.c tests/unit/test_printk.c

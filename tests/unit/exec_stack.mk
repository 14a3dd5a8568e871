UNIT_TESTS += exec_stack
UNIT_SRCS_exec_stack := lib/exec_stack.c tests/unit/test_exec_stack.c

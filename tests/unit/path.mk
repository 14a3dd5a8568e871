UNIT_TESTS += path
UNIT_SRCS_path := fs/pathname.c tests/unit/test_path.c

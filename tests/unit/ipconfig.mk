UNIT_TESTS += ipconfig
UNIT_SRCS_ipconfig := net/core/ipconfig_parse.c tests/unit/kstring.c \
	tests/unit/test_ipconfig.c

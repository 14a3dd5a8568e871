UNIT_TESTS += elf_check
UNIT_SRCS_elf_check := lib/elf_check.c tests/unit/test_elf_check.c

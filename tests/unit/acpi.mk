UNIT_TESTS += acpi
UNIT_SRCS_acpi := arch/x86_64/acpi_tables.c arch/x86_64/acpi_aml.c \
	tests/unit/test_acpi.c

# Host unit tests. Each tests/unit/<name>.mk adds <name> to UNIT_TESTS and
# sets UNIT_SRCS_<name>; `make unit` builds build/unit/<name> with the host
# compiler under ASan/UBSan, runs every one, and fails if any test failed.

-include tests/unit/*.mk

UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-DFERRITE_HOST_TEST -Iinclude -Itests/unit/host -I$(BUILD)/include \
	-include $(CONFIG_H) -Wall -Wextra -Wno-unused-parameter
UNIT_COMMON := tests/unit/unit_main.c tests/unit/host_stubs.c
UNIT_BINS := $(patsubst %,$(BUILD)/unit/%,$(UNIT_TESTS))

# gcc -MMD keeps only the last source's dependencies when one command
# compiles several, so a second, preprocessor-only pass lists them all
# (including .c files a test #includes, such as lib/vsnprintf.c).
define unit_rule
$(BUILD)/unit/$(1): $$(UNIT_SRCS_$(1)) $$(UNIT_COMMON) $$(CONFIG_H) \
		tests/unit/$(1).mk mk/unit.mk
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	@$$(HOSTCC) $$(UNIT_CFLAGS) -o $$@ $$(UNIT_SRCS_$(1)) $$(UNIT_COMMON)
	@for s in $$(UNIT_SRCS_$(1)) $$(UNIT_COMMON); do \
		$$(HOSTCC) $$(UNIT_CFLAGS) -w -MM -MP -MT $$@ $$$$s || exit 1; \
	done > $$@.d
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
-include $(UNIT_BINS:=.d)

.PHONY: unit unit-build
unit-build: $(UNIT_BINS)

# Each test is built by its own sub-make so one that does not compile is
# reported as a failure without stopping the others.
unit: $(CONFIG_H)
	@fail=0; \
	for t in $(UNIT_TESTS); do \
		if ! $(MAKE) -s --no-print-directory $(BUILD)/unit/$$t; then \
			echo "not ok - $$t (build failed)"; fail=1; continue; \
		fi; \
		$(BUILD)/unit/$$t || { echo "# $$t: FAILED"; fail=1; }; \
	done; \
	if [ $$fail = 0 ]; then echo "unit: all passed"; \
	else echo "unit: FAILURES"; fi; \
	exit $$fail

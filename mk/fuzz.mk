# Host fuzzing of the kernel's input parsers with libFuzzer (clang):
# `make fuzz-host [FUZZ_SECONDS=N]` builds build/fuzz/<target>, makes its
# seed corpus with tests/fuzz/seeds.py and runs each for N/5 seconds.
# Crash reproducers land in build/fuzz/<target>-crash-*. Not in `make test`.

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	:= elf cpio cmdline path inflate

# The same defines and includes as the unit tests (mk/unit.mk).
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-DFERRITE_HOST_TEST -Iinclude -Itests/unit/host -I$(BUILD)/include \
	-include $(CONFIG_H) -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas
FUZZ_COMMON := tests/unit/host_stubs.c

FUZZ_SRCS_elf		:= lib/elf_check.c
FUZZ_SRCS_cpio		:= lib/cpio.c
FUZZ_SRCS_cmdline	:= lib/cmdline.c tests/unit/kstring.c
FUZZ_SRCS_path		:= fs/pathname.c
FUZZ_SRCS_inflate	:= lib/inflate.c tests/unit/host_kmalloc.c

FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))

# Install nothing: say what is missing and stop.
.PHONY: fuzz-host-check
fuzz-host-check:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
		echo "fuzz-host: '$(FUZZ_CC)' not found (Debian: apt-get install clang)"; \
		exit 1; }
	@mkdir -p $(BUILD)/fuzz
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' \
		> $(BUILD)/fuzz/.probe.c
	@$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $(BUILD)/fuzz/.probe \
		$(BUILD)/fuzz/.probe.c >/dev/null 2>&1 || { \
		echo "fuzz-host: $(FUZZ_CC) cannot link -fsanitize=fuzzer: the libFuzzer"; \
		echo "runtime is missing (Debian: apt-get install libclang-rt-dev, or"; \
		echo "libclang-rt-<N>-dev matching 'clang --version')"; exit 1; }

define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_SRCS_$(1)) $$(FUZZ_COMMON) \
		$$(CONFIG_H) mk/fuzz.mk | fuzz-host-check
	@echo "  FUZZCC  $$@"
	@$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c \
		$$(FUZZ_SRCS_$(1)) $$(FUZZ_COMMON)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz-host fuzz-host-build
fuzz-host-build: $(FUZZ_BINS)

# Each target runs for its share of FUZZ_SECONDS on a fresh seed corpus
# (seeds in build/fuzz/seeds/<t>, new inputs in build/fuzz/corpus/<t>);
# a failing one is reported without stopping the others.
fuzz-host: $(CONFIG_H) fuzz-host-build
	@per=$$(( $(FUZZ_SECONDS) / $(words $(FUZZ_TARGETS)) )); \
	[ $$per -ge 1 ] || per=1; fail=0; \
	for t in $(FUZZ_TARGETS); do \
		rm -rf $(BUILD)/fuzz/seeds/$$t; \
		mkdir -p $(BUILD)/fuzz/corpus/$$t; \
		/usr/bin/python3 tests/fuzz/seeds.py $$t $(BUILD)/fuzz/seeds/$$t || exit 1; \
		echo "fuzz-host: $$t for $${per}s"; \
		if $(BUILD)/fuzz/$$t -max_total_time=$$per -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/$$t- \
			$(BUILD)/fuzz/corpus/$$t $(BUILD)/fuzz/seeds/$$t \
			> $(BUILD)/fuzz/$$t.log 2>&1; then \
			echo "ok - fuzz $$t: $$(grep -m1 'stat::number_of_executed_units' $(BUILD)/fuzz/$$t.log | awk '{print $$2}') runs"; \
		else \
			echo "not ok - fuzz $$t: see $(BUILD)/fuzz/$$t.log"; \
			grep -m3 -E 'ERROR|SUMMARY|Test unit written' $(BUILD)/fuzz/$$t.log; \
			fail=1; \
		fi; \
	done; exit $$fail

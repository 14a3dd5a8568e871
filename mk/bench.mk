# `make bench` (issue 5): Ferrite side by side with Debian's Linux kernel in
# the same QEMU configuration; tools/bench.py runs it and writes the table,
# build/bench/results.{json,csv} and ratios.png. ACCEL=kvm, BENCH_RUNS=5,
# BENCH_MACHINE=pc|microvm pass through the environment (docs/performance.md).
# The programs are user/bench/*.c, built with musl-gcc -static like user/.

BENCH_DIR := $(BUILD)/bench
BENCH_PROGS := $(patsubst user/bench/%.c,%,$(filter-out user/bench/init.c,\
	$(wildcard user/bench/*.c)))
BENCH_BINS := $(addprefix $(BENCH_DIR)/bin/,$(BENCH_PROGS)) $(BENCH_DIR)/init
INITRD_BENCH := $(BUILD)/initramfs-bench.cpio.gz

.PHONY: bench bench-progs bench-initramfs linux-image

bench-progs: $(BENCH_BINS)

$(BENCH_DIR)/bin/%: user/bench/%.c user/bench/bench.h mk/bench.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -s -o $@ $<

$(BENCH_DIR)/init: user/bench/init.c user/bench/bench.h mk/bench.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -s -o $@ $<

bench-initramfs: $(INITRD_BENCH)

$(INITRD_BENCH): $(BENCH_BINS) tools/mkinitramfs.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout bench --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

# Debian's kernel, unpacked in build/linux/ (never installed).
linux-image:
	@BUILD="$(BUILD)" tools/fetch_linux.sh >/dev/null

bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory kernel bench-initramfs linux-image
	@BUILD="$(BUILD)" $(PYTHON) tools/bench.py

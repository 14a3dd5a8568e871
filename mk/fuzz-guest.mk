# `make fuzz ITER=N SEED=S` (issue 6): boots a fuzz initramfs (BusyBox and
# user/fuzz/sysfuzz; /init runs it and powers off) in QEMU batch mode. The
# console goes to build/fuzz/guest-seed-S.log; a kernel panic is cut out to
# build/fuzz/panic-seed-S.txt. Not part of `make test`.

ITER		?= 20000
SEED		?= 1
FUZZ_CHILDREN	?= 4
FUZZ_TIMEOUT	?= 1800
FUZZ_MEM	?= 256M
# Extra sysfuzz.* settings, e.g. FUZZ_ARGS="sysfuzz.start=1200 sysfuzz.trace=1"
FUZZ_ARGS	?=
SYSFUZZ		:= $(BUILD)/fuzz/sysfuzz
INITRD_FUZZ	:= $(BUILD)/initramfs-fuzz.cpio.gz

.PHONY: fuzz fuzz-initramfs

$(SYSFUZZ): user/fuzz/sysfuzz.c mk/fuzz-guest.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -o $@ $<

fuzz-initramfs: $(INITRD_FUZZ)

$(INITRD_FUZZ): $(SYSFUZZ) tools/mkinitramfs.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout fuzz --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

# The verdict comes from the log: the summary line means it completed,
# "Kernel panic" a panic, QEMU's timeout (status 124) a hang.
fuzz:
	@$(MAKE) --no-print-directory kernel fuzz-initramfs
	@log=$(BUILD)/fuzz/guest-seed-$(SEED).log; \
	panic=$(BUILD)/fuzz/panic-seed-$(SEED).txt; rm -f $$panic; \
	echo "  FUZZ    ITER=$(ITER) SEED=$(SEED) -> $$log"; \
	INITRD=$(INITRD_FUZZ) MEM=$(FUZZ_MEM) TIMEOUT=$(FUZZ_TIMEOUT) \
	APPEND="sysfuzz.iter=$(ITER) sysfuzz.seed=$(SEED) sysfuzz.children=$(FUZZ_CHILDREN) $(FUZZ_ARGS)" \
	BUILD=$(BUILD) tools/qemu.sh batch >$$log 2>&1; st=$$?; \
	if grep -q "Kernel panic" $$log; then \
		{ echo "seed $(SEED) iter $(ITER); last progress:"; \
		  grep "^sysfuzz:" $$log | tail -3; echo; \
		  sed -n '/Kernel panic\|BUG\|general protection\|Oops\|page fault/,$$p' $$log; \
		} >$$panic; \
		echo "fuzz: KERNEL PANIC, see $$panic"; exit 1; \
	elif grep -q "^sysfuzz: [0-9]* calls, seed" $$log; then \
		grep "^sysfuzz: .*calls, seed\|HANG\|stuck" $$log; \
	else \
		echo "fuzz: no summary (qemu status $$st$$([ $$st = 124 ] && echo ', timed out: hang')); last lines:"; \
		tail -5 $$log; exit 1; \
	fi

# Ferrite: a Linux-compatible kernel for x86_64 microVMs.
#
#   make            build build/ferrite.elf (and the stripped build/ferrite)
#   make run        install what is missing, build, boot a shell in QEMU
#   make test       install what is missing, run every test
#   make menuconfig / defconfig / olddefconfig / savedefconfig
#
# Kernel sources are found by directory (see KSRCS); a new .c or .S file in
# one of those folders is built without touching this file.

BUILD	?= build
PYTHON	:= /usr/bin/python3
CC	:= gcc
LD	:= ld
OBJCOPY	:= objcopy
NM	:= nm
STRIP	:= strip
HOSTCC	:= gcc

KCONFIG_CONFIG ?= .config
export KCONFIG_CONFIG
CONFIG_H := $(BUILD)/include/generated/config.h

-include $(KCONFIG_CONFIG)

KSRCS := $(wildcard arch/x86_64/*.c arch/x86_64/*.S kernel/*.c kernel/*/*.c \
	   mm/*.c lib/*.c fs/*.c fs/*/*.c net/*.c net/*/*.c drivers/*.c \
	   drivers/*/*.c)
KOBJS := $(patsubst %,$(BUILD)/%.o,$(KSRCS)) $(BUILD)/gen/syscall_table.c.o

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	   -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
	   -mno-avx -mgeneral-regs-only -fno-omit-frame-pointer \
	   -mno-omit-leaf-frame-pointer -fno-stack-protector \
	   -fno-asynchronous-unwind-tables -fno-common -fno-strict-aliasing \
	   -ffunction-sections -fdata-sections \
	   -Wall -Wextra -Wno-unused-parameter -Wstrict-prototypes \
	   -Wmissing-prototypes -Werror=implicit-function-declaration \
	   -Werror=return-type -nostdinc \
	   -isystem $(shell $(CC) -print-file-name=include) \
	   -Iinclude -Iarch/x86_64/include -I$(BUILD)/include \
	   -include $(CONFIG_H) -MMD -MP
KASFLAGS := -D__ASSEMBLY__ -Iinclude -Iarch/x86_64/include \
	    -I$(BUILD)/include -include $(CONFIG_H) -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    --no-warn-rwx-segments --gc-sections -T arch/x86_64/kernel.ld

# Kernel build options and extra objects (lwIP, sanitizers, fault
# injection) live in mk/kernel/*.mk: included here, before the link rules
# read KOBJS and KCFLAGS.
-include mk/kernel/*.mk

.PHONY: all kernel clean distclean run test bench menuconfig defconfig \
	olddefconfig savedefconfig deps unit

all: kernel

kernel: $(BUILD)/ferrite.elf $(BUILD)/ferrite
	@printf 'ferrite: stripped image %s bytes (%s KiB)\n' \
		$$(stat -c %s $(BUILD)/ferrite) \
		$$(( ($$(stat -c %s $(BUILD)/ferrite) + 1023) / 1024 ))

# --- configuration (Kconfiglib from Debian's python3-kconfiglib) ---------

$(KCONFIG_CONFIG):
	@test -f $(KCONFIG_CONFIG) || cp configs/defconfig $(KCONFIG_CONFIG)
	@$(PYTHON) -m olddefconfig Kconfig >/dev/null

$(CONFIG_H): $(KCONFIG_CONFIG) $(shell find . -name Kconfig -not -path './$(BUILD)/*')
	@mkdir -p $(dir $@)
	@$(PYTHON) -m olddefconfig Kconfig >/dev/null
	@$(PYTHON) -m genconfig --header-path $@ Kconfig

menuconfig:
	@test -f $(KCONFIG_CONFIG) || cp configs/defconfig $(KCONFIG_CONFIG)
	$(PYTHON) -m menuconfig Kconfig

defconfig:
	cp configs/defconfig $(KCONFIG_CONFIG)
	$(PYTHON) -m olddefconfig Kconfig

olddefconfig:
	@test -f $(KCONFIG_CONFIG) || cp configs/defconfig $(KCONFIG_CONFIG)
	$(PYTHON) -m olddefconfig Kconfig

savedefconfig:
	$(PYTHON) -m savedefconfig --kconfig Kconfig --out configs/defconfig

# --- kernel --------------------------------------------------------------

$(BUILD)/%.c.o: %.c $(CONFIG_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S $(CONFIG_H)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# The system-call table, from the list of Linux x86_64 numbers.
$(BUILD)/gen/syscall_table.c: kernel/syscalls.tbl tools/gen_syscalls.py
	@mkdir -p $(dir $@)
	@$(PYTHON) tools/gen_syscalls.py $< > $@

$(BUILD)/gen/syscall_table.c.o: $(BUILD)/gen/syscall_table.c $(CONFIG_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

# The symbol table for backtraces is linked in a second pass. It sits in
# its own section after .rodata, so adding it moves no code: the text
# addresses of pass 1 are those of the final image (checked below).
$(BUILD)/ksyms0.S:
	@mkdir -p $(BUILD)
	@$(PYTHON) tools/gen_ksyms.py < /dev/null > $@

$(BUILD)/ferrite.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.S.o arch/x86_64/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms0.S.o

$(BUILD)/ksyms.S: $(BUILD)/ferrite.pass1.elf tools/gen_ksyms.py
	@$(NM) -n --defined-only $< | $(PYTHON) tools/gen_ksyms.py > $@

$(BUILD)/ksyms0.S.o: $(BUILD)/ksyms0.S $(CONFIG_H)
	@$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/ksyms.S.o: $(BUILD)/ksyms.S $(CONFIG_H)
	@$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/ferrite.elf: $(KOBJS) $(BUILD)/ksyms.S.o arch/x86_64/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.S.o
	@$(PYTHON) tools/check_ksyms.py $(BUILD)/ferrite.pass1.elf $@

$(BUILD)/ferrite: $(BUILD)/ferrite.elf
	@$(STRIP) -o $@ $<

-include $(KOBJS:.o=.d)

# --- everything else lives in mk/*.mk (tests, run, tools) ----------------
-include mk/*.mk

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -f $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

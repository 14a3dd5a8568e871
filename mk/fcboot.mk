# fcboot: the loader stub that recreates Firecracker's 64-bit boot state
# under QEMU (tools/fcboot/), and its test fixtures. `make fcboot` builds
# build/fcboot.elf, build/fcboot-test.elf and build/fcboot-test-overlap.elf.
# --param=min-pagesize=0: the stub and fixture touch fixed low addresses
# (0x500, 0x7000) that gcc would otherwise flag as null-pointer accesses.

FCBOOT_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -ffreestanding -nostdlib \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-mgeneral-regs-only -Wall -Wextra -Werror -Wmissing-prototypes \
	-Wstrict-prototypes --param=min-pagesize=0
FCTEST_CFLAGS := -m64 -std=gnu11 -O2 -ffreestanding -nostdlib -fno-pic \
	-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -Wall -Wextra -Werror \
	-Wmissing-prototypes -Wstrict-prototypes --param=min-pagesize=0
FCBOOT_OBJS := $(BUILD)/fcboot/entry.o $(BUILD)/fcboot/fcboot.o
FCTEST_OBJS := $(BUILD)/fcboot/test/entry.o $(BUILD)/fcboot/test/fixture.o

.PHONY: fcboot
fcboot: $(BUILD)/fcboot.elf $(BUILD)/fcboot-test.elf $(BUILD)/fcboot-test-overlap.elf

$(BUILD)/fcboot/%.o: tools/fcboot/%.c mk/fcboot.mk
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	@$(CC) $(FCBOOT_CFLAGS) -c $< -o $@

$(BUILD)/fcboot/%.o: tools/fcboot/%.S mk/fcboot.mk
	@mkdir -p $(dir $@)
	@echo "  AS32    $<"
	@$(CC) -m32 -c $< -o $@

$(BUILD)/fcboot.elf: $(FCBOOT_OBJS) tools/fcboot/fcboot.ld
	@echo "  LD      $@"
	@$(LD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments -T tools/fcboot/fcboot.ld -o $@ $(FCBOOT_OBJS)

$(BUILD)/fcboot/test/%.o: tools/fcboot/test/%.c mk/fcboot.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(FCTEST_CFLAGS) -c $< -o $@

$(BUILD)/fcboot/test/%.o: tools/fcboot/test/%.S mk/fcboot.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) -m64 -c $< -o $@

$(BUILD)/fcboot-test.elf: $(FCTEST_OBJS) tools/fcboot/test/fixture.ld
	@echo "  LD      $@"
	@$(LD) -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments -T tools/fcboot/test/fixture.ld -o $@ $(FCTEST_OBJS)

# The same fixture placed on top of the stub: fcboot must refuse it.
$(BUILD)/fcboot-test-overlap.elf: $(FCTEST_OBJS) tools/fcboot/test/fixture.ld
	@echo "  LD      $@"
	@$(LD) -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments --defsym=FIXTURE_BASE=0x1000000 \
		-T tools/fcboot/test/fixture.ld -o $@ $(FCTEST_OBJS)

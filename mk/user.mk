# User-space tests (issue 3): the ufw behaviour suite in user/, the ELF
# corpus, and the two initramfs images. `make user` builds the programs with
# musl-gcc -static; `make test-host` runs the whole suite on this Linux only;
# `make initramfs` builds build/initramfs-test.cpio.gz (runs every test,
# then powers off) and build/initramfs-run.cpio.gz (an interactive shell).

MUSLCC	:= musl-gcc
BUSYBOX	?= /bin/busybox
USER_CFLAGS := -static -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra \
	-Wno-unused-parameter -Iuser/lib
USER_BIN := $(BUILD)/user/bin
# Every user/tests/<name>.c is one test binary linked with the framework;
# user/helpers/<name>.c are plain programs the tests execute.
USER_TESTS := $(patsubst user/tests/%.c,%,$(wildcard user/tests/*.c))
USER_HELPERS := $(patsubst user/helpers/%.c,%,$(wildcard user/helpers/*.c))
USER_PROGS := $(addprefix $(USER_BIN)/,$(USER_TESTS) $(USER_HELPERS))
ELF_CORPUS := $(BUILD)/user/elf-corpus/MANIFEST
INITRD_TEST := $(BUILD)/initramfs-test.cpio.gz
INITRD_RUN := $(BUILD)/initramfs-run.cpio.gz

.PHONY: user initramfs test-host busybox-testsuite

user: $(USER_PROGS) $(ELF_CORPUS)

$(USER_BIN)/%: user/tests/%.c user/lib/ufw.c user/lib/ufw.h mk/user.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -o $@ $< user/lib/ufw.c

$(USER_BIN)/%: user/helpers/%.c mk/user.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -o $@ $<

$(ELF_CORPUS): tests/elf-corpus/gen.py
	@echo "  GEN     $(dir $@)"
	@rm -rf $(dir $@)
	@$(PYTHON) tests/elf-corpus/gen.py $(dir $@)

initramfs: $(INITRD_TEST) $(INITRD_RUN)

$(INITRD_TEST): user tools/mkinitramfs.py $(wildcard tests/busybox/*.sh) \
		$(wildcard $(BUILD)/busybox-testsuite/VERSION)
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout test --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

$(INITRD_RUN): tools/mkinitramfs.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout run --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

test-host:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory user
	@BUILD="$(BUILD)" $(PYTHON) tools/guest_tests.py --host-only

# Fetches Debian's busybox source package with a private apt configuration
# and keeps only testsuite/ in build/busybox-testsuite/.
busybox-testsuite:
	@BUILD="$(BUILD)" tools/fetch_busybox_testsuite.sh

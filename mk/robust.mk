# Robustness suite programs (issue 6, tools/suites/robust.py): the OOM
# eater (user/robust/oomeater.c, musl static) and the initramfs that runs
# the OOM scenarios (`mkinitramfs.py --layout oom`). `make robust` builds
# both, plus the fuzz initramfs the suite also boots.

OOMEATER	:= $(BUILD)/robust/oomeater
INITRD_OOM	:= $(BUILD)/initramfs-oom.cpio.gz

.PHONY: robust robust-initramfs

$(OOMEATER): user/robust/oomeater.c mk/robust.mk
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSLCC) $(USER_CFLAGS) -o $@ $<

$(INITRD_OOM): $(OOMEATER) tools/mkinitramfs.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout oom --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

robust-initramfs: $(INITRD_OOM)

robust: robust-initramfs fuzz-initramfs

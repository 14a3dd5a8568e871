# `make run`: install what is missing, build, and boot Ferrite in QEMU with
# the serial console on this terminal (Ctrl-A X quits). MACHINE, MEM, ACCEL,
# SMP, BOOT, APPEND, INITRD, NET and HOSTFWD reach tools/qemu.sh through
# the environment: make exports variables given on its command line to every
# recipe. `make run NET=user` adds a virtio-net NIC on QEMU's user network
# (the kernel gets ip=dhcp); HOSTFWD="tcp:2222-:22" forwards a host port.
# Without INITRD, the BusyBox shell image build/initramfs-run.cpio.gz
# (mk/user.mk) is booted.

RUN_INITRD = $(or $(INITRD),$(BUILD)/initramfs-run.cpio.gz)

run:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory kernel
	@$(if $(filter fcboot,$(BOOT)),$(MAKE) --no-print-directory fcboot)
	@$(if $(INITRD),,$(MAKE) --no-print-directory $(BUILD)/initramfs-run.cpio.gz)
	@BUILD="$(BUILD)" INITRD="$(RUN_INITRD)" tools/qemu.sh interactive

# `make test-interactive`: only the interactive console tests (also part of
# `make test`). KERNEL=linux runs them on Debian's kernel instead, the
# oracle (tools/fetch_linux.sh fetches it into $(BUILD)/linux/).
.PHONY: test-interactive
test-interactive:
	@tools/deps.sh test
	@$(if $(filter-out ferrite,$(or $(KERNEL),ferrite)),,$(MAKE) --no-print-directory kernel)
	@BUILD="$(BUILD)" $(PYTHON) tools/interactive_tests.py

# `make run`: install what is missing, build, and boot Ferrite in QEMU with
# the serial console on this terminal (Ctrl-A X quits). MACHINE, MEM, ACCEL,
# SMP, BOOT, APPEND and INITRD reach tools/qemu.sh through the environment:
# make exports variables given on its command line to every recipe.

run:
	@tools/deps.sh run
	@$(MAKE) --no-print-directory kernel
	@$(if $(filter fcboot,$(BOOT)),$(MAKE) --no-print-directory fcboot)
	@BUILD="$(BUILD)" tools/qemu.sh interactive

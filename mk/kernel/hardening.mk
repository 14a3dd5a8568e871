# Kernel hardening build options (arch/x86_64/Kconfig, menu "Hardening"):
# the stack protector and the undefined-behaviour sanitizer build. SMAP,
# SMEP, NX and W^X need no compiler flags.

ifeq ($(CONFIG_STACKPROTECTOR),y)
# A global guard symbol (__stack_chk_guard, arch/x86_64/stackprot.c): the
# default TLS guard at %fs:0x28 would read the user's FS base.
KCFLAGS := $(filter-out -fno-stack-protector,$(KCFLAGS)) \
	   -fstack-protector-strong -mstack-protector-guard=global
endif

ifeq ($(CONFIG_UBSAN),y)
# Everything -fsanitize=undefined checks, less:
#  alignment    x86 handles misaligned loads; packed on-wire and boot
#               structures are read in place on purpose, so reports would
#               be noise, not bugs;
#  vptr         C++ only;
#  function     indirect-call type checks need RTTI-like data (clang);
# and with handlers that return (not -fsanitize-trap), so a report is a
# log line and the kernel carries on. -fno-sanitize-recover is not given:
# recovery is the default for every check enabled here.
# gcc's -Warray-bounds misfires on the bounds-checked code it generates.
KCFLAGS += -fsanitize=undefined -fno-sanitize=alignment,vptr \
	   -Wno-array-bounds
endif

ifeq ($(CONFIG_UBSAN),y)
# The handlers themselves are not instrumented (a report must not report).
$(BUILD)/lib/ubsan.c.o: KCFLAGS += -fno-sanitize=all
endif

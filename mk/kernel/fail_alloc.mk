# Allocation-failure injection (CONFIG_FAIL_ALLOC, kernel/Kconfig): every
# kernel object of ours is compiled with its top source directory as
# FAIL_SUBSYS and with <ferrite/fail_alloc.h> forced in, whose macros mark
# allocator calls with it (for fail_alloc=...,subsys:NAME). The files that
# define the allocators (FAIL_ALLOC_NO_WRAP) are not wrapped. Third-party
# objects (lwIP, under $(BUILD)/lwip/) are left alone.

ifeq ($(CONFIG_FAIL_ALLOC),y)

FAIL_ALLOC_INC := -include include/ferrite/fail_alloc.h

$(BUILD)/arch/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_ARCH $(FAIL_ALLOC_INC)
$(BUILD)/kernel/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_KERNEL $(FAIL_ALLOC_INC)
$(BUILD)/mm/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_MM $(FAIL_ALLOC_INC)
$(BUILD)/fs/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_FS $(FAIL_ALLOC_INC)
$(BUILD)/drivers/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_DRIVERS $(FAIL_ALLOC_INC)
$(BUILD)/net/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_NET $(FAIL_ALLOC_INC)
$(BUILD)/lib/%.o: KCFLAGS += -DFAIL_SUBSYS=FAIL_SUBSYS_LIB $(FAIL_ALLOC_INC)

$(BUILD)/mm/slab.c.o $(BUILD)/mm/page_alloc.c.o $(BUILD)/mm/fail_alloc.c.o \
	$(BUILD)/mm/vmap.c.o: KCFLAGS += -DFAIL_ALLOC_NO_WRAP

# A change of the header or of this file rebuilds everything it touches.
$(filter-out $(BUILD)/lwip/%,$(KOBJS)): include/ferrite/fail_alloc.h \
	mk/kernel/fail_alloc.mk

endif

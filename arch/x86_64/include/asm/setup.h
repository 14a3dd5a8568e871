/*
 * Early x86_64 setup: boot protocol parsing, descriptor tables, traps and
 * paging. Private to arch/x86_64/.
 */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <ferrite/compiler.h>

/* GDT slots; selector = index * 8 (| 3 for ring 3). Linux's layout. */
#define GDT_KERNEL32_CS_IDX	1
#define GDT_KERNEL_CS_IDX	2
#define GDT_KERNEL_DS_IDX	3
#define GDT_USER32_CS_IDX	4
#define GDT_USER_DS_IDX		5
#define GDT_USER_CS_IDX		6
#define GDT_TSS_IDX		8	/* two slots */
#define GDT_ENTRIES		10

#define GDT_KERNEL_CS	(GDT_KERNEL_CS_IDX * 8)		/* 0x10 */
#define GDT_KERNEL_DS	(GDT_KERNEL_DS_IDX * 8)		/* 0x18 */
#define GDT_USER32_CS	(GDT_USER32_CS_IDX * 8 + 3)	/* 0x23 */
#define GDT_USER_DS	(GDT_USER_DS_IDX * 8 + 3)	/* 0x2b */
#define GDT_USER_CS	(GDT_USER_CS_IDX * 8 + 3)	/* 0x33 */
#define GDT_TSS		(GDT_TSS_IDX * 8)		/* 0x40 */

/* IST slots (1-based in the IDT, 0-based in the TSS array). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_COUNT		3

int bootinfo_parse(unsigned int proto, u64 info_pa);
void bootinfo_check_initrd(void);

void gdt_init(void);
void gdt_set_kernel_stack(uintptr_t top);
bool gdt_on_ist_stack(uintptr_t addr);

void idt_init(void);

void paging_init(void);
bool kernel_addr_mapped(uintptr_t va);

extern u64 boot_tsc_entry;
extern char boot_stack_bottom[], boot_stack_top[];

/* Linker-script symbols. */
extern char __kernel_phys_start[], __boot_phys_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[], __kernel_end[];

#endif

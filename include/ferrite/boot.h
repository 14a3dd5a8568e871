/*
 * What the boot protocol handed us, in one protocol-neutral form. The arch
 * entry code (PVH, Linux 64-bit boot) fills it before anything else runs;
 * the rest of the kernel reads it and never sees the protocol.
 */
#ifndef FERRITE_BOOT_H
#define FERRITE_BOOT_H

#include <ferrite/types.h>

#define BOOT_MAX_REGIONS	128
#define BOOT_CMDLINE_MAX	2048

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,	/* e820 type 1 */
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_UNUSABLE = 5,
};

struct boot_mem_region {
	u64 base;
	u64 len;
	u32 type;		/* enum boot_mem_type */
};

struct boot_info {
	const char *protocol;	/* "pvh", "linux64", ... */
	char cmdline[BOOT_CMDLINE_MAX];	/* copied, NUL-terminated */
	bool cmdline_truncated;
	struct boot_mem_region mem[BOOT_MAX_REGIONS];
	unsigned int nr_mem;
	phys_addr_t initrd_base;	/* 0 and 0 when there is none */
	u64 initrd_size;
	phys_addr_t rsdp;		/* ACPI RSDP if the loader gave one, else 0 */
	phys_addr_t kernel_start, kernel_end;	/* physical extent of the image */
};

extern struct boot_info boot_info;

/* Boot-time stamps (TSC cycles), printed at loglevel >= info. */
enum boot_stage {
	BOOT_STAGE_ENTRY,
	BOOT_STAGE_CONSOLE,
	BOOT_STAGE_MM,
	BOOT_STAGE_TRAPS,
	BOOT_STAGE_TIME,
	BOOT_STAGE_SCHED,
	BOOT_STAGE_READY,	/* kernel core up: next, root fs and init */
	BOOT_STAGE_INIT,	/* init's first user instruction is next */
	BOOT_STAGE_COUNT
};
void boot_stamp(enum boot_stage stage);
void boot_report(void);		/* prints "ferrite: ready in N us" */
u64 boot_ready_us(void);
void boot_report_init(const char *path);	/* "starting /init, N us after entry" */

#endif

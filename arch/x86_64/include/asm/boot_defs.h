/* Constants shared by boot.S and the C code that receives its hand-off. */
#ifndef ASM_BOOT_DEFS_H
#define ASM_BOOT_DEFS_H

#define BOOT_PROTO_PVH		1	/* %ebx = hvm_start_info (32-bit entry) */
#define BOOT_PROTO_LINUX64	2	/* %rsi = boot_params (64-bit entry) */

#define BOOT_GDT_CS		0x08
#define BOOT_GDT_DS		0x10

#define BOOT_STACK_SIZE		16384

#endif

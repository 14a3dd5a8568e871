/*
 * x86_64 early setup: the first C code. Runs on the boot stack with the
 * early page tables, brings up the console, descriptor tables, the boot
 * memory map and the final page tables, then enters kernel_main().
 */
#include <ferrite/boot.h>
#include <ferrite/cmdline.h>
#include <ferrite/ctype.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <asm/boot_defs.h>
#include <asm/paging.h>
#include <asm/platform.h>
#include <asm/platform_serial.h>
#include <asm/setup.h>
#include <asm/x86.h>

u64 boot_tsc_entry;

u64 arch_boot_cycles(void)
{
	return boot_tsc_entry;
}

static void setup_memblock(void)
{
	phys_addr_t kstart = (phys_addr_t)(uintptr_t)__kernel_phys_start;
	phys_addr_t kend = (phys_addr_t)((uintptr_t)__kernel_end - KERNEL_VMA);

	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];

		if (m->type == BOOT_MEM_USABLE)
			memblock_add(m->base, m->len);
	}
	boot_info.kernel_start = kstart;
	boot_info.kernel_end = kend;
	/* Real-mode structures, EBDA and the loader's data live below 1 MiB. */
	memblock_reserve(0, 1UL << 20);
	memblock_reserve(kstart, kend - kstart);
	if (boot_info.initrd_size)
		memblock_reserve(ALIGN_DOWN(boot_info.initrd_base, PAGE_SIZE),
				 ALIGN_UP(boot_info.initrd_base + boot_info.initrd_size,
					  PAGE_SIZE) -
				 ALIGN_DOWN(boot_info.initrd_base, PAGE_SIZE));
	/* The boot page tables map only the first GiB. */
	memblock_set_limit(1UL << 30);
}

static void print_memory_map(void)
{
	static const char *const names[] = {
		"?", "usable", "reserved", "ACPI data", "ACPI NVS", "unusable",
	};

	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];

		printk(KERN_DEBUG "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
			(unsigned long long)m->base,
			(unsigned long long)(m->base + m->len - 1),
			names[m->type < ARRAY_SIZE(names) ? m->type : 0]);
	}
}

/* Options only the x86_64 code understands: console=ttySn, debug_exit. */
void arch_parse_cmdline(const struct cmdline *cl)
{
	const char *con = cmdline_get(cl, "console");
	u64 port;

	if (con && con[0]) {
		if (!strncmp(con, "ttyS", 4) && isdigit(con[4]) &&
		    (con[5] == '\0' || con[5] == ',')) {
			if (serial_select(con[4] - '0'))
				pr_warn("console: %s does not exist, keeping ttyS0\n", con);
		} else {
			pr_warn("console: %s is not supported, keeping ttyS0\n", con);
		}
	}
	if (cmdline_has(cl, "debug_exit")) {
		if (cmdline_get_u64(cl, "debug_exit", &port) || port == 0 ||
		    port > 0xffff)
			port = 0xf4;
		power_set_debug_exit((u16)port);
	}
}

void arch_platform_init(void)
{
	paging_late_init();
	platform_init();
}

void stackprot_init(void);	/* stackprot.c */

/*
 * Not stack-protected: the canary changes under it (stackprot_init), and
 * it never returns to check one.
 */
void x86_64_start(unsigned int proto, u64 info_pa, u64 tsc);
__attribute__((no_stack_protector))
void x86_64_start(unsigned int proto, u64 info_pa, u64 tsc)
{
	stackprot_init();
	boot_tsc_entry = tsc;
	serial_init();
	tsc_calibrate_begin();
	boot_stamp(BOOT_STAGE_CONSOLE);
	gdt_init();
	idt_init();

	if (bootinfo_parse(proto, info_pa)) {
		pr_emerg("Ferrite: unrecognised boot information (protocol %u, %#llx); stopping\n",
			 proto, (unsigned long long)info_pa);
		arch_poweroff();	/* never hang silently: the host sees it stop */
	}
	pr_notice("Ferrite %s (x86_64) booting via %s\n", FERRITE_VERSION,
		  boot_info.protocol);
	pr_notice("Command line: %s\n", boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		pr_warn("boot: command line longer than %d bytes, truncated\n",
			BOOT_CMDLINE_MAX - 1);
	print_memory_map();
	if (boot_info.nr_mem == 0) {
		pr_emerg("Ferrite: the boot loader gave no memory map; stopping\n");
		arch_poweroff();
	}
	bootinfo_check_initrd();
	setup_memblock();
	paging_init();
	memblock_set_limit(~(phys_addr_t)0);
	kernel_main();
}

__noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

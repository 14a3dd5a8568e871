/*
 * fcboot test fixture: a tiny 64-bit "kernel" that checks the state the
 * fcboot stub handed it against Firecracker's documented boot state and
 * reports on COM1, then leaves through isa-debug-exit (0 = all passed).
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

/* Filled by entry.S. */
u64 entry_rsi, entry_rsp, entry_rbp, entry_rflags, entry_gpr_or;
u64 entry_cr0, entry_cr3, entry_cr4, entry_efer;
u16 entry_seg[6];
struct __attribute__((packed)) {
	u16 limit;
	u64 base;
} entry_gdtr, entry_idtr;

void fixture_main(void);

static unsigned int failures, checks;

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc(char c)
{
	unsigned int spin = 100000;

	while (!(inb(0x3f8 + 5) & 0x20) && --spin)
		;
	outb(0x3f8, (u8)c);
}

static void puts(const char *s)
{
	for (; *s; s++)
		putc(*s);
}

static void puthex(u64 v)
{
	char buf[19];
	int i = 18;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	puts(&buf[i]);
}

static void putdec(u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(&buf[i]);
}

/* One check: prints the value on failure so a log says what was wrong. */
static void check(int ok, const char *what, u64 got)
{
	checks++;
	if (ok)
		return;
	failures++;
	puts("fcboot-test: FAIL ");
	puts(what);
	puts(" (got ");
	puthex(got);
	puts(")\n");
}

static u32 str_len(const char *s)
{
	u32 n = 0;

	while (s[n])
		n++;
	return n;
}

static u64 rd64(u64 addr)
{
	return *(volatile u64 *)addr;
}

static u32 rd32(u64 addr)
{
	return *(volatile u32 *)addr;
}

static u16 rd16(u64 addr)
{
	return *(volatile u16 *)addr;
}

static void check_registers(void)
{
	static const char *const seg_names[6] = { "cs", "ds", "es", "ss", "fs", "gs" };
	int i;

	check(entry_rsi == 0x7000, "rsi == 0x7000 (zero page)", entry_rsi);
	check(entry_rsp == 0x8ff0, "rsp == 0x8ff0", entry_rsp);
	check(entry_rbp == 0x8ff0, "rbp == 0x8ff0", entry_rbp);
	check(entry_rflags == 0x2, "rflags == 0x2 (IF clear)", entry_rflags);
	check(entry_gpr_or == 0, "other GPRs zero", entry_gpr_or);
	for (i = 0; i < 6; i++)
		check(entry_seg[i] == (i ? 0x10 : 0x08), seg_names[i], entry_seg[i]);
	check((entry_cr0 & 0x80000001) == 0x80000001, "cr0 PE|PG", entry_cr0);
	check(entry_cr3 == 0x9000, "cr3 == 0x9000", entry_cr3);
	check(entry_cr4 & 0x20, "cr4 PAE", entry_cr4);
	check((entry_efer & 0x500) == 0x500, "efer LME|LMA", entry_efer);
	check(entry_gdtr.base == 0x500 && entry_gdtr.limit == 31, "gdtr 0x500/31",
	      entry_gdtr.base);
	check(entry_idtr.base == 0x520 && entry_idtr.limit == 7, "idtr 0x520/7",
	      entry_idtr.base);
}

/* The CPU sets Accessed/Dirty (bits 5, 6) as it walks: ignore those. */
static u64 pte(u64 addr)
{
	return rd64(addr) & ~0x60ull;
}

static void check_tables(void)
{
	static const u64 gdt[4] = {
		0, 0x00af9b000000ffffull, 0x00cf93000000ffffull,
		0x008f8b000000ffffull
	};
	int i, pd_ok = 1;

	for (i = 0; i < 4; i++)
		check(rd64(0x500 + i * 8) == gdt[i], "gdt entry", rd64(0x500 + i * 8));
	check(rd64(0x520) == 0, "idt empty", rd64(0x520));
	check(pte(0x9000) == 0xa003, "pml4[0]", rd64(0x9000));
	check(pte(0xa000) == 0xb003, "pdpt[0]", rd64(0xa000));
	for (i = 0; i < 512; i++)
		pd_ok &= pte(0xb000 + i * 8) == (((u64)i << 21) | 0x83);
	check(pd_ok, "pd maps 1 GiB with 2 MiB pages", rd64(0xb008));
}

static void check_zero_page(void)
{
	const u64 zp = 0x7000;
	u32 n = *(volatile u8 *)(zp + 0x1e8), i, usable = 0;
	u64 ramdisk;

	check(rd16(zp + 0x1fe) == 0xaa55, "boot_flag", rd16(zp + 0x1fe));
	check(rd32(zp + 0x202) == 0x53726448, "HdrS", rd32(zp + 0x202));
	check(*(volatile u8 *)(zp + 0x210) == 0xff, "type_of_loader",
	      *(volatile u8 *)(zp + 0x210));
	check(rd32(zp + 0x228) == 0x20000, "cmd_line_ptr", rd32(zp + 0x228));
	check(n > 0 && n <= 128, "e820 entries", n);
	for (i = 0; i < n && i <= 128; i++) {
		u64 e = zp + 0x2d0 + i * 20;

		if (rd32(e + 16) == 1)
			usable += 1;
	}
	check(usable > 0, "usable e820 entries", usable);
	check(rd64(zp + 0x2d0) == 0 && rd32(zp + 0x2d0 + 16) == 1,
	      "e820[0] is RAM at 0", rd64(zp + 0x2d0));

	puts("fcboot-test: cmdline: ");
	puts((const char *)(u64)rd32(zp + 0x228));
	puts("\n");
	check(rd32(zp + 0x238) == 1 + str_len((const char *)(u64)0x20000),
	      "cmdline_size", rd32(zp + 0x238));

	ramdisk = rd32(zp + 0x218) | ((u64)rd32(zp + 0xc0) << 32);
	if (rd32(zp + 0x21c)) {
		puts("fcboot-test: initrd at ");
		puthex(ramdisk);
		puts(", ");
		putdec(rd32(zp + 0x21c));
		puts(" bytes\n");
	} else {
		puts("fcboot-test: no initrd\n");
	}
	puts("fcboot-test: acpi_rsdp_addr ");
	puthex(rd64(zp + 0x70));
	puts("\n");
}

void fixture_main(void)
{
	u32 exit_code;

	puts("fcboot-test: 64-bit entry reached\n");
	check_registers();
	check_tables();
	check_zero_page();
	if (failures) {
		puts("fcboot-test: ");
		putdec(failures);
		puts(" of ");
		putdec(checks);
		puts(" checks failed\n");
	} else {
		puts("fcboot-test: all ");
		putdec(checks);
		puts(" checks passed\n");
	}
	/* QEMU exits with (code << 1) | 1: 1 = passed, 3 = failed. */
	exit_code = failures ? 1 : 0;
	__asm__ volatile("outl %0, %1" : : "a"(exit_code), "Nd"((u16)0xf4));
}

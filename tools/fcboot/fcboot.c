/*
 * fcboot: a test-only loader that gives a kernel the machine state
 * Firecracker gives it (64-bit Linux boot protocol), but under QEMU. QEMU
 * boots us through PVH; we load the kernel ELF it left raw at 64 MiB and
 * build Firecracker's zero page, GDT, IDT and page tables. entry.S jumps.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int size_t;	/* -m32 */

#define KERNEL_BLOB		0x4000000u	/* where qemu.sh's -device loader puts it */
#define LOW_LIMIT		0x100000ull	/* segments must stay above 1 MiB */
#define IDENTITY_LIMIT		0x40000000ull	/* the boot page tables map 1 GiB */
#define FOUR_GIB		0x100000000ull

/* Firecracker's fixed low-memory layout (src/vmm/src/arch/x86_64/). */
#define GDT_ADDR		0x500u
#define IDT_ADDR		0x520u
#define ZERO_PAGE_ADDR		0x7000u
#define PML4_ADDR		0x9000u
#define PDPT_ADDR		0xa000u
#define PD_ADDR			0xb000u
#define CMDLINE_ADDR		0x20000u
#define CMDLINE_MAX		16384u		/* ends well below the EBDA */

/* struct boot_params offsets, checked against asm/bootparam.h. */
#define BP_ACPI_RSDP		0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_E820_ENTRIES		0x1e8
#define BP_BOOT_FLAG		0x1fe
#define BP_HEADER		0x202
#define BP_VERSION		0x206
#define BP_TYPE_OF_LOADER	0x210
#define BP_RAMDISK_IMAGE	0x218
#define BP_RAMDISK_SIZE		0x21c
#define BP_CMD_LINE_PTR		0x228
#define BP_KERNEL_ALIGNMENT	0x230
#define BP_CMDLINE_SIZE		0x238
#define BP_E820_TABLE		0x2d0
#define E820_MAX		128		/* entries that fit in the zero page */

/* isa-debug-exit value on failure: QEMU exits with (0x7e << 1) | 1 = 253. */
#define FCBOOT_EXIT_FAIL	0x7e

#define PVH_MAGIC		0x336ec578u

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;	/* version >= 1 */
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

struct hvm_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

struct elf64_ehdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define PT_LOAD		1
#define PF_X		1

struct region {
	u64 base, len;
	u32 type;
};

/* Everything taken from start_info, copied before low memory is reused. */
static struct region mem[E820_MAX];
static unsigned int nr_mem;
static char cmdline[CMDLINE_MAX];
static u32 cmdline_len;
static u64 initrd_base, initrd_size, rsdp;

u64 fcboot_kernel_entry;	/* read by entry.S */
extern char __stub_start[], __stub_end[];
void fcboot_main(const struct hvm_start_info *si);

/* gcc may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	return memmove(d, s, n);
}

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* --- COM1, polled ------------------------------------------------------ */

#define COM1	0x3f8

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on */
}

static void putc(char c)
{
	unsigned int spin = 100000;

	/* Bounded wait: a missing UART must not hang the stub. */
	while (!(inb(COM1 + 5) & 0x20) && --spin)
		;
	outb(COM1, (u8)c);
}

static void puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc('\r');
		putc(*s);
	}
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

static void putdec(u32 v)
{
	char buf[11];
	int i = 10;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(&buf[i]);
}

static __attribute__((noreturn)) void fail(const char *why, u64 val)
{
	puts("fcboot: error: ");
	puts(why);
	puts(" (");
	puthex(val);
	puts(")\n");
	outl(0xf4, FCBOOT_EXIT_FAIL);
	/* No isa-debug-exit device (interactive run): stop here. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* --- what the PVH loader gave us ---------------------------------------- */

static const void *phys(u64 addr, u64 len, const char *what)
{
	if (addr >= FOUR_GIB || len > FOUR_GIB - addr)
		fail(what, addr);
	return (const void *)(u32)addr;
}

static void take_start_info(const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *mm;
	const struct hvm_modlist_entry *mod;
	const char *src;
	unsigned int i;

	if (si->magic != PVH_MAGIC)
		fail("bad PVH start_info magic", si->magic);
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		fail("PVH start_info has no memory map", si->version);
	if (si->memmap_entries > E820_MAX)
		fail("too many memory map entries", si->memmap_entries);

	mm = phys(si->memmap_paddr, si->memmap_entries * sizeof(*mm), "memmap");
	for (i = 0; i < si->memmap_entries; i++) {
		mem[i].base = mm[i].addr;
		mem[i].len = mm[i].size;
		mem[i].type = mm[i].type;
	}
	nr_mem = si->memmap_entries;

	if (si->cmdline_paddr) {
		src = phys(si->cmdline_paddr, 1, "cmdline");
		while (src[cmdline_len] && cmdline_len < CMDLINE_MAX - 1) {
			cmdline[cmdline_len] = src[cmdline_len];
			cmdline_len++;
		}
		if (src[cmdline_len])
			puts("fcboot: command line truncated\n");
	}
	cmdline[cmdline_len] = 0;

	if (si->nr_modules && si->modlist_paddr) {
		mod = phys(si->modlist_paddr, sizeof(*mod), "module list");
		initrd_base = mod->paddr;
		initrd_size = mod->size;
	}
	rsdp = si->rsdp_paddr;
}

/* --- the kernel ELF ----------------------------------------------------- */

static int overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* The usable region holding [base, base + len), or NULL. */
static const struct region *usable_region(u64 base, u64 len)
{
	unsigned int i;

	for (i = 0; i < nr_mem; i++) {
		if (mem[i].type != 1)
			continue;
		if (base >= mem[i].base && len <= mem[i].len &&
		    base - mem[i].base <= mem[i].len - len)
			return &mem[i];
	}
	return 0;
}

/*
 * Bytes of the blob we may read: up to the end of its RAM region, or to
 * the initrd if QEMU put that above it.
 */
static u64 blob_limit(void)
{
	const struct region *r = usable_region(KERNEL_BLOB, 4096);
	u64 end;

	if (!r)
		fail("no RAM at the kernel blob address", KERNEL_BLOB);
	end = r->base + r->len;
	if (end > FOUR_GIB)
		end = FOUR_GIB;
	if (initrd_size && initrd_base > KERNEL_BLOB && initrd_base < end)
		end = initrd_base;
	return end - KERNEL_BLOB;
}

static const struct elf64_phdr *check_header(const struct elf64_ehdr *eh,
					     u64 limit)
{
	const u8 *id = eh->e_ident;

	if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		fail("kernel blob is not an ELF file", *(const u32 *)id);
	if (id[4] != 2 || id[5] != 1)
		fail("kernel is not ELF64 little-endian", id[4]);
	if (eh->e_machine != 62)
		fail("kernel is not x86_64", eh->e_machine);
	if (eh->e_type != 2)
		fail("kernel is not an executable (ET_EXEC)", eh->e_type);
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phnum > 64)
		fail("bad program header table", eh->e_phnum);
	if (eh->e_phoff > limit ||
	    (u64)eh->e_phnum * sizeof(struct elf64_phdr) > limit - eh->e_phoff)
		fail("program headers outside the blob", eh->e_phoff);
	return (const void *)((const u8 *)eh + (u32)eh->e_phoff);
}

static void check_segment(const struct elf64_phdr *ph, u64 limit,
			  u64 blob_len)
{
	u64 start = ph->p_paddr, len = ph->p_memsz;
	u64 stub = (u32)__stub_start;

	if (ph->p_filesz > ph->p_memsz)
		fail("segment file size exceeds memory size", ph->p_paddr);
	if (ph->p_offset > limit || ph->p_filesz > limit - ph->p_offset)
		fail("segment data outside the blob", ph->p_offset);
	if (start + len < start || start + len > FOUR_GIB)
		fail("segment beyond 4 GiB", start);
	if (start < LOW_LIMIT)
		fail("segment in low memory (below 1 MiB)", start);
	if (!usable_region(start, len))
		fail("segment not in usable RAM", start);
	if (overlaps(start, len, stub, (u32)__stub_end - stub))
		fail("segment overlaps the fcboot stub", start);
	if (overlaps(start, len, KERNEL_BLOB, blob_len))
		fail("segment overlaps the kernel blob", start);
	if (overlaps(start, len, initrd_base, initrd_size))
		fail("segment overlaps the initrd", start);
}

/* Validate everything, then copy: nothing is written if the ELF is bad. */
static void load_kernel(void)
{
	const struct elf64_ehdr *eh = (const void *)KERNEL_BLOB;
	const struct elf64_phdr *ph;
	u64 limit = blob_limit(), blob_len, entry = eh->e_entry;
	unsigned int i, loads = 0, entry_ok = 0;

	ph = check_header(eh, limit);
	blob_len = eh->e_phoff + (u64)eh->e_phnum * sizeof(*ph);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_offset + ph[i].p_filesz > blob_len)
			blob_len = ph[i].p_offset + ph[i].p_filesz;
	}
	if (blob_len > limit)
		fail("kernel ELF larger than the room for it", blob_len);

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		check_segment(&ph[i], limit, blob_len);
		loads++;
		if ((ph[i].p_flags & PF_X) && entry >= ph[i].p_paddr &&
		    entry - ph[i].p_paddr < ph[i].p_memsz)
			entry_ok = 1;
	}
	if (!loads)
		fail("kernel has no loadable segment", 0);
	if (!entry_ok || entry >= IDENTITY_LIMIT)
		fail("entry point not in an executable segment below 1 GiB",
		     entry);

	for (i = 0; i < eh->e_phnum; i++) {
		u8 *dst = (u8 *)(u32)ph[i].p_paddr;

		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		puts("fcboot: load ");
		puthex(ph[i].p_paddr);
		puts(" file ");
		putdec((u32)ph[i].p_filesz);
		puts(" mem ");
		putdec((u32)ph[i].p_memsz);
		puts("\n");
		memmove(dst, (const u8 *)eh + (u32)ph[i].p_offset,
			(u32)ph[i].p_filesz);
		memset(dst + (u32)ph[i].p_filesz, 0,
		       (u32)(ph[i].p_memsz - ph[i].p_filesz));
	}
	fcboot_kernel_entry = entry;
}

/* --- Firecracker's boot state ------------------------------------------- */

static void put16(u32 addr, u16 v)
{
	*(volatile u16 *)addr = v;
}

static void put32(u32 addr, u32 v)
{
	*(volatile u32 *)addr = v;
}

static void put64(u32 addr, u64 v)
{
	put32(addr, (u32)v);
	put32(addr + 4, (u32)(v >> 32));
}

static void build_zero_page(void)
{
	const u32 zp = ZERO_PAGE_ADDR;
	unsigned int i;

	memset((void *)zp, 0, 4096);
	put16(zp + BP_BOOT_FLAG, 0xaa55);
	put32(zp + BP_HEADER, 0x53726448);	/* "HdrS" */
	put16(zp + BP_VERSION, 0x020f);
	*(volatile u8 *)(zp + BP_TYPE_OF_LOADER) = 0xff;	/* "other" */
	put32(zp + BP_KERNEL_ALIGNMENT, 0x1000000);
	memcpy((void *)CMDLINE_ADDR, cmdline, cmdline_len + 1);
	put32(zp + BP_CMD_LINE_PTR, CMDLINE_ADDR);
	put32(zp + BP_CMDLINE_SIZE, cmdline_len + 1);	/* with the NUL */
	if (initrd_size) {
		put32(zp + BP_RAMDISK_IMAGE, (u32)initrd_base);
		put32(zp + BP_RAMDISK_SIZE, (u32)initrd_size);
		put32(zp + BP_EXT_RAMDISK_IMAGE, (u32)(initrd_base >> 32));
		put32(zp + BP_EXT_RAMDISK_SIZE, (u32)(initrd_size >> 32));
	}
	put64(zp + BP_ACPI_RSDP, rsdp);

	/* e820 entries are 20 bytes, packed: addr, size, type. */
	for (i = 0; i < nr_mem; i++) {
		u32 e = zp + BP_E820_TABLE + i * 20;

		put64(e, mem[i].base);
		put64(e + 8, mem[i].len);
		put32(e + 16, mem[i].type);
	}
	*(volatile u8 *)(zp + BP_E820_ENTRIES) = (u8)nr_mem;
}

static void build_tables(void)
{
	unsigned int i;

	put64(GDT_ADDR + 0x00, 0);
	put64(GDT_ADDR + 0x08, 0x00af9b000000ffffull);	/* code, L=1 */
	put64(GDT_ADDR + 0x10, 0x00cf93000000ffffull);	/* data */
	put64(GDT_ADDR + 0x18, 0x008f8b000000ffffull);	/* TSS (never loaded) */
	put64(IDT_ADDR, 0);				/* empty IDT */

	memset((void *)PML4_ADDR, 0, 3 * 4096);
	put64(PML4_ADDR, PDPT_ADDR | 0x03);
	put64(PDPT_ADDR, PD_ADDR | 0x03);
	for (i = 0; i < 512; i++)	/* 2 MiB pages, present + writable */
		put64(PD_ADDR + i * 8, ((u64)i << 21) | 0x83);
}

void fcboot_main(const struct hvm_start_info *si)
{
	serial_init();
	puts("fcboot: Firecracker boot-state stub\n");
	take_start_info(si);
	puts("fcboot: ");
	putdec(nr_mem);
	puts(" memory regions, command line ");
	putdec(cmdline_len);
	puts(" bytes\n");
	if (initrd_size) {
		puts("fcboot: initrd at ");
		puthex(initrd_base);
		puts(", ");
		putdec((u32)initrd_size);
		puts(" bytes\n");
	}
	load_kernel();
	build_zero_page();
	build_tables();
	puts("fcboot: entering 64-bit kernel at ");
	puthex(fcboot_kernel_entry);
	puts("\n");
}

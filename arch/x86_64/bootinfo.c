/*
 * Translate what a boot protocol hands over (PVH start_info or Linux
 * boot_params) into struct boot_info. Everything the loader gave is
 * untrusted input: counts are clamped, pointers bounded to the early
 * mapping, strings copied with a length limit.
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <asm/boot_defs.h>
#include <asm/setup.h>

struct boot_info boot_info;

/* The early page tables map only physical [0, 1 GiB). */
#define EARLY_MAP_LIMIT	(1UL << 30)

static bool early_range_ok(u64 pa, u64 len)
{
	return pa != 0 && len <= EARLY_MAP_LIMIT && pa <= EARLY_MAP_LIMIT - len;
}

static const void *early_ptr(u64 pa, u64 len)
{
	return early_range_ok(pa, len) ? phys_to_virt(pa) : NULL;
}

static void copy_cmdline(u64 pa, u64 max_len)
{
	const char *src;
	u64 n = 0;

	boot_info.cmdline[0] = '\0';
	if (!pa)
		return;
	if (max_len == 0 || max_len > EARLY_MAP_LIMIT)
		max_len = BOOT_CMDLINE_MAX;
	if (!early_range_ok(pa, 1)) {
		pr_warn("boot: command line at %#llx is out of reach, ignored\n",
			(unsigned long long)pa);
		return;
	}
	src = phys_to_virt(pa);
	while (n < max_len && pa + n < EARLY_MAP_LIMIT && src[n]) {
		if (n == BOOT_CMDLINE_MAX - 1) {
			boot_info.cmdline_truncated = true;
			break;
		}
		boot_info.cmdline[n] = src[n];
		n++;
	}
	boot_info.cmdline[n] = '\0';
}

static void add_region(u64 base, u64 len, u32 type)
{
	struct boot_mem_region *r;

	if (len == 0 || base + len < base)
		return;
	if (boot_info.nr_mem == BOOT_MAX_REGIONS) {
		pr_warn("boot: memory map has too many entries, rest ignored\n");
		return;
	}
	if (type < BOOT_MEM_USABLE || type > BOOT_MEM_UNUSABLE)
		type = BOOT_MEM_RESERVED;
	r = &boot_info.mem[boot_info.nr_mem++];
	r->base = base;
	r->len = len;
	r->type = type;
}

/* --- PVH: struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h) */

#define HVM_START_MAGIC	0x336ec578

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

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist layout");
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "memmap layout");

static int parse_pvh(u64 info_pa)
{
	const struct hvm_start_info *si = early_ptr(info_pa, sizeof(*si));
	const struct hvm_memmap_entry *mm;
	const struct hvm_modlist_entry *mod;
	u32 n;

	if (!si || si->magic != HVM_START_MAGIC)
		return -1;
	boot_info.protocol = "pvh";
	copy_cmdline(si->cmdline_paddr, 0);
	boot_info.rsdp = si->rsdp_paddr;

	n = si->version >= 1 ? si->memmap_entries : 0;
	if (n > BOOT_MAX_REGIONS)
		n = BOOT_MAX_REGIONS;
	mm = n ? early_ptr(si->memmap_paddr, (u64)n * sizeof(*mm)) : NULL;
	for (u32 i = 0; mm && i < n; i++)
		add_region(mm[i].addr, mm[i].size, mm[i].type);

	mod = si->nr_modules ? early_ptr(si->modlist_paddr, sizeof(*mod)) : NULL;
	if (mod && mod->size) {
		boot_info.initrd_base = mod->paddr;
		boot_info.initrd_size = mod->size;
	}
	return 0;
}

/* --- Linux boot protocol: struct boot_params ("zero page") offsets. --- */

#define BP_ACPI_RSDP		0x070	/* u64 */
#define BP_EXT_RAMDISK_IMAGE	0x0c0	/* u32 */
#define BP_EXT_RAMDISK_SIZE	0x0c4	/* u32 */
#define BP_EXT_CMD_LINE_PTR	0x0c8	/* u32 */
#define BP_E820_ENTRIES		0x1e8	/* u8 */
#define BP_HDR_MAGIC		0x202	/* u32 "HdrS" */
#define BP_RAMDISK_IMAGE	0x218	/* u32 */
#define BP_RAMDISK_SIZE		0x21c	/* u32 */
#define BP_CMD_LINE_PTR		0x228	/* u32 */
#define BP_CMDLINE_SIZE		0x238	/* u32 */
#define BP_E820_TABLE		0x2d0	/* 128 x struct boot_e820_entry */
#define BP_E820_MAX		128
#define BP_SIZE			4096

struct boot_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __packed;

_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry layout");

static u32 bp_u32(const u8 *bp, unsigned int off)
{
	u32 v;

	memcpy(&v, bp + off, sizeof(v));
	return v;
}

static int parse_linux64(u64 bp_pa)
{
	const u8 *bp = early_ptr(bp_pa, BP_SIZE);
	const struct boot_e820_entry *e820;
	unsigned int n;
	u64 cmd, rd, rd_size, rsdp;

	if (!bp)
		return -1;
	boot_info.protocol = "linux64";
	cmd = bp_u32(bp, BP_CMD_LINE_PTR) |
	      ((u64)bp_u32(bp, BP_EXT_CMD_LINE_PTR) << 32);
	/* cmdline_size exists only in newer headers; trust "HdrS" first. */
	copy_cmdline(cmd, bp_u32(bp, BP_HDR_MAGIC) == 0x53726448 ?
		     bp_u32(bp, BP_CMDLINE_SIZE) : 0);

	memcpy(&rsdp, bp + BP_ACPI_RSDP, sizeof(rsdp));
	boot_info.rsdp = rsdp;

	n = bp[BP_E820_ENTRIES];
	if (n > BP_E820_MAX)
		n = BP_E820_MAX;
	e820 = (const struct boot_e820_entry *)(bp + BP_E820_TABLE);
	for (unsigned int i = 0; i < n; i++)
		add_region(e820[i].addr, e820[i].size, e820[i].type);

	rd = bp_u32(bp, BP_RAMDISK_IMAGE) |
	     ((u64)bp_u32(bp, BP_EXT_RAMDISK_IMAGE) << 32);
	rd_size = bp_u32(bp, BP_RAMDISK_SIZE) |
		  ((u64)bp_u32(bp, BP_EXT_RAMDISK_SIZE) << 32);
	if (rd && rd_size) {
		boot_info.initrd_base = rd;
		boot_info.initrd_size = rd_size;
	}
	return 0;
}

/*
 * Fill boot_info from the loader's structures. Returns 0, or -1 when the
 * protocol's data is unusable (the caller reports and stops).
 */
int bootinfo_parse(unsigned int proto, u64 info_pa)
{
	switch (proto) {
	case BOOT_PROTO_PVH:
		return parse_pvh(info_pa);
	case BOOT_PROTO_LINUX64:
		return parse_linux64(info_pa);
	}
	return -1;
}

/* Drop an initrd that lies outside usable RAM: it cannot be trusted. */
void bootinfo_check_initrd(void)
{
	u64 b = boot_info.initrd_base, s = boot_info.initrd_size;

	if (!s)
		return;
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];

		if (r->type == BOOT_MEM_USABLE && b >= r->base &&
		    b + s >= b && b + s <= r->base + r->len)
			return;
	}
	pr_err("boot: initrd at %#llx (+%llu) is not in usable RAM, ignored\n",
	       (unsigned long long)b, (unsigned long long)s);
	boot_info.initrd_base = 0;
	boot_info.initrd_size = 0;
}

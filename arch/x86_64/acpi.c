/*
 * ACPI discovery: find the RSDP, map and validate every table the root
 * table lists, and decode the MADT (interrupt controllers), FADT (power
 * registers) and \_S5_. No ACPI at all leaves the PC defaults in place.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

#define ACPI_MAX_TABLES		32
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_LEN		0x20000
#define EBDA_PTR		0x40e	/* BDA word: EBDA segment */
#define EBDA_SCAN_LEN		1024
#define DEFAULT_LAPIC		0xfee00000UL
#define DEFAULT_IOAPIC		0xfec00000UL

struct acpi_table_ref {
	phys_addr_t pa;
	const void *hdr;	/* whole table mapped, checksum verified */
};

/*
 * All of this is written by acpi_init() on the boot CPU before any other
 * thread runs and only read afterwards [I].
 */
static struct acpi_table_ref tables[ACPI_MAX_TABLES];
static unsigned int nr_tables;
static bool have_acpi;
static struct acpi_madt_info madt_info;
static struct acpi_fadt_info fadt_info;
static bool have_fadt;
static u8 s5_a, s5_b;
static bool have_s5;
static bool s5_searched;	/* the AML search runs once, at first use */

/* Is all of [pa, pa + len) already in the write-back direct map? */
static bool in_direct_map(phys_addr_t pa, size_t len)
{
	for (phys_addr_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < pa + len; p += PAGE_SIZE)
		if (!kernel_addr_mapped((uintptr_t)phys_to_virt(p)))
			return false;
	return true;
}

/*
 * Map @len bytes at @pa, whatever its page offset. Tables usually sit in
 * RAM the direct map covers; a new mapping costs vmap space and, under
 * TCG, tens of microseconds, so it is the fallback.
 */
static const void *acpi_map(phys_addr_t pa, size_t len)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	u8 *va;

	if (!len || pa + len < pa)
		return NULL;
	if (in_direct_map(pa, len))
		return phys_to_virt(pa);
	va = ioremap_cache(base, (size_t)(pa - base) + len);
	return va ? va + (pa - base) : NULL;
}

static phys_addr_t rsdp_scan(phys_addr_t start, size_t len)
{
	const u8 *va = acpi_map(start, len);
	phys_addr_t root;
	bool xsdt;

	if (!va)
		return 0;
	for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16)
		if (!acpi_rsdp_parse(va + off, len - off, &root, &xsdt))
			return start + off;
	return 0;
}

static phys_addr_t rsdp_find(phys_addr_t hint)
{
	const u16 *bda;
	phys_addr_t ebda, pa;

	if (hint)
		return hint;
	bda = acpi_map(EBDA_PTR, 2);
	ebda = bda ? (phys_addr_t)*bda << 4 : 0;
	/* The EBDA lives just below 640 KiB when it exists at all. */
	if (ebda >= 0x80000 && ebda < 0xa0000) {
		pa = rsdp_scan(ebda, EBDA_SCAN_LEN);
		if (pa)
			return pa;
	}
	return rsdp_scan(BIOS_AREA_START, BIOS_AREA_LEN);
}

/* Map and check one table; NULL (after a log line) when it is bad. */
static const void *table_map(phys_addr_t pa)
{
	const void *hdr = acpi_map(pa, ACPI_HDR_LEN);
	u32 len;

	if (!hdr) {
		pr_warn("acpi: cannot map table at %#llx\n",
			(unsigned long long)pa);
		return NULL;
	}
	len = acpi_table_length(hdr);
	if (len < ACPI_HDR_LEN || len > ACPI_MAX_TABLE_LEN)
		goto bad;
	hdr = acpi_map(pa, len);
	if (!hdr || acpi_table_check(hdr, len))
		goto bad;
	return hdr;
bad:
	pr_warn("acpi: skipping bad table at %#llx (length %u)\n",
		(unsigned long long)pa, len);
	return NULL;
}

static void table_add(phys_addr_t pa, const void *hdr)
{
	if (nr_tables < ACPI_MAX_TABLES)
		tables[nr_tables++] = (struct acpi_table_ref){ pa, hdr };
}

const void *acpi_find_table(const char sig[4])
{
	for (unsigned int i = 0; i < nr_tables; i++)
		if (acpi_sig_eq(tables[i].hdr, sig))
			return tables[i].hdr;
	return NULL;
}

static void s5_search(const void *hdr)
{
	const u8 *b = hdr;

	if (!have_s5 && !acpi_aml_find_s5(b + ACPI_HDR_LEN,
					  acpi_table_length(hdr) - ACPI_HDR_LEN,
					  &s5_a, &s5_b))
		have_s5 = true;
}

static void fadt_load(void)
{
	const void *fadt = acpi_find_table("FACP");
	const void *dsdt;

	if (!fadt || acpi_parse_fadt(fadt, &fadt_info))
		return;
	have_fadt = true;
	if (fadt_info.dsdt) {
		dsdt = table_map(fadt_info.dsdt);
		if (dsdt && acpi_sig_eq(dsdt, "DSDT"))
			table_add(fadt_info.dsdt, dsdt);
	}
}

/*
 * \_S5_ is needed only to power off, so the byte-by-byte AML search is
 * not paid at boot (it was a visible part of boot time under TCG).
 */
static void s5_find(void)
{
	const void *dsdt = acpi_find_table("DSDT");

	if (s5_searched)
		return;
	s5_searched = true;
	if (dsdt)
		s5_search(dsdt);
	/* Some firmware defines \_S5_ in an SSDT instead. */
	for (unsigned int i = 0; i < nr_tables && !have_s5; i++)
		if (acpi_sig_eq(tables[i].hdr, "SSDT"))
			s5_search(tables[i].hdr);
}

static void madt_load(void)
{
	const void *madt = acpi_find_table("APIC");

	if (madt && acpi_parse_madt(madt, &madt_info)) {
		pr_warn("acpi: malformed MADT ignored\n");
		madt = NULL;
	}
	if (!madt) {
		acpi_madt_defaults(&madt_info);
		madt_info.pcat_compat = true;
	}
	if (!madt_info.nr_ioapics) {
		madt_info.nr_ioapics = 1;
		madt_info.ioapic[0].address = DEFAULT_IOAPIC;
	}
	if (!madt_info.lapic_address)
		madt_info.lapic_address = rdmsr(MSR_APIC_BASE) & 0xffffffffff000ULL;
}

static bool root_load(phys_addr_t rsdp_pa)
{
	const void *rsdp = acpi_map(rsdp_pa, ACPI_RSDP_V2_LEN);
	phys_addr_t root_pa, pas[ACPI_MAX_TABLES];
	const void *root;
	unsigned int n;
	bool xsdt;

	if (!rsdp || acpi_rsdp_parse(rsdp, ACPI_RSDP_V2_LEN, &root_pa, &xsdt)) {
		pr_warn("acpi: bad RSDP at %#llx\n", (unsigned long long)rsdp_pa);
		return false;
	}
	root = table_map(root_pa);
	if (!root || !acpi_sig_eq(root, xsdt ? "XSDT" : "RSDT"))
		return false;
	n = acpi_root_entries(root, xsdt, pas, ACPI_MAX_TABLES - 1);
	for (unsigned int i = 0; i < n; i++) {
		const void *hdr = table_map(pas[i]);

		if (hdr)
			table_add(pas[i], hdr);
	}
	return true;
}

void acpi_init(phys_addr_t rsdp_hint)
{
	phys_addr_t rsdp = rsdp_find(rsdp_hint);

	have_acpi = rsdp && root_load(rsdp);
	madt_load();
	if (!have_acpi) {
		pr_info("acpi: no ACPI tables; LAPIC %#llx, IOAPIC %#lx, identity ISA IRQs\n",
			(unsigned long long)madt_info.lapic_address,
			DEFAULT_IOAPIC);
		return;
	}
	fadt_load();
}

bool acpi_present(void)
{
	return have_acpi;
}

const struct acpi_madt_info *acpi_madt(void)
{
	return &madt_info;
}

const struct acpi_fadt_info *acpi_fadt(void)
{
	return have_fadt ? &fadt_info : NULL;
}

bool acpi_s5(u8 *slp_typa, u8 *slp_typb)
{
	s5_find();
	if (!have_s5)
		return false;
	*slp_typa = s5_a;
	*slp_typb = s5_b;
	return true;
}

unsigned int acpi_table_names(char *buf, size_t size)
{
	size_t pos = 0;

	for (unsigned int i = 0; i < nr_tables && pos + 6 <= size; i++) {
		const char *s = tables[i].hdr;

		if (pos)
			buf[pos++] = ' ';
		for (int k = 0; k < 4; k++)
			buf[pos++] = s[k];
	}
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return nr_tables;
}

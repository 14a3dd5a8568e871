/*
 * ACPI table decoding without hardware access: checksums, the RSDP, the
 * RSDT/XSDT entry list, and the MADT and FADT fields the platform code
 * uses. acpi.c maps the memory; host unit tests feed constructed tables.
 */
#include <ferrite/errno.h>
#include "platform_logic.h"

/* Tables are byte streams with unaligned little-endian fields. */
static u16 get16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

static u64 get64(const u8 *p)
{
	return (u64)get32(p) | ((u64)get32(p + 4) << 32);
}

static bool bytes_eq(const u8 *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != (u8)b[i])
			return false;
	return true;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

int acpi_rsdp_parse(const void *p, size_t avail, phys_addr_t *root,
		    bool *is_xsdt)
{
	const u8 *b = p;
	u32 len;

	if (avail < ACPI_RSDP_V1_LEN || !bytes_eq(b, "RSD PTR ", 8))
		return -EINVAL;
	if (!acpi_checksum_ok(b, ACPI_RSDP_V1_LEN))
		return -EINVAL;
	/* Revision 0 is ACPI 1.0: 20 bytes, RSDT only. */
	if (b[15] >= 2) {
		if (avail < ACPI_RSDP_V2_LEN)
			return -EINVAL;
		len = get32(b + 20);
		if (len < ACPI_RSDP_V2_LEN || len > avail ||
		    !acpi_checksum_ok(b, len))
			return -EINVAL;
		if (get64(b + 24)) {
			*root = get64(b + 24);
			*is_xsdt = true;
			return 0;
		}
	}
	*root = get32(b + 16);
	*is_xsdt = false;
	return *root ? 0 : -EINVAL;
}

u32 acpi_table_length(const void *hdr)
{
	return get32((const u8 *)hdr + 4);
}

bool acpi_sig_eq(const void *hdr, const char sig[4])
{
	return bytes_eq(hdr, sig, 4);
}

int acpi_table_check(const void *p, size_t avail)
{
	u32 len;

	if (avail < ACPI_HDR_LEN)
		return -EINVAL;
	len = acpi_table_length(p);
	if (len < ACPI_HDR_LEN || len > avail || len > ACPI_MAX_TABLE_LEN)
		return -EINVAL;
	return acpi_checksum_ok(p, len) ? 0 : -EINVAL;
}

unsigned int acpi_root_entries(const void *root, bool is_xsdt,
			       phys_addr_t *out, unsigned int max)
{
	const u8 *b = root;
	size_t esz = is_xsdt ? 8 : 4;
	size_t n = (acpi_table_length(root) - ACPI_HDR_LEN) / esz;
	unsigned int got = 0;

	for (size_t i = 0; i < n && got < max; i++) {
		const u8 *e = b + ACPI_HDR_LEN + i * esz;
		phys_addr_t pa = is_xsdt ? get64(e) : get32(e);

		if (pa)
			out[got++] = pa;
	}
	return got;
}

void acpi_madt_defaults(struct acpi_madt_info *m)
{
	*m = (struct acpi_madt_info){ 0 };
	for (unsigned int i = 0; i < ACPI_ISA_IRQS; i++)
		m->isa[i].gsi = i;
}

/* MADT entry types used here. */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_OVERRIDE		2
#define MADT_LAPIC_OVERRIDE	5
#define MADT_X2APIC		9

static void madt_entry(const u8 *e, u8 len, struct acpi_madt_info *m)
{
	switch (e[0]) {
	case MADT_LAPIC:
		/* flags bit 0 enabled, bit 1 online-capable */
		if (len >= 8 && (get32(e + 4) & 1))
			m->nr_cpus++;
		break;
	case MADT_X2APIC:
		if (len >= 16 && (get32(e + 8) & 1))
			m->nr_cpus++;
		break;
	case MADT_IOAPIC:
		if (len >= 12 && m->nr_ioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic_desc *io = &m->ioapic[m->nr_ioapics++];

			io->id = e[2];
			io->address = get32(e + 4);
			io->gsi_base = get32(e + 8);
		}
		break;
	case MADT_OVERRIDE:
		/* bus 0 (ISA), source irq, gsi, MPS INTI flags */
		if (len >= 10 && e[2] == 0 && e[3] < ACPI_ISA_IRQS) {
			m->isa[e[3]].gsi = get32(e + 4);
			m->isa[e[3]].flags = get16(e + 8);
			m->nr_overrides++;
		}
		break;
	case MADT_LAPIC_OVERRIDE:
		if (len >= 12)
			m->lapic_address = get64(e + 4);
		break;
	}
}

/* The caller has run acpi_table_check() on @madt. */
int acpi_parse_madt(const void *madt, struct acpi_madt_info *m)
{
	const u8 *b = madt;
	u32 len = acpi_table_length(madt);
	u32 off = ACPI_HDR_LEN + 8;

	acpi_madt_defaults(m);
	if (!acpi_sig_eq(madt, "APIC") || len < off)
		return -EINVAL;
	m->lapic_address = get32(b + 36);
	m->pcat_compat = get32(b + 40) & 1;
	while (off + 2 <= len) {
		u8 elen = b[off + 1];

		/* A zero or overlong length would loop or overrun. */
		if (elen < 2 || off + elen > len)
			return -EINVAL;
		madt_entry(b + off, elen, m);
		off += elen;
	}
	return 0;
}

/* Fill @g from the GAS at @off only if it is inside the table and set. */
static bool gas_at(const u8 *b, u32 len, u32 off, struct acpi_gas *g)
{
	if (off + 12 > len || !get64(b + off + 4))
		return false;
	g->space_id = b[off];
	g->bit_width = b[off + 1];
	g->bit_offset = b[off + 2];
	g->access_size = b[off + 3];
	g->address = get64(b + off + 4);
	return true;
}

/* Legacy 32-bit port block: a GAS in system I/O space of @bytes width. */
static void io_block(struct acpi_gas *g, u32 port, u8 bytes)
{
	*g = (struct acpi_gas){ .space_id = ACPI_GAS_IO,
				.bit_width = (u8)(bytes * 8), .address = port };
}

/* FADT field offsets (ACPI 6.x, table 5.9). */
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_PM1_CNT_LEN	89
#define FADT_CENTURY		108
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM1B_CNT		184
#define FADT_SLEEP_CTL		244

/* The caller has run acpi_table_check() on @fadt; short tables are fine. */
int acpi_parse_fadt(const void *fadt, struct acpi_fadt_info *f)
{
	const u8 *b = fadt;
	u32 len = acpi_table_length(fadt);
	u8 cnt_len;

	*f = (struct acpi_fadt_info){ 0 };
	if (!acpi_sig_eq(fadt, "FACP") || len < FADT_PM1_CNT_LEN + 1)
		return -EINVAL;
	f->revision = b[8];
	f->dsdt = get32(b + FADT_DSDT);
	f->sci_irq = get16(b + FADT_SCI_INT);
	cnt_len = b[FADT_PM1_CNT_LEN] ? b[FADT_PM1_CNT_LEN] : 2;
	if (get32(b + FADT_PM1A_CNT))
		io_block(&f->pm1a_cnt, get32(b + FADT_PM1A_CNT), cnt_len);
	if (get32(b + FADT_PM1B_CNT))
		io_block(&f->pm1b_cnt, get32(b + FADT_PM1B_CNT), cnt_len);
	if (len > FADT_CENTURY)
		f->century = b[FADT_CENTURY];
	if (len >= FADT_FLAGS + 4)
		f->flags = get32(b + FADT_FLAGS);
	if (len > FADT_RESET_VALUE && gas_at(b, len, FADT_RESET_REG, &f->reset_reg))
		f->reset_value = b[FADT_RESET_VALUE];
	/* The 64-bit fields win when present (ACPI 2.0+). */
	if (len >= FADT_X_DSDT + 8 && get64(b + FADT_X_DSDT))
		f->dsdt = get64(b + FADT_X_DSDT);
	gas_at(b, len, FADT_X_PM1A_CNT, &f->pm1a_cnt);
	gas_at(b, len, FADT_X_PM1B_CNT, &f->pm1b_cnt);
	if (f->revision >= 5)
		gas_at(b, len, FADT_SLEEP_CTL, &f->sleep_ctl);
	return 0;
}

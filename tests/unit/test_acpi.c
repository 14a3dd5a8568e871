/*
 * Host tests for ACPI decoding (arch/x86_64/acpi_tables.c, acpi_aml.c):
 * checksums and lengths, RSDP/RSDT/XSDT, MADT and FADT fields as QEMU,
 * Firecracker and Cloud Hypervisor lay them out, and the \_S5_ search
 * over hand-built AML.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/errno.h>
#include "unit.h"
#include "../../arch/x86_64/platform_logic.h"

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

static void fix_checksum(u8 *p, size_t len, size_t at)
{
	u8 sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (u8)-sum;
}

/* A table of @len bytes with header, revision and a valid checksum. */
static void make_table(u8 *t, const char *sig, u32 len, u8 rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "FERRIT", 6);
	fix_checksum(t, len, 9);
}

TEST(checksum_detects_single_byte_change)
{
	u8 t[64] = { 0 };

	make_table(t, "TEST", sizeof(t), 1);
	EXPECT(acpi_checksum_ok(t, sizeof(t)));
	EXPECT_EQ(acpi_table_check(t, sizeof(t)), 0);
	t[40] ^= 0x10;
	EXPECT(!acpi_checksum_ok(t, sizeof(t)));
	EXPECT_EQ(acpi_table_check(t, sizeof(t)), -EINVAL);
}

TEST(table_check_rejects_bad_lengths)
{
	u8 t[64] = { 0 };

	make_table(t, "TEST", sizeof(t), 1);
	EXPECT_EQ(acpi_table_check(t, 63), -EINVAL);	/* longer than mapped */
	EXPECT_EQ(acpi_table_check(t, 20), -EINVAL);	/* header cut */
	make_table(t, "TEST", 20, 1);			/* shorter than header */
	EXPECT_EQ(acpi_table_check(t, sizeof(t)), -EINVAL);
}

static void make_rsdp(u8 *r, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	r[15] = rev;
	put32(r + 16, rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
}

TEST(rsdp_v1_uses_rsdt)
{
	u8 r[36];
	phys_addr_t root = 0;
	bool x = true;

	make_rsdp(r, 0, 0x7fe0000, 0);
	ASSERT(acpi_rsdp_parse(r, 20, &root, &x) == 0);
	EXPECT_EQ(root, 0x7fe0000);
	EXPECT(!x);
}

TEST(rsdp_v2_prefers_xsdt)
{
	u8 r[36];
	phys_addr_t root = 0;
	bool x = false;

	make_rsdp(r, 2, 0x7fe0000, 0x17fe1000ULL);
	ASSERT(acpi_rsdp_parse(r, sizeof(r), &root, &x) == 0);
	EXPECT_EQ(root, 0x17fe1000ULL);
	EXPECT(x);
	/* Zero XSDT (Cloud Hypervisor never does this, but be safe). */
	make_rsdp(r, 2, 0x7fe0000, 0);
	ASSERT(acpi_rsdp_parse(r, sizeof(r), &root, &x) == 0);
	EXPECT_EQ(root, 0x7fe0000);
	EXPECT(!x);
}

TEST(rsdp_rejects_bad_signature_and_checksums)
{
	u8 r[36];
	phys_addr_t root;
	bool x;

	make_rsdp(r, 2, 0x1000, 0x2000);
	r[30] ^= 1;		/* only the extended checksum covers this */
	EXPECT_EQ(acpi_rsdp_parse(r, sizeof(r), &root, &x), -EINVAL);
	make_rsdp(r, 2, 0x1000, 0x2000);
	EXPECT_EQ(acpi_rsdp_parse(r, 20, &root, &x), -EINVAL);	/* cut */
	make_rsdp(r, 0, 0x1000, 0);
	r[0] = 'X';
	EXPECT_EQ(acpi_rsdp_parse(r, sizeof(r), &root, &x), -EINVAL);
	make_rsdp(r, 0, 0x1000, 0);
	r[16] ^= 1;
	EXPECT_EQ(acpi_rsdp_parse(r, sizeof(r), &root, &x), -EINVAL);
}

TEST(root_entries_rsdt_and_xsdt)
{
	u8 t[36 + 3 * 8] = { 0 };
	phys_addr_t pa[4];

	put32(t + 36, 0x1000);
	put32(t + 40, 0);	/* empty slots are skipped */
	put32(t + 44, 0x3000);
	make_table(t, "RSDT", 48, 1);
	EXPECT_EQ(acpi_root_entries(t, false, pa, 4), 2);
	EXPECT_EQ(pa[0], 0x1000);
	EXPECT_EQ(pa[1], 0x3000);

	memset(t, 0, sizeof(t));
	put64(t + 36, 0x100000000ULL);
	put64(t + 44, 0x2000);
	put64(t + 52, 0x4000);
	make_table(t, "XSDT", sizeof(t), 1);
	EXPECT_EQ(acpi_root_entries(t, true, pa, 2), 2);	/* bounded */
	EXPECT_EQ(pa[0], 0x100000000ULL);
	EXPECT_EQ(pa[1], 0x2000);
}

/* QEMU pc MADT: 1 CPU, IOAPIC, IRQ0->GSI2, IRQ5/9/10/11 level high. */
static size_t make_qemu_madt(u8 *t)
{
	size_t off = 44;

	memset(t, 0, 256);
	put32(t + 36, 0xfee00000);
	put32(t + 40, 1);			/* PCAT_COMPAT */
	t[off] = 0; t[off + 1] = 8;		/* LAPIC uid 0 id 0 enabled */
	put32(t + off + 4, 1);
	off += 8;
	t[off] = 0; t[off + 1] = 8;		/* LAPIC, disabled */
	t[off + 2] = 1; t[off + 3] = 1;
	off += 8;
	t[off] = 1; t[off + 1] = 12;		/* IOAPIC id 0 */
	put32(t + off + 4, 0xfec00000);
	put32(t + off + 8, 0);
	off += 12;
	t[off] = 2; t[off + 1] = 10;		/* ISO: ISA 0 -> GSI 2 */
	t[off + 3] = 0;
	put32(t + off + 4, 2);
	put16(t + off + 8, 0);
	off += 10;
	t[off] = 2; t[off + 1] = 10;		/* ISO: ISA 9, level, high */
	t[off + 3] = 9;
	put32(t + off + 4, 9);
	put16(t + off + 8, 0x000d);
	off += 10;
	t[off] = 4; t[off + 1] = 6;		/* LAPIC NMI: ignored */
	t[off + 2] = 0xff;
	off += 6;
	make_table(t, "APIC", (u32)off, 1);
	return off;
}

TEST(madt_qemu_layout)
{
	u8 t[256];
	struct acpi_madt_info m;
	size_t len = make_qemu_madt(t);

	ASSERT(acpi_table_check(t, len) == 0);
	ASSERT(acpi_parse_madt(t, &m) == 0);
	EXPECT_EQ(m.lapic_address, 0xfee00000);
	EXPECT_EQ(m.nr_cpus, 1);
	EXPECT(m.pcat_compat);
	ASSERT(m.nr_ioapics == 1);
	EXPECT_EQ(m.ioapic[0].address, 0xfec00000);
	EXPECT_EQ(m.ioapic[0].gsi_base, 0);
	EXPECT_EQ(m.nr_overrides, 2);
	EXPECT_EQ(m.isa[0].gsi, 2);
	EXPECT_EQ(m.isa[0].flags, 0);
	EXPECT_EQ(m.isa[4].gsi, 4);		/* identity without override */
	EXPECT_EQ(m.isa[9].flags & ACPI_TRIG_MASK, ACPI_TRIG_LEVEL);
	EXPECT_EQ(m.isa[9].flags & ACPI_POL_MASK, ACPI_POL_HIGH);
}

TEST(madt_lapic_address_override)
{
	u8 t[64] = { 0 };
	struct acpi_madt_info m;

	put32(t + 36, 0xfee00000);
	t[44] = 5; t[45] = 12;
	put64(t + 48, 0xfed00000ULL);
	make_table(t, "APIC", 56, 3);
	ASSERT(acpi_parse_madt(t, &m) == 0);
	EXPECT_EQ(m.lapic_address, 0xfed00000ULL);
}

TEST(madt_rejects_zero_and_overlong_entries)
{
	u8 t[256];
	struct acpi_madt_info m;
	size_t len = make_qemu_madt(t);

	t[45] = 0;		/* first entry length 0: would loop forever */
	make_table(t, "APIC", (u32)len, 1);
	EXPECT_EQ(acpi_parse_madt(t, &m), -EINVAL);
	EXPECT_EQ(m.isa[0].gsi, 0);	/* defaults survive a failure */

	len = make_qemu_madt(t);
	t[len - 5] = 40;	/* last entry runs past the table */
	make_table(t, "APIC", (u32)len, 1);
	EXPECT_EQ(acpi_parse_madt(t, &m), -EINVAL);

	make_table(t, "APIX", (u32)len, 1);
	EXPECT_EQ(acpi_parse_madt(t, &m), -EINVAL);
}

TEST(fadt_rev1_legacy_blocks_only)
{
	u8 t[116] = { 0 };
	struct acpi_fadt_info f;

	put32(t + 40, 0x7fe0040);	/* DSDT */
	put16(t + 46, 9);		/* SCI */
	put32(t + 64, 0x604);		/* PM1a_CNT */
	t[89] = 2;
	t[108] = 0x32;			/* century */
	put32(t + 112, 0);
	make_table(t, "FACP", sizeof(t), 1);
	ASSERT(acpi_parse_fadt(t, &f) == 0);
	EXPECT_EQ(f.dsdt, 0x7fe0040);
	EXPECT_EQ(f.sci_irq, 9);
	EXPECT_EQ(f.pm1a_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(f.pm1a_cnt.address, 0x604);
	EXPECT_EQ(f.pm1a_cnt.bit_width, 16);
	EXPECT_EQ(f.pm1b_cnt.address, 0);
	EXPECT_EQ(f.reset_reg.address, 0);	/* beyond a 116-byte table */
	EXPECT_EQ(f.sleep_ctl.address, 0);
	EXPECT_EQ(f.century, 0x32);
}

TEST(fadt_rev3_reset_reg_and_x_fields)
{
	u8 t[244] = { 0 };
	struct acpi_fadt_info f;

	put32(t + 40, 0x7fe0040);
	put32(t + 64, 0x604);
	t[89] = 2;
	put32(t + 112, ACPI_FADT_RESET_REG_SUP);
	t[116] = ACPI_GAS_IO; t[117] = 8;	/* RESET_REG: port 0xcf9 */
	put64(t + 120, 0xcf9);
	t[128] = 0x06;
	put64(t + 140, 0x17fe0040ULL);		/* X_DSDT wins */
	t[172] = ACPI_GAS_IO; t[173] = 16;	/* X_PM1a_CNT */
	put64(t + 176, 0xb004);
	make_table(t, "FACP", sizeof(t), 3);
	ASSERT(acpi_parse_fadt(t, &f) == 0);
	EXPECT_EQ(f.dsdt, 0x17fe0040ULL);
	EXPECT_EQ(f.pm1a_cnt.address, 0xb004);
	EXPECT_EQ(f.reset_reg.address, 0xcf9);
	EXPECT_EQ(f.reset_value, 6);
	EXPECT(f.flags & ACPI_FADT_RESET_REG_SUP);
	EXPECT_EQ(f.sleep_ctl.address, 0);	/* revision < 5 */
}

TEST(fadt_x_block_zero_keeps_legacy)
{
	u8 t[244] = { 0 };
	struct acpi_fadt_info f;

	put32(t + 64, 0x604);
	t[89] = 2;
	make_table(t, "FACP", sizeof(t), 3);
	ASSERT(acpi_parse_fadt(t, &f) == 0);
	EXPECT_EQ(f.pm1a_cnt.address, 0x604);
}

TEST(fadt_hw_reduced_sleep_control)
{
	u8 t[276] = { 0 };
	struct acpi_fadt_info f;

	put32(t + 112, ACPI_FADT_HW_REDUCED);
	t[244] = ACPI_GAS_MEMORY; t[245] = 8;	/* microvm GED register */
	put64(t + 248, 0xfea00000ULL);
	make_table(t, "FACP", sizeof(t), 6);
	ASSERT(acpi_parse_fadt(t, &f) == 0);
	EXPECT(f.flags & ACPI_FADT_HW_REDUCED);
	EXPECT_EQ(f.pm1a_cnt.address, 0);
	EXPECT_EQ(f.sleep_ctl.space_id, ACPI_GAS_MEMORY);
	EXPECT_EQ(f.sleep_ctl.address, 0xfea00000ULL);
	EXPECT_EQ(f.revision, 6);
}

TEST(fadt_too_short_or_wrong_signature)
{
	u8 t[80] = { 0 };
	struct acpi_fadt_info f;

	make_table(t, "FACP", sizeof(t), 1);
	EXPECT_EQ(acpi_parse_fadt(t, &f), -EINVAL);
	make_table(t, "FACX", sizeof(t), 1);
	EXPECT_EQ(acpi_parse_fadt(t, &f), -EINVAL);
}

/* ---- AML ---- */

static int s5(const u8 *aml, size_t len, u8 *a, u8 *b)
{
	*a = 0xaa;
	*b = 0xbb;
	return acpi_aml_find_s5(aml, len, a, b);
}

TEST(aml_s5_zero_ops)
{
	/* Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	static const u8 aml[] = { 0x10, 0x05, '\\', 0x08, '_', 'S', '5', '_',
				  0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 0);
	EXPECT_EQ(b, 0);
}

TEST(aml_s5_single_byte_element_packs_both)
{
	/* microvm: Name (_S5, Package (One) { 0x05 }) */
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01,
				  0x0a, 0x05 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 0);
}

TEST(aml_s5_root_prefix_byte_and_word_prefixes)
{
	static const u8 aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x07,
				  0x02, 0x0a, 0x07, 0x0b, 0x06, 0x00 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 7);
	EXPECT_EQ(b, 6);
}

TEST(aml_s5_single_word_splits_a_and_b)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
				  0x0b, 0x05, 0x07 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 7);
}

TEST(aml_s5_one_op_and_dword)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02,
				  0x01, 0x0c, 0x03, 0x00, 0x00, 0x00 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 3);
}

TEST(aml_s5_two_byte_pkglength)
{
	u8 aml[64] = { 0x08, '_', 'S', '5', '_', 0x12 };
	size_t plen = 0x15;	/* 2 PkgLength bytes + count + 18 bytes */
	u8 a, b;

	aml[6] = 0x40 | (plen & 0x0f);
	aml[7] = (u8)(plen >> 4);
	aml[8] = 6;
	aml[9] = 0x0a; aml[10] = 0x03;
	aml[11] = 0x0a; aml[12] = 0x04;
	for (int i = 13; i < 6 + 1 + (int)plen; i += 2) {
		aml[i] = 0x0a;
		aml[i + 1] = 0;
	}
	ASSERT(s5(aml, 6 + 1 + plen - 1, &a, &b) == 0);
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 4);
	/* The same package cut one byte short of its PkgLength. */
	EXPECT_EQ(s5(aml, 6 + plen - 1, &a, &b), -ENOENT);
}

TEST(aml_s5_skips_references_and_methods)
{
	static const u8 aml[] = {
		/* Method (_S5_, 0) { Return (0x08) }: not a Name */
		0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x0a, 0x08,
		/* Store (_S5_, Local0): a reference */
		0x70, '_', 'S', '5', '_', 0x60,
		/* the real one */
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x02,
		0x0a, 0x03 };
	u8 a, b;

	ASSERT(s5(aml, sizeof(aml), &a, &b) == 0);
	EXPECT_EQ(a, 2);
	EXPECT_EQ(b, 3);
}

TEST(aml_s5_rejects_non_integer_and_empty)
{
	/* A string element, then an empty package. */
	static const u8 str[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
				  0x0d, 'x', 0x00 };
	static const u8 empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	/* PkgLength promises more than the stream holds. */
	static const u8 cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02,
				  0x0a, 0x05 };
	static const u8 no_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	u8 a, b;

	EXPECT_EQ(s5(str, sizeof(str), &a, &b), -ENOENT);
	EXPECT_EQ(s5(empty, sizeof(empty), &a, &b), -ENOENT);
	EXPECT_EQ(s5(cut, sizeof(cut), &a, &b), -ENOENT);
	EXPECT_EQ(s5(no_pkg, sizeof(no_pkg), &a, &b), -ENOENT);
	EXPECT_EQ(a, 0xaa);	/* outputs untouched on failure */
}

TEST(aml_s5_truncated_streams_stay_in_bounds)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
				  0x0a, 0x05, 0x0a, 0x05 };
	u8 a, b;

	/* Every prefix is either a clean miss or (whole) a hit; ASan checks. */
	for (size_t n = 0; n < sizeof(aml); n++) {
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, aml, n);
		EXPECT_EQ(s5(copy, n, &a, &b), -ENOENT);
		free(copy);
	}
	EXPECT_EQ(s5(aml, sizeof(aml), &a, &b), 0);
}

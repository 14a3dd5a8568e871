/*
 * Pure platform logic shared by arch/x86_64/ and the host unit tests: ACPI
 * table checks and MADT/FADT decoding, the AML \_S5_ lookup, CMOS date
 * conversion and the mult/shift clock arithmetic. Nothing here touches
 * hardware, so every function runs as a normal host program too.
 */
#ifndef X86_PLATFORM_LOGIC_H
#define X86_PLATFORM_LOGIC_H

#include <ferrite/compiler.h>

/* ---- ACPI tables (acpi_tables.c) ---------------------------------------- */

#define ACPI_HDR_LEN		36	/* standard SDT header */
#define ACPI_RSDP_V1_LEN	20
#define ACPI_RSDP_V2_LEN	36
#define ACPI_MAX_TABLE_LEN	(4u << 20)	/* anything larger is garbage */

/* Generic Address Structure, decoded. */
#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1
struct acpi_gas {
	u8 space_id;
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;		/* 0: the register is absent */
};

#define ACPI_MAX_IOAPICS	8
#define ACPI_ISA_IRQS		16

/* MPS INTI flags of an interrupt source override. */
#define ACPI_POL_MASK		0x3
#define ACPI_POL_HIGH		0x1
#define ACPI_POL_LOW		0x3
#define ACPI_TRIG_MASK		0xc
#define ACPI_TRIG_EDGE		0x4
#define ACPI_TRIG_LEVEL		0xc

struct acpi_ioapic_desc {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct acpi_isa_route {
	u32 gsi;		/* identity unless an override said otherwise */
	u16 flags;		/* ACPI_POL_* | ACPI_TRIG_*, 0 = bus default */
};

struct acpi_madt_info {
	u64 lapic_address;
	unsigned int nr_cpus;		/* enabled local APICs */
	unsigned int nr_ioapics;
	struct acpi_ioapic_desc ioapic[ACPI_MAX_IOAPICS];
	struct acpi_isa_route isa[ACPI_ISA_IRQS];
	unsigned int nr_overrides;
	bool pcat_compat;		/* 8259s present (MADT flag bit 0) */
};

#define ACPI_FADT_RESET_REG_SUP	(1u << 10)
#define ACPI_FADT_HW_REDUCED	(1u << 20)

struct acpi_fadt_info {
	u8 revision;
	u32 flags;
	phys_addr_t dsdt;
	u16 sci_irq;
	struct acpi_gas pm1a_cnt;	/* X_ block when present, else legacy */
	struct acpi_gas pm1b_cnt;
	struct acpi_gas reset_reg;
	u8 reset_value;
	struct acpi_gas sleep_ctl;	/* hardware-reduced (revision >= 5) */
	u8 century;			/* CMOS index of the century, 0 = none */
};

bool acpi_checksum_ok(const void *p, size_t len);
/* 0 if @p holds a valid RSDP within @avail bytes; sets the root table. */
int acpi_rsdp_parse(const void *p, size_t avail, phys_addr_t *root,
		    bool *is_xsdt);
/* 0 if @p is a whole, checksummed table of at most @avail bytes. */
int acpi_table_check(const void *p, size_t avail);
u32 acpi_table_length(const void *hdr);
bool acpi_sig_eq(const void *hdr, const char sig[4]);
/* Physical table addresses listed by an RSDT/XSDT; returns how many. */
unsigned int acpi_root_entries(const void *root, bool is_xsdt,
			       phys_addr_t *out, unsigned int max);
/* Defaults: identity ISA routing, no IOAPIC, no CPU. */
void acpi_madt_defaults(struct acpi_madt_info *m);
int acpi_parse_madt(const void *madt, struct acpi_madt_info *m);
int acpi_parse_fadt(const void *fadt, struct acpi_fadt_info *f);

/* ---- AML (acpi_aml.c) --------------------------------------------------- */

/*
 * Find Name(\_S5_, Package(){a, b, ...}) in a DSDT/SSDT AML byte stream
 * (the table body after the header). 0 and the sleep types, or -ENOENT.
 */
int acpi_aml_find_s5(const u8 *aml, size_t len, u8 *slp_typa, u8 *slp_typb);

/* ---- CMOS date (rtc_date.c) --------------------------------------------- */

#define RTC_B_24H	0x02
#define RTC_B_BINARY	0x04

/* Raw CMOS register bytes as read. */
struct rtc_raw {
	u8 sec, min, hour, mday, mon, year;
	u8 century;		/* only used when has_century */
};

struct rtc_tm {
	int year, mon, mday;	/* full year, 1-12, 1-31 */
	int hour, min, sec;
};

bool rtc_bcd_valid(u8 v);
u8 rtc_bcd_to_bin(u8 v);
/* Days since 1970-01-01 of a proleptic Gregorian date (may be negative). */
s64 rtc_days_from_civil(s64 year, unsigned int mon, unsigned int mday);
void rtc_civil_from_days(s64 days, struct rtc_tm *tm);
/* Decode per status register B; -EINVAL on any out-of-range field. */
int rtc_decode(const struct rtc_raw *raw, u8 status_b, bool has_century,
	       struct rtc_tm *tm);
/* Seconds since the Unix epoch; -EINVAL before 1970 or on a bad date. */
int rtc_tm_to_epoch(const struct rtc_tm *tm, u64 *secs);
void rtc_epoch_to_tm(u64 secs, struct rtc_tm *tm);

/* ---- Clock conversion (clock_conv.c) ------------------------------------ */

/*
 * to = (from * mult) >> shift, with a 64x64->128 multiply. mult is the
 * largest that fits 64 bits, so the relative error is below 2^-63 and a
 * result only overflows when the true value does not fit 64 bits.
 */
struct clock_conv {
	u64 mult;
	u32 shift;
};

/* 0, or -EINVAL for a zero rate. */
int clock_conv_init(struct clock_conv *c, u64 from_hz, u64 to_hz);

static inline u64 clock_conv_apply(const struct clock_conv *c, u64 v)
{
	return (u64)(((unsigned __int128)v * c->mult) >> c->shift);
}

/* (hi:lo) / d for hi < d, without libgcc's 128-bit division. */
u64 div_u128_u64(u64 hi, u64 lo, u64 d, u64 *rem);

#endif

/*
 * /proc/cpuinfo in Linux's x86 format, from CPUID: vendor, family,
 * model, name, frequency and the feature flags programs look for.
 * One CPU today; the block repeats per CPU when SMP arrives.
 */
#include <ferrite/arch.h>
#include <ferrite/printk.h>
#include <ferrite/procfs_hooks.h>
#include <ferrite/string.h>
#include <asm/x86.h>

struct flag_name {
	u8 reg;		/* 0 leaf1.edx, 1 leaf1.ecx, 2 leaf7.ebx, 3 ext.edx, 4 ext.ecx */
	u8 bit;
	const char *name;
};

/* Linux's names, in Linux's order (cpufeatures.h word order). */
static const struct flag_name flags[] = {
	{ 0, 0, "fpu" }, { 0, 1, "vme" }, { 0, 2, "de" }, { 0, 3, "pse" },
	{ 0, 4, "tsc" }, { 0, 5, "msr" }, { 0, 6, "pae" }, { 0, 7, "mce" },
	{ 0, 8, "cx8" }, { 0, 9, "apic" }, { 0, 11, "sep" }, { 0, 12, "mtrr" },
	{ 0, 13, "pge" }, { 0, 14, "mca" }, { 0, 15, "cmov" }, { 0, 16, "pat" },
	{ 0, 17, "pse36" }, { 0, 19, "clflush" }, { 0, 23, "mmx" },
	{ 0, 24, "fxsr" }, { 0, 25, "sse" }, { 0, 26, "sse2" }, { 0, 27, "ss" },
	{ 0, 28, "ht" },
	{ 3, 11, "syscall" }, { 3, 20, "nx" }, { 3, 26, "pdpe1gb" },
	{ 3, 27, "rdtscp" }, { 3, 29, "lm" },
	{ 1, 0, "pni" }, { 1, 1, "pclmulqdq" }, { 1, 9, "ssse3" }, { 1, 12, "fma" },
	{ 1, 13, "cx16" }, { 1, 19, "sse4_1" }, { 1, 20, "sse4_2" },
	{ 1, 21, "x2apic" }, { 1, 22, "movbe" }, { 1, 23, "popcnt" },
	{ 1, 24, "tsc_deadline_timer" }, { 1, 25, "aes" }, { 1, 26, "xsave" },
	{ 1, 28, "avx" }, { 1, 29, "f16c" }, { 1, 30, "rdrand" },
	{ 1, 31, "hypervisor" },
	{ 4, 0, "lahf_lm" }, { 4, 5, "abm" }, { 4, 8, "3dnowprefetch" },
	{ 2, 0, "fsgsbase" }, { 2, 3, "bmi1" }, { 2, 5, "avx2" }, { 2, 7, "smep" },
	{ 2, 8, "bmi2" }, { 2, 9, "erms" }, { 2, 10, "invpcid" },
	{ 2, 16, "avx512f" }, { 2, 18, "rdseed" }, { 2, 19, "adx" },
	{ 2, 20, "smap" }, { 2, 23, "clflushopt" }, { 2, 29, "sha_ni" },
};

/* Append like snprintf into buf[*pos..len), counting what would be written. */
static __printf(4, 5) void out(char *buf, size_t len, size_t *pos,
			       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < len ? buf + *pos : NULL,
		      *pos < len ? len - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static void brand(char name[49])
{
	u32 *w = (u32 *)name;

	memset(name, 0, 49);
	if (cpuid(0x80000000, 0).eax < 0x80000004) {
		strscpy(name, "unknown", 49);
		return;
	}
	for (u32 i = 0; i < 3; i++) {
		struct cpuid_regs r = cpuid(0x80000002 + i, 0);

		w[4 * i] = r.eax;
		w[4 * i + 1] = r.ebx;
		w[4 * i + 2] = r.ecx;
		w[4 * i + 3] = r.edx;
	}
}

int arch_cpuinfo_show(char *buf, size_t len)
{
	struct cpuid_regs l0 = cpuid(0, 0), l1 = cpuid(1, 0);
	u32 regs[5] = { l1.edx, l1.ecx, 0, 0, 0 };
	u32 max_ext = cpuid(0x80000000, 0).eax;
	u32 family = (l1.eax >> 8) & 0xf, model = (l1.eax >> 4) & 0xf;
	u64 khz = arch_tsc_khz();
	char vendor[13], name[49];
	size_t pos = 0;

	memcpy(vendor, &l0.ebx, 4);
	memcpy(vendor + 4, &l0.edx, 4);
	memcpy(vendor + 8, &l0.ecx, 4);
	vendor[12] = 0;
	if (family == 0xf)
		family += (l1.eax >> 20) & 0xff;
	if (family >= 6)
		model |= ((l1.eax >> 16) & 0xf) << 4;
	if (l0.eax >= 7)
		regs[2] = cpuid(7, 0).ebx;
	if (max_ext >= 0x80000001) {
		regs[3] = cpuid(0x80000001, 0).edx;
		regs[4] = cpuid(0x80000001, 0).ecx;
	}
	brand(name);

	out(buf, len, &pos, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n"
	    "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
	    "cpu MHz\t\t: %llu.%03llu\nphysical id\t: 0\nsiblings\t: 1\n"
	    "core id\t\t: 0\ncpu cores\t: 1\napicid\t\t: %u\n"
	    "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
	    "wp\t\t: yes\nflags\t\t:",
	    vendor, family, model, name, l1.eax & 0xf,
	    (unsigned long long)(khz / 1000), (unsigned long long)(khz % 1000),
	    l1.ebx >> 24, l0.eax);
	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++)
		if (regs[flags[i].reg] & (1u << flags[i].bit))
			out(buf, len, &pos, " %s", flags[i].name);
	out(buf, len, &pos, "\nbogomips\t: %llu.%02llu\nclflush size\t: %u\n"
	    "cache_alignment\t: %u\n",
	    (unsigned long long)(khz * 2 / 1000),
	    (unsigned long long)((khz * 2 / 10) % 100),
	    ((l1.ebx >> 8) & 0xff) * 8, ((l1.ebx >> 8) & 0xff) * 8);
	if (max_ext >= 0x80000008) {
		u32 a = cpuid(0x80000008, 0).eax;

		out(buf, len, &pos, "address sizes\t: %u bits physical, %u bits virtual\n",
		    a & 0xff, (a >> 8) & 0xff);
	}
	out(buf, len, &pos, "power management:\n\n");
	return (int)pos;
}

/*
 * Just enough AML to find the \_S5_ sleep types without an interpreter:
 * search the byte stream for Name(_S5_, Package(){...}) and decode the
 * first integer elements. Used by acpi.c for the soft-off values.
 */
#include <ferrite/errno.h>
#include "platform_logic.h"

#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_WORD	0x0b
#define AML_DWORD	0x0c
#define AML_QWORD	0x0e
#define AML_PACKAGE	0x12
#define AML_ONES	0xff
#define AML_ROOT	'\\'

/* Decode one integer term at *p (< end); advances *p. */
static int aml_integer(const u8 **p, const u8 *end, u64 *val)
{
	const u8 *q = *p;
	unsigned int n;

	if (q >= end)
		return -EINVAL;
	switch (*q++) {
	case AML_ZERO:
		*val = 0;
		*p = q;
		return 0;
	case AML_ONE:
		*val = 1;
		*p = q;
		return 0;
	case AML_ONES:
		*val = ~0ULL;
		*p = q;
		return 0;
	case AML_BYTE:
		n = 1;
		break;
	case AML_WORD:
		n = 2;
		break;
	case AML_DWORD:
		n = 4;
		break;
	case AML_QWORD:
		n = 8;
		break;
	default:
		return -EINVAL;	/* a method call or reference: not supported */
	}
	if ((size_t)(end - q) < n)
		return -EINVAL;
	*val = 0;
	for (unsigned int i = 0; i < n; i++)
		*val |= (u64)q[i] << (8 * i);
	*p = q + n;
	return 0;
}

/*
 * PkgLength: bits 7-6 of the lead byte count the bytes that follow. With
 * none, bits 5-0 are the length; otherwise bits 3-0 are its low nibble.
 * The length includes the PkgLength bytes themselves.
 */
static int aml_pkg_length(const u8 *p, const u8 *end, size_t *len,
			  unsigned int *nbytes)
{
	unsigned int follow;
	size_t v;

	if (p >= end)
		return -EINVAL;
	follow = p[0] >> 6;
	if ((size_t)(end - p) < 1 + follow)
		return -EINVAL;
	if (!follow) {
		v = p[0] & 0x3f;
	} else {
		v = p[0] & 0x0f;
		for (unsigned int i = 0; i < follow; i++)
			v |= (size_t)p[1 + i] << (4 + 8 * i);
	}
	*len = v;
	*nbytes = 1 + follow;
	return 0;
}

/* Decode the package that starts at @pkg (the PackageOp byte). */
static int s5_package(const u8 *pkg, const u8 *end, u8 *a, u8 *b)
{
	const u8 *p = pkg + 1;
	unsigned int nbytes, count;
	size_t plen;
	u64 v0, v1;

	if (pkg >= end || *pkg != AML_PACKAGE)
		return -EINVAL;
	if (aml_pkg_length(p, end, &plen, &nbytes) || plen < nbytes + 1 ||
	    plen > (size_t)(end - p))
		return -EINVAL;
	end = p + plen;		/* elements must lie inside the package */
	p += nbytes;
	count = *p++;
	if (count == 0 || aml_integer(&p, end, &v0))
		return -EINVAL;
	if (count >= 2) {
		if (aml_integer(&p, end, &v1))
			return -EINVAL;
		*a = (u8)v0;
		*b = (u8)v1;
	} else {
		/* One element packs SLP_TYPa in bits 7-0, SLP_TYPb in 15-8. */
		*a = (u8)v0;
		*b = (u8)(v0 >> 8);
	}
	return 0;
}

int acpi_aml_find_s5(const u8 *aml, size_t len, u8 *slp_typa, u8 *slp_typb)
{
	const u8 *end = aml + len;

	for (size_t i = 0; i + 4 <= len; i++) {
		size_t op;

		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' ||
		    aml[i + 3] != '_')
			continue;
		/*
		 * Only a NameOp (optionally with a root prefix) makes this a
		 * definition; other hits are references or unrelated bytes.
		 */
		op = i;
		if (op > 0 && aml[op - 1] == AML_ROOT)
			op--;
		if (op == 0 || aml[op - 1] != AML_NAME)
			continue;
		if (!s5_package(aml + i + 4, end, slp_typa, slp_typb))
			return 0;
	}
	return -ENOENT;
}

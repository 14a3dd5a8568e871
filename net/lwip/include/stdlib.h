/*
 * <stdlib.h> for lwIP's sources: netif_find() parses the number in "en0"
 * with atoi(). The heap is mapped to kmalloc in lwipopts.h instead.
 */
#ifndef FERRITE_LWIP_STDLIB_H
#define FERRITE_LWIP_STDLIB_H

/* Leading decimal digits of @s (no sign, no overflow check: lwIP only
 * passes interface numbers, and 0 means "none" to it). */
static inline int atoi(const char *s)
{
	int v = 0;

	while (*s >= '0' && *s <= '9' && v < 100000000)
		v = v * 10 + (*s++ - '0');
	return v;
}

#endif

/*
 * Basic fixed-width types. Only compiler-provided freestanding headers are
 * used, so the same definitions serve the kernel and host unit tests.
 */
#ifndef FERRITE_TYPES_H
#define FERRITE_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef FERRITE_HOST_TEST
typedef long ssize_t;
#else
#include <sys/types.h>
#endif

typedef u64 phys_addr_t;	/* a guest-physical address */
typedef u64 pfn_t;		/* a physical page frame number */

#endif

/*
 * lwIP's compiler and platform glue for Ferrite: fixed-width types from
 * <ferrite/types.h>, no libc headers, byte swaps from GCC built-ins,
 * randomness from the kernel generator, diagnostics through printk.
 */
#ifndef FERRITE_LWIP_ARCH_CC_H
#define FERRITE_LWIP_ARCH_CC_H

#include <ferrite/types.h>
#include <ferrite/compiler.h>
#include <asm/arch_inline.h>

/* No <inttypes.h>, <limits.h>, <ctype.h> or <unistd.h>: lwIP gets the few
 * things it wants from them here (ssize_t is the kernel's). */
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_LIMITS_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_UNISTD_H	1
#ifndef INT_MAX
#define INT_MAX			__INT_MAX__
/*
 * SYS_ARCH_PROTECT: lwIP's light protection (pbuf reference counts, stats)
 * is an interrupt-save section; everything else is under net_lock. With
 * NO_SYS lwIP never includes arch/sys_arch.h, so it lives here.
 */
typedef unsigned long sys_prot_t;
#define SYS_ARCH_DECL_PROTECT(lev)	sys_prot_t lev
#define SYS_ARCH_PROTECT(lev)		((lev) = arch_irq_save())
#define SYS_ARCH_UNPROTECT(lev)		arch_irq_restore(lev)

/* lwIP's heap (lwipopts.h maps mem_clib_* here): kmalloc, counted. */
void *ferrite_lwip_malloc(size_t size);
void *ferrite_lwip_calloc(size_t n, size_t size);
void ferrite_lwip_free(void *p);

#endif
#define SSIZE_MAX		__LONG_MAX__

#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

#define BYTE_ORDER		LITTLE_ENDIAN
#define lwip_htons(x)		((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x)		((u32_t)__builtin_bswap32((u32_t)(x)))

#define PACK_STRUCT_STRUCT	__attribute__((packed))

/* Initial sequence numbers, ephemeral ports, DHCP transaction ids. */
u32 lwip_port_rand(void);
#define LWIP_RAND()		((u32_t)lwip_port_rand())

/* LWIP_PLATFORM_DIAG((fmt, args)): printk at debug level. */
__printf(1, 2) void lwip_port_diag(const char *fmt, ...);
#define LWIP_PLATFORM_DIAG(x)	do { lwip_port_diag x; } while (0)

/* A broken lwIP invariant: a kernel WARN with lwIP's message, then lwIP
 * goes on as it would without assertions. Argument checks of the raw API
 * are LWIP_ERROR, which only returns an error (never reaches here). */
void lwip_port_assert(const char *msg, const char *file, int line);
#define LWIP_PLATFORM_ASSERT(x)	lwip_port_assert((x), __FILE__, __LINE__)

/*
 * SYS_ARCH_PROTECT: lwIP's light protection (pbuf reference counts, stats)
 * is an interrupt-save section; everything else is under net_lock. With
 * NO_SYS lwIP never includes arch/sys_arch.h, so it lives here.
 */
typedef unsigned long sys_prot_t;
#define SYS_ARCH_DECL_PROTECT(lev)	sys_prot_t lev
#define SYS_ARCH_PROTECT(lev)		((lev) = arch_irq_save())
#define SYS_ARCH_UNPROTECT(lev)		arch_irq_restore(lev)

/* lwIP's heap (lwipopts.h maps mem_clib_* here): kmalloc, counted. */
void *ferrite_lwip_malloc(size_t size);
void *ferrite_lwip_calloc(size_t n, size_t size);
void ferrite_lwip_free(void *p);

#endif

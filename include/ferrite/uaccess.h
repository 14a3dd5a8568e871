/*
 * User memory. A user address is a user_addr_t, a one-field struct the
 * compiler will not dereference or mix with kernel pointers; only the
 * copy routines below touch the memory behind it. They check that the
 * whole range lies in the user half, and a fault while copying (unmapped,
 * read-only, or a page the fault handler could not supply) ends the copy
 * with -EFAULT through the exception-fixup table, never an oops.
 */
#ifndef FERRITE_UACCESS_H
#define FERRITE_UACCESS_H

#include <ferrite/arch.h>

typedef struct user_addr {
	uintptr_t addr;
} user_addr_t;

#define UADDR(x)	((user_addr_t){ (uintptr_t)(x) })
#define UADDR_NULL	UADDR(0)

static inline user_addr_t uaddr_add(user_addr_t u, uintptr_t off)
{
	return UADDR(u.addr + off);
}

static inline bool uaddr_is_null(user_addr_t u)
{
	return u.addr == 0;
}

/* Does [u, u+len) lie entirely in user space (no wrap)? */
static inline bool uaddr_range_ok(user_addr_t u, size_t len)
{
	return u.addr <= USER_TOP && len <= USER_TOP - u.addr;
}

/*
 * Return 0, or -EFAULT if any byte could not be copied (the destination
 * may then be partly written, as on Linux).
 */
int copy_from_user(void *dst, user_addr_t src, size_t len);
int copy_to_user(user_addr_t dst, const void *src, size_t len);
int clear_user(user_addr_t dst, size_t len);

/*
 * Copy a NUL-terminated string of at most @max bytes including the NUL.
 * Returns its length (without the NUL), -EFAULT, or -ENAMETOOLONG when
 * no NUL was found within @max bytes (dst is then not terminated).
 */
long strncpy_from_user(char *dst, user_addr_t src, size_t max);

/*
 * Length of a user string including its NUL; a value above @max when the
 * first @max bytes hold no NUL (as Linux); 0 on a fault or @max == 0.
 */
size_t strnlen_user(user_addr_t src, size_t max);

/* Fixed-size helpers: get_user(&kernel_var, uaddr) / put_user(val, uaddr). */
#define get_user(kptr, uaddr) copy_from_user((kptr), (uaddr), sizeof(*(kptr)))
#define put_user(val, uaddr) ({					\
	__typeof__(val) __pu_v = (val);					\
	copy_to_user((uaddr), &__pu_v, sizeof(__pu_v)); })

#endif

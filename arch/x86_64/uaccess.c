/*
 * copy_from_user and friends (include/ferrite/uaccess.h): the range
 * checks against USER_TOP, then the faultable copy loops of uaccess.S.
 * Pure C over those four primitives, so the host unit tests run it with
 * a simulated user address space (tests/unit/test_uaccess.c).
 */
#include <ferrite/errno.h>
#include <ferrite/uaccess.h>

/*
 * The faultable primitives (uaccess.S; host tests supply their own).
 * Each stops at the first fault and says so; none checks its range.
 */
size_t uaccess_copy(void *dst, const void *src, size_t len);	/* bytes left */
size_t uaccess_clear(void *dst, size_t len);			/* bytes left */
long uaccess_strncpy(char *dst, const char *src, size_t max);	/* len, max or -1 */
long uaccess_strnlen(const char *src, size_t max);		/* len, max or -1 */

int copy_from_user(void *dst, user_addr_t src, size_t len)
{
	if (!uaddr_range_ok(src, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	return uaccess_copy(dst, (const void *)src.addr, len) ? -EFAULT : 0;
}

int copy_to_user(user_addr_t dst, const void *src, size_t len)
{
	if (!uaddr_range_ok(dst, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	return uaccess_copy((void *)dst.addr, src, len) ? -EFAULT : 0;
}

int clear_user(user_addr_t dst, size_t len)
{
	if (!uaddr_range_ok(dst, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	return uaccess_clear((void *)dst.addr, len) ? -EFAULT : 0;
}

/*
 * How many bytes of a string at @u may be read when the caller allows
 * @max: never past USER_TOP. 0 when @u itself is not a user address.
 */
static size_t uaccess_string_limit(user_addr_t u, size_t max)
{
	if (u.addr >= USER_TOP)
		return 0;
	return MIN(max, USER_TOP - u.addr);
}

long strncpy_from_user(char *dst, user_addr_t src, size_t max)
{
	size_t limit = uaccess_string_limit(src, max);
	long n;

	if (max == 0)
		return -ENAMETOOLONG;
	if (limit == 0)
		return -EFAULT;
	n = uaccess_strncpy(dst, (const char *)src.addr, limit);
	if (n < 0)
		return -EFAULT;
	if ((size_t)n < limit)
		return n;
	/* No NUL: cut short by the user/kernel boundary, or really too long. */
	return limit < max ? -EFAULT : -ENAMETOOLONG;
}

size_t strnlen_user(user_addr_t src, size_t max)
{
	size_t limit = uaccess_string_limit(src, max);
	long n;

	if (limit == 0)
		return 0;	/* as Linux, also for max == 0 */
	n = uaccess_strnlen((const char *)src.addr, limit);
	if (n < 0)
		return 0;
	if ((size_t)n < limit)
		return (size_t)n + 1;
	return limit < max ? 0 : max + 1;
}

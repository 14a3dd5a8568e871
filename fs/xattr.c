/*
 * Extended attributes. No filesystem here stores them yet, so after the
 * name and the file are resolved exactly as Linux does (ENOENT, EBADF,
 * EFAULT ...), every call answers EOPNOTSUPP: what Linux returns for a
 * filesystem without xattr support, and what ls and cp handle as "none".
 */
#include <ferrite/fs.h>
#include <ferrite/err.h>
#include <ferrite/syscall.h>

#define XATTR_NAME_MAX	255

/* Resolve @upath (following symlinks unless @nofollow); 0 or -errno. */
static int xattr_path(user_addr_t upath, bool nofollow)
{
	struct path p;
	char *name = getname(upath);
	int err;

	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(AT_FDCWD, name, nofollow ? 0 : LOOKUP_FOLLOW, &p);
	putname(name);
	if (!err)
		path_put(&p);
	return err;
}

static int xattr_fd(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* The attribute name is checked like Linux: a string of 1..255 bytes. */
static int xattr_name(user_addr_t uname)
{
	char buf[XATTR_NAME_MAX + 1];
	long n = strncpy_from_user(buf, uname, sizeof(buf));

	if (n == -ENAMETOOLONG)
		return -ERANGE;
	if (n < 0)
		return (int)n;
	return n == 0 ? -ERANGE : 0;
}

static long xattr_get(int where, user_addr_t uname)
{
	int err = where ? where : xattr_name(uname);

	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE4(getxattr, user_addr_t, path, user_addr_t, name,
		user_addr_t, value, size_t, size)
{
	return xattr_get(xattr_path(path, false), name);
}

SYSCALL_DEFINE4(lgetxattr, user_addr_t, path, user_addr_t, name,
		user_addr_t, value, size_t, size)
{
	return xattr_get(xattr_path(path, true), name);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, user_addr_t, name, user_addr_t, value,
		size_t, size)
{
	return xattr_get(xattr_fd(fd), name);
}

SYSCALL_DEFINE5(setxattr, user_addr_t, path, user_addr_t, name,
		user_addr_t, value, size_t, size, int, flags)
{
	return xattr_get(xattr_path(path, false), name);
}

SYSCALL_DEFINE5(lsetxattr, user_addr_t, path, user_addr_t, name,
		user_addr_t, value, size_t, size, int, flags)
{
	return xattr_get(xattr_path(path, true), name);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, user_addr_t, name, user_addr_t, value,
		size_t, size, int, flags)
{
	return xattr_get(xattr_fd(fd), name);
}

SYSCALL_DEFINE2(removexattr, user_addr_t, path, user_addr_t, name)
{
	return xattr_get(xattr_path(path, false), name);
}

SYSCALL_DEFINE2(lremovexattr, user_addr_t, path, user_addr_t, name)
{
	return xattr_get(xattr_path(path, true), name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, user_addr_t, name)
{
	return xattr_get(xattr_fd(fd), name);
}

/* Listing attributes of a file that has none is not an error: 0 bytes. */
SYSCALL_DEFINE3(listxattr, user_addr_t, path, user_addr_t, list, size_t, size)
{
	int err = xattr_path(path, false);

	return err ? err : 0;
}

SYSCALL_DEFINE3(llistxattr, user_addr_t, path, user_addr_t, list, size_t, size)
{
	int err = xattr_path(path, true);

	return err ? err : 0;
}

SYSCALL_DEFINE3(flistxattr, int, fd, user_addr_t, list, size_t, size)
{
	int err = xattr_fd(fd);

	return err ? err : 0;
}

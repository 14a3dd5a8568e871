/*
 * xattr: the extended-attribute calls resolve their file first, so the
 * errors for missing paths and bad descriptors match Linux whatever the
 * filesystem supports.
 */
#include "ufw.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

TEST(getxattr_missing_path_enoent)
{
	char buf[16];

	CHECK_ERR(getxattr("no/such/file", "user.x", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(lgetxattr("missing", "user.x", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(listxattr("missing", buf, sizeof(buf)), ENOENT);
}

TEST(fgetxattr_bad_fd_ebadf)
{
	char buf[16];

	CHECK_ERR(fgetxattr(999, "user.x", buf, sizeof(buf)), EBADF);
	CHECK_ERR(flistxattr(999, buf, sizeof(buf)), EBADF);
	CHECK_ERR(fsetxattr(-1, "user.x", "v", 1, 0), EBADF);
}

TEST(getxattr_bad_path_pointer_efault)
{
	char buf[16];

	CHECK_ERR(getxattr((const char *)8, "user.x", buf, sizeof(buf)), EFAULT);
}

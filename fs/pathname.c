/*
 * Pure helpers of the path walk and of open(2): splitting a path into
 * components and decoding open flags. No locks or memory here, so the
 * host unit tests (tests/unit/test_path.c) build this file as it is.
 */
#include <ferrite/errno.h>
#include "internal.h"

int path_next_component(const char **p, const char **comp, u32 *len,
			bool *slash)
{
	const char *s = *p;
	const char *start;

	while (*s == '/')
		s++;
	if (!*s) {
		*p = s;
		*len = 0;
		*slash = false;
		return 0;
	}
	start = s;
	while (*s && *s != '/')
		s++;
	*comp = start;
	*len = (u32)(s - start);
	*slash = *s == '/';
	*p = s;
	if (*len > NAME_MAX)
		return -ENAMETOOLONG;
	return 1;
}

int open_flags_decode(int flags, umode_t mode, struct open_intent *oi)
{
	int acc = flags & O_ACCMODE;

	oi->lookup = 0;
	oi->mode = 0;
	if (flags & O_PATH) {
		/* O_PATH keeps only these; the rest is ignored as on Linux. */
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		oi->fmode = FMODE_PATH;
		oi->flags = flags;
		if (!(flags & O_NOFOLLOW))
			oi->lookup |= LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			oi->lookup |= LOOKUP_DIRECTORY;
		return 0;
	}
	/* O_TMPFILE is unsupported: say so rather than create a named file. */
	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP;
	if (acc == 3)
		return -EINVAL;
	/* Linux 6.4+: creating and demanding a directory is ambiguous. */
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	oi->fmode = FMODE_LSEEK;
	if (acc == O_RDONLY || acc == O_RDWR)
		oi->fmode |= FMODE_READ;
	if (acc == O_WRONLY || acc == O_RDWR)
		oi->fmode |= FMODE_WRITE;
	if (flags & O_CREAT)
		oi->mode = (mode & S_IALLUGO) | S_IFREG;
	else
		flags &= ~O_EXCL;	/* O_EXCL without O_CREAT is ignored */
	/* O_CREAT|O_EXCL never follows a final symlink (EEXIST instead). */
	if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
		oi->lookup |= LOOKUP_FOLLOW;
	if (flags & O_DIRECTORY)
		oi->lookup |= LOOKUP_DIRECTORY;
	/* The status flags a file keeps: creation flags are not among them. */
	oi->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	return 0;
}

unsigned int mode_to_dtype(umode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

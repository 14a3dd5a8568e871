/*
 * The initramfs: cpio archives (lib/cpio.c), plain or gzip-compressed
 * (lib/inflate.c), unpacked into the root tmpfs through the kernel's path
 * API, with Linux's rules: hard links by matching inode numbers, modes,
 * owners and times applied, directory times set last.
 */
#include <ferrite/cpio.h>
#include <ferrite/fs.h>
#include <ferrite/inflate.h>
#include <ferrite/initramfs.h>
#include <ferrite/list.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>

#define GZ_WINDOW	INFLATE_MIN_WINDOW

/* A member with nlink >= 2 whose later names become hard links to it. */
struct link_name {
	struct list_head node;
	u32 ino, major, minor, type;
	char path[];
};

/* A directory whose mtime is set once nothing more is added to it. */
struct dir_time {
	struct list_head node;
	u32 mtime;
	char path[];
};

/* Only the boot thread unpacks: nothing here is shared. */
struct unpack {
	struct cpio_parser parser;
	struct file *file;		/* regular file being written */
	u64 pos;
	struct cpio_entry cur;		/* attributes of that file */
	struct list_head links;
	struct list_head dirs;
	int first_err;
	unsigned int nr_errors;
	char path[PATH_MAX];		/* cleaned name of the current member */
};

static void note_error(struct unpack *u, int err, const char *name)
{
	u->nr_errors++;
	if (!u->first_err)
		u->first_err = err;
	pr_err("initramfs: %s: error %d\n", name ? name : "(member)", err);
}

static void *alloc_with_path(size_t head, const char *path)
{
	size_t n = strlen(path) + 1;
	char *p = kmalloc(head + n, GFP_KERNEL);

	if (p)
		memcpy(p + head, path, n);
	return p;
}

/*
 * Owner, mode and times of the member at u->path. Linux sets them with
 * chown, chmod and utimes after creating the member.
 */
static int set_attrs(struct unpack *u, const struct cpio_entry *e,
		     bool times, bool follow)
{
	struct iattr a = {
		.valid = ATTR_UID | ATTR_GID,
		.uid = e->uid,
		.gid = e->gid,
	};

	if (!S_ISLNK(e->mode)) {
		a.valid |= ATTR_MODE;
		a.mode = e->mode & S_IALLUGO;
	}
	if (times) {
		a.valid |= ATTR_MTIME | ATTR_ATIME;
		a.mtime.tv_sec = e->mtime;
		a.atime.tv_sec = e->mtime;
	}
	return vfs_setattr_path(u->path, &a, follow);
}

/*
 * Hard links: the first name of an (ino, dev) with nlink >= 2 is
 * remembered; later ones are linked to it. Returns 1 if u->path is now a
 * link, 0 if it must be created, or -errno.
 */
static int maybe_link(struct unpack *u, const struct cpio_entry *e)
{
	struct link_name *l;

	if (e->nlink < 2)
		return 0;
	list_for_each_entry(l, &u->links, node) {
		if (l->ino == e->ino && l->major == e->devmajor &&
		    l->minor == e->devminor && l->type == (e->mode & S_IFMT)) {
			int err = vfs_link_path(l->path, u->path);

			return err ? err : 1;
		}
	}
	l = alloc_with_path(sizeof(*l), u->path);
	if (!l)
		return -ENOMEM;
	l->ino = e->ino;
	l->major = e->devmajor;
	l->minor = e->devminor;
	l->type = e->mode & S_IFMT;
	list_add_tail(&l->node, &u->links);
	return 0;
}

static int start_file(struct unpack *u, const struct cpio_entry *e)
{
	int flags = O_WRONLY | O_CREAT | O_LARGEFILE;
	int linked = maybe_link(u, e);
	struct file *f;

	if (linked < 0)
		return linked;
	/* A link's data (newc puts it on the last name) fills the file. */
	if (!linked)
		flags |= O_TRUNC;
	f = filp_open(u->path, flags, e->mode & S_IALLUGO);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	u->file = f;
	u->pos = 0;
	u->cur = *e;
	return 0;
}

static int make_dir(struct unpack *u, const struct cpio_entry *e)
{
	struct dir_time *t;
	int err = vfs_mkdir_path(u->path, e->mode & S_IALLUGO);

	/* An existing directory (often "/" or one made earlier) is reused. */
	if (err && err != -EEXIST)
		return err;
	err = set_attrs(u, e, false, true);
	if (err)
		return err;
	t = alloc_with_path(sizeof(*t), u->path);
	if (!t)
		return -ENOMEM;
	t->mtime = e->mtime;
	list_add(&t->node, &u->dirs);	/* deepest last-made first */
	return 0;
}

static int make_special(struct unpack *u, const struct cpio_entry *e)
{
	int err = maybe_link(u, e);

	if (err)
		return err < 0 ? err : 0;
	err = vfs_mknod_path(u->path, e->mode,
			     MKDEV(e->rdevmajor, e->rdevminor));
	if (!err)
		err = set_attrs(u, e, true, false);
	return err;
}

static int make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	int err = vfs_symlink_path(e->link_target, u->path);

	if (!err)
		err = set_attrs(u, e, true, false);
	return err;
}

static int unpack_entry(void *ctx, const struct cpio_entry *e)
{
	struct unpack *u = ctx;
	long len = cpio_clean_path(e->name, u->path, sizeof(u->path));

	if (len < 0)
		return (int)len;
	switch (e->mode & S_IFMT) {
	case S_IFREG:
		return start_file(u, e);
	case S_IFDIR:
		return make_dir(u, e);
	case S_IFLNK:
		return make_symlink(u, e);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return make_special(u, e);
	default:
		return -EINVAL;
	}
}

static int unpack_data(void *ctx, const u8 *buf, size_t len)
{
	struct unpack *u = ctx;

	while (len) {
		ssize_t n = kernel_write(u->file, buf, len, &u->pos);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void close_file(struct unpack *u)
{
	if (!u->file)
		return;
	fput(u->file);
	u->file = NULL;
}

static void unpack_entry_end(void *ctx, int status)
{
	struct unpack *u = ctx;
	int err;

	close_file(u);
	/* After the data: writing it changed the times. */
	err = set_attrs(u, &u->cur, true, true);
	if (err)
		note_error(u, err, u->path);
}

static void unpack_error(void *ctx, int err, const char *name)
{
	note_error(ctx, err, name);
}

static const struct cpio_ops unpack_ops = {
	.entry = unpack_entry,
	.data = unpack_data,
	.entry_end = unpack_entry_end,
	.error = unpack_error,
};

/* Decompressed output goes straight into the parser. */
static int gz_flush(void *ctx, const u8 *data, size_t len)
{
	struct unpack *u = ctx;

	if (cpio_feed(&u->parser, data, len) < len)
		return u->parser.fatal ? u->parser.fatal : -EINVAL;
	return 0;
}

static int unpack_gzip(struct unpack *u, const u8 *p, size_t len,
		       size_t *used)
{
	struct inflate_result res;
	void *window = kmalloc(GZ_WINDOW, GFP_KERNEL);
	int err;

	if (!window)
		return -ENOMEM;
	err = gunzip_stream(p, len, window, GZ_WINDOW, gz_flush, u, &res);
	kfree(window);
	*used = res.in_used;
	return err;
}

/* Walk the buffer: padding, plain archives and compressed ones in turn. */
static int unpack_all(struct unpack *u, const u8 *start, size_t left)
{
	const u8 *p = start;

	while (left) {
		size_t n;
		int err;

		if (u->parser.state == CPIO_BETWEEN) {
			if (*p == 0) {
				p++;
				left--;
				continue;
			}
			if (gzip_magic(p, left)) {
				err = unpack_gzip(u, p, left, &n);
				if (err) {
					pr_err("initramfs: bad gzip data (%d)\n", err);
					return err;
				}
				p += n;
				left -= n;
				continue;
			}
			if (*p != '0') {
				pr_err("initramfs: junk or unknown compression at offset %#lx\n",
				       (unsigned long)(p - start));
				return -EINVAL;
			}
		}
		n = cpio_feed(&u->parser, p, left);
		p += n;
		left -= n;
		if (u->parser.state == CPIO_FAILED) {
			pr_err("initramfs: malformed archive\n");
			return u->parser.fatal;
		}
	}
	return 0;
}

static void finish_dirs(struct unpack *u)
{
	struct dir_time *t, *tmp;

	list_for_each_entry_safe(t, tmp, &u->dirs, node) {
		struct iattr a = { .valid = ATTR_MTIME | ATTR_ATIME };

		a.mtime.tv_sec = t->mtime;
		a.atime.tv_sec = t->mtime;
		vfs_setattr_path(t->path, &a, true);
		list_del(&t->node);
		kfree(t);
	}
}

static void free_links(struct unpack *u)
{
	struct link_name *l, *tmp;

	list_for_each_entry_safe(l, tmp, &u->links, node) {
		list_del(&l->node);
		kfree(l);
	}
}

int initramfs_unpack(const void *data, size_t len)
{
	struct unpack *u = kzalloc(sizeof(*u), GFP_KERNEL);
	int err, fin;

	if (!u)
		return -ENOMEM;
	list_init(&u->links);
	list_init(&u->dirs);
	cpio_init(&u->parser, &unpack_ops, u);
	err = unpack_all(u, data, len);
	fin = cpio_finish(&u->parser);
	if (!err && fin) {
		pr_err("initramfs: archive ends inside a member\n");
		err = fin;
	}
	close_file(u);		/* a file cut short keeps what arrived */
	finish_dirs(u);
	free_links(u);
	pr_info("initramfs: %u entries unpacked, %u errors\n",
		u->parser.nr_entries, u->nr_errors);
	if (!err)
		err = u->first_err;
	kfree(u);
	return err;
}

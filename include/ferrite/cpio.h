/*
 * A push parser for "newc" cpio archives (magic 070701, and 070702 with
 * the per-file checksum), the initramfs format: lib/cpio.c. Input comes
 * in pieces of any size (straight from memory or from the decompressor);
 * entries come out through callbacks. Pure logic, no allocation.
 */
#ifndef FERRITE_CPIO_H
#define FERRITE_CPIO_H

#include <ferrite/types.h>

#define CPIO_HDR_LEN	110
#define CPIO_TRAILER	"TRAILER!!!"
#define CPIO_PATH_MAX	4096	/* PATH_MAX: longest name or link target */

/* One archive member; the strings live in the parser until the next call. */
struct cpio_entry {
	u32 ino, mode, uid, gid, nlink, mtime, filesize;
	u32 devmajor, devminor, rdevmajor, rdevminor, check;
	bool has_crc;			/* 070702: check = byte sum of data */
	const char *name;		/* NUL-terminated, as in the archive */
	const char *link_target;	/* symlinks: NUL-terminated target */
};

struct cpio_ops {
	/*
	 * A new member (for a symlink, with its target). A nonzero return
	 * is passed to error() and the member's data is skipped.
	 */
	int (*entry)(void *ctx, const struct cpio_entry *e);
	/* Contents of the regular file entry() just accepted, in order. */
	int (*data)(void *ctx, const u8 *buf, size_t len);
	/* End of that file: 0, -EBADMSG (070702 sum mismatch) or data()'s error. */
	void (*entry_end)(void *ctx, int status);
	/* A member was dropped (@name may be NULL) or a callback failed. */
	void (*error)(void *ctx, int err, const char *name);
};

enum cpio_state {
	CPIO_BETWEEN,		/* before an archive: zeros are padding */
	CPIO_HEADER,
	CPIO_NAME,
	CPIO_NAME_PAD,
	CPIO_LINK,		/* collecting a symlink target */
	CPIO_DATA,		/* passing file contents on */
	CPIO_SKIP,		/* data (and padding) of a member we drop */
	CPIO_DATA_PAD,
	CPIO_FAILED,		/* unparseable header: nothing more is read */
};

/* Legend: owned by one caller; not shared. */
struct cpio_parser {
	const struct cpio_ops *ops;
	void *ctx;
	enum cpio_state state;
	int fatal;			/* -errno once CPIO_FAILED */
	unsigned int nr_errors;		/* members dropped or failed */
	unsigned int nr_entries;	/* members handed to entry() */
	u64 left;			/* bytes left in this state */
	u64 pad;			/* padding after the data */
	u32 sum;			/* 070702 running byte sum */
	int data_err;			/* first data() error of this file */
	bool in_archive;		/* a header seen since the last trailer */
	size_t have;			/* bytes collected in hdr/name/link */
	struct cpio_entry e;
	char hdr[CPIO_HDR_LEN];
	char name[CPIO_PATH_MAX];
	char link[CPIO_PATH_MAX];
};

void cpio_init(struct cpio_parser *p, const struct cpio_ops *ops, void *ctx);

/*
 * Consume up to @len bytes and return how many were used. Fewer than
 * @len means either the parser sits between archives and data[ret] is
 * neither padding nor a header (compressed data, or junk: the caller
 * decides), or the archive is unparseable (p->fatal is then set).
 */
size_t cpio_feed(struct cpio_parser *p, const u8 *data, size_t len);

/* End of input: 0, or -ENODATA when it stopped inside a member. */
int cpio_finish(struct cpio_parser *p);

/*
 * Turn an archive name into an absolute path without "." or ".."
 * components or repeated slashes (".." at the top stays at the top), so
 * no member can land outside the root it is unpacked into. Returns the
 * length, or -ENAMETOOLONG if it does not fit in @size bytes.
 */
long cpio_clean_path(const char *name, char *out, size_t size);

#endif

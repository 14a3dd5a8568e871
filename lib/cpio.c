/*
 * "newc" cpio parsing (see include/ferrite/cpio.h). A state machine fed
 * with pieces of any size: every member is a 110-byte ASCII header, the
 * name (padded to 4 bytes with the header), then the data (padded to 4).
 */
#include <ferrite/compiler.h>
#include <ferrite/cpio.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>
#include <uapi/fs_abi.h>

_Static_assert(CPIO_PATH_MAX == PATH_MAX, "cpio name buffers");

static void report(struct cpio_parser *p, int err, const char *name)
{
	p->nr_errors++;
	if (p->ops->error)
		p->ops->error(p->ctx, err, name);
}

static void fail(struct cpio_parser *p, int err)
{
	p->state = CPIO_FAILED;
	p->fatal = err;
}

static int hex_field(const char *s, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = (u32)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (u32)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (u32)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Decode the collected header: 0, or -EINVAL (bad magic or digits). */
static int parse_header(struct cpio_parser *p, u32 *namesize)
{
	u32 *fields[13] = {
		&p->e.ino, &p->e.mode, &p->e.uid, &p->e.gid, &p->e.nlink,
		&p->e.mtime, &p->e.filesize, &p->e.devmajor, &p->e.devminor,
		&p->e.rdevmajor, &p->e.rdevminor, namesize, &p->e.check
	};

	if (memcmp(p->hdr, "07070", 5) || (p->hdr[5] != '1' && p->hdr[5] != '2'))
		return -EINVAL;
	for (int i = 0; i < 13; i++)
		if (hex_field(p->hdr + 6 + 8 * i, fields[i]))
			return -EINVAL;
	p->e.has_crc = p->hdr[5] == '2';
	p->e.name = p->name;
	p->e.link_target = NULL;
	return 0;
}

static u64 pad4(u64 n)
{
	return (4 - (n & 3)) & 3;
}

/* Drop everything of the current member after the name. */
static void skip_rest(struct cpio_parser *p)
{
	p->left = (u64)p->e.filesize + pad4(p->e.filesize);
	p->state = CPIO_SKIP;
}

static void header_done(struct cpio_parser *p)
{
	u32 namesize;

	if (parse_header(p, &namesize)) {
		fail(p, -EINVAL);
		return;
	}
	p->in_archive = true;
	p->have = 0;
	/* Name plus padding so header + name is a multiple of four. */
	p->pad = pad4(CPIO_HDR_LEN + (u64)namesize);
	p->left = namesize;
	if (namesize == 0 || namesize > PATH_MAX) {
		report(p, namesize ? -ENAMETOOLONG : -EINVAL, NULL);
		p->left = (u64)namesize + p->pad + p->e.filesize +
			  pad4(p->e.filesize);
		p->state = CPIO_SKIP;
		return;
	}
	p->state = CPIO_NAME;
}

static void start_regular(struct cpio_parser *p)
{
	p->left = p->e.filesize;
	p->pad = pad4(p->e.filesize);
	p->sum = 0;
	p->data_err = 0;
	p->state = CPIO_DATA;
}

/* Name and padding read: decide what the member's data is. */
static void name_done(struct cpio_parser *p)
{
	int err;

	if (p->name[p->have - 1] != '\0') {
		report(p, -EINVAL, NULL);	/* not NUL-terminated */
		skip_rest(p);
		return;
	}
	if (!strcmp(p->name, CPIO_TRAILER)) {
		p->in_archive = false;
		skip_rest(p);
		return;
	}
	if (S_ISLNK(p->e.mode)) {
		if (p->e.filesize == 0 || p->e.filesize >= PATH_MAX) {
			report(p, -ENAMETOOLONG, p->name);
			skip_rest(p);
			return;
		}
		p->have = 0;
		p->left = p->e.filesize;
		p->state = CPIO_LINK;
		return;
	}
	p->nr_entries++;
	err = p->ops->entry(p->ctx, &p->e);
	if (err)
		report(p, err, p->name);
	if (!err && S_ISREG(p->e.mode))
		start_regular(p);
	else
		skip_rest(p);	/* other types have no meaningful data */
}

static void link_done(struct cpio_parser *p)
{
	int err;

	p->link[p->have] = '\0';
	p->e.link_target = p->link;
	p->nr_entries++;
	err = p->ops->entry(p->ctx, &p->e);
	if (err)
		report(p, err, p->name);
	p->left = pad4(p->e.filesize);
	p->state = CPIO_DATA_PAD;
}

static void data_done(struct cpio_parser *p)
{
	int status = p->data_err;

	if (!status && p->e.has_crc && p->sum != p->e.check)
		status = -EBADMSG;
	if (status)
		report(p, status, p->name);
	if (p->ops->entry_end)
		p->ops->entry_end(p->ctx, status);
	p->left = p->pad;
	p->state = CPIO_DATA_PAD;
}

/* Copy into a collection buffer; returns bytes used. */
static size_t collect(struct cpio_parser *p, char *buf, const u8 *data,
		      size_t len)
{
	size_t n = (size_t)MIN((u64)len, p->left);

	memcpy(buf + p->have, data, n);
	p->have += n;
	p->left -= n;
	return n;
}

static size_t feed_data(struct cpio_parser *p, const u8 *data, size_t len)
{
	size_t n = (size_t)MIN((u64)len, p->left);

	if (p->e.has_crc)
		for (size_t i = 0; i < n; i++)
			p->sum += data[i];
	if (n && !p->data_err) {
		p->data_err = p->ops->data(p->ctx, data, n);
		/* Keep going: the archive goes on after this file. */
	}
	p->left -= n;
	return n;
}

/*
 * Move on from states whose byte count has run out, possibly through
 * several (an empty file goes name -> data -> padding -> next header).
 */
static void settle(struct cpio_parser *p)
{
	while (p->left == 0) {
		switch (p->state) {
		case CPIO_NAME:
			p->left = p->pad;
			p->state = CPIO_NAME_PAD;
			break;
		case CPIO_NAME_PAD:
			name_done(p);
			break;
		case CPIO_LINK:
			link_done(p);
			break;
		case CPIO_DATA:
			data_done(p);
			break;
		case CPIO_SKIP:
		case CPIO_DATA_PAD:
			p->state = p->in_archive ? CPIO_HEADER : CPIO_BETWEEN;
			p->have = 0;
			return;
		default:
			return;
		}
	}
}

/* One step of the machine; returns bytes used (0: stop feeding). */
static size_t step(struct cpio_parser *p, const u8 *data, size_t len)
{
	size_t n = (size_t)MIN((u64)len, p->left);

	switch (p->state) {
	case CPIO_BETWEEN:
		if (data[0] == 0)
			return 1;
		if (data[0] != '0')
			return 0;
		p->have = 0;
		p->state = CPIO_HEADER;
		/* fall through */
	case CPIO_HEADER:
		n = MIN(len, (size_t)CPIO_HDR_LEN - p->have);
		memcpy(p->hdr + p->have, data, n);
		p->have += n;
		if (p->have == CPIO_HDR_LEN)
			header_done(p);
		break;
	case CPIO_NAME:
		n = collect(p, p->name, data, len);
		break;
	case CPIO_LINK:
		n = collect(p, p->link, data, len);
		break;
	case CPIO_DATA:
		n = feed_data(p, data, len);
		break;
	case CPIO_NAME_PAD:
	case CPIO_SKIP:
	case CPIO_DATA_PAD:
		p->left -= n;
		break;
	case CPIO_FAILED:
	default:
		return 0;
	}
	settle(p);
	return n;
}

size_t cpio_feed(struct cpio_parser *p, const u8 *data, size_t len)
{
	size_t used = 0;

	while (used < len) {
		size_t n = step(p, data + used, len - used);

		if (!n)
			break;
		used += n;
	}
	return used;
}

void cpio_init(struct cpio_parser *p, const struct cpio_ops *ops, void *ctx)
{
	memset(p, 0, offsetof(struct cpio_parser, hdr));
	p->ops = ops;
	p->ctx = ctx;
	p->state = CPIO_BETWEEN;
}

int cpio_finish(struct cpio_parser *p)
{
	if (p->state == CPIO_FAILED)
		return p->fatal;
	if (p->state == CPIO_BETWEEN)
		return 0;
	/* Inside a member, or a header with no trailer after it. */
	if (p->state == CPIO_HEADER && p->have == 0)
		return p->in_archive ? -ENODATA : 0;
	return -ENODATA;
}

long cpio_clean_path(const char *name, char *out, size_t size)
{
	size_t len = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	while (*name) {
		const char *end;
		size_t n;

		while (*name == '/')
			name++;
		end = strchr(name, '/');
		n = end ? (size_t)(end - name) : strlen(name);
		if (n == 0 || (n == 1 && name[0] == '.')) {
			/* nothing */
		} else if (n == 2 && name[0] == '.' && name[1] == '.') {
			/* Drop the last component; at the top, stay there. */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			if (len + 1 + n + 1 > size)
				return -ENAMETOOLONG;
			out[len] = '/';
			memcpy(out + len + 1, name, n);
			len += 1 + n;
		}
		name += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (long)len;
}

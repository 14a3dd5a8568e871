/*
 * Host tests for lib/cpio.c: archives made by the host's cpio(1) (newc
 * and crc), fed whole and in every chunk size, and hand-made malformed
 * ones (bad magic and digits, name sizes, data past the end, junk).
 * tests/unit/gen/cpio_corpus.py writes a malformed corpus for fuzzing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include <ferrite/cpio.h>
#include <ferrite/errno.h>

/* Everything the callbacks saw, as text, so runs can be compared. */
struct log {
	char text[1 << 16];
	size_t len;
	int entry_ret;		/* what entry() returns */
	unsigned int ends, errors;
	int last_status, last_error;
};

static void logf_(struct log *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(struct log *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (l->len < sizeof(l->text))
		l->len += (size_t)vsnprintf(l->text + l->len,
					    sizeof(l->text) - l->len, fmt, ap);
	if (l->len > sizeof(l->text))
		l->len = sizeof(l->text);
	va_end(ap);
}

static int log_entry(void *ctx, const struct cpio_entry *e)
{
	struct log *l = ctx;

	logf_(l, "E %s %o %u %u", e->name, e->mode, e->filesize, e->ino);
	if (e->link_target)
		logf_(l, " -> %s", e->link_target);
	logf_(l, "\n");
	return l->entry_ret;
}

static int log_data(void *ctx, const u8 *buf, size_t len)
{
	struct log *l = ctx;

	for (size_t i = 0; i < len; i++)
		logf_(l, "%c", buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
	return 0;
}

static void log_end(void *ctx, int status)
{
	struct log *l = ctx;

	l->ends++;
	l->last_status = status;
	logf_(l, "\nEND %d\n", status);
}

static void log_error(void *ctx, int err, const char *name)
{
	struct log *l = ctx;

	l->errors++;
	l->last_error = err;
	logf_(l, "ERR %d %s\n", err, name ? name : "-");
}

static const struct cpio_ops log_ops = {
	.entry = log_entry,
	.data = log_data,
	.entry_end = log_end,
	.error = log_error,
};

/* Parse @buf in pieces of @chunk bytes; returns cpio_finish()'s result. */
static int parse(const void *buf, size_t len, size_t chunk, struct log *l,
		 struct cpio_parser *p, size_t *used)
{
	size_t off = 0;

	cpio_init(p, &log_ops, l);
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		size_t got = cpio_feed(p, (const u8 *)buf + off, n);

		off += got;
		if (got < n)
			break;
	}
	if (used)
		*used = off;
	return cpio_finish(p);
}

static struct cpio_parser parser;	/* 8 KiB of buffers: not on the stack */
static struct log log_a, log_b;

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* An archive from the host's cpio(1) in format @fmt ("newc" or "crc"). */
static unsigned char *host_archive(const char *fmt, size_t *len)
{
	char cmd[2048], path[256];
	unsigned char *buf;

	snprintf(path, sizeof(path), "/tmp/ferrite-cpio-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "set -e; rm -rf %s; mkdir -p %s/d/sub; cd %s; "
		 "printf 'hello world\\n' > d/hello; : > d/empty; "
		 "printf 'abc' > d/sub/three; ln -s ../hello d/sub/link; "
		 "printf 'shared' > d/hard1; ln d/hard1 d/hard2; mkfifo d/fifo; "
		 "find . | LC_ALL=C sort | cpio -o -H %s --quiet > %s.cpio; "
		 "cd /; rm -rf %s", path, path, path, fmt, path, path);
	if (system(cmd) != 0)
		return NULL;
	snprintf(path + strlen(path), sizeof(path) - strlen(path), ".cpio");
	buf = slurp(path, len);
	remove(path);
	return buf;
}

TEST(host_newc_archive_every_member)
{
	size_t len, used;
	unsigned char *a = host_archive("newc", &len);

	ASSERT(a);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(a, len, len, &log_a, &parser, &used), 0);
	EXPECT_EQ(used, len);
	EXPECT_EQ(log_a.errors, 0);
	EXPECT(strstr(log_a.text, "E d/hello 100644 12"));
	EXPECT(strstr(log_a.text, "hello world.\nEND 0\n"));
	EXPECT(strstr(log_a.text, "E d/sub/link 120777 8") &&
	       strstr(log_a.text, "-> ../hello\n"));
	EXPECT(strstr(log_a.text, "E d/sub 40755 0"));
	EXPECT(strstr(log_a.text, "E d/fifo 10644 0"));
	EXPECT(strstr(log_a.text, "E d/empty 100644 0"));
	EXPECT(strstr(log_a.text, "abc\nEND 0"));
	/* newc stores hard-link data once, with the last name. */
	EXPECT(strstr(log_a.text, "shared\nEND 0"));
	EXPECT(!strstr(log_a.text, "TRAILER"));
	EXPECT_EQ(parser.nr_entries, 10);
	free(a);
}

TEST(host_archive_same_result_for_every_chunk_size)
{
	size_t len;
	unsigned char *a = host_archive("newc", &len);

	ASSERT(a);
	memset(&log_a, 0, sizeof(log_a));
	ASSERT(parse(a, len, len, &log_a, &parser, NULL) == 0);
	for (size_t chunk = 1; chunk < 300; chunk += (chunk < 16 ? 1 : 37)) {
		memset(&log_b, 0, sizeof(log_b));
		EXPECT_EQ(parse(a, len, chunk, &log_b, &parser, NULL), 0);
		EXPECT_STREQ(log_b.text, log_a.text);
	}
	free(a);
}

TEST(host_crc_archive_checks_sums)
{
	size_t len;
	unsigned char *a = host_archive("crc", &len);
	unsigned char *p;

	ASSERT(a);
	ASSERT(!memcmp(a, "070702", 6));
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(a, len, 7, &log_a, &parser, NULL), 0);
	EXPECT_EQ(log_a.errors, 0);
	EXPECT(strstr(log_a.text, "hello world.\nEND 0\n"));
	/* Corrupt one data byte: that file ends with -EBADMSG. */
	p = memmem(a, len, "hello world", 11);
	ASSERT(p);
	p[0] = 'j';
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(a, len, len, &log_a, &parser, NULL), 0);
	EXPECT(strstr(log_a.text, "jello world.ERR -74 d/hello\n\nEND -74\n"));
	EXPECT_EQ(log_a.errors, 1);
	free(a);
}

TEST(every_truncation_is_safe_and_reports_nodata)
{
	size_t len;
	unsigned char *a = host_archive("newc", &len), *trailer;

	ASSERT(a);
	memset(&log_a, 0, sizeof(log_a));
	ASSERT(parse(a, len, len, &log_a, &parser, NULL) == 0);
	/* cpio(1) pads the archive to 512 bytes after the trailer: those
	 * zeros are padding between archives, so stop at the trailer name. */
	trailer = memmem(a, len, CPIO_TRAILER, 11);
	ASSERT(trailer);
	len = (size_t)(trailer - a) + 11;
	for (size_t cut = 1; cut < len; cut++) {
		unsigned char *t = malloc(cut);
		int err;

		memcpy(t, a, cut);
		memset(&log_b, 0, sizeof(log_b));
		err = parse(t, cut, cut, &log_b, &parser, NULL);
		EXPECT(err == -ENODATA);
		/* What was seen is a prefix of the full run (up to a file's
		 * data cut short, which then has no END line). */
		EXPECT(!strncmp(log_a.text, log_b.text, log_b.len > 0 ?
				strlen(log_b.text) : 0));
		free(t);
	}
	free(a);
}

/* ---- hand-made archives ----------------------------------------------------- */

struct arch {
	unsigned char buf[16384];
	size_t len;
};

static void put_member(struct arch *a, const char *magic, unsigned int mode,
		       const char *name, unsigned int namesize,
		       const void *data, unsigned int size, unsigned int check)
{
	char hdr[CPIO_HDR_LEN + 1];
	size_t nlen = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, 7, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, check);
	memcpy(a->buf + a->len, hdr, CPIO_HDR_LEN);
	a->len += CPIO_HDR_LEN;
	memcpy(a->buf + a->len, name, nlen);
	a->len += nlen;
	while (a->len & 3)
		a->buf[a->len++] = 0;
	if (data) {
		memcpy(a->buf + a->len, data, size);
		a->len += size;
	}
	while (a->len & 3)
		a->buf[a->len++] = 0;
}

static void put_file(struct arch *a, const char *name, const char *data)
{
	put_member(a, "070701", 0100644, name, (unsigned int)strlen(name) + 1,
		   data, (unsigned int)strlen(data), 0);
}

static void put_trailer(struct arch *a)
{
	put_member(a, "070701", 0, CPIO_TRAILER, 11, NULL, 0, 0);
}

static struct arch arch;

TEST(concatenated_archives_with_zero_padding)
{
	size_t used;

	memset(&arch, 0, sizeof(arch));
	put_file(&arch, "one", "1");
	put_trailer(&arch);
	arch.len += 512;		/* zeros between archives */
	put_file(&arch, "two", "22");
	put_trailer(&arch);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, 5, &log_a, &parser, &used), 0);
	EXPECT_EQ(used, arch.len);
	EXPECT_STREQ(log_a.text, "E one 100644 1 7\n1\nEND 0\n"
				 "E two 100644 2 7\n22\nEND 0\n");
}

TEST(junk_after_trailer_stops_the_parser_there)
{
	size_t used, end;

	memset(&arch, 0, sizeof(arch));
	put_file(&arch, "one", "1");
	put_trailer(&arch);
	end = arch.len + 4;
	arch.len += 4;
	arch.buf[arch.len++] = 0x1f;	/* gzip data would follow */
	arch.buf[arch.len++] = 0x8b;
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, &used), 0);
	EXPECT_EQ(used, end);
}

TEST(bad_magic_and_bad_digits_are_fatal)
{
	size_t used;

	memset(&arch, 0, sizeof(arch));
	put_file(&arch, "one", "1");
	put_file(&arch, "two", "2");
	memcpy(arch.buf + 120, "070707", 6);	/* second header: odc magic */
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, &used),
		  -EINVAL);
	EXPECT_STREQ(log_a.text, "E one 100644 1 7\n1\nEND 0\n");
	EXPECT_EQ(parser.state, CPIO_FAILED);
	EXPECT(used < arch.len);

	memset(&arch, 0, sizeof(arch));
	put_file(&arch, "one", "1");
	arch.buf[6 + 8 * 6 + 3] = 'g';	/* filesize digit */
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, 3, &log_a, &parser, NULL), -EINVAL);
	EXPECT_EQ(log_a.len, 0);
}

TEST(name_size_zero_or_beyond_path_max_skips_the_member)
{
	/* namesize 0: the header is followed directly by pad and data. */
	memset(&arch, 0, sizeof(arch));
	{
		char hdr[CPIO_HDR_LEN + 1];

		snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X"
			 "%08X%08X%08X%08X%08X%08X", 1, 0100644, 0, 0, 1, 0, 4,
			 0, 0, 0, 0, 0, 0);
		memcpy(arch.buf, hdr, CPIO_HDR_LEN);
		arch.len = CPIO_HDR_LEN + 2;	/* pad to 112 */
		memcpy(arch.buf + arch.len, "data", 4);
		arch.len += 4;
	}
	put_file(&arch, "after", "ok");
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL),
		  -ENODATA);		/* no trailer */
	EXPECT_STREQ(log_a.text, "ERR -22 -\nE after 100644 2 7\nok\nEND 0\n");

	/* A name size beyond CPIO_PATH_MAX: dropped, data skipped, next parsed. */
	memset(&arch, 0, sizeof(arch));
	{
		static char longname[CPIO_PATH_MAX + 8];

		memset(longname, 'n', CPIO_PATH_MAX + 4);
		longname[CPIO_PATH_MAX + 4] = 0;
		put_member(&arch, "070701", 0100644, longname, CPIO_PATH_MAX + 5,
			   "zz", 2, 0);
	}
	put_file(&arch, "after", "ok");
	put_trailer(&arch);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, 1000, &log_a, &parser, NULL), 0);
	EXPECT_STREQ(log_a.text, "ERR -36 -\nE after 100644 2 7\nok\nEND 0\n");

	/* A huge name size runs off the end: nothing read out of bounds. */
	memset(&arch, 0, sizeof(arch));
	put_member(&arch, "070701", 0100644, "x", 0xffffffffu, "zz", 2, 0);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL),
		  -ENODATA);
	EXPECT_EQ(log_a.errors, 1);
}

TEST(unterminated_name_is_dropped)
{
	memset(&arch, 0, sizeof(arch));
	put_member(&arch, "070701", 0100644, "abcd", 4, "12", 2, 0);
	put_file(&arch, "after", "ok");
	put_trailer(&arch);
	/* namesize 4 covers "abcd" without its NUL; the NUL and pad that
	 * follow are then read as padding... which is 2 bytes + "\0\0" */
	memset(&log_a, 0, sizeof(log_a));
	parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL);
	EXPECT(log_a.errors >= 1);
	EXPECT(!strstr(log_a.text, "E abcd"));
}

TEST(file_size_beyond_archive_is_nodata_without_end)
{
	memset(&arch, 0, sizeof(arch));
	put_member(&arch, "070701", 0100644, "big", 4, "abc", 3, 0);
	/* Claim 0x1000 bytes of data: patch the filesize field. */
	memcpy(arch.buf + 6 + 8 * 6, "00001000", 8);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL),
		  -ENODATA);
	EXPECT_EQ(log_a.ends, 0);
	EXPECT(!strncmp(log_a.text, "E big 100644 4096 7\nabc", 22));
}

TEST(symlink_target_limits)
{
	static char target[CPIO_PATH_MAX + 1];

	memset(&arch, 0, sizeof(arch));
	put_member(&arch, "070701", 0120777, "l", 2, "t", 1, 0);
	put_member(&arch, "070701", 0120777, "empty", 6, NULL, 0, 0);
	put_trailer(&arch);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, 1, &log_a, &parser, NULL), 0);
	EXPECT_STREQ(log_a.text, "E l 120777 1 7 -> t\nERR -36 empty\n");

	memset(&arch, 0, sizeof(arch));
	memset(target, 't', CPIO_PATH_MAX);
	put_member(&arch, "070701", 0120777, "long", 5, target, CPIO_PATH_MAX, 0);
	put_trailer(&arch);
	memset(&log_a, 0, sizeof(log_a));
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL), 0);
	EXPECT_STREQ(log_a.text, "ERR -36 long\n");
}

TEST(entry_callback_error_skips_data_and_goes_on)
{
	memset(&arch, 0, sizeof(arch));
	put_file(&arch, "a", "data-a");
	put_file(&arch, "b", "data-b");
	put_trailer(&arch);
	memset(&log_a, 0, sizeof(log_a));
	log_a.entry_ret = -EEXIST;
	EXPECT_EQ(parse(arch.buf, arch.len, arch.len, &log_a, &parser, NULL), 0);
	EXPECT_STREQ(log_a.text, "E a 100644 6 7\nERR -17 a\n"
				 "E b 100644 6 7\nERR -17 b\n");
}

TEST(clean_path_keeps_everything_under_the_root)
{
	char out[64];

	EXPECT_EQ(cpio_clean_path("../../etc/passwd", out, sizeof(out)), 11);
	EXPECT_STREQ(out, "/etc/passwd");
	cpio_clean_path("./a//b/./c/..", out, sizeof(out));
	EXPECT_STREQ(out, "/a/b");
	cpio_clean_path(".", out, sizeof(out));
	EXPECT_STREQ(out, "/");
	cpio_clean_path("", out, sizeof(out));
	EXPECT_STREQ(out, "/");
	cpio_clean_path("a/../../b/", out, sizeof(out));
	EXPECT_STREQ(out, "/b");
	cpio_clean_path("/dev/console", out, sizeof(out));
	EXPECT_STREQ(out, "/dev/console");
	cpio_clean_path("..a/b..", out, sizeof(out));
	EXPECT_STREQ(out, "/..a/b..");
	EXPECT_EQ(cpio_clean_path("abcdefgh", out, 9), -ENAMETOOLONG);
	EXPECT_EQ(cpio_clean_path("abcdefg", out, 9), 8);
	EXPECT_EQ(cpio_clean_path("x", out, 1), -ENAMETOOLONG);
}

TEST(malformed_corpus_never_crashes)
{
	FILE *f = popen("/usr/bin/python3 tests/unit/gen/cpio_corpus.py --stream",
			"r");
	unsigned char lenb[4];
	unsigned int count = 0;

	ASSERT(f);
	while (fread(lenb, 1, 4, f) == 4) {
		unsigned int n = lenb[0] | lenb[1] << 8 | lenb[2] << 16 |
				 (unsigned int)lenb[3] << 24;
		unsigned char *buf = malloc(n ? n : 1);

		if (fread(buf, 1, n, f) != n) {
			free(buf);
			break;
		}
		for (size_t chunk = 1; chunk <= n + 1; chunk = chunk * 3 + 1) {
			memset(&log_a, 0, sizeof(log_a));
			parse(buf, n, chunk, &log_a, &parser, NULL);
		}
		count++;
		free(buf);
	}
	pclose(f);
	EXPECT(count >= 20);
}

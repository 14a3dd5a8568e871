/*
 * Host tests of the pure path-walk and open(2) helpers (fs/pathname.c):
 * component splitting, NAME_MAX, and open flag decoding.
 */
#include "unit.h"
#include <string.h>
#include <ferrite/errno.h>
#include "../../fs/internal.h"

/* Split @path into "a|b|c" form for easy comparison. */
static int split(const char *path, char *out, size_t len)
{
	const char *p = path, *c;
	u32 n;
	bool slash;
	int r;

	out[0] = '\0';
	while ((r = path_next_component(&p, &c, &n, &slash)) == 1) {
		if (out[0])
			strncat(out, "|", len - strlen(out) - 1);
		strncat(out, c, n < len - strlen(out) - 1 ? n :
			len - strlen(out) - 1);
	}
	return r;
}

TEST(components_skip_repeated_slashes)
{
	char buf[64];

	EXPECT_EQ(split("//a///bb/c//", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "a|bb|c");
	EXPECT_EQ(split("rel/./..", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "rel|.|..");
}

TEST(components_of_root_and_empty_are_none)
{
	char buf[8];

	EXPECT_EQ(split("/", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(split("", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");
}

TEST(component_reports_trailing_slash)
{
	const char *p = "dir/";
	const char *c;
	u32 n;
	bool slash;

	EXPECT_EQ(path_next_component(&p, &c, &n, &slash), 1);
	EXPECT_EQ(n, 3);
	EXPECT(slash);
	EXPECT_EQ(path_next_component(&p, &c, &n, &slash), 0);
	p = "file";
	EXPECT_EQ(path_next_component(&p, &c, &n, &slash), 1);
	EXPECT(!slash);
}

TEST(component_longer_than_name_max_is_enametoolong)
{
	static char name[NAME_MAX + 3];
	const char *p = name, *c;
	u32 n;
	bool slash;

	memset(name, 'x', NAME_MAX);
	EXPECT_EQ(path_next_component(&p, &c, &n, &slash), 1);
	EXPECT_EQ(n, NAME_MAX);
	memset(name, 'x', NAME_MAX + 1);
	p = name;
	EXPECT_EQ(path_next_component(&p, &c, &n, &slash), -ENAMETOOLONG);
}

TEST(open_flags_access_modes)
{
	struct open_intent oi;

	EXPECT_EQ(open_flags_decode(O_RDONLY, 0, &oi), 0);
	EXPECT_EQ(oi.fmode & (FMODE_READ | FMODE_WRITE), FMODE_READ);
	EXPECT(oi.lookup & LOOKUP_FOLLOW);
	EXPECT_EQ(open_flags_decode(O_WRONLY, 0, &oi), 0);
	EXPECT_EQ(oi.fmode & (FMODE_READ | FMODE_WRITE), FMODE_WRITE);
	EXPECT_EQ(open_flags_decode(O_RDWR, 0, &oi), 0);
	EXPECT_EQ(oi.fmode & (FMODE_READ | FMODE_WRITE),
		  FMODE_READ | FMODE_WRITE);
	EXPECT_EQ(open_flags_decode(3, 0, &oi), -EINVAL);
}

TEST(open_flags_create_and_follow_rules)
{
	struct open_intent oi;

	EXPECT_EQ(open_flags_decode(O_CREAT | O_WRONLY, 0644, &oi), 0);
	EXPECT_EQ(oi.mode, S_IFREG | 0644);
	EXPECT(oi.lookup & LOOKUP_FOLLOW);
	EXPECT(!(oi.flags & (O_CREAT | O_TRUNC)));
	EXPECT_EQ(open_flags_decode(O_CREAT | O_EXCL | O_WRONLY, 0644, &oi), 0);
	EXPECT(!(oi.lookup & LOOKUP_FOLLOW));
	EXPECT_EQ(open_flags_decode(O_NOFOLLOW, 0, &oi), 0);
	EXPECT(!(oi.lookup & LOOKUP_FOLLOW));
	EXPECT_EQ(open_flags_decode(O_DIRECTORY, 0, &oi), 0);
	EXPECT(oi.lookup & LOOKUP_DIRECTORY);
	EXPECT_EQ(open_flags_decode(O_CREAT | O_DIRECTORY, 0644, &oi), -EINVAL);
	EXPECT_EQ(open_flags_decode(__O_TMPFILE | O_DIRECTORY | O_RDWR, 0, &oi),
		  -EOPNOTSUPP);
}

TEST(open_flags_o_path_ignores_the_rest)
{
	struct open_intent oi;

	EXPECT_EQ(open_flags_decode(O_PATH | O_RDWR | O_CREAT | O_TRUNC, 0,
				    &oi), 0);
	EXPECT_EQ(oi.fmode, FMODE_PATH);
	EXPECT_EQ(oi.flags, O_PATH);
}

TEST(mode_to_dtype_matches_linux)
{
	EXPECT_EQ(mode_to_dtype(S_IFDIR | 0755), DT_DIR);
	EXPECT_EQ(mode_to_dtype(S_IFREG), DT_REG);
	EXPECT_EQ(mode_to_dtype(S_IFLNK), DT_LNK);
	EXPECT_EQ(mode_to_dtype(S_IFCHR), DT_CHR);
	EXPECT_EQ(mode_to_dtype(S_IFIFO), DT_FIFO);
}

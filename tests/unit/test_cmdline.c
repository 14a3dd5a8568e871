/*
 * Tests for lib/cmdline.c: ordinary Linux command lines, quoting, "--",
 * limits, and malformed input that must parse to something sane.
 */
#include "unit.h"

#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct cmdline cl;
static char line[8192];

/* Parse a copy of @s (the parser writes into its buffer). */
static void parse(const char *s)
{
	memset(&cl, 0x5a, sizeof(cl));	/* the parser must set every count */
	strcpy(line, s);
	EXPECT_EQ(cmdline_parse(line, &cl), 0);
}

TEST(typical_line)
{
	u64 v;

	parse("console=ttyS0,115200 root=/dev/vda rw quiet loglevel=3 mem=512M");
	ASSERT(cl.nr_params == 6);
	EXPECT_EQ(cl.nr_init_args, 0);
	EXPECT_EQ(cl.dropped, 0);
	EXPECT_STREQ(cl.params[0].key, "console");
	EXPECT_STREQ(cl.params[0].val, "ttyS0,115200");
	EXPECT_STREQ(cl.params[2].key, "rw");
	EXPECT(cl.params[2].val == NULL);
	EXPECT_STREQ(cmdline_get(&cl, "root"), "/dev/vda");
	EXPECT_STREQ(cmdline_get(&cl, "quiet"), "");
	EXPECT(cmdline_get(&cl, "nosuch") == NULL);
	EXPECT(cmdline_has(&cl, "rw"));
	EXPECT(!cmdline_has(&cl, "r"));
	EXPECT(!cmdline_has(&cl, "rootx"));
	EXPECT_EQ(cmdline_get_u64(&cl, "loglevel", &v), 0);
	EXPECT_EQ(v, 3);
	EXPECT_EQ(cmdline_get_u64(&cl, "mem", &v), -EINVAL);
	EXPECT_EQ(cmdline_get_u64(&cl, "quiet", &v), -EINVAL);
	EXPECT_EQ(cmdline_get_u64(&cl, "nosuch", &v), -ENOENT);
}

TEST(get_u64_bases_and_range)
{
	u64 v = 0;

	parse("a=0x10 b=010 c=18446744073709551616 d=-1");
	EXPECT_EQ(cmdline_get_u64(&cl, "a", &v), 0);
	EXPECT_EQ(v, 16);
	EXPECT_EQ(cmdline_get_u64(&cl, "b", &v), 0);
	EXPECT_EQ(v, 8);
	EXPECT_EQ(cmdline_get_u64(&cl, "c", &v), -ERANGE);
	EXPECT_EQ(cmdline_get_u64(&cl, "d", &v), -EINVAL);
}

TEST(quotes_group_and_are_removed)
{
	parse("init=/bin/sh \"a b\" key=\"x y  z\" k2=\"\" \"q=r s\" mid\"dle\"x");
	ASSERT(cl.nr_params == 6);
	EXPECT_STREQ(cl.params[0].val, "/bin/sh");
	EXPECT_STREQ(cl.params[1].key, "a b");
	EXPECT(cl.params[1].val == NULL);
	EXPECT_STREQ(cl.params[2].key, "key");
	EXPECT_STREQ(cl.params[2].val, "x y  z");
	EXPECT_STREQ(cl.params[3].key, "k2");
	EXPECT_STREQ(cl.params[3].val, "");
	EXPECT_STREQ(cl.params[4].key, "q");
	EXPECT_STREQ(cl.params[4].val, "r s");
	EXPECT_STREQ(cl.params[5].key, "middlex");
}

TEST(unbalanced_quote_runs_to_end)
{
	parse("a=1 b=\"open quote -- c=3");
	ASSERT(cl.nr_params == 2);
	EXPECT_STREQ(cl.params[1].key, "b");
	EXPECT_STREQ(cl.params[1].val, "open quote -- c=3");
	EXPECT_EQ(cl.nr_init_args, 0);
	parse("\"");
	EXPECT_EQ(cl.nr_params, 0);
	parse("x \"");
	EXPECT_EQ(cl.nr_params, 1);
}

TEST(empty_and_blank_lines)
{
	parse("");
	EXPECT_EQ(cl.nr_params, 0);
	EXPECT_EQ(cl.nr_init_args, 0);
	EXPECT_EQ(cl.dropped, 0);
	parse("    \t \n  ");
	EXPECT_EQ(cl.nr_params, 0);
	parse("\"\" \"\"");
	EXPECT_EQ(cl.nr_params, 0);
	parse("  lead   trail  ");
	ASSERT(cl.nr_params == 2);
	EXPECT_STREQ(cl.params[0].key, "lead");
	EXPECT_STREQ(cl.params[1].key, "trail");
}

TEST(equals_signs_in_odd_places)
{
	parse("= == =value a= b==c ===");
	ASSERT(cl.nr_params == 6);
	/* A leading '=' belongs to the key, as in Linux's next_arg(). */
	EXPECT_STREQ(cl.params[0].key, "=");
	EXPECT(cl.params[0].val == NULL);
	EXPECT_STREQ(cl.params[1].key, "=");
	EXPECT_STREQ(cl.params[1].val, "");
	EXPECT_STREQ(cl.params[2].key, "=value");
	EXPECT(cl.params[2].val == NULL);
	EXPECT_STREQ(cl.params[3].key, "a");
	EXPECT_STREQ(cl.params[3].val, "");
	EXPECT_STREQ(cl.params[4].key, "b");
	EXPECT_STREQ(cl.params[4].val, "=c");
	EXPECT_STREQ(cl.params[5].key, "=");
	EXPECT_STREQ(cl.params[5].val, "=");
	EXPECT_STREQ(cmdline_get(&cl, "a"), "");
}

TEST(double_dash_starts_init_args)
{
	parse("quiet -- -s single x=y \"two words\" -- last");
	ASSERT(cl.nr_params == 1);
	ASSERT(cl.nr_init_args == 6);
	EXPECT_STREQ(cl.init_args[0], "-s");
	EXPECT_STREQ(cl.init_args[1], "single");
	EXPECT_STREQ(cl.init_args[2], "x=y");	/* not split after "--" */
	EXPECT_STREQ(cl.init_args[3], "two words");
	EXPECT_STREQ(cl.init_args[4], "--");
	EXPECT_STREQ(cl.init_args[5], "last");
	EXPECT(!cmdline_has(&cl, "x"));
	parse("a b --");
	EXPECT_EQ(cl.nr_params, 2);
	EXPECT_EQ(cl.nr_init_args, 0);
	parse("--");
	EXPECT_EQ(cl.nr_params, 0);
	EXPECT_EQ(cl.nr_init_args, 0);
	parse("a --x --=1");
	EXPECT_EQ(cl.nr_params, 3);	/* only a lone "--" is special */
	EXPECT_STREQ(cmdline_get(&cl, "--"), "1");
}

TEST(duplicate_keys_last_wins)
{
	parse("console=tty0 console=ttyS0 flag flag=on flag");
	EXPECT_EQ(cl.nr_params, 5);
	EXPECT_STREQ(cmdline_get(&cl, "console"), "ttyS0");
	EXPECT_STREQ(cmdline_get(&cl, "flag"), "");
	parse("flag x flag=2");
	EXPECT_STREQ(cmdline_get(&cl, "flag"), "2");
}

TEST(too_many_params_and_init_args_are_dropped)
{
	char *p = line;
	int i;

	memset(&cl, 0, sizeof(cl));
	for (i = 0; i < 100; i++)
		p += sprintf(p, "p%d=%d ", i, i);
	p += sprintf(p, "--");
	for (i = 0; i < 40; i++)
		p += sprintf(p, " arg%d", i);
	EXPECT_EQ(cmdline_parse(line, &cl), 0);
	EXPECT_EQ(cl.nr_params, CMDLINE_MAX_PARAMS);
	EXPECT_EQ(cl.nr_init_args, CMDLINE_MAX_INIT_ARGS);
	EXPECT_EQ(cl.dropped, (100 - CMDLINE_MAX_PARAMS) +
		  (40 - CMDLINE_MAX_INIT_ARGS));
	EXPECT_STREQ(cmdline_get(&cl, "p63"), "63");
	EXPECT(cmdline_get(&cl, "p64") == NULL);
	EXPECT_STREQ(cl.init_args[31], "arg31");
}

TEST(very_long_token)
{
	char *buf = malloc(5000 + 16);
	struct cmdline *c = malloc(sizeof(*c));

	ASSERT(buf && c);
	memcpy(buf, "k=", 2);
	memset(buf + 2, 'v', 5000);
	strcpy(buf + 5002, " z");
	EXPECT_EQ(cmdline_parse(buf, c), 0);
	EXPECT_EQ(c->nr_params, 2);
	EXPECT_EQ(strlen(cmdline_get(c, "k")), 5000);
	EXPECT(cmdline_has(c, "z"));
	/* A single unterminated quoted token that long, exactly sized. */
	memset(buf, 'q', 5000);
	buf[0] = '"';
	buf[5000] = '\0';
	EXPECT_EQ(cmdline_parse(buf, c), 0);
	EXPECT_EQ(c->nr_params, 1);
	EXPECT_EQ(strlen(c->params[0].key), 4999);
	free(buf);
	free(c);
}

TEST(control_and_high_bytes_are_kept)
{
	parse("a=\x01\x02 \x7f\xff=\x80 b\x1b[0m");
	ASSERT(cl.nr_params == 3);
	EXPECT_STREQ(cl.params[0].val, "\x01\x02");
	EXPECT_STREQ(cl.params[1].key, "\x7f\xff");
	EXPECT_STREQ(cl.params[1].val, "\x80");
	EXPECT_STREQ(cl.params[2].key, "b\x1b[0m");
	/* Tabs, newlines, CR, VT and FF all separate like spaces. */
	parse("a\tb\nc\rd\ve\ff");
	EXPECT_EQ(cl.nr_params, 6);
}

/* Random bytes from a small alphabet: never crash, never overflow. */
TEST(random_garbage_never_breaks_invariants)
{
	static const char alphabet[] = "ab= \"-\t\x01\xff";
	unsigned int seed = 1, i, j, len;
	char *buf;

	for (i = 0; i < 3000; i++) {
		len = (seed = seed * 1103515245 + 12345) >> 16 & 255;
		buf = malloc(len + 1);
		ASSERT(buf);
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		buf[len] = '\0';
		EXPECT_EQ(cmdline_parse(buf, &cl), 0);
		EXPECT(cl.nr_params <= CMDLINE_MAX_PARAMS);
		EXPECT(cl.nr_init_args <= CMDLINE_MAX_INIT_ARGS);
		for (j = 0; j < cl.nr_params; j++) {
			EXPECT(cl.params[j].key >= buf && cl.params[j].key <= buf + len);
			EXPECT(!strchr(cl.params[j].key, '"'));
			EXPECT(cl.params[j].key[0] != '\0');
		}
		free(buf);
	}
}

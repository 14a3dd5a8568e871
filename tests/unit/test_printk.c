/*
 * Tests for kernel/printk.c on the host: replay to the first console,
 * level filtering, KERN_CONT, the "<level>[time]" ring format, truncation,
 * ring wrap-around and panic mode. Tests share printk's global state and
 * run in file order.
 */
#include "unit.h"

#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <stdlib.h>
#include <string.h>

static u64 now_ns = 1000002000;	/* "[    1.000002] " */

u64 arch_clock_ns(void)
{
	return now_ns;
}

static char seen[65536];
static size_t seen_len;

static void capture_write(struct console *con, const char *s, size_t len)
{
	if (seen_len + len < sizeof(seen)) {
		memcpy(seen + seen_len, s, len);
		seen_len += len;
		seen[seen_len] = '\0';
	}
}

static struct console capture = { .name = "capture", .write = capture_write };

static void seen_reset(void)
{
	seen_len = 0;
	seen[0] = '\0';
}

TEST(early_messages_replayed_to_first_console)
{
	extern int host_irq_depth;

	EXPECT_EQ(console_loglevel, CONFIG_DEFAULT_CONSOLE_LOGLEVEL);
	printk_set_console_loglevel(7);
	pr_info("hello %d\n", 1);
	printk(KERN_DEBUG "hidden debug\n");
	printk("no level\n");
	console_register(&capture);
	EXPECT_STREQ(seen, "[    1.000002] hello 1\n[    1.000002] no level\n");
	EXPECT_EQ(host_irq_depth, 0);
}

TEST(level_filter_and_continuation)
{
	seen_reset();
	printk_set_console_loglevel(4);
	pr_info("quiet\n");
	pr_err("loud");
	pr_cont(" and more");
	pr_cont(" end\n");
	EXPECT_STREQ(seen, "[    1.000002] loud and more end\n");
	seen_reset();
	/* Continuations take the level of the line they continue. */
	pr_info("info");
	pr_cont(" cont\n");
	EXPECT_STREQ(seen, "");
	/* A new message closes a line left open. */
	pr_err("open");
	now_ns = 12345678901ULL;
	pr_err("next\ntwo lines\n");
	EXPECT_STREQ(seen, "[    1.000002] open\n[   12.345678] next\n"
			   "[   12.345678] two lines\n");
	printk_set_console_loglevel(-3);
	EXPECT_EQ(console_loglevel, 0);
	printk_set_console_loglevel(99);
	EXPECT_EQ(console_loglevel, 15);
	printk_set_console_loglevel(7);
}

TEST(log_copy_has_levels_and_keeps_newest)
{
	char buf[4096];
	size_t n;

	pr_warn("last one\n");
	n = printk_log_copy(buf, sizeof(buf) - 1);
	buf[n] = '\0';
	EXPECT(strstr(buf, "<6>[    1.000002] hello 1\n") == buf);
	EXPECT(strstr(buf, "<7>[    1.000002] hidden debug\n") != NULL);
	EXPECT(strstr(buf, "<4>[    1.000002] no level\n") != NULL);
	EXPECT(strstr(buf, "<6>[    1.000002] info cont\n") != NULL);
	n = printk_log_copy(buf, 40);
	buf[n] = '\0';
	EXPECT_STREQ(buf, "<4>[   12.345678] last one\n");
	EXPECT_EQ(printk_log_copy(buf, 5), 0);
}

TEST(long_message_truncated_with_dots)
{
	char big[700], buf[1024];
	char *line;
	size_t n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(printk(KERN_ERR "%s\n", big), PRINTK_LINE_MAX - 1);
	pr_err("after\n");
	n = printk_log_copy(buf, sizeof(buf) - 1);
	buf[n] = '\0';
	line = strstr(buf, "<3>[   12.345678] xxx");
	ASSERT(line);
	/* 511 bytes of text, the last three "...", then the next line. */
	EXPECT(!strncmp(line + 18 + 508, "...\n<3>", 7));
}

TEST(ring_wraps_and_stays_line_aligned)
{
	static char buf[1 << 16];
	size_t n;
	int i;

	printk_set_console_loglevel(0);	/* keep the console capture quiet */
	for (i = 0; i < 5000; i++)
		pr_info("message number %d\n", i);
	n = printk_log_copy(buf, sizeof(buf) - 1);
	buf[n] = '\0';
	EXPECT(n <= (1UL << CONFIG_LOG_BUF_SHIFT));
	EXPECT(n > (1UL << CONFIG_LOG_BUF_SHIFT) - 100);
	EXPECT(buf[0] == '<');
	EXPECT(strstr(buf, "message number 4999\n") != NULL);
	EXPECT(strstr(buf, "message number 0\n") == NULL);
	EXPECT_EQ(buf[n - 1], '\n');
	printk_set_console_loglevel(7);
}

TEST(panic_mode_still_prints)
{
	extern int host_irq_depth;

	seen_reset();
	printk_panic_mode();
	pr_emerg("Kernel panic - %s\n", "test");
	EXPECT(strstr(seen, "Kernel panic - test\n") != NULL);
	EXPECT_EQ(host_irq_depth, 0);
}

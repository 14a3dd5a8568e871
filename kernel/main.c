/*
 * kernel_main: the portable half of boot. Sets up memory allocators, the
 * platform (through the arch interface), the scheduler and the clock
 * tick, reports "ready", and then starts init (or runs the self-tests).
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/cmdline.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <ferrite/sched.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>

/* Parsed command line; its strings point into cmdline_buf. [I] */
static struct cmdline boot_cmdline;
static char cmdline_buf[BOOT_CMDLINE_MAX];

const struct cmdline *kernel_cmdline(void)
{
	return &boot_cmdline;
}

/* loglevel=, quiet and debug, with Linux's meanings. */
static void apply_log_options(const struct cmdline *cl)
{
	u64 level;

	if (cmdline_has(cl, "quiet"))
		printk_set_console_loglevel(LOGLEVEL_WARNING);
	if (cmdline_has(cl, "debug"))
		printk_set_console_loglevel(LOGLEVEL_DEBUG + 1);
	if (cmdline_has(cl, "loglevel")) {
		if (!cmdline_get_u64(cl, "loglevel", &level) && level <= 8)
			printk_set_console_loglevel((int)level);
		else
			pr_warn("loglevel=%s is not a level 0-8, ignored\n",
				cmdline_get(cl, "loglevel"));
	}
}

static void parse_cmdline(void)
{
	strscpy(cmdline_buf, boot_info.cmdline, sizeof(cmdline_buf));
	cmdline_parse(cmdline_buf, &boot_cmdline);
	if (boot_cmdline.dropped)
		pr_warn("cmdline: %u parameters beyond the limits were dropped\n",
			boot_cmdline.dropped);
	apply_log_options(&boot_cmdline);
	arch_parse_cmdline(&boot_cmdline);
}

/*
 * What init will be: rdinit= (from the initramfs) or init=, as Linux
 * chooses. An empty value counts as not given.
 */
static const char *init_path(void)
{
	const char *p = cmdline_get(&boot_cmdline, "rdinit");

	if (!p || !p[0])
		p = cmdline_get(&boot_cmdline, "init");
	return p && p[0] ? p : "/init";
}

static __noreturn void start_init(void)
{
	if (!boot_info.initrd_size) {
		pr_emerg("ferrite: no initrd: nothing to run as init\n");
		arch_poweroff();
	}
	pr_notice("ferrite: initrd at %#llx, %llu bytes\n",
		  (unsigned long long)boot_info.initrd_base,
		  (unsigned long long)boot_info.initrd_size);
	/* Running user programs arrives with the process layer (issue 3). */
	pr_emerg("ferrite: cannot run %s yet: user processes are not implemented\n",
		 init_path());
	arch_poweroff();
}

__noreturn void kernel_main(void)
{
	parse_cmdline();
	mm_init();
	slab_init();
	boot_stamp(BOOT_STAGE_MM);
	arch_platform_init();
	boot_stamp(BOOT_STAGE_TIME);
	sched_init();
	arch_timer_start(CONFIG_HZ);
	arch_irq_enable();
	boot_stamp(BOOT_STAGE_SCHED);
	boot_stamp(BOOT_STAGE_READY);
	boot_report();

#ifdef CONFIG_SELFTEST
	if (cmdline_get(&boot_cmdline, "crashtest"))
		crashtest_run(cmdline_get(&boot_cmdline, "crashtest"));
#endif
	if (cmdline_has(&boot_cmdline, "selftest")) {
		int failed = selftest_run_all();

		arch_test_exit(failed ? 1 : 0);
	}
	start_init();
}

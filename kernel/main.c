/*
 * kernel_main: the portable half of boot. Sets up memory allocators, the
 * platform (through the arch interface), the scheduler and the clock
 * tick, reports "ready", and then starts init (or runs the self-tests).
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/cmdline.h>
#include <ferrite/devices.h>
#include <ferrite/fs.h>
#include <ferrite/initramfs.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <ferrite/process.h>
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
 * Init's arguments and environment, as Linux builds them: the words of
 * the command line after "--" become argv[1..]; HOME and TERM are set.
 */
static const char *init_argv[CMDLINE_MAX_INIT_ARGS + 2];
static const char *const init_envp[] = { "HOME=/", "TERM=linux", NULL };

static int try_init(const char *path)
{
	unsigned int n = 0;
	int err;

	init_argv[n++] = path;
	for (unsigned int i = 0; i < boot_cmdline.nr_init_args; i++)
		init_argv[n++] = boot_cmdline.init_args[i];
	init_argv[n] = NULL;
	err = process_start_init(path, init_argv, init_envp);
	if (err)
		pr_warn("ferrite: cannot run %s as init: error %d\n", path, err);
	return err;
}

static void unpack_initrd(void)
{
	int err;

	pr_info("ferrite: initrd at %#llx, %llu bytes\n",
		(unsigned long long)boot_info.initrd_base,
		(unsigned long long)boot_info.initrd_size);
	err = initramfs_unpack(phys_to_virt(boot_info.initrd_base),
			       boot_info.initrd_size);
	if (err)
		pr_err("ferrite: initramfs unpacking failed (error %d); keeping what unpacked\n",
		       err);
	/* The archive's pages go back to the allocator, as Linux frees them. */
	free_reserved_range(boot_info.initrd_base, boot_info.initrd_size);
}

/*
 * Start init like Linux: rdinit= (default /init) from the initramfs,
 * then init= or the usual places. The boot thread's job ends here: init
 * runs as pid 1 and the boot thread exits.
 */
static __noreturn void start_init(void)
{
	static const char *const fallbacks[] = {
		"/sbin/init", "/etc/init", "/bin/init", "/bin/sh",
	};
	const char *rdinit = cmdline_get(&boot_cmdline, "rdinit");
	const char *init = cmdline_get(&boot_cmdline, "init");

	if (!boot_info.initrd_size) {
		pr_emerg("ferrite: no initrd: nothing to run as init\n");
		arch_poweroff();
	}
	unpack_initrd();
	devices_mount();
	if (!try_init(rdinit && rdinit[0] ? rdinit : "/init"))
		kthread_exit(0);
	if (init && init[0] && !try_init(init))
		kthread_exit(0);
	for (unsigned int i = 0; i < ARRAY_SIZE(fallbacks); i++)
		if (!try_init(fallbacks[i]))
			kthread_exit(0);
	panic("No working init found. Try passing init= option to kernel.");
}

extern const initcall_t __initcalls_start[], __initcalls_end[];

void do_initcalls(void)
{
	for (const initcall_t *fn = __initcalls_start; fn < __initcalls_end; fn++) {
		int err = (*fn)();

		if (err)
			pr_err("ferrite: initcall %pS failed: error %d\n",
			       (void *)*fn, err);
	}
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
	/* Starting init: the root filesystem and the devices init needs. */
	vfs_init();
	devices_init();
	do_initcalls();

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

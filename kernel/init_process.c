/*
 * Starting pid 1. The boot thread asks for a program; a dedicated task
 * (which takes over tid 1 from the boot context) builds the process,
 * execs the program and enters user mode. When a candidate cannot be
 * loaded, the task reports the error and waits for the next one, so
 * the caller can try /init, /sbin/init, ... as Linux does.
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/boot.h>
#include <ferrite/process.h>

/* One request at a time, from the boot thread. */
static struct {
	const char *path;
	const char *const *argv;
	const char *const *envp;
	int result;
	struct completion start;	/* boot -> init: try req.path */
	struct completion done;		/* init -> boot: result is set */
} req;

static struct task *init_task;

/* fds 0, 1, 2 on the console; Linux goes on without them, and so do we. */
static void init_open_console(void)
{
	struct file *f = filp_open("/dev/console", O_RDWR, 0);

	if (IS_ERR_OR_NULL(f)) {
		pr_warn("Warning: unable to open an initial console.\n");
		return;
	}
	for (int fd = 0; fd < 3; fd++) {
		int got = fd_install_new(get_file(f), 0, fd);

		if (got < 0)
			fput(f);
	}
	fput(f);
}

static void init_main(void *arg)
{
	sched_finish_switch();
	init_open_console();
	for (;;) {
		wait_for_completion(&req.start);
		req.result = kernel_execve(req.path, req.argv, req.envp);
		if (!req.result)
			boot_report_init(req.path);
		complete(&req.done);
		if (!req.result)
			arch_return_to_user();
	}
}

/* Build pid 1: process, task with tid 1, fs context and empty fd table. */
static int init_create(void)
{
	struct process *p;
	struct task *t;
	int err = -ENOMEM;

	p = process_alloc();
	if (!p)
		return -ENOMEM;
	t = task_alloc("init", 0);
	if (IS_ERR(t)) {
		process_put(p);
		return (int)PTR_ERR(t);
	}
	if (arch_thread_init(t, NULL))
		goto out;
	p->files = files_create();
	p->fs = fs_context_dup(current_fs());
	if (!p->files || !p->fs)
		goto out;
	process_default_rlimits(p->rlim);
	/* The boot context holds tid 1 until now; init must be pid 1. */
	if (current()->tid == 1)
		task_swap_tid(t, current());
	p->pid = t->tid;
	p->pgid = p->sid = p->pid;
	p->parent = p;		/* nobody above init; never waited for */
	p->leader = task_get(t);
	t->proc = p;
	list_add_tail(&t->thread_node, &p->threads);
	p->nr_threads = 1;
	completion_init(&req.start);
	completion_init(&req.done);
	arch_context_init(&t->ctx, task_user_regs(t), init_main, t);
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	process_list_add_locked(p);
	spin_unlock_irqrestore(&process_tree_lock, irq);
	init_process = p;
	init_task = t;
	sched_start_task(t);
	return 0;
out:
	if (p->files)
		files_put(p->files);
	if (p->fs)
		fs_context_put(p->fs);
	p->files = NULL;
	p->fs = NULL;
	process_put(p);
	task_put(t);
	return err;
}

int process_start_init(const char *path, const char *const *argv,
		       const char *const *envp)
{
	int err;

	if (!init_task) {
		err = init_create();
		if (err)
			return err;
	}
	req.path = path;
	req.argv = argv;
	req.envp = envp;
	complete(&req.start);
	wait_for_completion(&req.done);
	return req.result;
}

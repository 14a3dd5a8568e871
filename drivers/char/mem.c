/*
 * The memory devices /dev/null, /dev/zero and /dev/full (major 1) with
 * Linux's semantics, and devices_init(), which brings up every character
 * device and devtmpfs at boot.
 */
#include <ferrite/devices.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/procfs.h>
#include <ferrite/random.h>
#include <ferrite/vm.h>

#define MEM_MAJOR	1
#define NULL_MINOR	3
#define ZERO_MINOR	5
#define FULL_MINOR	7

/* Reading, writing and seeking these never fail and never move. */
static s64 null_lseek(struct file *f, s64 off, int whence)
{
	WRITE_ONCE(f->pos, 0);
	return 0;
}

static ssize_t null_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	return 0;
}

static ssize_t null_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	size_t n = from->count;

	/* Linux does not look at the buffer: any address "succeeds". */
	from->count = 0;
	return (ssize_t)n;
}

static ssize_t zero_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	size_t want = to->count;
	size_t n = iov_iter_zero(want, to);

	if (n == 0 && want)
		return -EFAULT;
	return (ssize_t)n;
}

static ssize_t full_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	return -ENOSPC;
}

/*
 * A private mapping of /dev/zero is anonymous memory; a shared one is
 * shared anonymous memory: a fresh zero-filled page store either way.
 */
static int zero_mmap_object(struct file *f, struct vm_object **obj)
{
	*obj = vm_object_create();
	return *obj ? 0 : -ENOMEM;
}

static const struct file_operations null_fops = {
	.llseek = null_lseek,
	.read = null_read,
	.write = null_write,
};

static const struct file_operations zero_fops = {
	.llseek = null_lseek,
	.read = zero_read,
	.write = null_write,
	.mmap_object = zero_mmap_object,
};

static const struct file_operations full_fops = {
	.llseek = null_lseek,
	.read = zero_read,
	.write = full_write,
};

int mem_register_devices(void)
{
	int err = chrdev_register(MEM_MAJOR, NULL_MINOR, 1, "null", &null_fops);

	if (!err)
		err = chrdev_register(MEM_MAJOR, ZERO_MINOR, 1, "zero", &zero_fops);
	if (!err)
		err = chrdev_register(MEM_MAJOR, FULL_MINOR, 1, "full", &full_fops);
	return err;
}

void devices_init(void)
{
	static const struct {
		const char *what;
		int (*fn)(void);
	} steps[] = {
		{ "mem", mem_register_devices },
		{ "random", random_register_devices },
		{ "tty", tty_register_devices },
		{ "devtmpfs", devtmpfs_init },
		{ "proc", procfs_init },
	};

	random_init();
	for (unsigned int i = 0; i < ARRAY_SIZE(steps); i++) {
		int err = steps[i].fn();

		/* The system can limp on without one device: say so. */
		if (err)
			pr_err("devices: %s: error %d\n", steps[i].what, err);
	}
}

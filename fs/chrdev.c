/*
 * Character device registry: drivers claim a range of minors of a major
 * with their file_operations; opening an S_IFCHR inode looks its device
 * number up here (fs/file.c).
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>

struct chrdev {
	u32 major, minor, count;		/* [I] */
	const char *name;			/* [I] */
	const struct file_operations *fops;	/* [I] */
	struct list_head node;			/* [chrdev_lock] */
};

static LIST_HEAD(chrdevs);
static DEFINE_SPINLOCK(chrdev_lock);

int chrdev_register(u32 major, u32 minor, u32 count, const char *name,
		    const struct file_operations *fops)
{
	struct chrdev *c, *it;
	unsigned long fl;

	if (!count || minor + count < minor || minor + count > (1U << MINORBITS))
		return -EINVAL;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->major = major;
	c->minor = minor;
	c->count = count;
	c->name = name;
	c->fops = fops;
	fl = spin_lock_irqsave(&chrdev_lock);
	list_for_each_entry(it, &chrdevs, node) {
		if (it->major == major && minor < it->minor + it->count &&
		    it->minor < minor + count) {
			spin_unlock_irqrestore(&chrdev_lock, fl);
			kfree(c);
			return -EBUSY;
		}
	}
	list_add_tail(&c->node, &chrdevs);
	spin_unlock_irqrestore(&chrdev_lock, fl);
	return 0;
}

const struct file_operations *chrdev_lookup(dev_t dev)
{
	const struct file_operations *fops = NULL;
	u32 ma = MAJOR(dev), mi = MINOR(dev);
	struct chrdev *c;
	unsigned long fl = spin_lock_irqsave(&chrdev_lock);

	list_for_each_entry(c, &chrdevs, node) {
		if (c->major == ma && mi >= c->minor &&
		    mi < c->minor + c->count) {
			fops = c->fops;
			break;
		}
	}
	spin_unlock_irqrestore(&chrdev_lock, fl);
	return fops;
}

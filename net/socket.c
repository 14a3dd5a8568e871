/*
 * Socket files: sockfs (one anonymous S_IFSOCK inode and one file per
 * socket, shown as socket:[ino] in /proc/<pid>/fd), the family table, the
 * file operations (read, write, poll, ioctl, close through the family's
 * proto_ops) and the helpers the system calls in net/socket_sys.c share.
 */
#include <ferrite/socket.h>
#include <ferrite/fs.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/net.h>
#include <ferrite/poll.h>
#include <ferrite/printk.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include "socket_internal.h"

#define SOCKFS_MAGIC	0x534F434B

static struct super_block *sock_sb;
static struct mount sock_mnt;		/* [I] never on the mount table */

static DEFINE_SPINLOCK(family_lock);
/* Families register once at boot and never leave. [family_lock] */
static const struct net_proto_family *families[AF_MAX];

int sock_register(const struct net_proto_family *f)
{
	unsigned long fl;
	int err = 0;

	if (f->family <= AF_UNSPEC || f->family >= AF_MAX)
		return -EINVAL;
	fl = spin_lock_irqsave(&family_lock);
	if (families[f->family])
		err = -EEXIST;
	else
		families[f->family] = f;
	spin_unlock_irqrestore(&family_lock, fl);
	return err;
}

static const struct net_proto_family *family_lookup(int family)
{
	const struct net_proto_family *f;
	unsigned long fl;

	fl = spin_lock_irqsave(&family_lock);
	f = families[family];
	spin_unlock_irqrestore(&family_lock, fl);
	return f;
}

/* ---- file operations ------------------------------------------------------ */

static ssize_t sock_file_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct socket *s = f->private_data;
	struct sockaddr_k addr;
	struct kmsghdr m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	m.name = &addr;
	m.iter = *to;
	r = sock_recv_common(s, f, &m, 0);
	*to = m.iter;
	return r;
}

static ssize_t sock_file_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	struct socket *s = f->private_data;
	struct kmsghdr m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	m.iter = *from;
	r = sock_send_common(s, f, &m, 0);
	*from = m.iter;
	return r;
}

static unsigned int sock_file_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->private_data;

	if (!s->ops->poll)
		return DEFAULT_POLLMASK;
	return s->ops->poll(s, f, pt);
}

/*
 * The family's ioctls first; what it does not know (-ENOIOCTLCMD, or
 * -ENOTTY from a family that uses that) goes to the interface and route
 * ioctls of net/core, which every socket answers on Linux.
 */
static long sock_file_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct socket *s = f->private_data;
	long r;

	if (s->ops->ioctl) {
		r = s->ops->ioctl(s, cmd, arg);
		if (r != -ENOIOCTLCMD && r != -ENOTTY)
			return r;
	}
	return net_dev_ioctl(cmd, UADDR(arg));
}

static int sock_file_release(struct inode *i, struct file *f)
{
	struct socket *s = f->private_data;

	if (!s)
		return 0;
	if (s->sk && s->ops && s->ops->release)
		s->ops->release(s);
	f->private_data = NULL;
	kfree(s);
	return 0;
}

static const struct file_operations socket_file_ops = {
	.read = sock_file_read,
	.write = sock_file_write,
	.poll = sock_file_poll,
	.ioctl = sock_file_ioctl,
	.release = sock_file_release,
};

bool is_socket_file(const struct file *f)
{
	return f && f->f_op == &socket_file_ops;
}

struct socket *socket_of_file(struct file *f)
{
	return is_socket_file(f) ? f->private_data : NULL;
}

struct socket *sockfd_lookup(int fd, struct file **fp)
{
	struct file *f = fget(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->mode & FMODE_PATH) {
		fput(f);
		return ERR_PTR(-EBADF);
	}
	if (!is_socket_file(f)) {
		fput(f);
		return ERR_PTR(-ENOTSOCK);
	}
	*fp = f;
	return f->private_data;
}

/*
 * A socket with its inode and file, family state not made yet: @ops may
 * be NULL (filled by the family's create). O_NONBLOCK of @flags goes to
 * the file. The file reference goes to the caller.
 */
int sock_alloc_file(int family, int type, int protocol,
		    const struct proto_ops *ops, unsigned int flags,
		    struct socket **sp, struct file **fp)
{
	struct socket *s;
	struct inode *i;
	struct dentry *d;
	struct path path;
	struct file *f;
	char name[40];

	if (!sock_sb)
		return -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->type = (short)type;
	s->family = (short)family;
	s->protocol = protocol;
	s->state = SS_UNCONNECTED;
	s->ops = ops;
	wait_queue_init(&s->wq);
	spin_lock_init(&s->lock);

	/* Linux's sockfs inodes: S_IFSOCK | 0777, owned by the creator. */
	i = inode_alloc(sock_sb, S_IFSOCK | 0777);
	if (!i)
		goto out_sock;
	i->i_fop = &socket_file_ops;
	i->private = s;
	snprintf(name, sizeof(name), "socket:[%llu]", (unsigned long long)i->ino);
	d = dentry_alloc(NULL, name, (u32)strlen(name));
	if (!d) {
		inode_put(i);
		goto out_sock;
	}
	d->sb = sock_sb;
	d_instantiate(d, i);
	path.mnt = &sock_mnt;
	path.dentry = d;
	f = file_alloc(&path, O_RDWR | (flags & O_NONBLOCK));
	dentry_put(d);		/* the file holds its own reference */
	if (IS_ERR(f)) {
		kfree(s);
		return (int)PTR_ERR(f);
	}
	f->mode &= ~(unsigned int)FMODE_LSEEK;
	f->private_data = s;
	s->file = f;
	*sp = s;
	*fp = f;
	return 0;
out_sock:
	kfree(s);
	return -ENOMEM;
}

int sock_create_file(int family, int type, int protocol, unsigned int flags,
		     struct socket **sp, struct file **fp)
{
	const struct net_proto_family *pf;
	struct socket *s;
	struct file *f;
	int err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	pf = family_lookup(family);
	if (!pf)
		return -EAFNOSUPPORT;
	err = sock_alloc_file(family, type, protocol, NULL, flags, &s, &f);
	if (err)
		return err;
	err = pf->create(s, type, protocol);
	if (err || !s->ops) {
		fput(f);	/* s->sk unset or released by release */
		return err ? err : -EINVAL;
	}
	*sp = s;
	*fp = f;
	return 0;
}

/* ---- the data path shared by read/write and the send/recv calls ---------- */

ssize_t sock_send_common(struct socket *s, struct file *f, struct kmsghdr *m,
			 unsigned int flags)
{
	ssize_t r;

	if (READ_ONCE(f->flags) & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	r = s->ops->sendmsg(s, m, m->iter.count, flags);
	/* Linux raises SIGPIPE for a broken connection unless asked not to. */
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		pipe_send_sigpipe();
	return r;
}

ssize_t sock_recv_common(struct socket *s, struct file *f, struct kmsghdr *m,
			 unsigned int flags)
{
	if (READ_ONCE(f->flags) & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	m->recv_flags = flags;
	return s->ops->recvmsg(s, m, m->iter.count, flags);
}

/*
 * Append one control message at the caller's control buffer, the way
 * Linux's put_cmsg does: a message that does not fit whole is cut (its
 * header says the cut length) and MSG_CTRUNC is set.
 */
int put_cmsg(struct kmsghdr *m, int level, int type, size_t len, const void *data)
{
	size_t room = m->ucontrollen - m->controlused;
	user_addr_t at = uaddr_add(m->ucontrol, m->controlused);
	struct cmsghdr_k h;
	size_t cmlen;

	if (uaddr_is_null(m->ucontrol) || m->controlused > m->ucontrollen ||
	    room < sizeof(h)) {
		m->msg_flags |= MSG_CTRUNC;
		return 0;
	}
	cmlen = CMSG_LEN_K(len);
	if (room < cmlen) {
		m->msg_flags |= MSG_CTRUNC;
		cmlen = room;
	}
	h.cmsg_len = cmlen;
	h.cmsg_level = level;
	h.cmsg_type = type;
	if (copy_to_user(at, &h, sizeof(h)) ||
	    copy_to_user(uaddr_add(at, sizeof(h)), data, cmlen - sizeof(h)))
		return -EFAULT;
	cmlen = MIN(CMSG_SPACE_K(len), room);
	m->controlused += cmlen;
	return 0;
}

/* ---- SOL_SOCKET options every family shares ---------------------------- */

u64 sock_rcvtimeo(struct socket *s, bool nonblock)
{
	u64 t;

	if (nonblock)
		return 0;
	t = READ_ONCE(s->rcvtimeo_ns);
	return t ? t : SOCK_TIMEO_FOREVER;
}

u64 sock_sndtimeo(struct socket *s, bool nonblock)
{
	u64 t;

	if (nonblock)
		return 0;
	t = READ_ONCE(s->sndtimeo_ns);
	return t ? t : SOCK_TIMEO_FOREVER;
}

int sock_intr_errno(u64 timeo)
{
	return timeo == SOCK_TIMEO_FOREVER ? -ERESTARTSYS : -EINTR;
}

bool sock_passcred(struct socket *s)
{
	return READ_ONCE(s->sockflags) & SOCKF_PASSCRED;
}

/*
 * SO_RCVTIMEO/SO_SNDTIMEO: a struct timeval (both layouts are 16 bytes
 * on x86_64). {0, 0} means forever; a negative time means "do not wait"
 * (Linux stores 0 jiffies), kept here as 1 ns.
 */
static int set_timeo(u64 *field, const void *val, unsigned int len)
{
	struct linux_timeval tv;
	u64 ns;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0)
		ns = 1;
	else if ((u64)tv.tv_sec >= 0x7fffffffULL)
		ns = 0;		/* beyond any real wait: forever, as Linux */
	else
		ns = (u64)tv.tv_sec * 1000000000ULL + (u64)tv.tv_usec * 1000ULL;
	WRITE_ONCE(*field, ns);
	return 0;
}

static unsigned int get_timeo(u64 ns, void *val)
{
	struct linux_timeval tv;

	tv.tv_sec = (s64)(ns / 1000000000ULL);
	tv.tv_usec = (s64)(ns % 1000000000ULL) / 1000;
	memcpy(val, &tv, sizeof(tv));
	return sizeof(tv);
}

/* 1: handled here (result in *err), 0: the family's option. */
int sock_setsockopt_generic(struct socket *s, int name, const void *val,
			    unsigned int len, int *err)
{
	unsigned long fl;
	int v = 0;

	switch (name) {
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		*err = set_timeo(&s->rcvtimeo_ns, val, len);
		return 1;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		*err = set_timeo(&s->sndtimeo_ns, val, len);
		return 1;
	case SO_PASSCRED:
		if (len < sizeof(int)) {
			*err = -EINVAL;
			return 1;
		}
		memcpy(&v, val, sizeof(v));
		fl = spin_lock_irqsave(&s->lock);
		if (v)
			s->sockflags |= SOCKF_PASSCRED;
		else
			s->sockflags &= ~(unsigned int)SOCKF_PASSCRED;
		spin_unlock_irqrestore(&s->lock, fl);
		*err = 0;
		return 1;
	case SO_TYPE:
	case SO_DOMAIN:
	case SO_PROTOCOL:
		*err = -ENOPROTOOPT;	/* read-only, as Linux */
		return 1;
	default:
		return 0;
	}
}

/* Same convention; *len is the bytes written to @val (before the cut). */
int sock_getsockopt_generic(struct socket *s, int name, void *val,
			    unsigned int *len)
{
	int v;

	switch (name) {
	case SO_TYPE:
		v = s->type;
		break;
	case SO_DOMAIN:
		v = s->family;
		break;
	case SO_PROTOCOL:
		v = s->protocol;
		break;
	case SO_PASSCRED:
		v = sock_passcred(s) ? 1 : 0;
		break;
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		*len = get_timeo(READ_ONCE(s->rcvtimeo_ns), val);
		return 1;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		*len = get_timeo(READ_ONCE(s->sndtimeo_ns), val);
		return 1;
	default:
		return 0;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 1;
}

/* ---- sockfs ---------------------------------------------------------------- */

static struct file_system_type sockfs_type = { .name = "sockfs" };

static int sockfs_init(void)
{
	sock_sb = sb_alloc(&sockfs_type, SOCKFS_MAGIC);
	if (!sock_sb)
		return -ENOMEM;
	sock_sb->root = dentry_alloc(NULL, "socket:", 7);
	if (!sock_sb->root) {
		sock_sb = NULL;
		return -ENOMEM;
	}
	sock_sb->root->sb = sock_sb;
	sock_mnt.root = sock_sb->root;
	sock_mnt.sb = sock_sb;
	sock_mnt.parent = &sock_mnt;
	sock_mnt.mountpoint = sock_sb->root;
	sock_mnt.refcount = 1;		/* never dropped */
	sock_mnt.source = "sockfs";
	sock_mnt.detached = true;
	return 0;
}
initcall(INITCALL_SUBSYS, sockfs_init);

/*
 * The socket system calls: socket, socketpair, bind, listen, accept(4),
 * connect, getsockname, getpeername, send/recv (to/from, msg, mmsg),
 * shutdown, setsockopt, getsockopt. User sockaddrs, msghdrs, iovecs and
 * control buffers are copied and bounded here; families see kernel copies.
 */
#include <ferrite/socket.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "socket_internal.h"

/* Linux's MAX_RW_COUNT: one call moves at most this much. */
#define MAX_RW_COUNT	(0x7fffffffUL & ~(PAGE_SIZE - 1))

/* struct msghdr / struct mmsghdr as x86_64 user space lays them out. */
struct user_msghdr {
	u64 msg_name;
	int msg_namelen;
	int pad0;
	u64 msg_iov;
	u64 msg_iovlen;
	u64 msg_control;
	u64 msg_controllen;
	int msg_flags;
	int pad1;
};

struct user_mmsghdr {
	struct user_msghdr hdr;
	u32 msg_len;
	u32 pad;
};

#define UMSG_NAMELEN_OFF	8
#define UMSG_CONTROLLEN_OFF	40
#define UMSG_FLAGS_OFF		48
#define UMMSG_LEN_OFF		56

static int move_addr_to_kernel(user_addr_t uaddr, int ulen, struct sockaddr_k *k)
{
	if (ulen < 0 || ulen > (int)sizeof(*k))
		return -EINVAL;
	if (ulen && copy_from_user(k, uaddr, (size_t)ulen))
		return -EFAULT;
	return 0;
}

/* Copy @klen bytes of address, cut to the user's *ulenp, and store klen. */
static int move_addr_to_user(const struct sockaddr_k *k, int klen,
			     user_addr_t uaddr, user_addr_t ulenp)
{
	int len;

	if (get_user(&len, ulenp))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len && copy_to_user(uaddr, k, (size_t)len))
		return -EFAULT;
	return put_user(klen, ulenp) ? -EFAULT : 0;
}

/* Copy and check a user iovec array (bounded by UIO_MAXIOV); the total,
 * clamped to MAX_RW_COUNT, or -errno. *out is kmalloc'ed or NULL. */
static ssize_t import_iov(user_addr_t uvec, u64 n, struct kvec **out)
{
	struct linux_iovec *uv;
	struct kvec *kv;
	size_t total = 0;
	u64 i;

	*out = NULL;
	if (n > UIO_MAXIOV)
		return -EMSGSIZE;
	if (!n)
		return 0;
	uv = kcalloc(n, sizeof(*uv), GFP_KERNEL);
	kv = kcalloc(n, sizeof(*kv), GFP_KERNEL);
	if (!uv || !kv) {
		kfree(uv);
		kfree(kv);
		return -ENOMEM;
	}
	if (copy_from_user(uv, uvec, n * sizeof(*uv))) {
		total = (size_t)-EFAULT;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if ((s64)uv[i].iov_len < 0) {
			total = (size_t)-EINVAL;
			goto fail;
		}
		if (!uaddr_range_ok(UADDR(uv[i].iov_base), uv[i].iov_len)) {
			total = (size_t)-EFAULT;
			goto fail;
		}
		kv[i].base = uv[i].iov_base;
		kv[i].len = MIN(uv[i].iov_len, (u64)MAX_RW_COUNT);
		total += kv[i].len;
		if (total > MAX_RW_COUNT)
			total = MAX_RW_COUNT;
	}
	kfree(uv);
	*out = kv;
	return (ssize_t)total;
fail:
	kfree(uv);
	kfree(kv);
	return (ssize_t)total;
}

/* ---- creation ---------------------------------------------------------------- */

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	unsigned int flags = (unsigned int)type & ~(unsigned int)SOCK_TYPE_MASK;
	struct socket *s;
	struct file *f;
	int fd, err;

	if (flags & ~(unsigned int)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sock_create_file(family, type & SOCK_TYPE_MASK, protocol, flags,
			       &s, &f);
	if (err)
		return err;
	fd = fd_install_new(f, flags & O_CLOEXEC, 0);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol,
		user_addr_t, usv)
{
	unsigned int flags = (unsigned int)type & ~(unsigned int)SOCK_TYPE_MASK;
	struct socket *a, *b;
	struct file *fa, *fb;
	int fds[2];
	long err;

	if (flags & ~(unsigned int)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	err = sock_create_file(family, type, protocol, flags, &a, &fa);
	if (err)
		return err;
	err = sock_create_file(family, type, protocol, flags, &b, &fb);
	if (err)
		goto out_a;
	err = -EOPNOTSUPP;
	if (!a->ops->socketpair)
		goto out_b;
	fds[0] = fd_reserve(flags & O_CLOEXEC, 0);
	err = fds[0];
	if (fds[0] < 0)
		goto out_b;
	fds[1] = fd_reserve(flags & O_CLOEXEC, 0);
	err = fds[1];
	if (fds[1] < 0)
		goto out_fd0;
	err = a->ops->socketpair(a, b);
	if (err)
		goto out_fd1;
	if (copy_to_user(usv, fds, sizeof(fds))) {
		err = -EFAULT;
		goto out_fd1;
	}
	fd_install(fds[0], fa);
	fd_install(fds[1], fb);
	return 0;
out_fd1:
	fd_unreserve(fds[1]);
out_fd0:
	fd_unreserve(fds[0]);
out_b:
	fput(fb);
out_a:
	fput(fa);
	return err;
}

/* ---- addresses and connections ---------------------------------------------- */

SYSCALL_DEFINE3(bind, int, fd, user_addr_t, uaddr, int, addrlen)
{
	struct sockaddr_k addr;
	struct socket *s;
	struct file *f;
	long err;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = move_addr_to_kernel(uaddr, addrlen, &addr);
	if (!err)
		err = s->ops->bind ? s->ops->bind(s, &addr, addrlen) : -EOPNOTSUPP;
	fput(f);
	return err;
}

SYSCALL_DEFINE3(connect, int, fd, user_addr_t, uaddr, int, addrlen)
{
	struct sockaddr_k addr;
	struct socket *s;
	struct file *f;
	long err;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = move_addr_to_kernel(uaddr, addrlen, &addr);
	if (!err)
		err = s->ops->connect ?
		      s->ops->connect(s, &addr, addrlen,
				      READ_ONCE(f->flags) & O_NONBLOCK) :
		      -EOPNOTSUPP;
	fput(f);
	return err;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct socket *s;
	struct file *f;
	long err;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	fput(f);
	return err;
}

static long do_accept4(int fd, user_addr_t uaddr, user_addr_t ulen, int flags)
{
	struct socket *s, *ns;
	struct file *f, *nf;
	struct sockaddr_k addr;
	long err;
	int len, nfd;

	if ((unsigned int)flags & ~(unsigned int)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = -EOPNOTSUPP;
	if (!s->ops->accept)
		goto out;
	err = sock_alloc_file(s->family, s->type, s->protocol, s->ops,
			      (unsigned int)flags, &ns, &nf);
	if (err)
		goto out;
	nfd = fd_reserve((unsigned int)flags & O_CLOEXEC, 0);
	err = nfd;
	if (nfd < 0)
		goto out_new;
	err = s->ops->accept(s, ns, READ_ONCE(f->flags) & O_NONBLOCK);
	if (err)
		goto out_fd;
	if (!uaddr_is_null(uaddr)) {
		len = s->ops->getname ? s->ops->getname(ns, &addr, true) :
		      -EOPNOTSUPP;
		err = -ECONNABORTED;
		if (len < 0)
			goto out_fd;
		err = move_addr_to_user(&addr, len, uaddr, ulen);
		if (err)
			goto out_fd;
	}
	fd_install(nfd, nf);
	fput(f);
	return nfd;
out_fd:
	fd_unreserve(nfd);
out_new:
	fput(nf);
out:
	fput(f);
	return err;
}

SYSCALL_DEFINE3(accept, int, fd, user_addr_t, uaddr, user_addr_t, ulen)
{
	return do_accept4(fd, uaddr, ulen, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, user_addr_t, uaddr, user_addr_t, ulen,
		int, flags)
{
	return do_accept4(fd, uaddr, ulen, flags);
}

static long do_getname(int fd, user_addr_t uaddr, user_addr_t ulen, bool peer)
{
	struct sockaddr_k addr;
	struct socket *s;
	struct file *f;
	long err;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	memset(&addr, 0, sizeof(addr));
	err = s->ops->getname ? s->ops->getname(s, &addr, peer) : -EOPNOTSUPP;
	if (err >= 0)
		err = move_addr_to_user(&addr, (int)err, uaddr, ulen);
	fput(f);
	return err;
}

SYSCALL_DEFINE3(getsockname, int, fd, user_addr_t, uaddr, user_addr_t, ulen)
{
	return do_getname(fd, uaddr, ulen, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, user_addr_t, uaddr, user_addr_t, ulen)
{
	return do_getname(fd, uaddr, ulen, true);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct socket *s;
	struct file *f;
	long err;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	fput(f);
	return err;
}

/* ---- data ---------------------------------------------------------------------- */

static long do_sendto(int fd, user_addr_t buf, size_t len, unsigned int flags,
		      user_addr_t uaddr, int addrlen)
{
	struct sockaddr_k addr;
	struct kmsghdr m;
	struct socket *s;
	struct file *f;
	long err;

	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!uaddr_range_ok(buf, len))
		return -EFAULT;
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	memset(&m, 0, sizeof(m));
	iov_iter_user_buf(&m.iter, buf, len);
	if (!uaddr_is_null(uaddr)) {
		err = move_addr_to_kernel(uaddr, addrlen, &addr);
		if (err)
			goto out;
		m.name = &addr;
		m.namelen = addrlen;
	}
	err = sock_send_common(s, f, &m, flags);
out:
	fput(f);
	return err;
}

SYSCALL_DEFINE6(sendto, int, fd, user_addr_t, buf, size_t, len,
		unsigned int, flags, user_addr_t, uaddr, int, addrlen)
{
	return do_sendto(fd, buf, len, flags, uaddr, addrlen);
}

static long do_recvfrom(int fd, user_addr_t buf, size_t len, unsigned int flags,
			user_addr_t uaddr, user_addr_t ulen)
{
	struct sockaddr_k addr;
	struct kmsghdr m;
	struct socket *s;
	struct file *f;
	long r;
	int err;

	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!uaddr_range_ok(buf, len))
		return -EFAULT;
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	memset(&m, 0, sizeof(m));
	m.name = &addr;
	iov_iter_user_buf(&m.iter, buf, len);
	r = sock_recv_common(s, f, &m, flags);
	if (r >= 0 && !uaddr_is_null(uaddr)) {
		err = move_addr_to_user(&addr, m.namelen, uaddr, ulen);
		if (err)
			r = err;
	}
	fput(f);
	return r;
}

SYSCALL_DEFINE6(recvfrom, int, fd, user_addr_t, buf, size_t, len,
		unsigned int, flags, user_addr_t, uaddr, user_addr_t, ulen)
{
	return do_recvfrom(fd, buf, len, flags, uaddr, ulen);
}

/* One sendmsg: the user's msghdr at @umsg. Bytes sent or -errno. */
static long sendmsg_one(struct socket *s, struct file *f, user_addr_t umsg,
			unsigned int flags)
{
	struct user_msghdr um;
	struct sockaddr_k addr;
	struct kvec *iov = NULL;
	void *ctl = NULL;
	struct kmsghdr m;
	ssize_t total;
	long err;

	if (copy_from_user(&um, umsg, sizeof(um)))
		return -EFAULT;
	memset(&m, 0, sizeof(m));
	if (!um.msg_name)
		um.msg_namelen = 0;
	if (um.msg_namelen < 0)
		return -EINVAL;
	if (um.msg_namelen > (int)sizeof(addr))
		um.msg_namelen = sizeof(addr);
	if (um.msg_namelen) {
		if (copy_from_user(&addr, UADDR(um.msg_name), (size_t)um.msg_namelen))
			return -EFAULT;
		m.name = &addr;
		m.namelen = um.msg_namelen;
	}
	total = import_iov(UADDR(um.msg_iov), um.msg_iovlen, &iov);
	if (total < 0)
		return total;
	iov_iter_user(&m.iter, iov, um.msg_iovlen, (size_t)total);
	err = -ENOBUFS;
	if (um.msg_controllen > SOCK_OPTMEM_MAX)
		goto out;
	if (um.msg_controllen) {
		ctl = kmalloc(um.msg_controllen, GFP_KERNEL);
		if (!ctl)
			goto out;
		err = -EFAULT;
		if (copy_from_user(ctl, UADDR(um.msg_control), um.msg_controllen))
			goto out;
		m.control = ctl;
		m.controllen = um.msg_controllen;
	}
	err = sock_send_common(s, f, &m, flags);
out:
	kfree(ctl);
	kfree(iov);
	return err;
}

/* One recvmsg into the user's msghdr at @umsg: bytes or -errno. */
static long recvmsg_one(struct socket *s, struct file *f, user_addr_t umsg,
			unsigned int flags)
{
	struct user_msghdr um;
	struct sockaddr_k addr;
	struct kvec *iov = NULL;
	struct kmsghdr m;
	ssize_t total;
	long r;

	if (copy_from_user(&um, umsg, sizeof(um)))
		return -EFAULT;
	if (um.msg_name && um.msg_namelen < 0)
		return -EINVAL;
	total = import_iov(UADDR(um.msg_iov), um.msg_iovlen, &iov);
	if (total < 0)
		return total;
	memset(&m, 0, sizeof(m));
	m.name = &addr;
	iov_iter_user(&m.iter, iov, um.msg_iovlen, (size_t)total);
	m.ucontrol = UADDR(um.msg_control);
	m.ucontrollen = MIN(um.msg_controllen, (u64)INT32_MAX);
	r = sock_recv_common(s, f, &m, flags);
	if (r < 0)
		goto out;
	if (um.msg_name &&
	    move_addr_to_user(&addr, m.namelen, UADDR(um.msg_name),
			      uaddr_add(umsg, UMSG_NAMELEN_OFF))) {
		r = -EFAULT;
		goto out;
	}
	if (put_user((int)m.msg_flags, uaddr_add(umsg, UMSG_FLAGS_OFF)) ||
	    put_user((u64)m.controlused, uaddr_add(umsg, UMSG_CONTROLLEN_OFF)))
		r = -EFAULT;
out:
	kfree(iov);
	return r;
}

SYSCALL_DEFINE3(sendmsg, int, fd, user_addr_t, umsg, unsigned int, flags)
{
	struct socket *s;
	struct file *f;
	long r;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	r = sendmsg_one(s, f, umsg, flags);
	fput(f);
	return r;
}

SYSCALL_DEFINE3(recvmsg, int, fd, user_addr_t, umsg, unsigned int, flags)
{
	struct socket *s;
	struct file *f;
	long r;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	r = recvmsg_one(s, f, umsg, flags);
	fput(f);
	return r;
}

/* Messages sent (msg_len of each filled in), or the first one's error. */
SYSCALL_DEFINE4(sendmmsg, int, fd, user_addr_t, vec, unsigned int, vlen,
		unsigned int, flags)
{
	struct socket *s;
	struct file *f;
	unsigned int i;
	long r = 0;

	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		user_addr_t e = uaddr_add(vec, (uintptr_t)i * sizeof(struct user_mmsghdr));

		r = sendmsg_one(s, f, e, flags);
		if (r < 0)
			break;
		if (put_user((u32)r, uaddr_add(e, UMMSG_LEN_OFF))) {
			r = -EFAULT;
			break;
		}
	}
	fput(f);
	return i ? (long)i : r;
}

/*
 * Like Linux, the timeout is looked at between messages only: a blocking
 * receive is not cut short by it. What is left is written back.
 */
SYSCALL_DEFINE5(recvmmsg, int, fd, user_addr_t, vec, unsigned int, vlen,
		unsigned int, flags, user_addr_t, utmo)
{
	struct linux_timespec ts;
	u64 deadline = 0, now;
	struct socket *s;
	struct file *f;
	unsigned int i;
	long r = 0;

	if (!uaddr_is_null(utmo)) {
		if (copy_from_user(&ts, utmo, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = arch_clock_ns() + (u64)ts.tv_sec * 1000000000ULL +
			   (u64)ts.tv_nsec;
	}
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		user_addr_t e = uaddr_add(vec, (uintptr_t)i * sizeof(struct user_mmsghdr));

		r = recvmsg_one(s, f, e, flags);
		if (r < 0)
			break;
		if (put_user((u32)r, uaddr_add(e, UMMSG_LEN_OFF))) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (deadline) {
			now = arch_clock_ns();
			if (now >= deadline) {
				i++;
				break;
			}
		}
	}
	fput(f);
	if (deadline && (i || r >= 0)) {
		now = arch_clock_ns();
		now = now >= deadline ? 0 : deadline - now;
		ts.tv_sec = (s64)(now / 1000000000ULL);
		ts.tv_nsec = (s64)(now % 1000000000ULL);
		if (copy_to_user(utmo, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return i ? (long)i : r;
}

/* ---- options ----------------------------------------------------------------- */

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, user_addr_t, uval,
		int, len)
{
	u8 val[SOCKOPT_BUF];
	struct socket *s;
	struct file *f;
	unsigned int klen;
	int err;

	if (len < 0)
		return -EINVAL;
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	klen = MIN((unsigned int)len, (unsigned int)sizeof(val));
	memset(val, 0, sizeof(val));
	err = -EFAULT;
	if (klen && copy_from_user(val, uval, klen))
		goto out;
	if (level == SOL_SOCKET &&
	    sock_setsockopt_generic(s, name, val, klen, &err))
		goto out;
	err = s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, klen) :
	      -EOPNOTSUPP;
out:
	fput(f);
	return err;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, user_addr_t, uval,
		user_addr_t, ulen)
{
	u8 val[SOCKOPT_BUF];
	struct socket *s;
	struct file *f;
	unsigned int klen, out;
	int len, err = 0;

	if (get_user(&len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	s = sockfd_lookup(fd, &f);
	if (IS_ERR(s))
		return PTR_ERR(s);
	klen = MIN((unsigned int)len, (unsigned int)sizeof(val));
	memset(val, 0, sizeof(val));
	out = klen;
	if (level == SOL_SOCKET && sock_getsockopt_generic(s, name, val, &out)) {
		/* generic values are cut to the user's length, as Linux */
		out = MIN(out, klen);
	} else {
		err = s->ops->getsockopt ?
		      s->ops->getsockopt(s, level, name, val, &out) : -EOPNOTSUPP;
		out = MIN(out, klen);
	}
	if (!err && ((out && copy_to_user(uval, val, out)) ||
		     put_user((int)out, ulen)))
		err = -EFAULT;
	fput(f);
	return err;
}

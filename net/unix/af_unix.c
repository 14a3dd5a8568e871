/*
 * AF_UNIX sockets, the connection side: creation, names (filesystem
 * S_IFSOCK nodes, abstract names, autobind), connect/listen/accept,
 * socketpair, shutdown, close, readiness, options and /proc/net/unix.
 * The data path (send/receive, SCM messages) is in data.c.
 *
 * One mutex (unix_mutex) guards every unix socket's state: the peers
 * of a connection, the listener and its embryos, and a sender and its
 * receiver's queue are always changed together, and a single lock keeps
 * that free of ordering rules. Nothing sleeps with it held except in
 * unix_wait, which drops it.
 */
#include "af_unix.h"
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/poll.h>
#include <ferrite/printk.h>
#include <ferrite/procfs_hooks.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>

struct mutex unix_mutex;
LIST_HEAD(unix_all);
DEFINE_WAIT_QUEUE_HEAD(unix_room_wq);
static u32 unix_autobind_next = 0x1a2b3;	/* [U] */

struct unix_sock *unix_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refcount, 1, __ATOMIC_RELAXED);
	return u;
}

static void unix_addr_put(struct unix_addr *a)
{
	if (a && !__atomic_sub_fetch(&a->refcount, 1, __ATOMIC_ACQ_REL))
		kfree(a);
}

/*
 * The last reference: by now the socket was released, so its queues are
 * empty and its peer reference gone; only the name is left to drop.
 */
void unix_put(struct unix_sock *u)
{
	if (!u || __atomic_sub_fetch(&u->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	unix_addr_put(u->addr);
	if (u->path.dentry)
		path_put(&u->path);
	kfree(u);
}

void unix_wake(struct unix_sock *u)
{
	if (u->sock)
		wake_up_all(&u->sock->wq);
}

int unix_wait(wait_queue_head_t *wq, u64 *timeo)
{
	u64 t = *timeo;
	int err = 0;

	if (!t)
		return -EAGAIN;
	if (t == SOCK_TIMEO_FOREVER) {
		struct wait_entry we;

		wait_entry_init(&we, 0);
		prepare_to_wait(wq, &we, TASK_INTERRUPTIBLE);
		mutex_unlock(&unix_mutex);
		if (!signal_pending(current()))
			schedule();
		finish_wait(wq, &we);
	} else {
		struct wait_timeout wt;

		wait_timeout_begin(&wt, t);
		prepare_to_wait(wq, &wt.entry, TASK_INTERRUPTIBLE);
		mutex_unlock(&unix_mutex);
		if (!signal_pending(current()) && wait_timeout_left(&wt))
			schedule();
		*timeo = wait_timeout_left(&wt);
		wait_timeout_end(wq, &wt);
	}
	if (signal_pending(current()))
		err = sock_intr_errno(t);
	mutex_lock(&unix_mutex);
	return err;
}

static struct unix_sock *unix_sock_alloc(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = (short)type;
	u->state = US_CLOSE;
	list_init(&u->rcvq);
	list_init(&u->pending);
	list_init(&u->pend_node);
	u->sndbuf = SOCK_WMEM_DEFAULT;
	u->rcvbuf = SOCK_RMEM_DEFAULT;
	u->rcvlowat = 1;
	u->peercred.uid = u->peercred.gid = (u32)-1;
	mutex_lock(&unix_mutex);
	list_add_tail(&u->all, &unix_all);
	mutex_unlock(&unix_mutex);
	return u;
}

static int unix_create(struct socket *s, int type, int protocol)
{
	struct unix_sock *u;

	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (type) {
	case SOCK_RAW:		/* Linux: a raw unix socket is a datagram one */
		s->type = SOCK_DGRAM;
		type = SOCK_DGRAM;
		break;
	case SOCK_STREAM:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	u = unix_sock_alloc(type);
	if (!u)
		return -ENOMEM;
	u->sock = s;
	s->ops = &unix_ops;
	s->sk = u;
	return 0;
}

static bool connection_based(const struct unix_sock *u)
{
	return u->type == SOCK_STREAM || u->type == SOCK_SEQPACKET;
}

/* ---- names -------------------------------------------------------------------- */

/*
 * Check a user address the way unix_validate_addr does and turn it into
 * a name to look up: a path (resolved now, following symlinks; the
 * caller needs write permission on the socket file) or abstract bytes.
 */
int unix_resolve(const struct sockaddr_k *addr, int len, struct unix_name *n)
{
	char path[UNIX_PATH_MAX + 1];
	int err;

	memset(n, 0, sizeof(*n));
	if (len <= 2 || len > UNIX_ADDR_MAX || addr->family != AF_UNIX)
		return -EINVAL;
	if (addr->data[0] == 0) {
		n->abstract = addr->data;
		n->abstract_len = len - 2;
		return 0;
	}
	memcpy(path, addr->data, (size_t)(len - 2));
	path[len - 2] = 0;
	err = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &n->path);
	if (err)
		return err;
	err = inode_permission(n->path.dentry->inode, MAY_WRITE);
	if (!err && !S_ISSOCK(n->path.dentry->inode->mode))
		err = -ECONNREFUSED;
	if (err) {
		path_put(&n->path);
		n->path.dentry = NULL;
	}
	return err;
}

void unix_name_release(struct unix_name *n)
{
	if (n->path.dentry)
		path_put(&n->path);
	n->path.dentry = NULL;
}

static bool abstract_match(const struct unix_sock *u, const u8 *name, int len)
{
	const struct unix_addr *a = u->addr;

	return a && a->name[2] == 0 && a->len - 2 == len &&
	       !memcmp(a->name + 2, name, (size_t)len);
}

/* Abstract names are per type (Linux hashes the type in). */
static struct unix_sock *abstract_lookup(const u8 *name, int len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_all, all)
		if (u->named && !u->dead && u->type == type &&
		    abstract_match(u, name, len))
			return u;
	return NULL;
}

struct unix_sock *unix_find(const struct unix_name *n, int type)
{
	struct unix_sock *u;

	if (!n->path.dentry) {
		u = abstract_lookup(n->abstract, n->abstract_len, type);
		return u ? unix_get(u) : ERR_PTR(-ECONNREFUSED);
	}
	list_for_each_entry(u, &unix_all, all) {
		if (!u->named || u->dead || !u->path.dentry ||
		    u->path.dentry->inode != n->path.dentry->inode)
			continue;
		if (u->type != type)
			return ERR_PTR(-EPROTOTYPE);
		return unix_get(u);
	}
	return ERR_PTR(-ECONNREFUSED);
}

static struct unix_addr *unix_addr_alloc(const void *name, int len)
{
	struct unix_addr *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return NULL;
	a->refcount = 1;
	a->len = len;
	memcpy(a->name, name, (size_t)len);
	return a;
}

/* An unused abstract name "\0xxxxx" (five hex digits), as Linux picks. */
int unix_autobind(struct unix_sock *u)
{
	u8 name[8];
	struct unix_addr *a;
	u32 tries;

	if (u->addr)
		return 0;
	name[0] = AF_UNIX;
	name[1] = 0;
	name[2] = 0;
	for (tries = 0; tries <= 0xfffff; tries++) {
		unix_autobind_next = (unix_autobind_next + 1) & 0xfffff;
		snprintf((char *)name + 3, 6, "%05x", unix_autobind_next);
		if (!abstract_lookup(name + 2, 6, u->type))
			break;
	}
	if (tries > 0xfffff)
		return -ENOSPC;
	a = unix_addr_alloc(name, 8);
	if (!a)
		return -ENOMEM;
	u->addr = a;
	u->named = true;
	return 0;
}

static int unix_bind_abstract(struct unix_sock *u, const struct sockaddr_k *addr,
			      int len)
{
	struct unix_addr *a = unix_addr_alloc(addr, len);
	int err = 0;

	if (!a)
		return -ENOMEM;
	mutex_lock(&unix_mutex);
	if (u->addr)
		err = -EINVAL;
	else if (abstract_lookup(addr->data, len - 2, u->type))
		err = -EADDRINUSE;
	if (!err) {
		u->addr = a;
		u->named = true;
	}
	mutex_unlock(&unix_mutex);
	if (err)
		kfree(a);
	return err;
}

/*
 * A path name: make the S_IFSOCK node first (an existing name is
 * EADDRINUSE, whatever it is), then claim it; a socket that already had
 * a name takes the node back out and says EINVAL, as Linux does.
 */
static int unix_bind_path(struct unix_sock *u, const struct sockaddr_k *addr,
			  int len)
{
	char path[UNIX_PATH_MAX + 1];
	struct unix_addr *a;
	struct path p;
	int err;

	memcpy(path, addr->data, (size_t)(len - 2));
	path[len - 2] = 0;
	/* Linux keeps the name up to its NUL: family + path + NUL. */
	len = 2 + (int)strlen(path) + 1;
	err = vfs_mknod_at(AT_FDCWD, path, S_IFSOCK | 0777, 0);
	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	err = path_lookup_at(AT_FDCWD, path, 0, &p);
	if (err)
		return err;
	a = unix_addr_alloc(addr, len);
	if (!a) {
		err = -ENOMEM;
		goto out_unlink;
	}
	a->name[len - 1] = 0;
	mutex_lock(&unix_mutex);
	if (u->addr) {
		mutex_unlock(&unix_mutex);
		kfree(a);
		err = -EINVAL;
		goto out_unlink;
	}
	u->addr = a;
	u->path = p;
	u->named = true;
	mutex_unlock(&unix_mutex);
	return 0;
out_unlink:
	path_put(&p);
	vfs_unlink_at(AT_FDCWD, path, false);
	return err;
}

static int unix_bind(struct socket *s, const struct sockaddr_k *addr, int len)
{
	struct unix_sock *u = s->sk;
	int err;

	if (len == 2 && addr->family == AF_UNIX) {
		mutex_lock(&unix_mutex);
		err = unix_autobind(u);
		mutex_unlock(&unix_mutex);
		return err;
	}
	if (len <= 2 || len > UNIX_ADDR_MAX || addr->family != AF_UNIX)
		return -EINVAL;
	if (addr->data[0])
		return unix_bind_path(u, addr, len);
	return unix_bind_abstract(u, addr, len);
}

static int unix_getname(struct socket *s, struct sockaddr_k *addr, bool peer)
{
	struct unix_sock *u = s->sk, *v;
	int len = 2;

	mutex_lock(&unix_mutex);
	v = u;
	if (peer) {
		v = u->peer;
		if (!v || (connection_based(u) && u->state != US_ESTABLISHED)) {
			mutex_unlock(&unix_mutex);
			return -ENOTCONN;
		}
	}
	addr->family = AF_UNIX;
	if (v->addr) {
		len = v->addr->len;
		memcpy(addr, v->addr->name, (size_t)len);
	}
	mutex_unlock(&unix_mutex);
	return len;
}

/* ---- connections ---------------------------------------------------------- */

static void set_peercred_current(struct unix_sock *u)
{
	scm_current_creds(&u->peercred);
	u->has_peercred = true;
}

static int unix_dgram_connect(struct socket *s, const struct sockaddr_k *addr,
			      int len)
{
	struct unix_sock *u = s->sk, *other, *old;
	struct unix_name n;
	int err;

	if (len < 2)
		return -EINVAL;
	if (addr->family == AF_UNSPEC) {
		/* Dissolve the association. */
		mutex_lock(&unix_mutex);
		old = u->peer;
		u->peer = NULL;
		u->state = US_CLOSE;
		s->state = SS_UNCONNECTED;
		mutex_unlock(&unix_mutex);
		wake_up_all(&unix_room_wq);
		unix_put(old);
		return 0;
	}
	err = unix_resolve(addr, len, &n);
	if (err)
		return err;
	mutex_lock(&unix_mutex);
	if (sock_passcred(s)) {
		err = unix_autobind(u);
		if (err)
			goto out;
	}
	other = unix_find(&n, u->type);
	if (IS_ERR(other)) {
		err = (int)PTR_ERR(other);
		goto out;
	}
	/* A receiver connected elsewhere takes nothing from us. */
	if (other->peer && other->peer != u) {
		unix_put(other);
		err = -EPERM;
		goto out;
	}
	old = u->peer;
	u->peer = other;
	u->state = US_ESTABLISHED;
	s->state = SS_CONNECTED;
	unix_put(old);
out:
	mutex_unlock(&unix_mutex);
	unix_name_release(&n);
	return err;
}

/*
 * Stream and seqpacket connect: the server side (the embryo) is made
 * now and queued on the listener, and we are connected at once, so data
 * may flow before accept (Linux). A full backlog blocks, or EAGAIN.
 */
static int unix_stream_connect(struct socket *s, const struct sockaddr_k *addr,
			       int len, bool nonblock)
{
	struct unix_sock *u = s->sk, *other = NULL, *embryo;
	u64 timeo = sock_sndtimeo(s, nonblock);
	struct unix_name n;
	int err;

	err = unix_resolve(addr, len, &n);
	if (err)
		return err;
	embryo = unix_sock_alloc(u->type);
	if (!embryo) {
		unix_name_release(&n);
		return -ENOMEM;
	}
	mutex_lock(&unix_mutex);
	if (sock_passcred(s)) {
		err = unix_autobind(u);
		if (err)
			goto out;
	}
	for (;;) {
		err = u->state == US_ESTABLISHED ? -EISCONN :
		      u->state != US_CLOSE ? -EINVAL : 0;
		if (err)
			goto out;
		other = unix_find(&n, u->type);
		if (IS_ERR(other)) {
			err = (int)PTR_ERR(other);
			other = NULL;
			goto out;
		}
		if (other->state != US_LISTEN ||
		    (other->shutdown & RCV_SHUTDOWN)) {
			err = -ECONNREFUSED;
			goto out;
		}
		if (other->npending <= other->backlog)
			break;
		unix_put(other);
		other = NULL;
		err = unix_wait(&unix_room_wq, &timeo);
		if (err)
			goto out;
	}
	/* The embryo: connected to us, named like the listener. */
	embryo->state = US_ESTABLISHED;
	embryo->peer = unix_get(u);
	set_peercred_current(embryo);
	embryo->sndbuf = other->sndbuf;
	embryo->rcvbuf = other->rcvbuf;
	if (other->addr) {
		__atomic_add_fetch(&other->addr->refcount, 1, __ATOMIC_RELAXED);
		embryo->addr = other->addr;
	}
	if (other->path.dentry) {
		embryo->path = other->path;
		path_get(&embryo->path);
	}
	u->peer = unix_get(embryo);
	u->state = US_ESTABLISHED;
	u->peercred = other->peercred;
	u->has_peercred = other->has_peercred;
	s->state = SS_CONNECTED;
	list_add_tail(&embryo->pend_node, &other->pending);	/* takes our ref */
	embryo = NULL;
	other->npending++;
	unix_wake(other);
out:
	mutex_unlock(&unix_mutex);
	unix_put(other);
	if (embryo) {
		mutex_lock(&unix_mutex);
		embryo->dead = true;
		list_del(&embryo->all);
		mutex_unlock(&unix_mutex);
		unix_put(embryo);
	}
	unix_name_release(&n);
	return err;
}

static int unix_connect(struct socket *s, const struct sockaddr_k *addr, int len,
			bool nonblock)
{
	struct unix_sock *u = s->sk;

	if (u->type == SOCK_DGRAM)
		return unix_dgram_connect(s, addr, len);
	return unix_stream_connect(s, addr, len, nonblock);
}

static int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = s->sk;
	int err = 0;

	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	mutex_lock(&unix_mutex);
	if (!u->addr || (u->state != US_CLOSE && u->state != US_LISTEN)) {
		err = -EINVAL;
		goto out;
	}
	if ((unsigned int)backlog > u->backlog)
		wake_up_all(&unix_room_wq);	/* more room for connectors */
	u->backlog = (unsigned int)backlog;
	u->state = US_LISTEN;
	set_peercred_current(u);
out:
	mutex_unlock(&unix_mutex);
	return err;
}

static int unix_accept(struct socket *s, struct socket *ns, bool nonblock)
{
	struct unix_sock *u = s->sk, *e;
	u64 timeo = sock_rcvtimeo(s, nonblock);
	int err = 0;

	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	mutex_lock(&unix_mutex);
	for (;;) {
		if (u->state != US_LISTEN) {
			err = -EINVAL;
			goto out;
		}
		if (!list_empty(&u->pending))
			break;
		err = unix_wait(&s->wq, &timeo);
		if (err)
			goto out;
	}
	e = list_first_entry(&u->pending, struct unix_sock, pend_node);
	list_del(&e->pend_node);
	list_init(&e->pend_node);
	u->npending--;
	e->sock = ns;		/* the pending list's reference moves to ns */
	ns->sk = e;
	ns->state = SS_CONNECTED;
	wake_up_all(&unix_room_wq);
out:
	mutex_unlock(&unix_mutex);
	return err;
}

static int unix_socketpair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = a->sk, *ub = b->sk;

	mutex_lock(&unix_mutex);
	ua->peer = unix_get(ub);
	ub->peer = unix_get(ua);
	if (ua->type != SOCK_DGRAM) {
		ua->state = US_ESTABLISHED;
		ub->state = US_ESTABLISHED;
	}
	set_peercred_current(ua);
	set_peercred_current(ub);
	a->state = SS_CONNECTED;
	b->state = SS_CONNECTED;
	mutex_unlock(&unix_mutex);
	return 0;
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = s->sk, *peer;
	u8 mode = (u8)(how + 1), pmode = 0;

	mutex_lock(&unix_mutex);
	u->shutdown |= mode;
	peer = u->peer;
	if (peer && connection_based(u)) {
		if (mode & RCV_SHUTDOWN)
			pmode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			pmode |= RCV_SHUTDOWN;
		peer->shutdown |= pmode;
		unix_wake(peer);
	}
	unix_wake(u);
	mutex_unlock(&unix_mutex);
	wake_up_all(&unix_room_wq);
	return 0;
}

/*
 * Tear down @u (its file closed, or an embryo whose listener went). The
 * peer of a connection sees EOF both ways, and ECONNRESET when we leave
 * unread data or never got accepted. Messages and embryos are dropped
 * after the lock is let go: they may hold files whose close comes back.
 */
static void unix_release_sock(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer, *e, *tmp;
	LIST_HEAD(drop);
	LIST_HEAD(embryos);

	mutex_lock(&unix_mutex);
	u->sock = NULL;
	u->dead = true;
	u->shutdown = SHUTDOWN_MASK;
	u->state = US_CLOSE;
	list_del(&u->all);
	peer = u->peer;
	u->peer = NULL;
	if (peer && connection_based(u)) {
		peer->shutdown = SHUTDOWN_MASK;
		if (!list_empty(&u->rcvq) || embryo)
			peer->err = ECONNRESET;
		unix_wake(peer);
	}
	while (!list_empty(&u->rcvq))
		unix_skb_unlink(u, list_first_entry(&u->rcvq, struct unix_skb, node),
				&drop);
	list_for_each_entry_safe(e, tmp, &u->pending, pend_node) {
		list_del(&e->pend_node);
		list_add_tail(&e->pend_node, &embryos);
	}
	u->npending = 0;
	mutex_unlock(&unix_mutex);
	wake_up_all(&unix_room_wq);
	unix_skb_free_list(&drop);
	list_for_each_entry_safe(e, tmp, &embryos, pend_node) {
		list_del(&e->pend_node);
		list_init(&e->pend_node);
		unix_release_sock(e, true);
	}
	unix_put(peer);
	unix_put(u);
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = s->sk;

	s->sk = NULL;
	unix_release_sock(u, false);
}

/* ---- readiness -------------------------------------------------------------- */

static bool unix_writable(const struct unix_sock *u)
{
	return READ_ONCE(u->state) != US_LISTEN &&
	       (READ_ONCE(u->wmem) << 2) <= (size_t)READ_ONCE(u->sndbuf);
}

/*
 * Linux's unix_poll and unix_dgram_poll. No lock, as there: the poller
 * is queued before it looks, and every change wakes it.
 */
static unsigned int unix_poll(struct socket *s, struct file *f,
			      struct poll_table *pt)
{
	struct unix_sock *u = s->sk, *peer;
	unsigned int mask = 0;
	u8 shut = READ_ONCE(u->shutdown);
	u8 state = READ_ONCE(u->state);

	poll_wait(f, &s->wq, pt);
	if (u->type != SOCK_STREAM)
		poll_wait(f, &unix_room_wq, pt);
	if (READ_ONCE(u->err))
		mask |= POLLERR;
	if (shut == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (shut & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&u->rcvq) || !list_empty(&u->pending))
		mask |= POLLIN | POLLRDNORM;
	if (connection_based(u) && state == US_CLOSE)
		mask |= POLLHUP;
	if (u->type == SOCK_STREAM) {
		if (unix_writable(u))
			mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
		return mask;
	}
	if (!unix_writable(u))
		return mask;
	mutex_lock(&unix_mutex);
	peer = u->peer;
	if (peer && peer->peer != u && peer->rcvq_len > UNIX_DGRAM_QLEN)
		peer = NULL;	/* its queue is full: not writable */
	else
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	mutex_unlock(&unix_mutex);
	return mask;
}

/* ---- ioctl and options -------------------------------------------------------- */

#define SIOCOUTQ	0x5411		/* TIOCOUTQ */

static long unix_ioctl(struct socket *s, unsigned int cmd, unsigned long arg)
{
	struct unix_sock *u = s->sk;
	long err = 0;
	int v = 0;

	mutex_lock(&unix_mutex);
	switch (cmd) {
	case FIONREAD:		/* SIOCINQ */
		if (u->state == US_LISTEN)
			err = -EINVAL;
		else if (u->type == SOCK_STREAM)
			v = (int)u->rcvq_bytes;
		else if (!list_empty(&u->rcvq))
			v = (int)list_first_entry(&u->rcvq, struct unix_skb, node)->len;
		break;
	case SIOCOUTQ:
		v = (int)u->wmem;
		break;
	default:
		err = -ENOIOCTLCMD;
	}
	mutex_unlock(&unix_mutex);
	if (err)
		return err;
	return put_user(v, UADDR(arg)) ? -EFAULT : 0;
}

static int *int_option(struct unix_sock *u, int name)
{
	switch (name) {
	case SO_REUSEADDR: return &u->reuseaddr;
	case SO_REUSEPORT: return &u->reuseport;
	case SO_KEEPALIVE: return &u->keepalive;
	case SO_BROADCAST: return &u->broadcast;
	case SO_OOBINLINE: return &u->oobinline;
	case SO_DONTROUTE: return &u->dontroute;
	case SO_DEBUG: return &u->debug;
	default: return NULL;
	}
}

static int unix_setsockopt(struct socket *s, int level, int name,
			   const void *val, unsigned int len)
{
	struct unix_sock *u = s->sk;
	int v, *p, err = 0;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_LINGER) {
		if (len < sizeof(struct linger_k))
			return -EINVAL;
		mutex_lock(&unix_mutex);
		memcpy(&u->linger, val, sizeof(u->linger));
		if (u->linger.l_onoff)
			u->linger.l_onoff = 1;
		mutex_unlock(&unix_mutex);
		return 0;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	mutex_lock(&unix_mutex);
	p = int_option(u, name);
	if (name == SO_REUSEPORT) {
		err = -EOPNOTSUPP;	/* Linux 6.x: inet sockets only */
		goto out;
	}
	if (p) {
		*p = v ? 1 : 0;
		goto out;
	}
	switch (name) {
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		if (name == SO_SNDBUFFORCE && current_fsuid() != 0) {
			err = -EPERM;
			break;
		}
		/* Linux doubles the request (bookkeeping room), within bounds. */
		v = (int)MIN((u32)v, (u32)SOCK_WMEM_MAX);
		u->sndbuf = MAX(v * 2, SOCK_MIN_SNDBUF);
		unix_wake(u);
		break;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		if (name == SO_RCVBUFFORCE && current_fsuid() != 0) {
			err = -EPERM;
			break;
		}
		v = (int)MIN((u32)v, (u32)SOCK_RMEM_MAX);
		u->rcvbuf = MAX(v * 2, SOCK_MIN_RCVBUF);
		break;
	case SO_PRIORITY:
		if ((v >= 0 && v <= 6) || current_fsuid() == 0)
			u->priority = v;
		else
			err = -EPERM;
		break;
	case SO_RCVLOWAT:
		u->rcvlowat = v < 0 ? 0x7fffffff : (v ? v : 1);
		break;
	case SO_SNDLOWAT:
		err = -ENOPROTOOPT;	/* Linux does not let it be set either */
		break;
	default:
		err = -ENOPROTOOPT;
	}
out:
	mutex_unlock(&unix_mutex);
	return err;
}

static int unix_getsockopt(struct socket *s, int level, int name, void *val,
			   unsigned int *len)
{
	struct unix_sock *u = s->sk;
	int v = 0, *p, err = 0;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	mutex_lock(&unix_mutex);
	p = int_option(u, name);
	if (p) {
		v = *p;
		goto out_int;
	}
	switch (name) {
	case SO_ERROR:
		v = u->err;
		u->err = 0;
		break;
	case SO_SNDBUF:
		v = u->sndbuf;
		break;
	case SO_RCVBUF:
		v = u->rcvbuf;
		break;
	case SO_PRIORITY:
		v = u->priority;
		break;
	case SO_RCVLOWAT:
		v = u->rcvlowat;
		break;
	case SO_SNDLOWAT:
		v = 1;
		break;
	case SO_ACCEPTCONN:
		v = u->state == US_LISTEN;
		break;
	case SO_LINGER:
		memcpy(val, &u->linger, sizeof(u->linger));
		*len = sizeof(u->linger);
		goto out;
	case SO_PEERCRED: {
		struct ucred_k c = { 0, (u32)-1, (u32)-1 };

		if (u->has_peercred)
			c = u->peercred;
		memcpy(val, &c, sizeof(c));
		*len = sizeof(c);
		goto out;
	}
	default:
		err = -ENOPROTOOPT;
		goto out;
	}
out_int:
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
out:
	mutex_unlock(&unix_mutex);
	return err;
}

const struct proto_ops unix_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.socketpair = unix_socketpair,
};

/* ---- /proc/net/unix ---------------------------------------------------------- */

#define __SO_ACCEPTCON	(1 << 16)

/* Appends like snprintf at buf+pos; returns the new position. */
static size_t emit(char *buf, size_t len, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(pos < len ? buf + pos : NULL, pos < len ? len - pos : 0,
		      fmt, ap);
	va_end(ap);
	return pos + (size_t)(n > 0 ? n : 0);
}

/*
 * Linux's layout (BusyBox netstat -x reads it): the kernel address is
 * hidden as with kptr_restrict; an abstract name starts with '@' and
 * shows its NUL bytes as '@'.
 */
int proc_net_unix_show(char *buf, size_t len)
{
	struct unix_sock *u;
	size_t pos = 0;

	pos = emit(buf, len, pos,
		   "Num       RefCount Protocol Flags    Type St Inode Path\n");
	mutex_lock(&unix_mutex);
	list_for_each_entry(u, &unix_all, all) {
		unsigned int st;
		u64 ino = 0;

		if (u->sock) {
			st = u->state == US_ESTABLISHED ? SS_CONNECTED : SS_UNCONNECTED;
			if (u->sock->file)
				ino = u->sock->file->inode->ino;
		} else {
			st = u->state == US_ESTABLISHED ? SS_CONNECTING :
			     SS_DISCONNECTING;
		}
		pos = emit(buf, len, pos, "%016llx: %08X %08X %08X %04X %02X %5llu",
			   /* + 1: Linux counts the socket table's reference */
			   0ULL, READ_ONCE(u->refcount) + 1, 0,
			   u->state == US_LISTEN ? __SO_ACCEPTCON : 0,
			   (unsigned int)u->type, st, (unsigned long long)ino);
		if (u->addr) {
			const u8 *p = u->addr->name + 2;
			int i = 0, n = u->addr->len - 2;

			pos = emit(buf, len, pos, " ");
			if (p[0]) {
				n--;	/* the stored NUL */
			} else {
				pos = emit(buf, len, pos, "@");
				i++;
			}
			for (; i < n; i++)
				pos = emit(buf, len, pos, "%c", p[i] ? p[i] : '@');
		}
		pos = emit(buf, len, pos, "\n");
	}
	mutex_unlock(&unix_mutex);
	return (int)pos;
}

static const struct net_proto_family unix_family = {
	.family = AF_UNIX,
	.create = unix_create,
};

static int unix_init(void)
{
	mutex_init(&unix_mutex);
	return sock_register(&unix_family);
}
initcall(INITCALL_SUBSYS, unix_init);

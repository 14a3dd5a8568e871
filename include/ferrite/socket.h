/*
 * Sockets: the generic layer (net/socket.c: socket files and SOL_SOCKET
 * options every family shares; net/socket_sys.c: the system calls;
 * net/scm.c: SCM_RIGHTS/SCM_CREDENTIALS) and the
 * contract each address family implements (struct proto_ops). AF_UNIX
 * lives in net/unix/, AF_INET (on lwIP) in net/inet/.
 */
#ifndef FERRITE_SOCKET_H
#define FERRITE_SOCKET_H

#include <ferrite/types.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>
#include <ferrite/fs.h>

/* Linux's numbers (linux/socket.h, linux/net.h). */
#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16
#define AF_MAX		46

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_SEQPACKET	5
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC

#define SOL_SOCKET	1
#define SOL_TCP		6	/* == IPPROTO_TCP */

#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_DONTROUTE	0x4
#define MSG_CTRUNC	0x8
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_MORE	0x8000
#define MSG_WAITFORONE	0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

/* Socket addresses as user space passes them: at most this many bytes. */
#define SOCKADDR_MAX	128
struct sockaddr_k {
	u16 family;
	u8 data[SOCKADDR_MAX - 2];
};

/*
 * The kernel's view of one sendmsg/recvmsg, built by net/socket.c from the
 * user's msghdr (or from send/recv/sendto/recvfrom/read/write).
 *   name/namelen  send: the destination, copied in (namelen 0: none);
 *                 recv: the family writes the source and sets namelen
 *                 (it stays 0 when the family has no address to give).
 *   iter          the data, user iovecs.
 *   control       send: the control messages, copied into the kernel.
 *   ucontrol      recv: where put_cmsg() writes control messages; the
 *                 generic layer copies the used length back out.
 *   msg_flags     recv: MSG_TRUNC, MSG_CTRUNC, MSG_EOR set by the family.
 */
struct kmsghdr {
	struct sockaddr_k *name;
	int namelen;
	struct iov_iter iter;
	void *control;
	size_t controllen;
	user_addr_t ucontrol;
	size_t ucontrollen;
	size_t controlused;
	unsigned int msg_flags;
	unsigned int recv_flags;	/* recv: the caller's MSG_* (CMSG_CLOEXEC) */
};

/* recvmsg: append one control message; 0, or MSG_CTRUNC set when it did not fit. */
int put_cmsg(struct kmsghdr *m, int level, int type, size_t len, const void *data);

struct socket;
struct poll_table;

/*
 * What an address family implements. Every method is called in process
 * context with no lock held, may sleep, and returns 0/positive or -errno.
 * @nonblock says the call must not sleep (O_NONBLOCK on the file, or
 * MSG_DONTWAIT already folded in by the generic layer). Missing methods
 * answer -EOPNOTSUPP.
 */
struct proto_ops {
	int family;
	/* The file is closing: drop the protocol state (sk) and references. */
	void (*release)(struct socket *s);
	int (*bind)(struct socket *s, const struct sockaddr_k *addr, int len);
	int (*connect)(struct socket *s, const struct sockaddr_k *addr, int len,
		       bool nonblock);
	int (*listen)(struct socket *s, int backlog);
	/* @newsock is allocated (type, ops set) by the generic layer. */
	int (*accept)(struct socket *s, struct socket *newsock, bool nonblock);
	/* Writes the local (peer=false) or remote address; returns its length. */
	int (*getname)(struct socket *s, struct sockaddr_k *addr, bool peer);
	unsigned int (*poll)(struct socket *s, struct file *f, struct poll_table *pt);
	long (*ioctl)(struct socket *s, unsigned int cmd, unsigned long arg);
	int (*shutdown)(struct socket *s, int how);
	/* Options of any level the generic layer did not handle itself. */
	int (*setsockopt)(struct socket *s, int level, int name,
			  const void *val, unsigned int len);
	/* *len in: the user's buffer size (<= 256); out: bytes written to val. */
	int (*getsockopt)(struct socket *s, int level, int name, void *val,
			  unsigned int *len);
	/* Bytes sent, or -errno; -EPIPE makes the generic layer raise
	 * SIGPIPE unless MSG_NOSIGNAL. @flags: MSG_* (DONTWAIT folded in). */
	ssize_t (*sendmsg)(struct socket *s, struct kmsghdr *m, size_t len,
			   unsigned int flags);
	ssize_t (*recvmsg)(struct socket *s, struct kmsghdr *m, size_t len,
			   unsigned int flags);
	/* Added (unix helper): connect two new sockets of this family to
	 * each other (socketpair); missing: -EOPNOTSUPP like Linux's inet. */
	int (*socketpair)(struct socket *a, struct socket *b);
};

#define SS_UNCONNECTED	1
#define SS_CONNECTING	2
#define SS_CONNECTED	3
#define SS_DISCONNECTING 4

/*
 * One socket, owned by its file (f->private_data points here; the file's
 * release frees it after ops->release). Legend: [I] set at creation;
 * [P] the protocol's own locking; [g] the generic layer, under lock.
 */
struct socket {
	short type;			/* [I] SOCK_STREAM, ... */
	short family;			/* [I] AF_* */
	int protocol;			/* [I] as given to socket() (0 resolved) */
	unsigned int state;		/* [P] SS_* */
	const struct proto_ops *ops;	/* [I] */
	void *sk;			/* [P] the family's own state */
	struct file *file;		/* [I] back pointer, not a reference */
	wait_queue_head_t wq;		/* readers, writers and pollers */
	spinlock_t lock;		/* [g] the fields below */
	u64 rcvtimeo_ns;		/* [g] SO_RCVTIMEO, 0: forever */
	u64 sndtimeo_ns;		/* [g] SO_SNDTIMEO, 0: forever */
	unsigned int sockflags;		/* [g] SOCKF_* */
};

#define SOCKF_PASSCRED	0x1		/* SO_PASSCRED */

struct net_proto_family {
	int family;
	/* Fill s->ops and s->sk for (type, protocol); -EPROTONOSUPPORT,
	 * -ESOCKTNOSUPPORT, -EINVAL like Linux. ops->release runs at the
	 * last close only once s->sk is set (an accept that failed leaves
	 * the new socket without one). */
	int (*create)(struct socket *s, int type, int protocol);
};
int sock_register(const struct net_proto_family *f);

/* The socket behind @fd of the caller: referenced file in *fp, or ERR_PTR
 * (-EBADF, -ENOTSOCK). fput(*fp) when done. */
struct socket *sockfd_lookup(int fd, struct file **fp);
/* A new socket and its file (for socketpair and families that need one
 * internally); the file is referenced, not installed. */
int sock_create_file(int family, int type, int protocol, unsigned int flags,
		     struct socket **sp, struct file **fp);
bool is_socket_file(const struct file *f);
struct socket *socket_of_file(struct file *f);	/* NULL if not a socket */

/* ---- additions (unix helper, issue 7) ------------------------------------ */

/* A family's ioctl for a command it does not know (Linux's value, never
 * seen by user space): the generic layer then tries net_dev_ioctl. */
#define ENOIOCTLCMD	515

/* SOL_SOCKET option names (asm-generic/socket.h, x86_64). */
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_NO_CHECK	11
#define SO_PRIORITY	12
#define SO_LINGER	13
#define SO_BSDCOMPAT	14
#define SO_REUSEPORT	15
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO_OLD	20
#define SO_SNDTIMEO_OLD	21
#define SO_ACCEPTCONN	30
#define SO_SNDBUFFORCE	32
#define SO_RCVBUFFORCE	33
#define SO_PROTOCOL	38
#define SO_DOMAIN	39
#define SO_RCVTIMEO_NEW	66
#define SO_SNDTIMEO_NEW	67

#define SCM_RIGHTS	1
#define SCM_CREDENTIALS	2
#define SCM_MAX_FD	253	/* file descriptors in one message, as Linux */

/* Linux's defaults and floors for the buffer sizes (net.core sysctls). */
#define SOCK_WMEM_DEFAULT	212992
#define SOCK_WMEM_MAX		212992
#define SOCK_RMEM_DEFAULT	212992
#define SOCK_RMEM_MAX		212992
#define SOCK_MIN_SNDBUF		4608
#define SOCK_MIN_RCVBUF		2304

/* struct cmsghdr (64-bit): the data follows, 8-byte aligned. */
struct cmsghdr_k {
	u64 cmsg_len;
	int cmsg_level;
	int cmsg_type;
};
#define CMSG_ALIGN_K(len)	(((len) + 7) & ~(size_t)7)
#define CMSG_LEN_K(len)		(sizeof(struct cmsghdr_k) + (len))
#define CMSG_SPACE_K(len)	(sizeof(struct cmsghdr_k) + CMSG_ALIGN_K(len))

struct ucred_k {
	u32 pid;
	u32 uid;
	u32 gid;
};

struct linger_k {
	int l_onoff;
	int l_linger;
};

/*
 * Timeouts in wait form: SO_RCVTIMEO/SO_SNDTIMEO, or 0 when @nonblock.
 * SOCK_TIMEO_FOREVER means no timeout. A wait that a signal ends returns
 * sock_intr_errno(): -ERESTARTSYS without a timeout, -EINTR with one
 * (Linux: a timed socket wait is never restarted).
 */
#define SOCK_TIMEO_FOREVER	(~0ULL)
u64 sock_rcvtimeo(struct socket *s, bool nonblock);
u64 sock_sndtimeo(struct socket *s, bool nonblock);
int sock_intr_errno(u64 timeo);
bool sock_passcred(struct socket *s);	/* SO_PASSCRED set */

/*
 * Control messages of SOL_SOCKET (net/scm.c), for families that carry
 * them (AF_UNIX). scm_send parses a sendmsg's control: SCM_RIGHTS takes
 * file references (-EBADF, -EINVAL past SCM_MAX_FD), SCM_CREDENTIALS is
 * checked against the sender (-EPERM); without it the sender's own
 * credentials are filled in. scm_recv writes the credentials (when the
 * socket has SO_PASSCRED) and installs the files (honouring
 * MSG_CMSG_CLOEXEC; MSG_CTRUNC for what did not fit); it consumes the
 * files either way. scm_destroy drops what was never received. All three
 * may fput() a socket: never call them with a family lock held.
 */
struct scm_fp_list {
	int count;
	struct file *fp[SCM_MAX_FD];
};

struct scm_cookie {
	struct ucred_k creds;
	struct scm_fp_list *fp;		/* NULL: no files */
};

int scm_send(struct socket *s, struct kmsghdr *m, struct scm_cookie *scm);
int scm_recv(struct socket *s, struct kmsghdr *m, struct scm_cookie *scm,
	     unsigned int flags);
void scm_destroy(struct scm_cookie *scm);
/* A copy of @fp with its own references (MSG_PEEK), or NULL (ENOMEM). */
struct scm_fp_list *scm_fp_dup(const struct scm_fp_list *fp);
/* The caller's credentials as SCM_CREDENTIALS / SO_PEERCRED give them. */
void scm_current_creds(struct ucred_k *c);

#endif

/*
 * AF_UNIX internals shared by the files of net/unix: the per-socket state, the
 * queued messages, and the one lock over all of it.
 */
#ifndef NET_UNIX_AF_UNIX_H
#define NET_UNIX_AF_UNIX_H

#include <ferrite/socket.h>
#include <ferrite/fs.h>
#include <ferrite/list.h>
#include <ferrite/mutex.h>

#define UNIX_PATH_MAX		108
#define UNIX_ADDR_MAX		(2 + UNIX_PATH_MAX)	/* sizeof(sockaddr_un) */
#define UNIX_DGRAM_QLEN		10	/* net.unix.max_dgram_qlen */
#define UNIX_SKB_INLINE		512	/* smaller messages live in the header */
#define UNIX_SKB_OVERHEAD	512	/* charged per message, like skb truesize */

/* Linux's sk_state values that AF_UNIX uses. */
#define US_ESTABLISHED	1
#define US_CLOSE	7
#define US_LISTEN	10

#define RCV_SHUTDOWN	1
#define SEND_SHUTDOWN	2
#define SHUTDOWN_MASK	3

/* A bound name, shared by a listener and the sockets it accepted. */
struct unix_addr {
	u32 refcount;			/* [a] */
	int len;			/* bytes of name[] used: family + path */
	u8 name[UNIX_ADDR_MAX + 1];	/* struct sockaddr_un, NUL after */
};

/*
 * One queued message (dgram, seqpacket) or piece of a stream. Owned by
 * the queue it sits on; once dequeued, by whoever took it.
 */
struct unix_skb {
	struct list_head node;		/* [U] on the receiver's rcvq */
	size_t len;			/* [I] data bytes */
	size_t off;			/* [U] stream: bytes already read */
	size_t truesize;		/* [I] charged to sender->wmem */
	struct unix_sock *sender;	/* [I] referenced */
	struct scm_cookie scm;		/* [U] credentials, files in flight */
	unsigned int npages;		/* [I] 0: data inline */
	u8 **pages;			/* [I] npages page-sized pieces */
	u8 inl[];
};

/*
 * The protocol state of one socket. It outlives its struct socket while
 * a peer, a queued message or a listener's queue still points at it.
 * Legend: [U] unix_mutex; [I] set before it is published; [a] atomic.
 */
struct unix_sock {
	u32 refcount;			/* [a] */
	short type;			/* [I] SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	struct socket *sock;		/* [U] NULL: closed, or not accepted yet */
	u8 state;			/* [U] US_* */
	u8 shutdown;			/* [U] RCV_SHUTDOWN | SEND_SHUTDOWN */
	bool dead;			/* [U] released */
	bool named;			/* [U] owns its name (bind, not accept) */
	int err;			/* [U] pending error for SO_ERROR, recv */
	struct unix_sock *peer;		/* [U] referenced */
	struct unix_addr *addr;		/* [U] referenced; never changes once set */
	struct path path;		/* [U] the socket file of a bound path */
	struct list_head rcvq;		/* [U] struct unix_skb */
	unsigned int rcvq_len;		/* [U] messages queued */
	size_t rcvq_bytes;		/* [U] data bytes queued (FIONREAD) */
	struct list_head pending;	/* [U] listener: embryos not accepted */
	struct list_head pend_node;	/* [U] on the listener's pending */
	unsigned int npending;		/* [U] */
	unsigned int backlog;		/* [U] listen() */
	size_t wmem;			/* [U] truesize of our unread messages */
	int sndbuf, rcvbuf;		/* [U] SO_SNDBUF, SO_RCVBUF */
	struct ucred_k peercred;	/* [U] SO_PEERCRED */
	bool has_peercred;		/* [U] */
	/* Options stored for getsockopt only ([U]). */
	int reuseaddr, reuseport, keepalive, broadcast, oobinline, dontroute;
	int priority, rcvlowat, debug;
	struct linger_k linger;
	struct list_head all;		/* [U] unix_all: /proc/net/unix */
};

extern struct mutex unix_mutex;
extern struct list_head unix_all;
/* Room freed on some receive queue or backlog: dgram senders and
 * connecting sockets wait here (a queue that never goes away). */
extern wait_queue_head_t unix_room_wq;

/* af_unix.c */
struct unix_sock *unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);
/* Wake the socket's own waiters and pollers (unix_mutex held). */
void unix_wake(struct unix_sock *u);
/*
 * With unix_mutex held: drop it, sleep on @wq until a wake-up, a signal
 * or the end of *timeo (ns, SOCK_TIMEO_FOREVER), take it again. 0: look
 * again; -EAGAIN: no time left; or sock_intr_errno() for a signal.
 */
int unix_wait(wait_queue_head_t *wq, u64 *timeo);
/* A resolved peer name: the inode of a path, or abstract bytes. */
struct unix_name {
	struct path path;		/* dentry NULL for an abstract name */
	const u8 *abstract;		/* the bytes after family */
	int abstract_len;
};
int unix_resolve(const struct sockaddr_k *addr, int len, struct unix_name *n);
void unix_name_release(struct unix_name *n);
/* The live socket bound to @n (referenced), or ERR_PTR (-ECONNREFUSED,
 * -EPROTOTYPE); unix_mutex held. */
struct unix_sock *unix_find(const struct unix_name *n, int type);
int unix_autobind(struct unix_sock *u);

/* data.c */
extern const struct proto_ops unix_ops;
struct unix_skb *unix_skb_alloc(size_t len);
/* Free a dequeued message: its files, its sender reference, its memory.
 * Never with unix_mutex held (an fput may close a unix socket). */
void unix_skb_free(struct unix_skb *skb);
void unix_skb_free_list(struct list_head *list);
/* Take @skb off @u's queue into @to; uncharges and wakes the sender. */
void unix_skb_unlink(struct unix_sock *u, struct unix_skb *skb,
		     struct list_head *to);
ssize_t unix_sendmsg(struct socket *s, struct kmsghdr *m, size_t len,
		     unsigned int flags);
ssize_t unix_recvmsg(struct socket *s, struct kmsghdr *m, size_t len,
		     unsigned int flags);

#endif

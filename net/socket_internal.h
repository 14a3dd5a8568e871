/*
 * What the files of the generic socket layer (net/socket.c: sockfs and
 * the data path; net/socket_sys.c: the system calls) share, and nothing
 * else sees.
 */
#ifndef NET_SOCKET_INTERNAL_H
#define NET_SOCKET_INTERNAL_H

#include <ferrite/socket.h>

#define SOCK_MAX	10	/* types are below this (linux/net.h) */
#define SOMAXCONN	4096	/* listen() backlog cap (net.core.somaxconn) */
#define SOCK_OPTMEM_MAX	131072	/* sendmsg control bytes (net.core.optmem_max) */
#define SOCKOPT_BUF	256	/* option values handed to families */

int sock_alloc_file(int family, int type, int protocol,
		    const struct proto_ops *ops, unsigned int flags,
		    struct socket **sp, struct file **fp);
/* Send/receive with O_NONBLOCK folded into MSG_DONTWAIT; send raises
 * SIGPIPE on -EPIPE unless MSG_NOSIGNAL. */
ssize_t sock_send_common(struct socket *s, struct file *f, struct kmsghdr *m,
			 unsigned int flags);
ssize_t sock_recv_common(struct socket *s, struct file *f, struct kmsghdr *m,
			 unsigned int flags);
/* SOL_SOCKET options of the generic layer: 1 when handled. */
int sock_setsockopt_generic(struct socket *s, int name, const void *val,
			    unsigned int len, int *err);
int sock_getsockopt_generic(struct socket *s, int name, void *val,
			    unsigned int *len);

#endif

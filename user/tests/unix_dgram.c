/*
 * unix_dgram: AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET: message boundaries,
 * MSG_TRUNC, sender addresses, connect/disconnect, refused and missing
 * receivers, full queues, seqpacket connections and their end, and the
 * recvmsg/sendmsg/recvmmsg/sendmmsg plumbing with bad input.
 */
#include "ufw.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static int bound(int type, const char *path)
{
	struct sockaddr_un a;
	int fd = CHECK_OK(socket(AF_UNIX, type, 0));

	CHECK_OK(bind(fd, (struct sockaddr *)&a, mkaddr(&a, path)));
	return fd;
}

static short poll1(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	CHECK(poll(&p, 1, 0) >= 0);
	return p.revents;
}

TEST(dgram_keeps_boundaries_and_truncates)
{
	int sv[2], n = -1;
	char buf[16];
	struct iovec iov = { buf, 3 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	CHECK_EQ(send(sv[0], "one", 3, 0), 3);
	CHECK_EQ(send(sv[0], "three", 5, 0), 5);
	CHECK_EQ(send(sv[0], "", 0, 0), 0);
	CHECK_EQ(send(sv[0], "four", 4, 0), 4);
	CHECK_OK(ioctl(sv[1], FIONREAD, &n));
	CHECK_EQ(n, 3);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 3);
	CHECK_MEM(buf, "one", 3);
	CHECK_EQ(recvmsg(sv[1], &mh, 0), 3);	/* "thr", rest dropped */
	CHECK_EQ(mh.msg_flags & MSG_TRUNC, MSG_TRUNC);
	CHECK_MEM(buf, "thr", 3);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);	/* the empty one */
	CHECK_EQ(recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC), 4);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 4);
	CHECK_MEM(buf, "four", 4);
	CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

TEST(dgram_sendto_recvfrom_addresses)
{
	int a = bound(SOCK_DGRAM, "a"), b = bound(SOCK_DGRAM, "b");
	int anon = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un to, from;
	socklen_t len;
	char buf[8];

	CHECK_EQ(sendto(a, "hi", 2, 0, (struct sockaddr *)&to, mkaddr(&to, "b")), 2);
	len = sizeof(from);
	CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 2);
	CHECK_EQ(len, mkaddr(&to, "a"));
	CHECK_STR(from.sun_path, "a");
	CHECK_EQ(sendto(anon, "yo", 2, 0, (struct sockaddr *)&to, mkaddr(&to, "b")), 2);
	len = sizeof(from);
	CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 2);
	CHECK_EQ(len, 0);	/* an unnamed sender has no address */
	CHECK_ERR(recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
			   UFW_UNMAPPED_PTR), EAGAIN);
}

TEST(dgram_send_errors)
{
	int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0)), gone;
	int s = bound(SOCK_STREAM, "stream");
	struct sockaddr_un to;
	static char huge[300000];

	CHECK_ERR(send(d, "x", 1, 0), ENOTCONN);
	CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&to, mkaddr(&to, "none")), ENOENT);
	gone = bound(SOCK_DGRAM, "gone");
	close(gone);
	CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&to, mkaddr(&to, "gone")),
		  ECONNREFUSED);
	CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&to, mkaddr(&to, "stream")),
		  EPROTOTYPE);
	CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&to, 1), EINVAL);
	CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&to, 200), EINVAL);
	CHECK_ERR(sendto(d, "x", 1, 0, UFW_UNMAPPED_PTR, 20), EFAULT);
	bound(SOCK_DGRAM, "rx");
	CHECK_ERR(sendto(d, huge, sizeof(huge), 0, (struct sockaddr *)&to, mkaddr(&to, "rx")),
		  EMSGSIZE);
	(void)s;
}

TEST(dgram_connect_disconnect_and_eperm)
{
	int rx = bound(SOCK_DGRAM, "rx"), other = bound(SOCK_DGRAM, "other");
	int tx = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un to, got;
	socklen_t len = sizeof(got);
	char buf[4];

	CHECK_OK(connect(tx, (struct sockaddr *)&to, mkaddr(&to, "rx")));
	CHECK_OK(getpeername(tx, (struct sockaddr *)&got, &len));
	CHECK_STR(got.sun_path, "rx");
	CHECK_EQ(send(tx, "a", 1, 0), 1);
	CHECK_EQ(recv(rx, buf, 4, 0), 1);
	/* rx connected to "other" takes datagrams from it alone */
	CHECK_OK(connect(rx, (struct sockaddr *)&to, mkaddr(&to, "other")));
	CHECK_ERR(send(tx, "b", 1, 0), EPERM);
	CHECK_ERR(connect(tx, (struct sockaddr *)&to, mkaddr(&to, "rx")), EPERM);
	memset(&to, 0, sizeof(to));
	to.sun_family = AF_UNSPEC;
	CHECK_OK(connect(tx, (struct sockaddr *)&to, sizeof(to)));
	CHECK_ERR(send(tx, "c", 1, 0), ENOTCONN);
	CHECK_ERR(getpeername(tx, (struct sockaddr *)&got, &len), ENOTCONN);
	(void)other;
}

TEST(dgram_receiver_closed_econnrefused_then_enotconn)
{
	int rx = bound(SOCK_DGRAM, "rx");
	int tx = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un to;

	CHECK_OK(connect(tx, (struct sockaddr *)&to, mkaddr(&to, "rx")));
	close(rx);
	CHECK_ERR(send(tx, "a", 1, 0), ECONNREFUSED);
	CHECK_ERR(send(tx, "a", 1, 0), ENOTCONN);
}

TEST(dgram_full_receiver_queue_eagain_and_poll)
{
	int rx = bound(SOCK_DGRAM, "rx");
	int tx = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	struct sockaddr_un to;
	int k;
	char c;

	CHECK_OK(connect(tx, (struct sockaddr *)&to, mkaddr(&to, "rx")));
	CHECK_EQ(poll1(tx, POLLOUT), POLLOUT);
	for (k = 0; k < 1000; k++)
		if (send(tx, "x", 1, 0) < 0)
			break;
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(k, 11);		/* net.unix.max_dgram_qlen + 1 */
	CHECK_EQ(poll1(tx, POLLOUT), 0);
	CHECK_EQ(recv(rx, &c, 1, 0), 1);
	CHECK_EQ(poll1(tx, POLLOUT), POLLOUT);
	CHECK_EQ(send(tx, "x", 1, 0), 1);
}

TEST(dgram_raw_is_dgram_and_rcvtimeo)
{
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_RAW, 0)), v = 0;
	socklen_t len = sizeof(v);
	struct timeval tv = { 0, 50000 };
	char c;

	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_DGRAM);
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_ERR(recv(fd, &c, 1, 0), EAGAIN);
}

TEST(dgram_poll_readiness)
{
	int sv[2];

	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT), POLLOUT);
	CHECK_EQ(send(sv[0], "x", 1, 0), 1);
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_OK(shutdown(sv[1], SHUT_RDWR));
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
}

TEST(seqpacket_records_and_eof)
{
	int sv[2];
	char buf[16];
	struct iovec iov = { buf, 2 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	CHECK_EQ(send(sv[0], "abc", 3, 0), 3);
	CHECK_EQ(send(sv[0], "de", 2, MSG_EOR), 2);
	CHECK_EQ(recvmsg(sv[1], &mh, 0), 2);
	CHECK_EQ(mh.msg_flags & MSG_TRUNC, MSG_TRUNC);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 2);
	CHECK_MEM(buf, "de", 2);
	close(sv[0]);
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT) & (POLLIN | POLLHUP), POLLIN | POLLHUP);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
}

TEST(seqpacket_listen_connect_accept)
{
	int l = bound(SOCK_SEQPACKET, "sp"), c, s;
	struct sockaddr_un to;
	char buf[8];

	CHECK_OK(listen(l, 4));
	c = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	CHECK_ERR(send(c, "x", 1, 0), ENOTCONN);
	CHECK_ERR(recv(c, buf, 1, 0), ENOTCONN);
	CHECK_OK(connect(c, (struct sockaddr *)&to, mkaddr(&to, "sp")));
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(send(c, "hello", 5, 0), 5);
	CHECK_EQ(send(c, "w", 1, 0), 1);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 1);
	CHECK_EQ(write(s, "back", 4), 4);
	CHECK_EQ(read(c, buf, sizeof(buf)), 4);
}

TEST(sendmsg_recvmsg_iovecs_and_errors)
{
	int sv[2];
	char a[] = "hel", b[] = "lo", out[8];
	struct iovec siov[2] = { { a, 3 }, { b, 2 } };
	struct iovec riov[2] = { { out, 2 }, { out + 2, 6 } };
	struct msghdr mh = { .msg_iov = siov, .msg_iovlen = 2 };
	struct msghdr rh = { .msg_iov = riov, .msg_iovlen = 2 };
	struct iovec bad = { UFW_UNMAPPED_PTR, 4 };

	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	CHECK_EQ(sendmsg(sv[0], &mh, 0), 5);
	CHECK_EQ(recvmsg(sv[1], &rh, 0), 5);
	CHECK_MEM(out, "hello", 5);
	CHECK_EQ(rh.msg_flags, 0);
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], UFW_UNMAPPED_PTR, 0), EFAULT);
	mh.msg_iovlen = 1025;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EMSGSIZE);
	mh.msg_iovlen = 1;
	mh.msg_iov = UFW_UNMAPPED_PTR;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EFAULT);
	mh.msg_iov = &bad;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EFAULT);
	siov[0].iov_len = (size_t)-1;
	mh.msg_iov = siov;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EINVAL);
	siov[0].iov_len = 3;
	mh.msg_namelen = -1;
	mh.msg_name = out;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EINVAL);
	CHECK_ERR(syscall(SYS_recvmsg, sv[1], UFW_KERNEL_PTR, 0), EFAULT);
}

TEST(sendmmsg_recvmmsg_batches)
{
	int sv[2];
	char m1[] = "first", m2[] = "second", r1[8], r2[8];
	struct iovec s1 = { m1, 5 }, s2 = { m2, 6 }, i1 = { r1, 8 }, i2 = { r2, 8 };
	struct mmsghdr sv_msgs[2], rv_msgs[3];
	struct timespec ts = { 1, 0 };

	memset(sv_msgs, 0, sizeof(sv_msgs));
	memset(rv_msgs, 0, sizeof(rv_msgs));
	sv_msgs[0].msg_hdr.msg_iov = &s1;
	sv_msgs[0].msg_hdr.msg_iovlen = 1;
	sv_msgs[1].msg_hdr.msg_iov = &s2;
	sv_msgs[1].msg_hdr.msg_iovlen = 1;
	rv_msgs[0].msg_hdr.msg_iov = &i1;
	rv_msgs[0].msg_hdr.msg_iovlen = 1;
	rv_msgs[1].msg_hdr.msg_iov = &i2;
	rv_msgs[1].msg_hdr.msg_iovlen = 1;
	rv_msgs[2].msg_hdr.msg_iov = &i2;
	rv_msgs[2].msg_hdr.msg_iovlen = 1;
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	CHECK_EQ(sendmmsg(sv[0], sv_msgs, 2, 0), 2);
	CHECK_EQ(sv_msgs[0].msg_len, 5);
	CHECK_EQ(sv_msgs[1].msg_len, 6);
	CHECK_EQ(recvmmsg(sv[1], rv_msgs, 3, MSG_WAITFORONE, &ts), 2);
	CHECK_EQ(rv_msgs[0].msg_len, 5);
	CHECK_EQ(rv_msgs[1].msg_len, 6);
	CHECK_MEM(r1, "first", 5);
	CHECK_MEM(r2, "second", 6);
	CHECK_ERR(recvmmsg(sv[1], rv_msgs, 1, MSG_DONTWAIT, NULL), EAGAIN);
	ts.tv_nsec = -1;
	CHECK_ERR(recvmmsg(sv[1], rv_msgs, 1, 0, &ts), EINVAL);
	CHECK_EQ(sendmmsg(sv[0], sv_msgs, 0, 0), 0);
}

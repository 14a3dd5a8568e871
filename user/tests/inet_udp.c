/*
 * inet_udp: AF_INET datagram sockets over the loopback: source addresses,
 * message boundaries and truncation, connected sockets, sendmmsg and
 * recvmmsg, readiness, options and bad input.
 */
#include "ufw.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Upper bound of every wait for an event that must come: a hang guard. */
#define GUARD_MS 20000

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	return a;
}

/* A UDP socket bound to 127.0.0.1 and an ephemeral port; its address. */
static int udp_bound(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));

	*addr = loopback(0);
	CHECK_OK(bind(fd, (struct sockaddr *)addr, sizeof(*addr)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)addr, &len));
	CHECK(addr->sin_port != 0);
	return fd;
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	CHECK_EQ(poll(&p, 1, GUARD_MS), 1);
	CHECK(p.revents & POLLIN);
}

TEST(udp_sendto_recvfrom_source_address)
{
	struct sockaddr_in ra, sa, from;
	socklen_t len = sizeof(from);
	int r = udp_bound(&ra), s = udp_bound(&sa);
	char buf[32];

	CHECK_EQ(sendto(s, "datagram", 8, 0, (struct sockaddr *)&ra,
			sizeof(ra)), 8);
	memset(&from, 0xff, sizeof(from));
	CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			  &len), 8);
	CHECK_MEM(buf, "datagram", 8);
	CHECK_EQ(len, sizeof(from));
	CHECK_EQ(from.sin_family, AF_INET);
	CHECK_EQ(from.sin_port, sa.sin_port);
	CHECK_EQ(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
}

TEST(udp_unbound_sender_gets_ephemeral_port)
{
	struct sockaddr_in ra, me, from;
	socklen_t len = sizeof(me);
	int r = udp_bound(&ra);
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	char c;

	CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof(ra)), 1);
	CHECK_OK(getsockname(s, (struct sockaddr *)&me, &len));
	CHECK(me.sin_port != 0);
	len = sizeof(from);
	CHECK_EQ(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	CHECK_EQ(from.sin_port, me.sin_port);
}

TEST(udp_message_boundaries_and_truncation)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra);
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	char buf[32];

	CHECK_OK(connect(s, (struct sockaddr *)&ra, sizeof(ra)));
	CHECK_EQ(send(s, "abc", 3, 0), 3);
	CHECK_EQ(send(s, "defgh", 5, 0), 5);
	CHECK_EQ(send(s, "0123456789", 10, 0), 10);
	CHECK_EQ(send(s, "", 0, 0), 0);
	CHECK_EQ(send(s, "peek", 4, 0), 4);
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 3);
	CHECK_MEM(buf, "abc", 3);
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 5);
	CHECK_MEM(buf, "defgh", 5);

	/* A short buffer: the rest of the datagram is dropped, MSG_TRUNC. */
	struct iovec iov = { buf, 4 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	CHECK_EQ(recvmsg(r, &m, 0), 4);
	CHECK_MEM(buf, "0123", 4);
	CHECK(m.msg_flags & MSG_TRUNC);
	/* The empty datagram is a datagram. */
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 0);
	/* MSG_PEEK leaves it; MSG_TRUNC as a flag returns the real length. */
	CHECK_EQ(recv(r, buf, sizeof(buf), MSG_PEEK), 4);
	CHECK_EQ(recv(r, buf, 1, MSG_TRUNC), 4);
	CHECK_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

TEST(udp_connected_socket_filters_and_names)
{
	struct sockaddr_in ra, sa, oa, peer;
	socklen_t len = sizeof(peer);
	int r = udp_bound(&ra), s = udp_bound(&sa), other = udp_bound(&oa);
	char buf[8];

	CHECK_OK(connect(r, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getpeername(r, (struct sockaddr *)&peer, &len));
	CHECK_EQ(peer.sin_port, sa.sin_port);
	/* Datagrams from anyone but the peer are not delivered. */
	CHECK_EQ(sendto(other, "no", 2, 0, (struct sockaddr *)&ra,
			sizeof(ra)), 2);
	CHECK_EQ(sendto(s, "yes", 3, 0, (struct sockaddr *)&ra, sizeof(ra)), 3);
	wait_readable(r);
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 3);
	CHECK_MEM(buf, "yes", 3);
	CHECK_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* AF_UNSPEC dissolves the association. */
	struct sockaddr_in un = { .sin_family = AF_UNSPEC };
	CHECK_OK(connect(r, (struct sockaddr *)&un, sizeof(un)));
	len = sizeof(peer);
	CHECK_ERR(getpeername(r, (struct sockaddr *)&peer, &len), ENOTCONN);
}

TEST(udp_sendmmsg_recvmmsg)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra);
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	char out[3][8] = { "one", "three", "fifteen" };
	char in[4][16];
	struct mmsghdr mo[3], mi[4];
	struct iovec io[3], ii[4];
	struct sockaddr_in from[4];

	memset(mo, 0, sizeof(mo));
	for (int i = 0; i < 3; i++) {
		io[i] = (struct iovec){ out[i], strlen(out[i]) };
		mo[i].msg_hdr.msg_iov = &io[i];
		mo[i].msg_hdr.msg_iovlen = 1;
		mo[i].msg_hdr.msg_name = &ra;
		mo[i].msg_hdr.msg_namelen = sizeof(ra);
	}
	CHECK_EQ(sendmmsg(s, mo, 3, 0), 3);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(mo[i].msg_len, strlen(out[i]));

	memset(mi, 0, sizeof(mi));
	for (int i = 0; i < 4; i++) {
		ii[i] = (struct iovec){ in[i], sizeof(in[i]) };
		mi[i].msg_hdr.msg_iov = &ii[i];
		mi[i].msg_hdr.msg_iovlen = 1;
		mi[i].msg_hdr.msg_name = &from[i];
		mi[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	wait_readable(r);
	/* Blocks for the first only, then takes what is queued. */
	int n = CHECK_OK(recvmmsg(r, mi, 4, MSG_WAITFORONE, NULL));
	int got = n;
	while (got < 3) {
		wait_readable(r);
		got += CHECK_OK(recvmmsg(r, mi + got, 4 - got, MSG_DONTWAIT,
					 NULL));
	}
	CHECK_EQ(got, 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(mi[i].msg_len, strlen(out[i]));
		CHECK_MEM(in[i], out[i], strlen(out[i]));
		CHECK_EQ(mi[i].msg_hdr.msg_namelen, sizeof(struct sockaddr_in));
		CHECK_EQ(ntohl(from[i].sin_addr.s_addr), INADDR_LOOPBACK);
	}
	CHECK_ERR(recvmmsg(r, mi, 4, MSG_DONTWAIT, NULL), EAGAIN);
	/* A bad first message is an error; a bad later one ends the batch. */
	mo[1].msg_hdr.msg_iov = UFW_UNMAPPED_PTR;
	CHECK_EQ(sendmmsg(s, mo, 3, 0), 1);
	mo[0].msg_hdr.msg_iov = UFW_UNMAPPED_PTR;
	CHECK_ERR(sendmmsg(s, mo, 3, 0), EFAULT);
}

TEST(udp_readiness_and_options)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra), v = -1;
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	socklen_t len = sizeof(v);
	struct pollfd p = { .fd = r, .events = POLLIN | POLLOUT };

	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLOUT);
	CHECK_EQ(sendto(s, "r", 1, 0, (struct sockaddr *)&ra, sizeof(ra)), 1);
	wait_readable(r);
	/* FIONREAD-free check of the queued size: peek with MSG_TRUNC. */
	char c;
	CHECK_EQ(recv(r, &c, 1, MSG_PEEK | MSG_TRUNC), 1);
	CHECK_OK(getsockopt(r, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_DGRAM);
	CHECK_OK(getsockopt(r, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	CHECK_EQ(v, IPPROTO_UDP);
	CHECK_OK(getsockopt(r, SOL_SOCKET, SO_ERROR, &v, &len));
	CHECK_EQ(v, 0);
}

TEST(udp_bad_input)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra);
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	char buf[4];

	/* Nowhere to send: not connected and no address. */
	CHECK_ERR(send(s, "x", 1, 0), EDESTADDRREQ);
	CHECK_ERR(listen(s, 1), EOPNOTSUPP);
	CHECK_ERR(accept(s, NULL, NULL), EOPNOTSUPP);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, 3), EINVAL);
	CHECK_ERR(sendto(s, "x", 1, 0, UFW_UNMAPPED_PTR, sizeof(ra)), EFAULT);
	CHECK_ERR(sendto(s, UFW_UNMAPPED_PTR, 1, 0, (struct sockaddr *)&ra,
			 sizeof(ra)), EFAULT);
	/* Larger than any datagram. */
	static char huge[70000];
	CHECK_ERR(sendto(s, huge, sizeof(huge), 0, (struct sockaddr *)&ra,
			 sizeof(ra)), EMSGSIZE);
	struct sockaddr_in same = ra;
	int t = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_ERR(bind(t, (struct sockaddr *)&same, sizeof(same)), EADDRINUSE);
	CHECK_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

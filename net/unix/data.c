/*
 * AF_UNIX data: messages queued on the receiver and charged to the
 * sender (its SO_SNDBUF bounds what it has in flight), stream sends cut
 * into pieces and reads that glue them back, datagram and seqpacket
 * records with MSG_TRUNC, and SCM_RIGHTS/SCM_CREDENTIALS riding along.
 */
#include "af_unix.h"
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>

/* ---- messages ------------------------------------------------------------------ */

struct unix_skb *unix_skb_alloc(size_t len)
{
	struct unix_skb *skb;
	unsigned int k;

	if (len <= UNIX_SKB_INLINE) {
		skb = kzalloc(sizeof(*skb) + len, GFP_KERNEL);
		if (!skb)
			return NULL;
	} else {
		skb = kzalloc(sizeof(*skb), GFP_KERNEL);
		if (!skb)
			return NULL;
		skb->npages = (unsigned int)((len + PAGE_SIZE - 1) / PAGE_SIZE);
		skb->pages = kcalloc(skb->npages, sizeof(u8 *), GFP_KERNEL);
		if (!skb->pages)
			goto fail;
		for (k = 0; k < skb->npages; k++) {
			skb->pages[k] = get_free_pages(GFP_KERNEL, 0);
			if (!skb->pages[k])
				goto fail;
		}
	}
	skb->len = len;
	skb->truesize = len + UNIX_SKB_OVERHEAD;
	list_init(&skb->node);
	return skb;
fail:
	unix_skb_free(skb);
	return NULL;
}

void unix_skb_free(struct unix_skb *skb)
{
	unsigned int k;

	scm_destroy(&skb->scm);
	unix_put(skb->sender);
	if (skb->pages) {
		for (k = 0; k < skb->npages; k++)
			if (skb->pages[k])
				free_pages_addr(skb->pages[k], 0);
		kfree(skb->pages);
	}
	kfree(skb);
}

void unix_skb_free_list(struct list_head *list)
{
	while (!list_empty(list)) {
		struct unix_skb *skb = list_first_entry(list, struct unix_skb, node);

		list_del(&skb->node);
		unix_skb_free(skb);
	}
}

void unix_skb_unlink(struct unix_sock *u, struct unix_skb *skb,
		     struct list_head *to)
{
	list_del(&skb->node);
	u->rcvq_len--;
	u->rcvq_bytes -= skb->len - skb->off;
	if (skb->sender) {
		skb->sender->wmem -= skb->truesize;
		unix_wake(skb->sender);
	}
	list_add_tail(&skb->node, to);
	if (u->type != SOCK_STREAM)
		wake_up_all(&unix_room_wq);
}

/* Copy [off, off + n) of the data to or from @it; bytes moved. */
static size_t skb_copy(struct unix_skb *skb, size_t off, size_t n,
		       struct iov_iter *it, bool to_user)
{
	size_t done = 0;

	while (done < n) {
		size_t at = off + done, avail, got;
		u8 *p;

		if (!skb->npages) {
			p = skb->inl + at;
			avail = n - done;
		} else {
			p = skb->pages[at / PAGE_SIZE] + at % PAGE_SIZE;
			avail = MIN(n - done, (size_t)PAGE_SIZE - at % PAGE_SIZE);
		}
		got = to_user ? copy_to_iter(p, avail, it) :
				copy_from_iter(p, avail, it);
		done += got;
		if (got < avail)
			break;
	}
	return done;
}

/* Queue @skb from @u on @to (unix_mutex held). */
static void skb_queue(struct unix_sock *u, struct unix_sock *to,
		      struct unix_skb *skb)
{
	skb->sender = unix_get(u);
	u->wmem += skb->truesize;
	list_add_tail(&skb->node, &to->rcvq);
	to->rcvq_len++;
	to->rcvq_bytes += skb->len;
	unix_wake(to);
}

static bool creds_equal(const struct ucred_k *a, const struct ucred_k *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* The sender's address for recvfrom/recvmsg (length 0 when unnamed). */
static void copy_sender_addr(struct kmsghdr *m, struct unix_skb *skb)
{
	struct unix_addr *a = skb->sender ? skb->sender->addr : NULL;

	if (a && m->name) {
		memcpy(m->name, a->name, (size_t)a->len);
		m->namelen = a->len;
	}
}

/* ---- stream --------------------------------------------------------------------- */

static ssize_t unix_stream_sendmsg(struct socket *s, struct kmsghdr *m,
				   size_t len, unsigned int flags)
{
	struct unix_sock *u = s->sk, *peer;
	u64 timeo = sock_sndtimeo(s, flags & MSG_DONTWAIT);
	struct scm_cookie scm;
	size_t sent = 0;
	ssize_t err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->namelen) {
		mutex_lock(&unix_mutex);
		err = u->state == US_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
		mutex_unlock(&unix_mutex);
		return err;
	}
	err = scm_send(s, m, &scm);
	if (err)
		return err;
	mutex_lock(&unix_mutex);
	peer = u->peer;
	if (u->state != US_ESTABLISHED || !peer) {
		err = -ENOTCONN;
		goto out;
	}
	if (u->shutdown & SEND_SHUTDOWN) {
		err = -EPIPE;
		goto out;
	}
	while (sent < len) {
		struct unix_skb *skb;
		size_t chunk, got;

		if (peer->dead || (peer->shutdown & RCV_SHUTDOWN) ||
		    (u->shutdown & SEND_SHUTDOWN)) {
			err = -EPIPE;
			break;
		}
		if (u->wmem >= (size_t)u->sndbuf) {
			err = unix_wait(&s->wq, &timeo);
			if (err)
				break;
			peer = u->peer;
			if (!peer) {
				err = -EPIPE;
				break;
			}
			continue;
		}
		chunk = MIN(len - sent, (size_t)(u->sndbuf / 2 - 64));
		skb = unix_skb_alloc(chunk);
		if (!skb) {
			err = -ENOMEM;
			break;
		}
		got = skb_copy(skb, 0, chunk, &m->iter, false);
		if (!got) {
			unix_skb_free(skb);
			err = -EFAULT;
			break;
		}
		skb->len = got;
		skb->scm.creds = scm.creds;
		/* The files ride with the first piece. */
		skb->scm.fp = scm.fp;
		scm.fp = NULL;
		skb_queue(u, peer, skb);
		sent += got;
		if (got < chunk) {
			err = -EFAULT;
			break;
		}
	}
out:
	mutex_unlock(&unix_mutex);
	scm_destroy(&scm);
	return sent ? (ssize_t)sent : err;
}

static ssize_t unix_stream_recvmsg(struct socket *s, struct kmsghdr *m,
				   size_t len, unsigned int flags)
{
	struct unix_sock *u = s->sk;
	u64 timeo = sock_rcvtimeo(s, flags & MSG_DONTWAIT);
	bool peek = flags & MSG_PEEK, have_creds = false, have_name = false;
	struct scm_cookie scm;
	size_t copied = 0, target, skip = 0;
	ssize_t err = 0;
	LIST_HEAD(drop);

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	memset(&scm, 0, sizeof(scm));
	mutex_lock(&unix_mutex);
	if (u->state != US_ESTABLISHED) {
		err = -EINVAL;
		goto out;
	}
	target = flags & MSG_WAITALL ? len : MIN(len, (size_t)u->rcvlowat);
	if (!target)
		target = 1;
	while (copied < len) {
		struct unix_skb *skb = NULL, *it;
		size_t pos = 0, from, chunk, got;

		/* The first piece not yet taken (peeking: past what we saw). */
		list_for_each_entry(it, &u->rcvq, node) {
			size_t avail = it->len - it->off;

			if (!peek || pos + avail > skip) {
				skb = it;
				break;
			}
			pos += avail;
		}
		if (!skb) {
			if (copied >= target)
				break;
			if (u->err) {
				err = -u->err;
				u->err = 0;
				break;
			}
			if (u->shutdown & RCV_SHUTDOWN)
				break;
			err = unix_wait(&s->wq, &timeo);
			if (err)
				break;
			continue;
		}
		if (have_creds) {
			/* Never glue pieces from different writers. */
			if (!creds_equal(&scm.creds, &skb->scm.creds))
				break;
		} else if (sock_passcred(s)) {
			scm.creds = skb->scm.creds;
			have_creds = true;
		}
		if (!have_name) {
			copy_sender_addr(m, skb);
			have_name = true;
		}
		from = skb->off + (peek ? skip - pos : 0);
		chunk = MIN(skb->len - from, len - copied);
		got = skb_copy(skb, from, chunk, &m->iter, true);
		copied += got;
		if (!peek) {
			skb->off += got;
			u->rcvq_bytes -= got;
		} else {
			skip += got;
		}
		if (got < chunk) {
			if (!copied)
				err = -EFAULT;
			break;
		}
		if (peek) {
			if (skb->scm.fp) {
				scm.fp = scm_fp_dup(skb->scm.fp);
				break;
			}
			continue;
		}
		if (skb->scm.fp) {
			scm.fp = skb->scm.fp;
			skb->scm.fp = NULL;
		}
		if (skb->off < skb->len)
			break;
		unix_skb_unlink(u, skb, &drop);
		if (scm.fp)
			break;
	}
out:
	mutex_unlock(&unix_mutex);
	unix_skb_free_list(&drop);
	if (copied) {
		/* A short control buffer costs the control data, not the bytes. */
		scm_recv(s, m, &scm, flags);
		return (ssize_t)copied;
	}
	scm_destroy(&scm);
	return err;
}

/* ---- datagram and seqpacket ------------------------------------------------------ */

static ssize_t unix_dgram_sendmsg(struct socket *s, struct kmsghdr *m,
				  size_t len, unsigned int flags)
{
	struct unix_sock *u = s->sk, *other = NULL;
	u64 timeo = sock_sndtimeo(s, flags & MSG_DONTWAIT);
	struct unix_skb *skb = NULL;
	struct scm_cookie scm;
	struct unix_name n;
	bool seqpacket = u->type == SOCK_SEQPACKET;
	ssize_t err;

	memset(&n, 0, sizeof(n));
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (seqpacket) {
		mutex_lock(&unix_mutex);
		err = u->err ? -u->err : 0;
		u->err = 0;
		if (!err && u->state != US_ESTABLISHED)
			err = -ENOTCONN;
		mutex_unlock(&unix_mutex);
		if (err)
			return err;
		m->namelen = 0;		/* ignored, as Linux */
	}
	if (len > (size_t)READ_ONCE(u->sndbuf) - 32)
		return -EMSGSIZE;
	if (m->namelen) {
		err = unix_resolve(m->name, m->namelen, &n);
		if (err)
			return err;
	}
	err = scm_send(s, m, &scm);
	if (err)
		goto out_name;
	skb = unix_skb_alloc(len);
	err = -ENOMEM;
	if (!skb)
		goto out_scm;
	if (len && skb_copy(skb, 0, len, &m->iter, false) < len) {
		err = -EFAULT;
		goto out_scm;
	}
	skb->scm = scm;
	scm.fp = NULL;

	mutex_lock(&unix_mutex);
	if (!u->addr && sock_passcred(s)) {
		err = unix_autobind(u);
		if (err)
			goto out_unlock;
	}
	for (;;) {
		if (u->shutdown & SEND_SHUTDOWN) {
			err = -EPIPE;
			goto out_unlock;
		}
		/* Our own buffer first (Linux's sock_alloc_send_pskb). */
		if (u->wmem >= (size_t)u->sndbuf) {
			err = unix_wait(&s->wq, &timeo);
			if (err)
				goto out_unlock;
			continue;
		}
		if (n.path.dentry || n.abstract) {
			other = unix_find(&n, u->type);
			if (IS_ERR(other)) {
				err = PTR_ERR(other);
				other = NULL;
				goto out_unlock;
			}
		} else {
			other = u->peer;
			if (!other) {
				err = -ENOTCONN;
				goto out_unlock;
			}
			unix_get(other);
		}
		if (other->dead) {
			err = -ECONNREFUSED;
			if (seqpacket) {
				err = -EPIPE;
			} else if (u->peer == other) {
				/* The receiver is gone: forget it, once. */
				u->peer = NULL;
				u->state = US_CLOSE;
				s->state = SS_UNCONNECTED;
				unix_put(other);
			}
			goto out_unlock;
		}
		if (other->peer && other->peer != u) {
			err = -EPERM;
			goto out_unlock;
		}
		if (other->shutdown & RCV_SHUTDOWN) {
			err = -EPIPE;
			goto out_unlock;
		}
		if (other->peer == u || other->rcvq_len <= UNIX_DGRAM_QLEN)
			break;
		unix_put(other);
		other = NULL;
		err = unix_wait(&unix_room_wq, &timeo);
		if (err)
			goto out_unlock;
	}
	skb_queue(u, other, skb);
	skb = NULL;
	err = (ssize_t)len;
out_unlock:
	mutex_unlock(&unix_mutex);
	unix_put(other);
out_scm:
	if (skb)
		unix_skb_free(skb);
	scm_destroy(&scm);
out_name:
	unix_name_release(&n);
	return err;
}

static ssize_t unix_dgram_recvmsg(struct socket *s, struct kmsghdr *m,
				  size_t len, unsigned int flags)
{
	struct unix_sock *u = s->sk;
	u64 timeo = sock_rcvtimeo(s, flags & MSG_DONTWAIT);
	bool seqpacket = u->type == SOCK_SEQPACKET;
	struct unix_skb *skb = NULL;
	struct scm_cookie scm;
	ssize_t err = 0;
	size_t n, got;
	LIST_HEAD(drop);

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	memset(&scm, 0, sizeof(scm));
	mutex_lock(&unix_mutex);
	if (seqpacket && u->state != US_ESTABLISHED) {
		err = -ENOTCONN;
		goto out;
	}
	for (;;) {
		if (!list_empty(&u->rcvq)) {
			skb = list_first_entry(&u->rcvq, struct unix_skb, node);
			break;
		}
		if (u->err) {
			err = -u->err;
			u->err = 0;
			goto out;
		}
		if (!timeo) {
			/* EOF on a shut seqpacket socket even when not waiting */
			err = seqpacket && (u->shutdown & RCV_SHUTDOWN) ? 0 : -EAGAIN;
			goto out;
		}
		if (u->shutdown & RCV_SHUTDOWN)
			goto out;
		err = unix_wait(&s->wq, &timeo);
		if (err)
			goto out;
	}
	n = MIN(len, skb->len);
	if (skb->len > len)
		m->msg_flags |= MSG_TRUNC;
	if (seqpacket)
		m->msg_flags |= MSG_EOR;
	copy_sender_addr(m, skb);
	got = skb_copy(skb, 0, n, &m->iter, true);
	err = got < n ? -EFAULT : (flags & MSG_TRUNC ? (ssize_t)skb->len :
				    (ssize_t)n);
	if (sock_passcred(s))
		scm.creds = skb->scm.creds;
	if (flags & MSG_PEEK) {
		if (skb->scm.fp)
			scm.fp = scm_fp_dup(skb->scm.fp);
	} else {
		scm.fp = skb->scm.fp;
		skb->scm.fp = NULL;
		unix_skb_unlink(u, skb, &drop);
	}
out:
	mutex_unlock(&unix_mutex);
	unix_skb_free_list(&drop);
	if (skb && err >= 0)
		scm_recv(s, m, &scm, flags);
	else
		scm_destroy(&scm);
	return err;
}

ssize_t unix_sendmsg(struct socket *s, struct kmsghdr *m, size_t len,
		     unsigned int flags)
{
	if (((struct unix_sock *)s->sk)->type == SOCK_STREAM)
		return unix_stream_sendmsg(s, m, len, flags);
	return unix_dgram_sendmsg(s, m, len, flags);
}

ssize_t unix_recvmsg(struct socket *s, struct kmsghdr *m, size_t len,
		     unsigned int flags)
{
	if (((struct unix_sock *)s->sk)->type == SOCK_STREAM)
		return unix_stream_recvmsg(s, m, len, flags);
	return unix_dgram_recvmsg(s, m, len, flags);
}

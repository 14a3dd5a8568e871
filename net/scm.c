/*
 * SOL_SOCKET control messages: SCM_RIGHTS (file references carried in a
 * message and installed as new descriptors by the receiver) and
 * SCM_CREDENTIALS (pid/uid/gid, checked against the sender's own), as
 * Linux's net/core/scm.c parses and delivers them.
 */
#include <ferrite/socket.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>

void scm_current_creds(struct ucred_k *c)
{
	struct process *p = current_process();

	c->pid = p ? (u32)p->pid : 0;
	c->uid = p ? p->cred.uid : 0;
	c->gid = p ? p->cred.gid : 0;
}

/* Explicit credentials: the caller's own pid and one of its ids unless root. */
static int scm_check_creds(const struct ucred_k *c)
{
	struct process *p = current_process();
	const struct cred *cr;

	if (!p)
		return 0;
	cr = &p->cred;
	if (cr->euid == 0)
		return 0;	/* CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID */
	if (c->pid != (u32)p->pid)
		return -EPERM;
	if (c->uid != cr->uid && c->uid != cr->euid && c->uid != cr->suid)
		return -EPERM;
	if (c->gid != cr->gid && c->gid != cr->egid && c->gid != cr->sgid)
		return -EPERM;
	return 0;
}

static int scm_fp_add(struct scm_cookie *scm, const int *fds, int num)
{
	struct scm_fp_list *fpl = scm->fp;
	int k;

	if (num <= 0)
		return 0;
	if (num > SCM_MAX_FD)
		return -EINVAL;
	if (!fpl) {
		fpl = kzalloc(sizeof(*fpl), GFP_KERNEL);
		if (!fpl)
			return -ENOMEM;
		scm->fp = fpl;
	}
	if (fpl->count + num > SCM_MAX_FD)
		return -EINVAL;
	for (k = 0; k < num; k++) {
		/* O_PATH files travel too (Linux uses fget_raw). */
		struct file *f = fget(fds[k]);

		if (!f)
			return -EBADF;
		fpl->fp[fpl->count++] = f;
	}
	return 0;
}

/*
 * Walk the control buffer like CMSG_FIRSTHDR/CMSG_NXTHDR; a header whose
 * length runs past the buffer is -EINVAL, as Linux's CMSG_OK check.
 */
int scm_send(struct socket *s, struct kmsghdr *m, struct scm_cookie *scm)
{
	const u8 *ctl = m->control;
	size_t size = m->controllen, off = 0;
	struct cmsghdr_k h;
	int err;

	memset(scm, 0, sizeof(*scm));
	scm_current_creds(&scm->creds);
	while (ctl && off + sizeof(h) <= size) {
		size_t dlen;

		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > size - off) {
			err = -EINVAL;
			goto fail;
		}
		dlen = h.cmsg_len - sizeof(h);
		if (h.cmsg_level == SOL_SOCKET) {
			switch (h.cmsg_type) {
			case SCM_RIGHTS: {
				int fds[SCM_MAX_FD];
				size_t n = dlen / sizeof(int);

				if (n > SCM_MAX_FD) {
					err = -EINVAL;
					goto fail;
				}
				memcpy(fds, ctl + off + sizeof(h), n * sizeof(int));
				err = scm_fp_add(scm, fds, (int)n);
				if (err)
					goto fail;
				break;
			}
			case SCM_CREDENTIALS: {
				struct ucred_k c;

				if (h.cmsg_len != CMSG_LEN_K(sizeof(c))) {
					err = -EINVAL;
					goto fail;
				}
				memcpy(&c, ctl + off + sizeof(h), sizeof(c));
				err = scm_check_creds(&c);
				if (err)
					goto fail;
				scm->creds = c;
				break;
			}
			default:
				err = -EINVAL;
				goto fail;
			}
		}
		off += CMSG_ALIGN_K(h.cmsg_len);
	}
	return 0;
fail:
	scm_destroy(scm);
	return err;
}

void scm_destroy(struct scm_cookie *scm)
{
	struct scm_fp_list *fpl = scm->fp;
	int k;

	if (!fpl)
		return;
	scm->fp = NULL;
	for (k = 0; k < fpl->count; k++)
		fput(fpl->fp[k]);
	kfree(fpl);
}

struct scm_fp_list *scm_fp_dup(const struct scm_fp_list *fp)
{
	struct scm_fp_list *n = kmalloc(sizeof(*n), GFP_KERNEL);
	int k;

	if (!n)
		return NULL;
	n->count = fp->count;
	for (k = 0; k < fp->count; k++)
		n->fp[k] = get_file(fp->fp[k]);
	return n;
}

/*
 * Install as many of the files as the remaining control space has room
 * for, each number written before its descriptor goes live (so a fault
 * leaves nothing installed behind). The rest are dropped: MSG_CTRUNC.
 */
static int scm_detach_fds(struct kmsghdr *m, struct scm_fp_list *fpl,
			  unsigned int flags)
{
	size_t room = m->controlused <= m->ucontrollen ?
		      m->ucontrollen - m->controlused : 0;
	user_addr_t cm = uaddr_add(m->ucontrol, m->controlused);
	unsigned int cloexec = flags & MSG_CMSG_CLOEXEC ? O_CLOEXEC : 0;
	int fdmax = 0, i, err = 0;

	if (!uaddr_is_null(m->ucontrol) && room > sizeof(struct cmsghdr_k))
		fdmax = (int)MIN((room - sizeof(struct cmsghdr_k)) / sizeof(int),
				 (size_t)fpl->count);
	for (i = 0; i < fdmax; i++) {
		user_addr_t slot = uaddr_add(cm, sizeof(struct cmsghdr_k) +
					     (size_t)i * sizeof(int));
		int fd = fd_reserve(cloexec, 0);

		if (fd < 0) {
			err = fd;
			break;
		}
		if (put_user(fd, slot)) {
			fd_unreserve(fd);
			err = -EFAULT;
			break;
		}
		fd_install(fd, get_file(fpl->fp[i]));
	}
	if (i > 0) {
		struct cmsghdr_k h = {
			.cmsg_len = CMSG_LEN_K((size_t)i * sizeof(int)),
			.cmsg_level = SOL_SOCKET,
			.cmsg_type = SCM_RIGHTS,
		};

		if (copy_to_user(cm, &h, sizeof(h)))
			err = -EFAULT;
		else
			m->controlused += MIN(CMSG_SPACE_K((size_t)i * sizeof(int)),
					      room);
	}
	if (i < fpl->count)
		m->msg_flags |= MSG_CTRUNC;
	/* Linux reports a fault only when nothing could be delivered. */
	return i > 0 ? 0 : (err == -EFAULT ? err : 0);
}

int scm_recv(struct socket *s, struct kmsghdr *m, struct scm_cookie *scm,
	     unsigned int flags)
{
	int err = 0;

	if (sock_passcred(s))
		err = put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS,
			       sizeof(scm->creds), &scm->creds);
	if (!err && scm->fp)
		err = scm_detach_fds(m, scm->fp, flags);
	else if (scm->fp)
		m->msg_flags |= MSG_CTRUNC;
	scm_destroy(scm);
	return err;
}

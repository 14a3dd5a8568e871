/*
 * User and group ids: the get/set uid/gid family, setfsuid/setfsgid and
 * the supplementary groups, with Linux's permission rules. "Privileged"
 * means euid 0 (CAP_SETUID/CAP_SETGID); everyone starts as root, but the
 * ids are stored and the rules apply once a program drops them.
 */
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/syscall.h>

#define ID_KEEP		((u32)-1)

static struct cred *cred(void)
{
	return &current_process()->cred;
}

static bool privileged(void)
{
	return cred()->euid == 0;
}

SYSCALL_DEFINE0(getuid) { return cred()->uid; }
SYSCALL_DEFINE0(geteuid) { return cred()->euid; }
SYSCALL_DEFINE0(getgid) { return cred()->gid; }
SYSCALL_DEFINE0(getegid) { return cred()->egid; }

/* Is @id one of the three the caller may switch among unprivileged? */
static bool one_of(u32 id, u32 a, u32 b, u32 c)
{
	return id == a || id == b || id == c;
}

SYSCALL_DEFINE1(setuid, u32, uid)
{
	struct cred *c = cred();

	if (uid == ID_KEEP)
		return -EINVAL;
	if (privileged()) {
		c->uid = c->euid = c->suid = c->fsuid = uid;
	} else if (uid == c->uid || uid == c->suid) {
		c->euid = c->fsuid = uid;
	} else {
		return -EPERM;
	}
	return 0;
}

SYSCALL_DEFINE1(setgid, u32, gid)
{
	struct cred *c = cred();

	if (gid == ID_KEEP)
		return -EINVAL;
	if (privileged()) {
		c->gid = c->egid = c->sgid = c->fsgid = gid;
	} else if (gid == c->gid || gid == c->sgid) {
		c->egid = c->fsgid = gid;
	} else {
		return -EPERM;
	}
	return 0;
}

/* setreuid/setregid share this: r/e/s/fs point at uid or gid fields. */
static long set_re(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne)
{
	bool priv = privileged();
	u32 old_r = *r;

	if (nr != ID_KEEP && !priv && nr != *r && nr != *e)
		return -EPERM;
	if (ne != ID_KEEP && !priv && !one_of(ne, *r, *e, *s))
		return -EPERM;
	if (nr != ID_KEEP)
		*r = nr;
	if (ne != ID_KEEP)
		*e = ne;
	/* Linux: the saved id follows a new effective id in these cases. */
	if (nr != ID_KEEP || (ne != ID_KEEP && ne != old_r))
		*s = *e;
	*fs = *e;
	return 0;
}

SYSCALL_DEFINE2(setreuid, u32, ruid, u32, euid)
{
	struct cred *c = cred();

	return set_re(&c->uid, &c->euid, &c->suid, &c->fsuid, ruid, euid);
}

SYSCALL_DEFINE2(setregid, u32, rgid, u32, egid)
{
	struct cred *c = cred();

	return set_re(&c->gid, &c->egid, &c->sgid, &c->fsgid, rgid, egid);
}

static long set_res(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne, u32 ns)
{
	if (!privileged()) {
		if (nr != ID_KEEP && !one_of(nr, *r, *e, *s))
			return -EPERM;
		if (ne != ID_KEEP && !one_of(ne, *r, *e, *s))
			return -EPERM;
		if (ns != ID_KEEP && !one_of(ns, *r, *e, *s))
			return -EPERM;
	}
	if (nr != ID_KEEP)
		*r = nr;
	if (ne != ID_KEEP)
		*e = ne;
	if (ns != ID_KEEP)
		*s = ns;
	*fs = *e;
	return 0;
}

SYSCALL_DEFINE3(setresuid, u32, ruid, u32, euid, u32, suid)
{
	struct cred *c = cred();

	return set_res(&c->uid, &c->euid, &c->suid, &c->fsuid, ruid, euid, suid);
}

SYSCALL_DEFINE3(setresgid, u32, rgid, u32, egid, u32, sgid)
{
	struct cred *c = cred();

	return set_res(&c->gid, &c->egid, &c->sgid, &c->fsgid, rgid, egid, sgid);
}

static long get_res(u32 r, u32 e, u32 s, user_addr_t ur, user_addr_t ue,
		    user_addr_t us)
{
	if (put_user(r, ur) || put_user(e, ue) || put_user(s, us))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, user_addr_t, r, user_addr_t, e, user_addr_t, s)
{
	struct cred *c = cred();

	return get_res(c->uid, c->euid, c->suid, r, e, s);
}

SYSCALL_DEFINE3(getresgid, user_addr_t, r, user_addr_t, e, user_addr_t, s)
{
	struct cred *c = cred();

	return get_res(c->gid, c->egid, c->sgid, r, e, s);
}

/* Always returns the old fs id; changes it only when allowed. */
static long set_fs(u32 *fs, u32 r, u32 e, u32 s, u32 n)
{
	u32 old = *fs;

	if (n != ID_KEEP && (privileged() || one_of(n, r, e, s) || n == old))
		*fs = n;
	return old;
}

SYSCALL_DEFINE1(setfsuid, u32, uid)
{
	struct cred *c = cred();

	return set_fs(&c->fsuid, c->uid, c->euid, c->suid, uid);
}

SYSCALL_DEFINE1(setfsgid, u32, gid)
{
	struct cred *c = cred();

	return set_fs(&c->fsgid, c->gid, c->egid, c->sgid, gid);
}

SYSCALL_DEFINE2(getgroups, int, size, user_addr_t, list)
{
	struct cred *c = cred();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}

/* Linux keeps the groups sorted (getgroups shows it): a shell sort. */
static void groups_sort(u32 *g, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++) {
			u32 t = g[i];
			int j = i;

			for (; j >= gap && g[j - gap] > t; j -= gap)
				g[j] = g[j - gap];
			g[j] = t;
		}
}

SYSCALL_DEFINE2(setgroups, int, size, user_addr_t, list)
{
	struct cred *c = cred();
	u32 *g = NULL;

	if (!privileged())
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size) {
		g = kcalloc((size_t)size, sizeof(u32), GFP_KERNEL);
		if (!g)
			return -ENOMEM;
		if (copy_from_user(g, list, (size_t)size * sizeof(u32))) {
			kfree(g);
			return -EFAULT;
		}
		groups_sort(g, size);
	}
	kfree(c->groups);
	c->groups = g;
	c->ngroups = (u32)size;
	return 0;
}

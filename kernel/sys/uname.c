/*
 * uname, sethostname, setdomainname. We call ourselves "Linux" with a
 * 6.1-series release, because glibc and BusyBox check the kernel version;
 * the "-ferrite" suffix tells the truth. The host and domain names start
 * as "(none)" like Linux's and are guarded by uts_lock.
 */
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>

#define UTS_LEN	65

struct new_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};
_Static_assert(sizeof(struct new_utsname) == 390, "struct utsname layout");

static DEFINE_SPINLOCK(uts_lock);
static char hostname[UTS_LEN] = "(none)";	/* [uts_lock] */
static char domainname[UTS_LEN] = "(none)";	/* [uts_lock] */

SYSCALL_DEFINE1(uname, user_addr_t, buf)
{
	struct new_utsname u = {
		.sysname = "Linux",
		.release = "6.1.0-ferrite",
		.version = "#1 SMP PREEMPT Ferrite",
		.machine = "x86_64",
	};
	unsigned long irq = spin_lock_irqsave(&uts_lock);

	memcpy(u.nodename, hostname, UTS_LEN);
	memcpy(u.domainname, domainname, UTS_LEN);
	spin_unlock_irqrestore(&uts_lock, irq);
	return copy_to_user(buf, &u, sizeof(u));
}

static long set_name(char *dst, user_addr_t name, int len)
{
	char tmp[UTS_LEN];
	unsigned long irq;

	/* Root only, which everyone is today: EPERM once euid != 0. */
	if (current_process()->cred.euid != 0)
		return -EPERM;
	if (len < 0 || len > UTS_LEN - 1)
		return -EINVAL;
	if (copy_from_user(tmp, name, (size_t)len))
		return -EFAULT;
	irq = spin_lock_irqsave(&uts_lock);
	memcpy(dst, tmp, (size_t)len);
	memset(dst + len, 0, UTS_LEN - (size_t)len);
	spin_unlock_irqrestore(&uts_lock, irq);
	return 0;
}

SYSCALL_DEFINE2(sethostname, user_addr_t, name, int, len)
{
	return set_name(hostname, name, len);
}

SYSCALL_DEFINE2(setdomainname, user_addr_t, name, int, len)
{
	return set_name(domainname, name, len);
}

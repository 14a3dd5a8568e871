/*
 * rseq: register or unregister a restartable-sequences area with Linux's
 * checks (length, alignment, signature, EBUSY for a second registration).
 * With one CPU that never changes, cpu_id_start and cpu_id are written 0
 * once at registration and nothing ever has to be restarted... until
 * preemption inside a critical section matters (a later issue).
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

#define RSEQ_FLAG_UNREGISTER	1
#define RSEQ_ORIG_SIZE		32
#define RSEQ_ALIGN		32
#define RSEQ_CPU_ID_UNINIT	((u32)-1)

SYSCALL_DEFINE4(rseq, user_addr_t, area, u32, len, int, flags, u32, sig)
{
	struct task *t = current();
	u32 ids[2] = { 0, 0 };	/* cpu_id_start, cpu_id */

	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags & ~RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		if (t->rseq_area != area.addr || t->rseq_len != len)
			return -EINVAL;
		if (t->rseq_sig != sig)
			return -EPERM;
		ids[1] = RSEQ_CPU_ID_UNINIT;
		if (copy_to_user(area, ids, sizeof(ids)))
			return -EFAULT;
		t->rseq_area = 0;
		t->rseq_len = 0;
		t->rseq_sig = 0;
		return 0;
	}
	if (flags)
		return -EINVAL;
	if (t->rseq_area) {
		if (t->rseq_area != area.addr || t->rseq_len != len)
			return -EINVAL;
		if (t->rseq_sig != sig)
			return -EPERM;
		return -EBUSY;
	}
	if (len < RSEQ_ORIG_SIZE || !IS_ALIGNED(area.addr, RSEQ_ALIGN))
		return -EINVAL;
	if (!uaddr_range_ok(area, len))
		return -EFAULT;
	if (copy_to_user(area, ids, sizeof(ids)))
		return -EFAULT;
	t->rseq_area = area.addr;
	t->rseq_len = len;
	t->rseq_sig = sig;
	return 0;
}

/*
 * set_robust_list/get_robust_list: the futex robust-list head is stored
 * per thread and handed back; walking it at exit arrives with futexes.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

#define ROBUST_LIST_HEAD_SIZE	24	/* struct robust_list_head, x86-64 */

SYSCALL_DEFINE2(set_robust_list, user_addr_t, head, size_t, len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current()->robust_list = head.addr;
	current()->robust_list_len = len;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, user_addr_t, head_ptr,
		user_addr_t, len_ptr)
{
	struct task *t = pid ? task_lookup(pid) : task_get(current());
	u64 head, len = ROBUST_LIST_HEAD_SIZE;

	if (!t || !t->proc) {
		if (t)
			task_put(t);
		return -ESRCH;
	}
	head = t->robust_list;
	task_put(t);
	if (put_user(len, len_ptr) || put_user(head, head_ptr))
		return -EFAULT;
	return 0;
}

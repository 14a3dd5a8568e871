/*
 * sysinfo: uptime, memory and task counts in Linux's struct sysinfo
 * (mem_unit 1: byte counts). No swap, no load average yet (zeros).
 */
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

struct linux_sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char _f[4];
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo layout");

SYSCALL_DEFINE1(sysinfo, user_addr_t, buf)
{
	struct linux_sysinfo si;
	u64 now = arch_clock_ns();
	unsigned int tasks = nr_tasks();

	memset(&si, 0, sizeof(si));
	/* Linux rounds a partial second up. */
	si.uptime = (s64)(now / NSEC_PER_SEC + (now % NSEC_PER_SEC ? 1 : 0));
	si.totalram = nr_total_pages() * PAGE_SIZE;
	si.freeram = nr_free_pages() * PAGE_SIZE;
	si.procs = tasks > 0xffff ? 0xffff : (u16)tasks;
	si.mem_unit = 1;
	return copy_to_user(buf, &si, sizeof(si));
}

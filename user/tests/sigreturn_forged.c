/*
 * rt_sigreturn with a forged frame must not raise privilege: a kernel
 * code segment, IOPL bits in RFLAGS, a non-canonical rip or a garbage
 * FPU image either kill the process with SIGSEGV or are sanitized (the
 * code then runs with CS 0x33 and cannot execute cli). The kernel, and
 * this test's parent, live on.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "ufw.h"

/* Exit codes of the child. */
#define DIED_SEGV	42	/* SIGSEGV handler ran: refused, fine */
#define BAD_CS		3	/* landed with a non-user CS */
#define BAD_IOPL	4	/* landed with IOPL bits */
#define CLI_WORKED	5	/* privileged instruction ran */

static void on_segv(int sig)
{
	_exit(DIED_SEGV);
}

/* Where a sanitized frame returns: check the privilege we hold. */
static void landing(void)
{
	unsigned long cs, flags;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	if (cs != 0x33)
		_exit(BAD_CS);
	if (flags & 0x3000)
		_exit(BAD_IOPL);
	__asm__ volatile("cli");	/* must fault: SIGSEGV, exit 42 */
	_exit(CLI_WORKED);
}

static char landing_stack[16384] __attribute__((aligned(16)));
static uint8_t fpimage[4096] __attribute__((aligned(64)));

enum forge { FORGE_KERNEL_CS, FORGE_IOPL, FORGE_NONCANONICAL, FORGE_FPU_MXCSR,
	     FORGE_FPU_XHEADER };

static int forged(void *arg)
{
	enum forge how = (enum forge)(intptr_t)arg;
	static ucontext_t uc;
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_ONSTACK };
	greg_t *g = uc.uc_mcontext.gregs;

	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	memset(&uc, 0, sizeof(uc));
	g[REG_RIP] = (greg_t)(uintptr_t)landing;
	g[REG_RSP] = (greg_t)(uintptr_t)(landing_stack + sizeof(landing_stack) - 8);
	g[REG_EFL] = 0x202;
	g[REG_CSGSFS] = 0x33 | (0x2bULL << 48);
	uc.uc_mcontext.fpregs = NULL;
	switch (how) {
	case FORGE_KERNEL_CS:
		g[REG_CSGSFS] = 0x10 | (0x18ULL << 48);
		break;
	case FORGE_IOPL:
		g[REG_EFL] = 0x3202 | 0x4000 | 0x20000;	/* IOPL 3, NT, VM */
		break;
	case FORGE_NONCANONICAL:
		g[REG_RIP] = (greg_t)0x8000000000001000ULL;
		break;
	case FORGE_FPU_MXCSR:
		memset(fpimage, 0xff, sizeof(fpimage));
		uc.uc_mcontext.fpregs = (void *)fpimage;
		break;
	case FORGE_FPU_XHEADER:
		memset(fpimage, 0, sizeof(fpimage));
		fpimage[24] = 0x80;	/* MXCSR 0x1f80 */
		fpimage[25] = 0x1f;
		/* Linux's XSAVE magic, then a header with every feature bit. */
		*(uint32_t *)(fpimage + 464) = 0x46505853;
		memset(fpimage + 512, 0xff, 64);
		uc.uc_mcontext.fpregs = (void *)fpimage;
		break;
	}
	/* rt_sigreturn reads the ucontext at rsp (the frame's pretcode was popped). */
	__asm__ volatile("mov %0, %%rsp\n mov %1, %%eax\n syscall"
			 : : "r"(&uc), "i"(SYS_rt_sigreturn) : "memory");
	return 1;
}

static void expect_no_privilege(enum forge how)
{
	int st = ufw_run_child(forged, (void *)(intptr_t)how);

	if (WIFSIGNALED(st)) {
		CHECK_EQ(WTERMSIG(st), SIGSEGV);
		return;
	}
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), DIED_SEGV);
}

TEST(forged_frame_with_kernel_cs_gains_nothing)
{
	expect_no_privilege(FORGE_KERNEL_CS);
}

TEST(forged_frame_with_iopl_gains_nothing)
{
	expect_no_privilege(FORGE_IOPL);
}

TEST(forged_frame_with_noncanonical_rip_is_sigsegv)
{
	expect_no_privilege(FORGE_NONCANONICAL);
}

TEST(forged_frame_with_bad_mxcsr_is_sigsegv)
{
	expect_no_privilege(FORGE_FPU_MXCSR);
}

TEST(forged_frame_with_bad_xsave_header_is_refused)
{
	expect_no_privilege(FORGE_FPU_XHEADER);
}

TEST(kernel_still_runs_after_forged_frames)
{
	CHECK_EQ(getppid() > 0, 1);
	CHECK_OK(kill(getpid(), 0));
}

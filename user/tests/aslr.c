/*
 * aslr: user address-space randomization as Linux does it: each exec
 * moves the stack, the mmap area, the brk start and a PIE's load address;
 * everything stays page-aligned in its usual range; personality's
 * ADDR_NO_RANDOMIZE turns it off. No address is ever printed.
 */
#include "ufw.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define USER_END	0x800000000000UL	/* 47-bit user half */
#define RUNS		3

struct layout {
	unsigned long stack, mmap, brk, end;
};

/* The end of this (static, non-PIE) program's data: the brk floor. */
extern char end[];

/*
 * Probe mode: re-executed with ASLR_PROBE set, the program writes its
 * layout to stdout (a pipe to the test) and exits before the framework
 * starts.
 */
__attribute__((constructor(101))) static void aslr_probe(void)
{
	struct layout l;
	int local;
	void *m;

	if (!getenv("ASLR_PROBE"))
		return;
	m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	l.stack = (unsigned long)&local;
	l.mmap = m == MAP_FAILED ? 0 : (unsigned long)m;
	l.brk = (unsigned long)sbrk(0);
	l.end = (unsigned long)end;
	_exit(write(1, &l, sizeof(l)) == sizeof(l) ? 0 : 1);
}

/* Runs @path (with ASLR_PROBE=1) and reads @len bytes of its stdout. */
static void run_probe(const char *path, void *out, size_t len)
{
	char *argv[] = { (char *)path, NULL };
	char *envp[] = { "ASLR_PROBE=1", NULL };
	size_t got = 0;
	int p[2], st;
	ssize_t n;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(path, argv, envp);
		_exit(99);
	}
	close(p[1]);
	while (got < len && (n = read(p[0], (char *)out + got, len - got)) > 0)
		got += n;
	close(p[0]);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	CHECK_EQ(got, len);
}

/*
 * A minimal static PIE (ET_DYN, no PT_INTERP, one PT_LOAD at 0): it
 * writes the run-time address of its entry point to stdout and exits 0.
 */
static const unsigned char pie_code[] = {
	0x48, 0x8d, 0x3d, 0xf9, 0xff, 0xff, 0xff,	/* lea -7(%rip), %rdi */
	0x57,						/* push %rdi */
	0x48, 0x89, 0xe6,				/* mov %rsp, %rsi */
	0xba, 0x08, 0x00, 0x00, 0x00,			/* mov $8, %edx */
	0xbf, 0x01, 0x00, 0x00, 0x00,			/* mov $1, %edi */
	0xb8, 0x01, 0x00, 0x00, 0x00,			/* mov $1, %eax (write) */
	0x0f, 0x05,					/* syscall */
	0xb8, 0x3c, 0x00, 0x00, 0x00,			/* mov $60, %eax (exit) */
	0x31, 0xff,					/* xor %edi, %edi */
	0x0f, 0x05,					/* syscall */
};

#define PIE_ENTRY	(64 + 56)	/* after the ELF and program headers */

static void write_pie(const char *path)
{
	unsigned char img[PIE_ENTRY + sizeof(pie_code)] = { 0 };
	unsigned long size = sizeof(img);

	memcpy(img, "\177ELF\2\1\1", 7);		/* 64-bit, LSB, v1 */
	img[16] = 3;					/* e_type ET_DYN */
	img[18] = 62;					/* e_machine x86-64 */
	img[20] = 1;					/* e_version */
	img[24] = PIE_ENTRY;				/* e_entry */
	img[32] = 64;					/* e_phoff */
	img[52] = 64;					/* e_ehsize */
	img[54] = 56;					/* e_phentsize */
	img[56] = 1;					/* e_phnum */
	/* The program header at 64: PT_LOAD, R+X, all of the file at 0. */
	img[64] = 1;
	img[68] = 5;
	memcpy(img + 64 + 32, &size, 8);		/* p_filesz */
	memcpy(img + 64 + 40, &size, 8);		/* p_memsz */
	img[64 + 48 + 1] = 0x10;			/* p_align 0x1000 */
	memcpy(img + PIE_ENTRY, pie_code, sizeof(pie_code));
	ufw_write_file(path, img, sizeof(img));
	CHECK_OK(chmod(path, 0755));
}

/* The load address of one run of the PIE at @path. */
static unsigned long pie_base(const char *path)
{
	unsigned long entry;

	run_probe(path, &entry, sizeof(entry));
	return entry - PIE_ENTRY;
}

/* 0, 1 or 2 from /proc/sys/kernel/randomize_va_space (-1: unreadable). */
static int va_space_level(void)
{
	char buf[16] = { 0 };
	int fd = open("/proc/sys/kernel/randomize_va_space", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static bool all_equal(const unsigned long *v, int n)
{
	for (int i = 1; i < n; i++)
		if (v[i] != v[0])
			return false;
	return true;
}

TEST(randomize_va_space_reads_as_a_level)
{
	int level = va_space_level();

	CHECK(level >= 0 && level <= 2);
	if (level != 2)
		ufw_note("randomize_va_space is %d here, not Linux's default 2", level);
}

TEST(each_exec_moves_stack_mmap_and_brk)
{
	unsigned long stack[RUNS], map[RUNS], brk[RUNS];
	struct layout l;
	int level = va_space_level();

	if (level < 1) {
		ufw_note("randomization is off here: nothing to check");
		return;
	}
	for (int i = 0; i < RUNS; i++) {
		run_probe(ufw_sibling("aslr"), &l, sizeof(l));
		stack[i] = l.stack;
		map[i] = l.mmap;
		brk[i] = l.brk;
	}
	/* Three equal draws of 22, 28 or 18 random bits: never in practice. */
	CHECK(!all_equal(stack, RUNS));
	CHECK(!all_equal(map, RUNS));
	if (level >= 2)
		CHECK(!all_equal(brk, RUNS));
}

TEST(layout_is_page_aligned_and_in_range)
{
	struct layout l;

	run_probe(ufw_sibling("aslr"), &l, sizeof(l));
	/* The stack: near the top, at most 16 GiB of randomization below it. */
	CHECK(l.stack < USER_END && l.stack > USER_END - (32UL << 30));
	/* The mmap area: below the stack, at most about 1 TiB lower. */
	CHECK(l.mmap != 0 && l.mmap % PAGE == 0);
	CHECK(l.mmap < l.stack && l.mmap > USER_END - (2UL << 40));
	/* The brk start: page-aligned, past the data, within 1 GiB of it. */
	CHECK(l.brk % PAGE == 0);
	CHECK(l.brk >= l.end && l.brk - l.end <= (1UL << 30) + PAGE);
}

TEST(each_exec_moves_a_pie)
{
	unsigned long base[RUNS];

	write_pie("pie");
	for (int i = 0; i < RUNS; i++) {
		base[i] = pie_base("./pie");
		CHECK(base[i] % PAGE == 0);
		CHECK(base[i] >= 0x10000 && base[i] < USER_END);
	}
	if (va_space_level() >= 1)
		CHECK(!all_equal(base, RUNS));
}

/* personality(ADDR_NO_RANDOMIZE) in the child, then the runs. */
static int norandom_child(void *arg)
{
	struct layout a, b;
	unsigned long pa, pb;

	if (personality(ADDR_NO_RANDOMIZE) == -1)
		return 10;
	run_probe(ufw_sibling("aslr"), &a, sizeof(a));
	run_probe(ufw_sibling("aslr"), &b, sizeof(b));
	pa = pie_base("./pie");
	pb = pie_base("./pie");
	return (a.stack == b.stack ? 0 : 1) | (a.mmap == b.mmap ? 0 : 2) |
	       (a.brk == b.brk ? 0 : 4) | (pa == pb ? 0 : 8);
}

TEST(addr_no_randomize_gives_equal_layouts)
{
	int st;

	CHECK_EQ(personality(0xffffffff), 0);	/* PER_LINUX, nothing set */
	write_pie("pie");
	st = ufw_run_child(norandom_child, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

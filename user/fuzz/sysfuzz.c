/*
 * sysfuzz: a syscall fuzzer for the guest (issue 6). A parent forks children
 * that make random syscalls with random and edge-case arguments; every call
 * is derived from (seed, call index) alone, so any call reproduces.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN	16
#define PROGRESS_FD	1023	/* far from the small fds the calls pick */
#define TRACE_FD	1022
#define STUCK_SECS	10	/* no progress this long: SIGKILL the child */
#define HANG_SECS	20	/* still alive this long after SIGKILL: hang */
#define NR_MAX		460

/* Settings, from /proc/cmdline (sysfuzz.iter= ...) then argv (-n -s -c -t -b). */
static uint64_t opt_iter = 20000, opt_seed = 1, opt_start;
static int opt_children = 4, opt_trace;

/* Mappings made by the parent before forking, so every child has them. */
static char *valid_buf;		/* 64 KiB, read-write */
static char *ro_buf;		/* 8 KiB, read-only */
static char *unmapped;		/* 64 KiB hole: mapped then unmapped */
#define VALID_LEN	(64 * 1024)
#define RO_LEN		(8 * 1024)

static const char *const paths[] = {
	"/tmp/fz", "/tmp/fz/a", "/tmp/fz/b", "/tmp/fz/dir", "/tmp/fz/lnk",
	"", "/tmp/fz/../fz/a", "/tmp/fz/nonexistent/x", ".", "..",
};
#define NPATHS	(sizeof(paths) / sizeof(paths[0]))

struct call {
	long nr;
	unsigned long a[6];
};

static uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* The generator state of call i: a splitmix of seed and index, never 0. */
static uint64_t call_state(uint64_t i)
{
	uint64_t z = opt_seed + (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static unsigned long gen_arg(uint64_t *s)
{
	uint64_t r = xs_next(s);
	uint64_t v = xs_next(s);

	switch (r % 20) {
	case 0: return 0;
	case 1: return (unsigned long)-1;
	case 2: case 3: return v % 16;			/* small ints, fds */
	case 4: return v;				/* anything */
	case 5: {					/* huge lengths */
		static const unsigned long huge[] = {
			0x7fffffffUL, 0xffffffffUL, 0x80000000UL,
			1UL << 62, (unsigned long)-4096, 0x7fffffffffffffffUL,
			0x100000000UL, 4096 * 1024UL };
		return huge[v % 8];
	}
	case 6: return 0xffffffff80000000UL + (v % 0x200000 & ~7UL);
	case 7: return 0xffff888000000000UL + (v % 0x1000000 & ~7UL);
	case 8: return (unsigned long)unmapped + v % VALID_LEN;
	case 9: return (unsigned long)ro_buf + (v & 1 ? 0 : v % RO_LEN);
	case 10: case 11:
		return (unsigned long)valid_buf + (v & 1 ? 0 : v % VALID_LEN);
	case 12: {					/* negative fds */
		static const long neg[] = { -1, -100, -2, -1000, -0x7fffffff };
		return (unsigned long)neg[v % 5];
	}
	case 13: return 1UL << (v % 64);		/* a single flag bit */
	case 14: return v & xs_next(s) & xs_next(s);	/* a few flag bits */
	case 15: return (unsigned long)paths[v % NPATHS];
	case 16: return 0x1000 + (v % 16) * 0x1000;	/* low unmapped pages */
	case 17: return 0x00007ffffffff000UL + v % 0x2000; /* canonical edge */
	case 18: return 0x0000800000000000UL + (v % 4096); /* non-canonical */
	default: return v % 4096;			/* sizes */
	}
}

static void gen_call(uint64_t i, struct call *c)
{
	uint64_t s = call_state(i);
	uint64_t r = xs_next(&s);
	static const long beyond[] = { 461, 462, 470, 500, 512, 547, 1000,
		0x40000000 + 1, 0x40000000 + 59, -1, 0x7fffffff, 1L << 32 };

	if (r % 64 == 0)
		c->nr = beyond[xs_next(&s) % 12];
	else
		c->nr = xs_next(&s) % (NR_MAX + 1);
	for (int k = 0; k < 6; k++)
		c->a[k] = gen_arg(&s);
}

/*
 * Calls that would end the run for a boring reason are skipped or their
 * target pid turned into the child's own. Returns 0 to skip.
 */
static int sanitize(struct call *c, pid_t self)
{
	switch (c->nr) {
	case SYS_exit: case SYS_exit_group: case SYS_reboot:
		return 0;
	case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo:
	case SYS_ptrace: case SYS_pidfd_open: case SYS_process_vm_writev:
	case SYS_process_vm_readv: case SYS_prlimit64:
		/* Never pid <= 0, init or the parent; ptrace's pid is arg 1. */
		c->a[c->nr == SYS_ptrace ? 1 : 0] = self;
		return 1;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		c->a[0] = self;
		return 1;
	case SYS_setpgid:			/* not into the parent's group */
		c->a[0] = 0;
		return 1;
	default:
		return 1;
	}
}

/*
 * fork, vfork and clone run through here: a new child exits at once in
 * registers, touching no stack (CLONE_VM children may share or lack one),
 * so nothing forks without bound.
 */
static long raw_call(const struct call *c)
{
	register long r10 __asm__("r10") = c->a[3];
	register long r8 __asm__("r8") = c->a[4];
	register long r9 __asm__("r9") = c->a[5];
	long ret;

	if (c->nr == SYS_fork || c->nr == SYS_vfork || c->nr == SYS_clone ||
	    c->nr == SYS_clone3) {
		__asm__ volatile("syscall\n\t"
				 "test %%rax, %%rax\n\t"
				 "jnz 1f\n\t"
				 "mov $60, %%eax\n\t"
				 "xor %%edi, %%edi\n\t"
				 "syscall\n\t"
				 "ud2\n"
				 "1:"
				 : "=a"(ret)
				 : "a"(c->nr), "D"(c->a[0]), "S"(c->a[1]),
				   "d"(c->a[2]), "r"(r10), "r"(r8), "r"(r9)
				 : "rcx", "r11", "memory");
		return ret;
	}
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(c->nr), "D"(c->a[0]), "S"(c->a[1]), "d"(c->a[2]),
			   "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long raw0(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static int fmt_call(char *buf, size_t n, uint64_t i, const struct call *c)
{
	return snprintf(buf, n, "sysfuzz: call #%llu nr %ld (%#lx, %#lx, %#lx, "
			"%#lx, %#lx, %#lx)\n", (unsigned long long)i, c->nr,
			c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

/* Fds the calls find at 3..: files, a dir, a pipe, /dev nodes, /proc. */
static void child_setup(void)
{
	int fds[2];

	mkdir("/tmp/fz", 0777);
	mkdir("/tmp/fz/dir", 0777);
	close(open("/tmp/fz/b", O_CREAT | O_WRONLY, 0644));
	symlink("a", "/tmp/fz/lnk");
	if (chdir("/tmp/fz") < 0)
		_exit(3);
	int nul = open("/dev/null", O_RDWR);
	dup2(nul, 0);
	dup2(nul, 1);
	dup2(nul, 2);
	if (nul > 2)
		close(nul);
	open("/tmp/fz/a", O_CREAT | O_RDWR, 0644);	/* 3 */
	open("/tmp/fz/dir", O_RDONLY | O_DIRECTORY);	/* 4 */
	if (pipe(fds) < 0) {}				/* 5, 6 */
	open("/dev/zero", O_RDONLY);			/* 7 */
	open("/proc/self/maps", O_RDONLY);		/* 8 */
	open("/", O_RDONLY | O_DIRECTORY);		/* 9 */
	open("/dev/null", O_WRONLY);			/* 10 */
}

static void child_run(int slot, uint64_t first, uint64_t step, uint64_t end)
{
	pid_t self = getpid();
	char line[200];
	struct call c;

	child_setup();
	for (uint64_t i = first; i < end; i += step) {
		uint32_t msg = (uint32_t)i;

		if (raw0(SYS_write, PROGRESS_FD, (long)&msg, 4) != 4)
			_exit(4);	/* lost the pipe: the parent restarts us */
		gen_call(i, &c);
		if (!sanitize(&c, self))
			continue;
		if (opt_trace) {
			int n = fmt_call(line, sizeof(line), i, &c);
			raw0(SYS_write, TRACE_FD, (long)line, n);
		}
		raw0(SYS_alarm, 1, 0, 0);	/* a blocked call ends */
		raw_call(&c);
	}
	(void)slot;
	raw0(SYS_exit_group, 0, 0, 0);
}

struct slot {
	pid_t pid;
	int rfd;
	uint64_t next;		/* first call the next child starts at */
	uint64_t cur;		/* call in progress, or UINT64_MAX */
	time_t last;		/* when progress was last seen */
	time_t killed;		/* when SIGKILL was sent, or 0 */
	int done;
};

static struct slot slots[MAX_CHILDREN];
static unsigned long restarts, stuck_kills, deaths_by_sig[65];
static uint64_t calls_done;

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void start_child(int k)
{
	struct slot *s = &slots[k];
	int p[2];

	if (s->next >= opt_iter) {
		s->done = 1;
		s->pid = 0;
		return;
	}
	if (pipe(p) < 0) {
		perror("sysfuzz: pipe");
		exit(1);
	}
	pid_t pid = fork();

	if (pid < 0) {
		perror("sysfuzz: fork");
		exit(1);
	}
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], PROGRESS_FD);
		close(p[1]);
		for (int j = 0; j < opt_children; j++)
			if (slots[j].rfd > 0)
				close(slots[j].rfd);
		if (opt_trace)
			dup2(1, TRACE_FD);
		child_run(k, s->next, opt_children, opt_iter);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	s->pid = pid;
	s->rfd = p[0];
	s->cur = UINT64_MAX;
	s->last = now();
	s->killed = 0;
}

/* Reads the calls a child has started; a bogus number is ignored. */
static void drain(struct slot *s, int k)
{
	uint32_t msg[256];
	ssize_t n;

	while ((n = read(s->rfd, msg, sizeof(msg))) > 0) {
		for (ssize_t j = 0; j < n / 4; j++) {
			uint64_t i = msg[j];

			if (i % opt_children != (uint64_t)k || i >= opt_iter ||
			    (s->cur != UINT64_MAX && i <= s->cur))
				continue;
			s->cur = i;
			calls_done++;
			if (calls_done % 1000 == 0)
				printf("sysfuzz: %llu/%llu calls, %lu children "
				       "restarted\n",
				       (unsigned long long)calls_done,
				       (unsigned long long)opt_iter, restarts);
		}
		s->last = now();
	}
}

static void reaped(int k, int status)
{
	struct slot *s = &slots[k];

	drain(s, k);
	close(s->rfd);
	s->rfd = -1;
	s->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		s->done = 1;
		return;
	}
	if (WIFSIGNALED(status))
		deaths_by_sig[WTERMSIG(status) & 63]++;
	else
		deaths_by_sig[64]++;
	s->next = s->cur == UINT64_MAX ? s->next : s->cur + opt_children;
	restarts++;
	start_child(k);
}

static void parse_opt(const char *key, const char *val)
{
	uint64_t v = strtoull(val, NULL, 0);

	if (!strcmp(key, "iter"))
		opt_iter = v;
	else if (!strcmp(key, "seed"))
		opt_seed = v;
	else if (!strcmp(key, "children"))
		opt_children = v < 1 ? 1 : v > MAX_CHILDREN ? MAX_CHILDREN : v;
	else if (!strcmp(key, "trace"))
		opt_trace = !!v;
	else if (!strcmp(key, "start"))
		opt_start = v;
}

static void read_cmdline(void)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');

		if (strncmp(tok, "sysfuzz.", 8) || !eq)
			continue;
		*eq = 0;
		parse_opt(tok + 8, eq + 1);
	}
}

static void setup_maps(void)
{
	valid_buf = mmap(NULL, VALID_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_buf = mmap(NULL, RO_LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, VALID_LEN, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (valid_buf == MAP_FAILED || ro_buf == MAP_FAILED ||
	    unmapped == MAP_FAILED) {
		perror("sysfuzz: mmap");
		exit(1);
	}
	uint64_t s = opt_seed ? opt_seed : 1;

	for (size_t i = 0; i < VALID_LEN; i += 8)
		*(uint64_t *)(valid_buf + i) = xs_next(&s);
	/* Some plausible structures: small ints and pointers into the buffer. */
	for (size_t i = 0; i < 512; i += 8)
		*(uint64_t *)(valid_buf + i) = i % 16 ? (uint64_t)valid_buf : 16;
	memset(ro_buf, 0x41, RO_LEN);
	mprotect(ro_buf, RO_LEN, PROT_READ);
	munmap(unmapped, VALID_LEN);
}

int main(int argc, char **argv)
{
	int opt;

	read_cmdline();
	while ((opt = getopt(argc, argv, "n:s:c:tb:")) != -1) {
		const char *key = opt == 'n' ? "iter" : opt == 's' ? "seed" :
			opt == 'c' ? "children" : opt == 't' ? "trace" : "start";

		parse_opt(key, opt == 't' ? "1" : optarg);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_maps();
	signal(SIGPIPE, SIG_IGN);
	printf("sysfuzz: seed %llu, %llu calls from #%llu, %d children%s\n",
	       (unsigned long long)opt_seed, (unsigned long long)opt_iter,
	       (unsigned long long)opt_start, opt_children,
	       opt_trace ? ", tracing" : "");
	calls_done = 0;
	for (int k = 0; k < opt_children; k++) {
		slots[k].rfd = -1;
		/* First call of slot k at or after the start index. */
		uint64_t b = opt_start - opt_start % opt_children + k;
		slots[k].next = b < opt_start ? b + opt_children : b;
	}
	for (int k = 0; k < opt_children; k++)
		start_child(k);

	for (;;) {
		struct pollfd pfd[MAX_CHILDREN];
		int alive = 0, status;
		pid_t pid;

		for (int k = 0; k < opt_children; k++) {
			pfd[k].fd = slots[k].pid ? slots[k].rfd : -1;
			pfd[k].events = POLLIN;
			alive += slots[k].pid != 0;
		}
		if (!alive)
			break;
		poll(pfd, opt_children, 200);
		for (int k = 0; k < opt_children; k++)
			if (slots[k].pid)
				drain(&slots[k], k);
		/* Reap our children and orphans reparented to us alike. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int k = 0; k < opt_children; k++)
				if (slots[k].pid == pid)
					reaped(k, status);
		}
		time_t t = now();

		for (int k = 0; k < opt_children; k++) {
			struct slot *s = &slots[k];
			struct call c;
			char line[200];

			if (!s->pid)
				continue;
			if (!s->killed && t - s->last >= STUCK_SECS) {
				gen_call(s->cur, &c);
				fmt_call(line, sizeof(line), s->cur, &c);
				printf("sysfuzz: child %d stuck %ds, killing; %s",
				       k, STUCK_SECS, line + 9);
				kill(s->pid, SIGKILL);
				s->killed = t;
				stuck_kills++;
			} else if (s->killed && t - s->killed >= HANG_SECS) {
				gen_call(s->cur, &c);
				fmt_call(line, sizeof(line), s->cur, &c);
				printf("sysfuzz: HANG: child %d (pid %d) survives "
				       "SIGKILL in %s", k, s->pid, line + 9);
				s->killed = t;	/* say it again later */
			}
		}
	}
	printf("sysfuzz: deaths by signal:");
	for (int sig = 1; sig < 65; sig++)
		if (deaths_by_sig[sig])
			printf(" %s%d:%lu", sig == 64 ? "exit" : "sig",
			       sig == 64 ? 1 : sig, deaths_by_sig[sig]);
	printf(", %lu killed as stuck\n", stuck_kills);
	printf("sysfuzz: %llu calls, seed %llu, %lu children restarted\n",
	       (unsigned long long)calls_done, (unsigned long long)opt_seed,
	       restarts);
	return 0;
}

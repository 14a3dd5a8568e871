/*
 * ufw runner: registers the TEST()s of one binary, runs each in a forked
 * child inside a fresh temporary directory, and prints one ok/not ok line
 * per test. Output goes through single write()s so lines never interleave.
 */
#include "ufw.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UFW_MAX_TESTS 256
#define UFW_REPORTED 97	/* child exit code: "not ok" already printed */

struct ufw_test {
	const char *name;
	ufw_fn fn;
	bool root_only;
};

static struct ufw_test tests[UFW_MAX_TESTS];
static int ntests;
static const char *binary = "?";
static const char *current = "?";
static char bindir[4096];

void ufw_register(const char *name, ufw_fn fn, bool root_only)
{
	if (ntests < UFW_MAX_TESTS)
		tests[ntests++] = (struct ufw_test){ name, fn, root_only };
}

static void say(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);

	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(1, buf, n);
}

static void sayf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

void ufw_note(const char *fmt, ...)
{
	char buf[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sayf("# %s.%s: %s", binary, current, buf);
}

void ufw_fail(int line, const char *fmt, ...)
{
	char buf[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sayf("not ok - %s.%s (reason: %s, line %d)", binary, current, buf, line);
	_exit(UFW_REPORTED);
}

const char *ufw_errname(int e)
{
	static char other[32];

	switch (e) {
#define E(x) case x: return #x
	E(0); E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EIO); E(ENXIO);
	E(E2BIG); E(ENOEXEC); E(EBADF); E(ECHILD); E(EAGAIN); E(ENOMEM);
	E(EACCES); E(EFAULT); E(EBUSY); E(EEXIST); E(EXDEV); E(ENODEV);
	E(ENOTDIR); E(EISDIR); E(EINVAL); E(ENFILE); E(EMFILE); E(ENOTTY);
	E(ETXTBSY); E(EFBIG); E(ENOSPC); E(ESPIPE); E(EROFS); E(EMLINK);
	E(EPIPE); E(EDOM); E(ERANGE); E(EDEADLK); E(ENAMETOOLONG);
	E(ENOLCK); E(ENOSYS); E(ENOTEMPTY); E(ELOOP); E(EOVERFLOW);
	E(EOPNOTSUPP);
#undef E
	}
	snprintf(other, sizeof(other), "errno%d", e);
	return other;
}

const char *ufw_sibling(const char *name)
{
	static char path[4200];

	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	return path;
}

bool ufw_in_guest(void)
{
	const char *g = getenv("FERRITE_GUEST");

	return g && strcmp(g, "1") == 0;
}

void ufw_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		ufw_fail(__LINE__, "create %s: errno %s", path, ufw_errname(errno));
	if (write(fd, data, len) != (ssize_t)len)
		ufw_fail(__LINE__, "write %s: errno %s", path, ufw_errname(errno));
	close(fd);
}

int ufw_run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		ufw_fail(__LINE__, "fork: errno %s", ufw_errname(errno));
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		ufw_fail(__LINE__, "waitpid: errno %s", ufw_errname(errno));
	return status;
}

/* rm -rf, bounded by the depth the tests create. */
static void remove_tree(int dirfd, const char *name, int depth)
{
	int fd;
	DIR *d;
	struct dirent *de;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT || depth > 32)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return;
	fchmod(fd, 0755);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_tree(fd, de->d_name, depth + 1);
	}
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static void set_bindir(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	char cwd[2048];

	binary = slash ? slash + 1 : argv0;
	if (!slash) {
		/* Found through PATH: ask the kernel where we are. */
		ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);

		bindir[n > 0 ? n : 0] = 0;
		char *s = strrchr(bindir, '/');
		if (s)
			*s = 0;
		return;
	}
	if (argv0[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(bindir, sizeof(bindir), "%.*s", (int)(slash - argv0), argv0);
	else
		snprintf(bindir, sizeof(bindir), "%s/%.*s", cwd,
			 (int)(slash - argv0), argv0);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* Runs one test in a child; returns true when it passed. */

/*
 * A hung test must fail, not hang the suite: the parent polls for the
 * child's exit and kills it (and its process group, if it made one)
 * after UFW_TEST_TIMEOUT seconds. Polling keeps alarm() free for tests.
 */
#define UFW_TEST_TIMEOUT 60

static bool wait_test(pid_t pid, int *status)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	long waited_ms = 0;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;	/* nothing to wait for: report what we have */
		if (waited_ms >= UFW_TEST_TIMEOUT * 1000L)
			break;
		nanosleep(&tick, NULL);
		waited_ms += 10;
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return false;
}

static bool run_one(struct ufw_test *t, const char *tmp, int idx)
{
	char dir[512];
	int status;
	pid_t pid;

	current = t->name;
	if (t->root_only && geteuid() != 0) {
		sayf("ok - %s.%s # SKIP needs root", binary, t->name);
		return true;
	}
	snprintf(dir, sizeof(dir), "%s/ufw.%s.%d.%d", tmp, binary,
		 (int)getpid(), idx);
	remove_tree(AT_FDCWD, dir, 0);
	if (mkdir(dir, 0755) < 0) {
		sayf("not ok - %s.%s (reason: mkdir %s: errno %s)", binary,
		     t->name, dir, ufw_errname(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		sayf("not ok - %s.%s (reason: fork: errno %s)", binary, t->name,
		     ufw_errname(errno));
		return false;
	}
	if (pid == 0) {
		if (chdir(dir) < 0)
			ufw_fail(__LINE__, "chdir %s: errno %s", dir,
				 ufw_errname(errno));
		umask(022);
		t->fn();
		_exit(0);
	}
	if (!wait_test(pid, &status)) {
		remove_tree(AT_FDCWD, dir, 0);
		sayf("not ok - %s.%s (reason: timed out after %d s, killed)",
		     binary, t->name, UFW_TEST_TIMEOUT);
		return false;
	}
	remove_tree(AT_FDCWD, dir, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sayf("ok - %s.%s", binary, t->name);
		return true;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == UFW_REPORTED)
		return false;
	if (WIFSIGNALED(status))
		sayf("not ok - %s.%s (reason: test killed by signal %d)",
		     binary, t->name, WTERMSIG(status));
	else
		sayf("not ok - %s.%s (reason: test exited with status %d)",
		     binary, t->name, WEXITSTATUS(status));
	return false;
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("UFW_TMPDIR");
	int pass = 0, fail = 0;

	set_bindir(argv[0]);
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (int i = 0; i < ntests; i++)
			sayf("%s.%s", binary, tests[i].name);
		return 0;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	for (int i = 0; i < ntests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		if (run_one(&tests[i], tmp, i))
			pass++;
		else
			fail++;
	}
	current = "summary";
	sayf("# %s: %d passed, %d failed", binary, pass, fail);
	return fail ? 1 : 0;
}

/*
 * elf: executes every file of the malformed-ELF corpus (../elf-corpus next
 * to this binary, see tests/elf-corpus/gen.py) and checks each outcome is
 * one the MANIFEST allows; the runner also compares outcomes with the host.
 */
#include "ufw.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* "ENOEXEC" when execve failed, else "exit<N>" / "sig<N>" of the child. */
static const char *outcome(const char *path)
{
	static char buf[32];
	int p[2], st, err = 0;
	char *args[] = { "corpus", NULL };
	char *envp[] = { NULL };
	pid_t pid;

	CHECK_OK(pipe2(p, O_CLOEXEC));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		execve(path, args, envp);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (err)
		return ufw_errname(err);
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "sig%d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit%d", WEXITSTATUS(st));
	return buf;
}

static bool allowed(const char *what, char *list)
{
	for (char *t = strtok(list, ","); t; t = strtok(NULL, ","))
		if (strcmp(t, what) == 0)
			return true;
	return false;
}

TEST(malformed_elfs_rejected_cleanly)
{
	char dir[4200], path[4400], line[512];
	FILE *m;
	int n = 0, bad = 0;
	char first_bad[256] = "";

	snprintf(dir, sizeof(dir), "%s/../elf-corpus", ufw_sibling(""));
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	m = fopen(path, "r");
	if (!m)
		ufw_fail(__LINE__, "cannot open %s: errno %s", path,
			 ufw_errname(errno));
	while (fgets(line, sizeof(line), m)) {
		char name[128], list[256];
		const char *got;

		if (sscanf(line, "%127s %255s", name, list) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/%s.elf", dir, name);
		got = outcome(path);
		ufw_note("%s -> %s", name, got);
		n++;
		if (!allowed(got, list) && !bad++)
			snprintf(first_bad, sizeof(first_bad), "%s gave %s",
				 name, got);
	}
	fclose(m);
	CHECK(n >= 20);
	if (bad)
		ufw_fail(__LINE__, "%d files with unexpected outcomes, first: %s",
			 bad, first_bad);
}

TEST(system_still_runs_programs_after_corpus)
{
	char *args[] = { "helper", "exit", "3", NULL };
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		execv(ufw_sibling("helper"), args);
		_exit(99);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(WEXITSTATUS(st), 3);
}

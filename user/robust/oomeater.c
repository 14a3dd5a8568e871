/*
 * oomeater: eats memory until the OOM killer kills it (issue 6, the
 * robust suite). Maps anonymous memory 1 MiB at a time and writes every
 * page; with -f N it first forks N children that eat and reports how each
 * ended, then eats itself. With -s N it eats N MiB, creates the file
 * /tmp/oomeater.ready and sleeps in pause(): a big victim that is asleep.
 * It never exits normally unless something fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK		(1UL << 20)
/* Far above any guest the suite boots: reaching it means no OOM kill. */
#define LIMIT_MIB	(64UL * 1024)

/*
 * Touch memory until killed, or @limit MiB; returns only when mmap keeps
 * failing or the limit is reached.
 */
static int eat(const char *who, unsigned long limit)
{
	unsigned long mib = 0, fails = 0;

	while (mib < limit) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			/* Address space is not memory: this should not fail. */
			if (++fails > 100) {
				fprintf(stderr, "%s: mmap: %s\n", who, strerror(errno));
				return 3;
			}
			usleep(10000);
			continue;
		}
		for (unsigned long off = 0; off < CHUNK; off += 4096)
			p[off] = (char)(off >> 12 | 1);
		mib++;
		if (mib % 16 == 0)
			fprintf(stderr, "%s: %lu MiB\n", who, mib);
	}
	return 2;
}

/* Eat @mib MiB, say so, then sleep until a signal ends the process. */
static int eat_and_sleep(unsigned long mib)
{
	int fd;

	if (eat("oomeater-sleeper", mib) != 2)
		return 3;
	fd = open("/tmp/oomeater.ready", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("oomeater: /tmp/oomeater.ready");
		return 1;
	}
	close(fd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int nchild = 0;

	if (argc == 3 && strcmp(argv[1], "-f") == 0)
		nchild = atoi(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return eat_and_sleep(strtoul(argv[2], NULL, 10));
	else if (argc != 1) {
		fprintf(stderr, "usage: oomeater [-f CHILDREN | -s MIB]\n");
		return 1;
	}
	for (int i = 0; i < nchild; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("oomeater: fork");
			return 1;
		}
		if (pid == 0)
			return eat("oomeater-child", LIMIT_MIB);
	}
	for (int i = 0; i < nchild; i++) {
		int st;
		pid_t pid = wait(&st);

		if (pid < 0) {
			perror("oomeater: wait");
			return 1;
		}
		if (WIFSIGNALED(st))
			printf("oomeater: child %d killed by signal %d\n",
			       (int)pid, WTERMSIG(st));
		else
			printf("oomeater: child %d exited with %d\n", (int)pid,
			       WEXITSTATUS(st));
		fflush(stdout);
	}
	if (eat("oomeater", LIMIT_MIB) == 2)
		fprintf(stderr, "oomeater: ate %lu MiB and was never killed\n",
			LIMIT_MIB);
	return 2;
}

/*
 * helper: a tiny static program the behaviour tests execve(). Its first
 * argument picks what it does; the exit code or its output is the answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "true";

	if (strcmp(mode, "true") == 0)
		return 0;
	if (strcmp(mode, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	/* Exit 0 when fd argv[2] is closed (close-on-exec worked), 1 if open. */
	if (strcmp(mode, "fdclosed") == 0 && argc > 2)
		return fcntl(atoi(argv[2]), F_GETFD) == -1 && errno == EBADF ? 0 : 1;
	if (strcmp(mode, "fdopen") == 0 && argc > 2)
		return fcntl(atoi(argv[2]), F_GETFD) >= 0 ? 0 : 1;
	if (strcmp(mode, "echo") == 0) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d]=%s\n", i, argv[i]);
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "UFW_", 4) == 0)
				printf("env=%s\n", *e);
		return 0;
	}
	if (strcmp(mode, "auxv") == 0) {
		const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
		int nonzero = 0;

		for (int i = 0; rnd && i < 16; i++)
			nonzero |= rnd[i];
		printf("pagesz=%lu random=%s entry=%s phdr=%s uid=%lu\n",
		       getauxval(AT_PAGESZ), rnd && nonzero ? "yes" : "no",
		       getauxval(AT_ENTRY) ? "yes" : "no",
		       getauxval(AT_PHDR) ? "yes" : "no", getauxval(AT_UID));
		return 0;
	}
	if (strcmp(mode, "ppid") == 0) {
		printf("%d\n", (int)getppid());
		return 0;
	}
	fprintf(stderr, "helper: unknown mode %s\n", mode);
	return 100;
}

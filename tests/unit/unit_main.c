/*
 * Runner for the host unit tests: runs every registered TEST in definition
 * order, prints "ok - <binary>.<test>" or "not ok - ..." with '#' detail
 * lines, a summary line, and exits 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct unit_test *unit_head, **unit_tail = &unit_head;
static unsigned int unit_failures;	/* failures in the running test */
/* Details of the running test's failures, printed after its result line. */
static char *unit_diag_buf;
static size_t unit_diag_len;
static FILE *unit_diag;

void unit_register(struct unit_test *t)
{
	t->next = NULL;
	*unit_tail = t;
	unit_tail = &t->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	unit_failures++;
	fprintf(unit_diag, "#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(unit_diag, fmt, ap);
	va_end(ap);
	fprintf(unit_diag, "\n");
}

void unit_fail_eq(const char *file, int line, const char *a_expr,
		  const char *b_expr, long long a, long long b)
{
	unit_fail(file, line, "expected %s == %s", a_expr, b_expr);
	fprintf(unit_diag, "#     left:  %lld (0x%llx)\n", a, (unsigned long long)a);
	fprintf(unit_diag, "#     right: %lld (0x%llx)\n", b, (unsigned long long)b);
}

bool unit_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void unit_fail_streq(const char *file, int line, const char *a_expr,
		     const char *b_expr, const char *a, const char *b)
{
	unit_fail(file, line, "expected %s equal to %s", a_expr, b_expr);
	fprintf(unit_diag, "#     left:  %s%s%s\n", a ? "\"" : "", a ? a : "NULL", a ? "\"" : "");
	fprintf(unit_diag, "#     right: %s%s%s\n", b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/');
	unsigned int passed = 0, failed = 0;
	struct unit_test *t;

	prog = prog ? prog + 1 : argv[0];
	/* Unbuffered so output interleaves correctly with sanitizer reports. */
	setvbuf(stdout, NULL, _IONBF, 0);
	for (t = unit_head; t; t = t->next) {
		/* An optional argument runs only tests whose name contains it. */
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		unit_failures = 0;
		unit_diag = open_memstream(&unit_diag_buf, &unit_diag_len);
		if (!unit_diag) {
			perror("open_memstream");
			return 1;
		}
		t->fn();
		fclose(unit_diag);
		if (unit_failures) {
			printf("not ok - %s.%s\n%s", prog, t->name, unit_diag_buf);
			failed++;
		} else {
			printf("ok - %s.%s\n", prog, t->name);
			passed++;
		}
		free(unit_diag_buf);
		unit_diag_buf = NULL;
	}
	printf("# %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

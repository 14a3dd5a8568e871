/*
 * libFuzzer harness for the path-walk component splitter (fs/pathname.c):
 * every component must lie inside the path, contain no '/', and each
 * step must move forward.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/errno.h>
#include "../../fs/internal.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *p, *comp, *end;
	bool slash;
	u32 len;
	int r;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + strlen(buf);
	p = buf;
	for (;;) {
		const char *before = p;

		r = path_next_component(&p, &comp, &len, &slash);
		if (p < before || p > end)
			__builtin_trap();
		if (r != 1)
			break;
		if (p == before || comp < buf || comp + len > end || !len ||
		    memchr(comp, '/', len) || slash != (*p == '/'))
			__builtin_trap();
	}
	if (r == 0 && *p)
		__builtin_trap();
	if (r < 0 && r != -ENAMETOOLONG)
		__builtin_trap();
	free(buf);
	return 0;
}

/*
 * libFuzzer harness for the kernel command-line parser (lib/cmdline.c):
 * the input becomes a NUL-terminated line; every pointer the parser
 * hands back must lie inside it.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/cmdline.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_in(const char *s, const char *buf, size_t size)
{
	if (s && (s < buf || s > buf + size || strlen(s) > size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct cmdline cl;
	char *buf = malloc(size + 1);
	u64 v;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&cl, 0xa5, sizeof(cl));	/* the parser must not rely on zeros */
	if (cmdline_parse(buf, &cl))
		__builtin_trap();
	if (cl.nr_params > CMDLINE_MAX_PARAMS ||
	    cl.nr_init_args > CMDLINE_MAX_INIT_ARGS)
		__builtin_trap();
	for (unsigned int i = 0; i < cl.nr_params; i++) {
		check_in(cl.params[i].key, buf, size);
		check_in(cl.params[i].val, buf, size);
		if (!cl.params[i].key)
			__builtin_trap();
		(void)cmdline_get_u64(&cl, cl.params[i].key, &v);
		if (!cmdline_has(&cl, cl.params[i].key))
			__builtin_trap();
	}
	for (unsigned int i = 0; i < cl.nr_init_args; i++)
		check_in(cl.init_args[i], buf, size);
	(void)cmdline_get(&cl, "console");
	free(buf);
	return 0;
}

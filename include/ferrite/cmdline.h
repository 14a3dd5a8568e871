/*
 * Kernel command line parsing (lib/cmdline.c). The line is split in place
 * into key[=value] parameters and, after a lone "--", arguments for init.
 */
#ifndef FERRITE_CMDLINE_H
#define FERRITE_CMDLINE_H

#include <ferrite/types.h>

#define CMDLINE_MAX_PARAMS	64
#define CMDLINE_MAX_INIT_ARGS	32

struct cmdline_param {
	char *key;
	char *val;	/* NULL when the parameter had no '=' */
};

/* Filled once at boot, read-only afterwards: no lock. */
struct cmdline {
	struct cmdline_param params[CMDLINE_MAX_PARAMS];
	unsigned int nr_params;
	char *init_args[CMDLINE_MAX_INIT_ARGS];	/* everything after "--" */
	unsigned int nr_init_args;
	unsigned int dropped;	/* tokens beyond either limit, ignored */
};

/*
 * Split @buf (modified in place; @cl points into it afterwards) the way
 * Linux does: whitespace separates tokens; double quotes group whitespace
 * into a token and are removed ("a b" and key="a b" both work); a quote
 * left open runs to the end of the line; a token splits into key and value
 * at its first '=' past the first byte; everything after a lone "--" goes
 * to init_args unsplit. A strange line is not an error: every input gives
 * some result and this always returns 0.
 */
int cmdline_parse(char *buf, struct cmdline *cl);

/*
 * The value of the LAST @key on the line, "" if that one had no '=', NULL
 * if @key is absent.
 */
const char *cmdline_get(const struct cmdline *cl, const char *key);
bool cmdline_has(const struct cmdline *cl, const char *key);
/* Parse @key's value with kstrtou64 base 0: 0, -ENOENT, -EINVAL, -ERANGE. */
int cmdline_get_u64(const struct cmdline *cl, const char *key, u64 *out);

#endif

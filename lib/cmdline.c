/*
 * Kernel command line tokenizer: key=value parameters, double quotes, and
 * init's arguments after "--". Works in place on the boot copy of the line
 * and never fails: overlong lines only lose the tokens past the limits.
 */
#include <ferrite/cmdline.h>
#include <ferrite/ctype.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>

static char *skip_spaces(char *p)
{
	while (*p && isspace(*p))
		p++;
	return p;
}

/*
 * Cut the token starting at @p (not a space): its quotes are removed by
 * moving the bytes down, and it is NUL-terminated in place. *eq is set to
 * its first '=' past the first byte (Linux's rule: a leading '=' belongs
 * to the key), or NULL. Returns where the next token may start.
 */
static char *cut_token(char *p, char **eq)
{
	char *r, *w = p;
	bool in_quote = false, more;

	*eq = NULL;
	for (r = p; *r; r++) {
		if (*r == '"') {
			in_quote = !in_quote;
			continue;
		}
		if (!in_quote && isspace(*r))
			break;
		if (*r == '=' && !*eq && w != p)
			*eq = w;
		*w++ = *r;
	}
	/* Look at *r before the terminator below may overwrite it (w == r). */
	more = *r != '\0';
	*w = '\0';
	return more ? r + 1 : r;
}

static void add_param(struct cmdline *cl, char *tok, char *eq)
{
	struct cmdline_param *prm;

	if (cl->nr_params == CMDLINE_MAX_PARAMS) {
		cl->dropped++;
		return;
	}
	prm = &cl->params[cl->nr_params++];
	prm->key = tok;
	prm->val = NULL;
	if (eq) {
		*eq = '\0';
		prm->val = eq + 1;
	}
}

static void add_init_arg(struct cmdline *cl, char *tok)
{
	if (cl->nr_init_args == CMDLINE_MAX_INIT_ARGS) {
		cl->dropped++;
		return;
	}
	cl->init_args[cl->nr_init_args++] = tok;
}

int cmdline_parse(char *buf, struct cmdline *cl)
{
	bool after_dashes = false;
	char *p = skip_spaces(buf), *tok, *eq;

	cl->nr_params = 0;
	cl->nr_init_args = 0;
	cl->dropped = 0;
	while (*p) {
		tok = p;
		p = skip_spaces(cut_token(p, &eq));
		if (after_dashes) {
			add_init_arg(cl, tok);
		} else if (!strcmp(tok, "--")) {
			after_dashes = true;
		} else if (*tok) {
			/* An empty token ("") names nothing: skip it. */
			add_param(cl, tok, eq);
		}
	}
	return 0;
}

static const struct cmdline_param *find_last(const struct cmdline *cl,
					     const char *key)
{
	unsigned int i = cl->nr_params;

	while (i--)
		if (!strcmp(cl->params[i].key, key))
			return &cl->params[i];
	return NULL;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const struct cmdline_param *prm = find_last(cl, key);

	if (!prm)
		return NULL;
	return prm->val ? prm->val : "";
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return find_last(cl, key) != NULL;
}

int cmdline_get_u64(const struct cmdline *cl, const char *key, u64 *out)
{
	const char *val = cmdline_get(cl, key);

	if (!val)
		return -ENOENT;
	return kstrtou64(val, 0, out);
}

/*
 * vsnprintf/snprintf with C99 semantics for integers, characters, strings
 * and pointers, plus the kernel's %pS/%ps symbolic pointers. No floating
 * point: the kernel is built without FPU/SSE registers.
 */
#include <ferrite/printk.h>
#include <ferrite/ksyms.h>
#include <ferrite/string.h>
#include <ferrite/ctype.h>

#define FL_LEFT		0x01	/* '-' */
#define FL_ZERO		0x02	/* '0' */
#define FL_PLUS		0x04	/* '+' */
#define FL_SPACE	0x08	/* ' ' */
#define FL_ALT		0x10	/* '#' */
#define FL_UPPER	0x20	/* X: upper-case digits and prefix */

/*
 * Widths and precisions are clamped here (C has no limit): a garbage
 * value must not make one printk spin for billions of padding bytes.
 */
#define WIDTH_MAX	4096

/* Output cursor: counts every byte, stores only those that fit. */
struct out {
	char *buf;
	size_t size;	/* room including the final NUL */
	size_t pos;	/* bytes produced so far (may exceed size) */
};

struct spec {
	unsigned int flags;
	int width;
	int prec;	/* -1 when not given */
};

static void out_char(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* Emit @len bytes of @s padded to the field width (spaces only). */
static void out_padded(struct out *o, const char *s, size_t len,
		       const struct spec *sp)
{
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!(sp->flags & FL_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, len);
	if (sp->flags & FL_LEFT)
		out_repeat(o, ' ', pad);
}

/*
 * One integer conversion. @neg says @v is the magnitude of a negative
 * number; @sign_ok is false for unsigned conversions, which ignore '+'/' '.
 */
static void out_number(struct out *o, u64 v, bool neg, bool sign_ok,
		       unsigned int base, const struct spec *sp)
{
	const char *digits = (sp->flags & FL_UPPER) ? "0123456789ABCDEF"
						      : "0123456789abcdef";
	char tmp[24];	/* 22 octal digits hold 64 bits */
	const char *prefix = "";
	int len = 0, zeros, pad, plen;

	/* An explicit precision of 0 prints nothing for the value 0. */
	if (!(v == 0 && sp->prec == 0)) {
		do {
			tmp[len++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (neg)
		prefix = "-";
	else if (sign_ok && (sp->flags & FL_PLUS))
		prefix = "+";
	else if (sign_ok && (sp->flags & FL_SPACE))
		prefix = " ";
	else if ((sp->flags & FL_ALT) && base == 16 && len && tmp[len - 1] != '0')
		prefix = (sp->flags & FL_UPPER) ? "0X" : "0x";
	plen = (int)strlen(prefix);

	zeros = sp->prec > len ? sp->prec - len : 0;
	/* '#' with octal: the first digit printed must be a zero. */
	if ((sp->flags & FL_ALT) && base == 8 && !zeros &&
	    (len == 0 || tmp[len - 1] != '0'))
		zeros = 1;
	pad = sp->width - plen - zeros - len;
	if (pad < 0)
		pad = 0;
	/* '0' pads with zeros after the sign, unless '-' or a precision. */
	if ((sp->flags & FL_ZERO) && !(sp->flags & FL_LEFT) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FL_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, (size_t)plen);
	out_repeat(o, '0', zeros);
	while (len)
		out_char(o, tmp[--len]);
	if (sp->flags & FL_LEFT)
		out_repeat(o, ' ', pad);
}

static void out_hex_pointer(struct out *o, uintptr_t p, struct spec *sp)
{
	sp->flags |= FL_ALT;
	sp->flags &= ~(unsigned int)(FL_PLUS | FL_SPACE);
	/* "0x0" rather than C's "(nil)": it reads as an address in a log. */
	if (!p) {
		out_padded(o, "0x0", 3, sp);
		return;
	}
	out_number(o, p, false, false, 16, sp);
}

/* %pS: "name+0x1a/0x40"; %ps: "name"; the bare address if unknown. */
static void out_symbol(struct out *o, uintptr_t p, bool with_offset,
		       struct spec *sp)
{
	char tmp[160];
	const char *name;
	uintptr_t off, size;
	int n;

	if (!ksym_lookup(p, &name, &off, &size)) {
		out_hex_pointer(o, p, sp);
		return;
	}
	if (with_offset)
		n = snprintf(tmp, sizeof(tmp), "%s+0x%lx/0x%lx", name,
			     (unsigned long)off, (unsigned long)size);
	else
		n = snprintf(tmp, sizeof(tmp), "%s", name);
	if (n >= (int)sizeof(tmp))
		n = sizeof(tmp) - 1;
	out_padded(o, tmp, (size_t)n, sp);
}

/*
 * %p and its kernel extensions. Returns how many format bytes after 'p'
 * were consumed (the extension letter, if one was recognised).
 */
static int out_pointer(struct out *o, const char *ext, void *ptr,
		       struct spec *sp)
{
	switch (*ext) {
	case 'S':
	case 's':
		out_symbol(o, (uintptr_t)ptr, *ext == 'S', sp);
		return 1;
	case 'x':	/* Linux's "raw pointer": we never hash, so as plain %p */
		out_hex_pointer(o, (uintptr_t)ptr, sp);
		return 1;
	default:
		out_hex_pointer(o, (uintptr_t)ptr, sp);
		return 0;
	}
}

static void out_string(struct out *o, const char *s, const struct spec *sp)
{
	size_t len;

	if (!s)
		s = "(null)";
	/* With a precision, @s need not be terminated: never read past it. */
	len = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	out_padded(o, s, len, sp);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
	      LEN_PTRDIFF, LEN_INTMAX };

static const char *parse_length(const char *f, enum length *len)
{
	*len = LEN_INT;
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*len = LEN_CHAR;
			return f + 2;
		}
		*len = LEN_SHORT;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*len = LEN_LLONG;
			return f + 2;
		}
		*len = LEN_LONG;
		return f + 1;
	case 'z':
		*len = LEN_SIZE;
		return f + 1;
	case 't':
		*len = LEN_PTRDIFF;
		return f + 1;
	case 'j':
		*len = LEN_INTMAX;
		return f + 1;
	default:
		return f;
	}
}

/* va_list travels by pointer so the callee's va_arg is seen by the caller. */
static s64 arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, ssize_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		return (u64)va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Flags, width and precision of one conversion; returns the next byte. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= FL_LEFT;
		else if (*f == '0')
			sp->flags |= FL_ZERO;
		else if (*f == '+')
			sp->flags |= FL_PLUS;
		else if (*f == ' ')
			sp->flags |= FL_SPACE;
		else if (*f == '#')
			sp->flags |= FL_ALT;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		/* A negative '*' width means '-' with its magnitude. */
		if (sp->width < 0) {
			sp->flags |= FL_LEFT;
			sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
		}
		if (sp->width > WIDTH_MAX)
			sp->width = WIDTH_MAX;
		f++;
	} else {
		while (isdigit(*f)) {
			sp->width = sp->width * 10 + (*f - '0');
			if (sp->width > WIDTH_MAX)
				sp->width = WIDTH_MAX;
			f++;
		}
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)	/* as if no precision was given */
				sp->prec = -1;
			if (sp->prec > WIDTH_MAX)
				sp->prec = WIDTH_MAX;
			f++;
		} else {
			while (isdigit(*f)) {
				sp->prec = sp->prec * 10 + (*f - '0');
				if (sp->prec > WIDTH_MAX)
					sp->prec = WIDTH_MAX;
				f++;
			}
		}
	}
	return f;
}

/*
 * Handle the conversion starting just after '%' at @f. Returns the first
 * byte after it. An unknown conversion is copied out literally.
 */
static const char *convert(struct out *o, const char *pct, va_list *ap)
{
	struct spec sp;
	enum length len;
	const char *f;
	s64 sv;
	char c;

	f = parse_spec(pct + 1, &sp, ap);
	f = parse_length(f, &len);
	switch (*f) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, len);
		out_number(o, sv < 0 ? 0 - (u64)sv : (u64)sv, sv < 0, true, 10,
			   &sp);
		break;
	case 'u':
		out_number(o, arg_unsigned(ap, len), false, false, 10, &sp);
		break;
	case 'X':
		sp.flags |= FL_UPPER;
		/* fall through */
	case 'x':
		out_number(o, arg_unsigned(ap, len), false, false, 16, &sp);
		break;
	case 'o':
		out_number(o, arg_unsigned(ap, len), false, false, 8, &sp);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		out_padded(o, &c, 1, &sp);
		break;
	case 's':
		out_string(o, va_arg(*ap, const char *), &sp);
		break;
	case 'p':
		f += out_pointer(o, f + 1, va_arg(*ap, void *), &sp);
		break;
	case '%':
		out_char(o, '%');
		break;
	case '\0':
		/* A '%' that ends the format: print what we saw, stop. */
		out_mem(o, pct, (size_t)(f - pct));
		return f;
	default:
		/* Unknown: echo it so the mistake is visible in the log. */
		out_mem(o, pct, (size_t)(f + 1 - pct));
		break;
	}
	return f + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	/* The int return of C cannot say more than INT_MAX. */
	return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

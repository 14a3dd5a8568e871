/*
 * execve/execveat: replace the calling process's program. The argument
 * and environment strings are copied in, #! scripts are resolved to their
 * interpreter, the ELF file is checked (lib/elf_check.c) and a complete
 * new address space is built - segments, bss, stack with argv/envp/auxv
 * (lib/exec_stack.c) - before the point of no return. Only then is the
 * old program dropped, so every failure leaves the caller as it was.
 * Static ET_EXEC and static-PIE ET_DYN load directly; a program with
 * PT_INTERP gets its dynamic linker mapped too (at ELF_INTERP_BASE), which
 * then starts first with AT_BASE/AT_ENTRY describing both, as on Linux.
 * Address-space randomization moves the stack, the mmap area (and the
 * dynamic linker with it), a PIE's load address and the brk start by
 * Linux's amounts; /proc/sys/kernel/randomize_va_space and "norandmaps".
 */
#include <ferrite/elf.h>
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/init.h>
#include <ferrite/cmdline.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>

#include <ferrite/random.h>

#define MAX_ARG_STRLEN		(32 * PAGE_SIZE)	/* Linux: 128 KiB */
#define ARG_MIN_LIMIT		(32 * PAGE_SIZE)	/* Linux's ARG_MAX floor */
#define ARG_MAX_LIMIT		(6UL << 20)		/* 3/4 of 8 MiB */
#define BINPRM_BUF_SIZE		256
#define EXEC_MAX_SCRIPTS	4			/* #! nesting */
#define EXEC_PREFIX_MAX		8192
#define ELF_DYN_BASE		0x555555554000UL
#define ELF_INTERP_BASE		0x7fffd0000000UL	/* below the mmap area */
#define STACK_TOP		USER_TOP
#define STACK_MAX		(256UL << 20)
#define MMAP_MIN_GAP		(128UL << 20)
#define USER_HZ			100

/*
 * Randomization ranges, Linux x86-64's: the stack top moves down by up
 * to 2^22 pages (STACK_RND_MASK, 16 GiB), the mmap base and a PIE's load
 * address by up to 2^28 pages (mmap_rnd_bits, 1 TiB), the brk start up by
 * up to 1 GiB (x86-64's arch_randomize_brk since Linux 6.x: 2^18 pages;
 * 32 MiB before, and still for 32-bit programs). The mmap area keeps
 * clear of the whole stack range, as Linux's mmap_base() gap does.
 */
#define STACK_RND_PAGES_BITS	22
#define MMAP_RND_PAGES_BITS	28
#define BRK_RND_RANGE		(1UL << 30)
#define STACK_RND_MAX		((1UL << STACK_RND_PAGES_BITS) * PAGE_SIZE)

/*
 * Linux's kernel.randomize_va_space: 0 off, 1 stack, mmap base, PIE
 * (and the dynamic linker), 2 also the brk start. "norandmaps" on the
 * command line starts it at 0. Read at each exec; procfs writes it.
 */
int randomize_va_space = 2;

static int aslr_init(void)
{
	if (cmdline_has(kernel_cmdline(), "norandmaps"))
		WRITE_ONCE(randomize_va_space, 0);
	return 0;
}
initcall(INITCALL_SUBSYS, aslr_init);

/* A random whole number of pages below 2^@bits pages, as a byte offset. */
static uintptr_t random_pages(unsigned int bits)
{
	return (uintptr_t)(get_random_u64() & ((1UL << bits) - 1)) << PAGE_SHIFT;
}

/* Where argv or envp come from: a user array or a kernel one. */
struct exec_src {
	bool user;
	user_addr_t uvec;		/* NULL: an empty list, as Linux */
	const char *const *kvec;	/* NULL-terminated */
};

struct exec_ctx {
	/* Strings: user argv then envp, back to back, in one buffer. */
	char *strings;
	size_t strings_size;
	bool strings_vmalloc;
	struct exec_blob uargv, envp;
	/* #! prefix (interpreter, argument, script name ...), a blob. */
	char *prefix;
	struct exec_blob pre;
	size_t limit;			/* bytes of strings + pointers allowed */

	char *filename;			/* AT_EXECFN and the comm source */
	struct file *file;
	u8 hdr[BINPRM_BUF_SIZE];
	size_t hdr_len;
	Elf64_Phdr *phdrs;
	struct elf_info info;
	u64 bias;
	/* The dynamic linker named by PT_INTERP, if any. */
	struct file *ifile;
	Elf64_Phdr *iphdrs;
	struct elf_info iinfo;
	u64 ibias;

	/* This exec's randomization (all 0 when off), chosen up front. */
	int randomize;			/* randomize_va_space at the start */
	uintptr_t stack_rnd;		/* the stack top moves down by this */
	uintptr_t mmap_rnd;		/* mmap base and dynamic linker: down */
	uintptr_t pie_rnd;		/* an ET_DYN main program: up */
	uintptr_t brk_rnd;		/* the brk start: up */

	struct mm *mm;			/* the new address space */
	struct files *files;		/* unshared fd table, if it was shared */
	uintptr_t entry;
	struct exec_stack_layout stack;
};

/* ---- strings --------------------------------------------------------- */

static int src_get(const struct exec_src *s, unsigned long i, uintptr_t *p)
{
	u64 v;

	if (!s->user) {
		*p = s->kvec ? (uintptr_t)s->kvec[i] : 0;
		return 0;
	}
	if (uaddr_is_null(s->uvec)) {
		*p = 0;
		return 0;
	}
	if (get_user(&v, uaddr_add(s->uvec, i * 8)))
		return -EFAULT;
	*p = (uintptr_t)v;
	return 0;
}

/* Length including the NUL, or -EFAULT/-E2BIG. */
static long src_strlen(const struct exec_src *s, uintptr_t p)
{
	size_t n;

	if (!s->user)
		n = strnlen((const char *)p, MAX_ARG_STRLEN) + 1;
	else if (!(n = strnlen_user(UADDR(p), MAX_ARG_STRLEN + 1)))
		return -EFAULT;
	return n > MAX_ARG_STRLEN ? -E2BIG : (long)n;
}

/* Count @s's strings and their bytes, against the remaining *budget. */
static int src_measure(const struct exec_src *s, struct exec_blob *b,
		       size_t *budget)
{
	for (unsigned long i = 0;; i++) {
		uintptr_t p;
		long n;
		int err = src_get(s, i, &p);

		if (err)
			return err;
		if (!p)
			return 0;
		n = src_strlen(s, p);
		if (n < 0)
			return (int)n;
		/* Each string costs its bytes and its pointer. */
		if ((size_t)n + 8 > *budget)
			return -E2BIG;
		*budget -= (size_t)n + 8;
		b->len += (size_t)n;
		b->count++;
	}
}

static int src_copy(const struct exec_src *s, struct exec_blob *b, char *dst)
{
	size_t off = 0;

	for (unsigned long i = 0; i < b->count; i++) {
		uintptr_t p;
		long n;
		int err = src_get(s, i, &p);

		if (err)
			return err;
		if (!p)
			return -EFAULT;		/* the array changed under us */
		n = src_strlen(s, p);
		if (n < 0)
			return (int)n;
		if ((size_t)n > b->len - off)
			return -EFAULT;
		if (!s->user)
			memcpy(dst + off, (const char *)p, (size_t)n);
		else if (strncpy_from_user(dst + off, UADDR(p), (size_t)n) != n - 1)
			return -EFAULT;
		off += (size_t)n;
	}
	return off == b->len ? 0 : -EFAULT;
}

/*
 * Linux's limit: a quarter of the stack limit, at least 128 KiB, at most
 * 6 MiB, for strings and pointers together.
 */
static size_t exec_arg_limit(void)
{
	u64 stk = current_process()->rlim[RLIMIT_STACK].rlim_cur / 4;

	return (size_t)MAX(MIN(stk, (u64)ARG_MAX_LIMIT), (u64)ARG_MIN_LIMIT);
}

static int exec_copy_strings(struct exec_ctx *x, const struct exec_src *argv,
			     const struct exec_src *envp)
{
	size_t budget = x->limit, total;
	int err;

	err = src_measure(argv, &x->uargv, &budget);
	if (!err)
		err = src_measure(envp, &x->envp, &budget);
	if (err)
		return err;
	total = x->uargv.len + x->envp.len;
	x->strings_size = total;
	if (total > 4 * PAGE_SIZE) {
		x->strings = vmalloc_guarded(ALIGN_UP(total, PAGE_SIZE));
		x->strings_vmalloc = true;
	} else if (total) {
		x->strings = kmalloc(total, GFP_KERNEL);
	}
	if (total && !x->strings)
		return -ENOMEM;
	x->uargv.data = x->strings;
	x->envp.data = x->strings + x->uargv.len;
	x->limit = budget;	/* what is left for #! prefixes */
	err = src_copy(argv, &x->uargv, x->strings);
	if (!err)
		err = src_copy(envp, &x->envp, x->strings + x->uargv.len);
	return err;
}

/* ---- #! scripts -------------------------------------------------------- */

/* Remove argv[0]: the prefix's first string, else the user's. */
static void exec_drop_argv0(struct exec_ctx *x)
{
	struct exec_blob *b = x->pre.count ? &x->pre : &x->uargv;
	size_t n;

	if (!b->count)
		return;
	n = strlen(b->data) + 1;
	if (b == &x->pre)
		memmove(x->prefix, x->prefix + n, b->len - n);
	else
		b->data += n;
	b->len -= n;
	b->count--;
}

/* Put @n strings in front of the prefix, counting against the limit. */
static int exec_prepend(struct exec_ctx *x, const char *const *s, int n)
{
	size_t need = 0, off = 0;

	for (int i = 0; i < n; i++)
		need += strlen(s[i]) + 1;
	if (need + 8 * (size_t)n > x->limit)
		return -E2BIG;
	if (need > EXEC_PREFIX_MAX - x->pre.len)
		return -E2BIG;
	memmove(x->prefix + need, x->prefix, x->pre.len);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;

		memcpy(x->prefix + off, s[i], l);
		off += l;
	}
	x->limit -= need + 8 * (size_t)n;
	x->pre.len += need;
	x->pre.count += (unsigned long)n;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parse "#!interp [arg]\n" in x->hdr into @interp/@arg (kernel buffers of
 * BINPRM_BUF_SIZE). A line longer than the buffer is -ENOEXEC.
 */
static int script_parse(struct exec_ctx *x, char *interp, char *arg)
{
	char line[BINPRM_BUF_SIZE];
	char *p, *end, *nl;
	size_t n = x->hdr_len - 2;

	memcpy(line, x->hdr + 2, n);
	nl = memchr(line, '\n', n);
	if (!nl && x->hdr_len == BINPRM_BUF_SIZE)
		return -ENOEXEC;
	end = nl ? nl : line + n;
	*end = 0;
	for (p = line; is_blank(*p); p++)
		;
	if (!*p)
		return -ENOEXEC;
	n = 0;
	while (*p && !is_blank(*p))
		interp[n++] = *p++;
	interp[n] = 0;
	while (is_blank(*p))
		p++;
	/* The rest of the line, trailing blanks cut, is one argument. */
	while (end > p && (is_blank(end[-1]) || end[-1] == 0))
		*--end = 0;
	strscpy(arg, p, BINPRM_BUF_SIZE);
	return 0;
}

/* ---- opening and reading the file -------------------------------------- */

static struct file *exec_open(int dirfd, const char *name, int flags)
{
	struct file *f;
	struct inode *i;
	int err;

	if (!name[0] && (flags & AT_EMPTY_PATH)) {
		struct file *dir = fget(dirfd);

		if (!dir)
			return ERR_PTR(-EBADF);
		f = vfs_open_path(&dir->path, O_RDONLY);
		fput(dir);
		if (!f)
			return ERR_PTR(-ENOMEM);
		if (IS_ERR(f))
			return f;
	} else {
		err = vfs_open_at(dirfd, name, O_RDONLY |
				  ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
				  0, &f);
		if (err)
			return ERR_PTR(err);
	}
	i = file_inode(f);
	err = -EACCES;
	if (!S_ISREG(i->mode) || (f->path.mnt->flags & MS_NOEXEC))
		goto out_put;
	err = inode_permission(i, MAY_EXEC);
	if (err)
		goto out_put;
	return f;
out_put:
	fput(f);
	return ERR_PTR(err);
}

static int exec_read_header(struct exec_ctx *x)
{
	u64 pos = 0;
	ssize_t n = kernel_read(x->file, x->hdr, sizeof(x->hdr), &pos);

	if (n < 0)
		return (int)n;
	x->hdr_len = (size_t)n;
	return 0;
}

/* Follow #! lines until an ELF file is open in x->file. */
static int exec_resolve_scripts(struct exec_ctx *x)
{
	char interp[BINPRM_BUF_SIZE], arg[BINPRM_BUF_SIZE];
	const char *name = x->filename;
	char *names[EXEC_MAX_SCRIPTS] = { 0 };
	int err = 0, depth;

	for (depth = 0;; depth++) {
		const char *add[3];
		int n = 0;

		err = exec_read_header(x);
		if (err || x->hdr_len < 2 || x->hdr[0] != '#' || x->hdr[1] != '!')
			break;
		if (depth == EXEC_MAX_SCRIPTS) {
			err = -ELOOP;
			break;
		}
		err = script_parse(x, interp, arg);
		if (err)
			break;
		exec_drop_argv0(x);
		add[n++] = interp;
		if (arg[0])
			add[n++] = arg;
		add[n++] = name;
		err = exec_prepend(x, add, n);
		if (err)
			break;
		/* The interpreter's name is argv for a deeper level. */
		names[depth] = kmalloc(strlen(interp) + 1, GFP_KERNEL);
		if (!names[depth]) {
			err = -ENOMEM;
			break;
		}
		strscpy(names[depth], interp, strlen(interp) + 1);
		name = names[depth];
		fput(x->file);
		x->file = exec_open(AT_FDCWD, interp, 0);
		if (IS_ERR(x->file)) {
			err = (int)PTR_ERR(x->file);
			x->file = NULL;
			break;
		}
	}
	for (int i = 0; i < EXEC_MAX_SCRIPTS; i++)
		kfree(names[i]);
	return err;
}

/* Read and check the program headers of @f into a new table. */
static int exec_read_phdrs(struct file *f, struct elf_info *info,
			   Elf64_Phdr **out)
{
	u64 size = file_inode(f)->size, pos = info->phoff;
	size_t table = info->phnum * sizeof(Elf64_Phdr);
	ssize_t n;

	*out = kmalloc(table, GFP_KERNEL);
	if (!*out)
		return -ENOMEM;
	n = kernel_read(f, *out, table, &pos);
	if (n < 0)
		return (int)n;
	if ((size_t)n != table)
		return -ENOEXEC;
	return elf_check_phdrs(*out, info->phnum, size, STACK_TOP, info);
}

/*
 * The dynamic linker: its path comes from PT_INTERP (NUL-terminated in
 * the file), it must be an ELF of its own (-ELIBBAD otherwise, as Linux),
 * and a missing one is -ENOENT. Its own PT_INTERP is ignored.
 */
static int exec_read_interp(struct exec_ctx *x)
{
	size_t len = x->info.interp_len;
	u64 pos = x->info.interp_off;
	u8 hdr[sizeof(Elf64_Ehdr)];
	char *path;
	ssize_t n;
	int err;

	path = kmalloc(len, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	n = kernel_read(x->file, path, len, &pos);
	err = n < 0 ? (int)n : -ENOEXEC;
	if (n != (ssize_t)len || path[len - 1] != '\0')
		goto out;
	x->ifile = exec_open(AT_FDCWD, path, 0);
	if (IS_ERR(x->ifile)) {
		err = (int)PTR_ERR(x->ifile);
		x->ifile = NULL;
		goto out;
	}
	pos = 0;
	n = kernel_read(x->ifile, hdr, sizeof(hdr), &pos);
	err = n < 0 ? (int)n : 0;
	if (!err && elf_check_header(hdr, (size_t)n, file_inode(x->ifile)->size,
				     &x->iinfo))
		err = -ELIBBAD;
	if (!err)
		err = exec_read_phdrs(x->ifile, &x->iinfo, &x->iphdrs);
	/* Below the mmap base, which moves with the stack range and mmap_rnd. */
	if (!err)
		err = elf_load_bias(&x->iinfo, ELF_INTERP_BASE -
				    (x->randomize ? STACK_RND_MAX : 0) - x->mmap_rnd,
				    MM_MIN_ADDR,
				    STACK_TOP - STACK_MAX - MMAP_MIN_GAP, &x->ibias);
	/* The two images must not overlap (a fixed-address interpreter could). */
	if (!err && x->iinfo.lo + x->ibias < x->info.hi + x->bias &&
	    x->info.lo + x->bias < x->iinfo.hi + x->ibias)
		err = -ENOEXEC;
out:
	kfree(path);
	return err;
}

/* Pick this exec's offsets; none unless randomize_va_space says so. */
static void exec_choose_random(struct exec_ctx *x)
{
	x->randomize = READ_ONCE(randomize_va_space);
	if (current_process()->personality & ADDR_NO_RANDOMIZE)
		x->randomize = 0;
	x->stack_rnd = x->mmap_rnd = x->pie_rnd = x->brk_rnd = 0;
	if (x->randomize <= 0)
		return;
	x->stack_rnd = random_pages(STACK_RND_PAGES_BITS);
	x->mmap_rnd = random_pages(MMAP_RND_PAGES_BITS);
	x->pie_rnd = random_pages(MMAP_RND_PAGES_BITS);
	if (x->randomize >= 2)
		x->brk_rnd = (uintptr_t)(get_random_u64() %
					 (BRK_RND_RANGE / PAGE_SIZE)) << PAGE_SHIFT;
}

static int exec_read_elf(struct exec_ctx *x)
{
	u64 size = file_inode(x->file)->size;
	int err;

	exec_choose_random(x);
	err = elf_check_header(x->hdr, x->hdr_len, size, &x->info);
	if (!err)
		err = exec_read_phdrs(x->file, &x->info, &x->phdrs);
	if (!err)
		err = elf_load_bias(&x->info, ELF_DYN_BASE + x->pie_rnd, MM_MIN_ADDR,
				    STACK_TOP - STACK_MAX - MMAP_MIN_GAP, &x->bias);
	if (!err && x->info.has_interp)
		err = exec_read_interp(x);
	return err;
}

/* ---- the new address space ------------------------------------------- */

static unsigned long seg_flags(const Elf64_Phdr *p)
{
	unsigned long f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (p->p_flags & PF_R)
		f |= VM_READ;
	if (p->p_flags & PF_W)
		f |= VM_WRITE;
	if (p->p_flags & PF_X)
		f |= VM_EXEC;
	return f;
}

/* Map one PT_LOAD: file pages (private, COW) then anonymous bss. */
static int exec_map_segment(struct exec_ctx *x, struct file *file, u64 bias,
			    struct vm_object *obj, const Elf64_Phdr *p)
{
	uintptr_t start = bias + p->p_vaddr;
	uintptr_t page = ALIGN_DOWN(start, PAGE_SIZE);
	uintptr_t file_end = start + p->p_filesz, mem_end = start + p->p_memsz;
	uintptr_t anon = ALIGN_UP(file_end, PAGE_SIZE);
	unsigned long flags = seg_flags(p);
	long r;

	if (p->p_filesz) {
		r = vm_map(x->mm, page, anon - page, flags, obj,
			   p->p_offset / PAGE_SIZE, file, true);
		if (r < 0)
			return (int)r;
	} else {
		anon = page;
	}
	if (ALIGN_UP(mem_end, PAGE_SIZE) > anon) {
		/*
		 * Linux maps a bss with brk semantics (writable, accounted),
		 * so one larger than RAM fails with ENOMEM whatever p_flags
		 * say; check it here since our bss keeps the segment's flags.
		 */
		if ((ALIGN_UP(mem_end, PAGE_SIZE) - anon) >> PAGE_SHIFT >
		    nr_total_pages())
			return -ENOMEM;
		r = vm_map(x->mm, anon, ALIGN_UP(mem_end, PAGE_SIZE) - anon,
			   flags, NULL, 0, NULL, true);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

/*
 * The bytes after p_filesz in the segment's last file page belong to the
 * bss and must read as zero (the page holds whatever follows in the file).
 */
static int exec_zero_tail(struct exec_ctx *x, u64 bias, const Elf64_Phdr *p)
{
	static const u8 zeros[256];
	uintptr_t at = bias + p->p_vaddr + p->p_filesz;
	size_t left;

	if (p->p_memsz == p->p_filesz || !p->p_filesz ||
	    !(at & (PAGE_SIZE - 1)) || !(p->p_flags & PF_W))
		return 0;
	left = PAGE_SIZE - (at & (PAGE_SIZE - 1));
	while (left) {
		size_t n = MIN(left, sizeof(zeros));
		int err = mm_copy_to(x->mm, at, zeros, n);

		if (err)
			return err;
		at += n;
		left -= n;
	}
	return 0;
}

static void exec_note_layout(struct exec_ctx *x, const Elf64_Phdr *p)
{
	uintptr_t start = x->bias + p->p_vaddr;
	struct mm *mm = x->mm;

	if (p->p_flags & PF_X) {
		if (!mm->start_code || start < mm->start_code)
			mm->start_code = start;
		mm->end_code = MAX(mm->end_code, start + p->p_filesz);
	} else if (p->p_flags & PF_W) {
		if (!mm->start_data || start < mm->start_data)
			mm->start_data = start;
		mm->end_data = MAX(mm->end_data, start + p->p_filesz);
	}
}

/* Map one ELF image's PT_LOAD segments at @bias. */
static int exec_map_elf(struct exec_ctx *x, struct file *file,
			const Elf64_Phdr *phdrs, const struct elf_info *info,
			u64 bias, bool main)
{
	struct vm_object *obj = NULL;
	int err;

	if (!file->f_op->mmap_object)
		return -EACCES;
	err = file->f_op->mmap_object(file, &obj);
	if (err)
		return err;
	mutex_lock(&x->mm->lock);
	for (u16 i = 0; i < info->phnum && !err; i++) {
		if (phdrs[i].p_type != PT_LOAD || !phdrs[i].p_memsz)
			continue;
		err = exec_map_segment(x, file, bias, obj, &phdrs[i]);
		if (!err && main)
			exec_note_layout(x, &phdrs[i]);
	}
	/* Linux: the page after the image, moved up by the brk offset. */
	if (main)
		x->mm->start_brk = x->mm->brk =
			ALIGN_UP(bias + info->hi, PAGE_SIZE) + x->brk_rnd;
	mutex_unlock(&x->mm->lock);
	vm_object_put(obj);	/* the VMAs hold their own references */
	for (u16 i = 0; i < info->phnum && !err; i++)
		if (phdrs[i].p_type == PT_LOAD)
			err = exec_zero_tail(x, bias, &phdrs[i]);
	return err;
}

static int exec_map_image(struct exec_ctx *x)
{
	int err = exec_map_elf(x, x->file, x->phdrs, &x->info, x->bias, true);

	x->entry = x->bias + x->info.entry;
	if (!err && x->ifile)
		err = exec_map_elf(x, x->ifile, x->iphdrs, &x->iinfo, x->ibias,
				   false);
	return err;
}

/* Where the new program starts: the dynamic linker if there is one. */
static uintptr_t exec_start_ip(const struct exec_ctx *x)
{
	return x->ifile ? x->ibias + x->iinfo.entry : x->entry;
}

static int exec_stack_write(void *ctx, uintptr_t dst, const void *src,
			    size_t len)
{
	return mm_copy_to(ctx, dst, src, len);
}

static size_t exec_stack_size(void)
{
	u64 lim = current_process()->rlim[RLIMIT_STACK].rlim_cur;

	lim = MIN(lim, (u64)STACK_MAX);
	return ALIGN_UP((size_t)MAX(lim, (u64)ARG_MAX_LIMIT + 128 * 1024),
			PAGE_SIZE);
}

static int exec_map_stack(struct exec_ctx *x, uintptr_t *floor)
{
	size_t size = exec_stack_size();
	unsigned long flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE |
			      VM_MAYEXEC | VM_GROWSDOWN;
	long r;

	uintptr_t top = STACK_TOP - x->stack_rnd;

	if (x->info.exec_stack)
		flags |= VM_EXEC;
	mutex_lock(&x->mm->lock);
	r = vm_map(x->mm, top - size, size, flags, NULL, 0, NULL, true);
	/*
	 * Linux's mmap_base: below the stack limit plus a guard, >= 128 MiB,
	 * plus the whole stack randomization range, less the mmap offset.
	 */
	x->mm->mmap_base = STACK_TOP - MAX(size + MM_STACK_GUARD_GAP,
					   MMAP_MIN_GAP) -
			   (x->randomize ? STACK_RND_MAX : 0) - x->mmap_rnd;
	mutex_unlock(&x->mm->lock);
	*floor = top - size;
	return r < 0 ? (int)r : 0;
}

static int exec_build_stack(struct exec_ctx *x)
{
	const struct cred *c = &current_process()->cred;
	u8 rnd[16];
	u64 auxv[] = {
		AT_HWCAP, arch_elf_hwcap(),
		AT_PAGESZ, PAGE_SIZE,
		AT_CLKTCK, USER_HZ,
		AT_PHDR, x->info.phdr_vaddr ? x->bias + x->info.phdr_vaddr : 0,
		AT_PHENT, sizeof(Elf64_Phdr),
		AT_PHNUM, x->info.phnum,
		AT_BASE, x->ifile ? x->ibias : 0,	/* the dynamic linker */
		AT_FLAGS, 0,
		AT_ENTRY, x->entry,
		AT_UID, c->uid,
		AT_EUID, c->euid,
		AT_GID, c->gid,
		AT_EGID, c->egid,
		AT_SECURE, 0,
		AT_RANDOM, 0,
		AT_HWCAP2, 0,
		AT_EXECFN, 0,
		AT_PLATFORM, 0,
	};
	struct exec_blob argv[2] = { x->pre, x->uargv };
	struct exec_stack_desc d = {
		.top = STACK_TOP - x->stack_rnd, .argv = argv, .nr_argv = 2,
		.envp = &x->envp, .nr_envp = 1, .execfn = x->filename,
		.platform = arch_elf_platform(), .random = rnd,
		.auxv = auxv, .nr_auxv = ARRAY_SIZE(auxv) / 2,
		.write = exec_stack_write, .ctx = x->mm,
	};
	int err = exec_map_stack(x, &d.floor);

	if (err)
		return err;
	get_random_bytes(rnd, sizeof(rnd));
	err = exec_stack_build(&d, &x->stack);
	if (err)
		return err;
	x->mm->start_stack = x->stack.sp;
	x->mm->arg_start = x->stack.arg_start;
	x->mm->arg_end = x->stack.arg_end;
	x->mm->env_start = x->stack.env_start;
	x->mm->env_end = x->stack.env_end;
	memcpy(x->mm->auxv, x->stack.auxv,
	       MIN(sizeof(x->mm->auxv), sizeof(x->stack.auxv)));
	return 0;
}

/* ---- the point of no return -------------------------------------------- */

static void exec_set_comm(struct task *t, const char *filename)
{
	const char *base = strrchr(filename, '/');

	strscpy(t->name, base ? base + 1 : filename, sizeof(t->name));
}

static void exec_commit(struct exec_ctx *x)
{
	struct task *self = current();
	struct process *p = self->proc;
	struct mm *old_mm = p->mm;
	struct path *exe = kmalloc(sizeof(*exe), GFP_KERNEL), *old_exe;
	unsigned long irq;

	/*
	 * Linux's mm_release: a vfork child's clear_child_tid is cleared in
	 * the memory it shares with its parent; a robust list and an rseq
	 * area belong to the old image.
	 */
	if (self->clear_child_tid && old_mm &&
	    __atomic_load_n(&old_mm->refcount, __ATOMIC_RELAXED) > 1)
		put_user((int)0, UADDR(self->clear_child_tid));
	self->clear_child_tid = 0;
	self->robust_list = 0;
	self->robust_list_len = 0;
	self->rseq_area = 0;
	self->rseq_len = 0;

	/* Swap under the tree lock: /proc takes references under it too. */
	{
		struct files *old_files = NULL;

		preempt_disable();
		irq = spin_lock_irqsave(&process_tree_lock);
		p->mm = x->mm;
		if (x->files) {
			old_files = p->files;
			p->files = x->files;
		}
		spin_unlock_irqrestore(&process_tree_lock, irq);
		mm_activate(x->mm);
		preempt_enable();
		x->mm = NULL;
		x->files = NULL;
		process_vfork_release(p);
		if (old_mm)
			mm_put(old_mm);
		if (old_files)
			files_put(old_files);
	}
	files_close_on_exec(p->files);
	arch_thread_exec_reset(self);
	/* Handlers reset to SIG_DFL (ignored stay ignored); mask and pending kept. */
	signal_exec(p, self);
	exec_set_comm(self, x->filename);
	/* /proc/pid/exe is informational: lose it rather than fail here. */
	if (exe) {
		*exe = x->file->path;
		path_get(exe);
	}
	irq = spin_lock_irqsave(&process_tree_lock);
	old_exe = p->exe;
	p->exe = exe;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	if (old_exe) {
		path_put(old_exe);
		kfree(old_exe);
	}
	/* No set-id programs: the saved and fs ids follow the effective. */
	p->cred.suid = p->cred.fsuid = p->cred.euid;
	p->cred.sgid = p->cred.fsgid = p->cred.egid;
	p->dumpable = 1;
	irq = spin_lock_irqsave(&process_tree_lock);
	p->did_exec = true;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	arch_exec_set_regs(current_user_regs(), exec_start_ip(x), x->stack.sp);
}

static void exec_ctx_free(struct exec_ctx *x)
{
	if (x->strings_vmalloc)
		vfree_guarded(x->strings);
	else
		kfree(x->strings);
	kfree(x->prefix);
	kfree(x->filename);
	if (x->file)
		fput(x->file);
	kfree(x->phdrs);
	if (x->ifile)
		fput(x->ifile);
	kfree(x->iphdrs);
	if (x->mm)
		mm_put(x->mm);	/* never activated */
	if (x->files)
		files_put(x->files);
	kfree(x);
}

/* The name AT_EXECFN and scripts see: execveat's /dev/fd forms. */
static char *exec_filename(int dirfd, const char *name, int flags)
{
	size_t len = strlen(name) + 32;
	char *s = kmalloc(len, GFP_KERNEL);

	if (!s)
		return NULL;
	if (name[0] == '/' || dirfd == AT_FDCWD)
		strscpy(s, name, len);
	else if (!name[0] && (flags & AT_EMPTY_PATH))
		snprintf(s, len, "/dev/fd/%d", dirfd);
	else
		snprintf(s, len, "/dev/fd/%d/%s", dirfd, name);
	return s;
}

static int exec_prepare(struct exec_ctx *x, int dirfd, const char *name,
			const struct exec_src *argv, const struct exec_src *envp,
			int flags)
{
	struct process *p = current_process();
	int err;

	x->limit = exec_arg_limit();
	x->prefix = kmalloc(EXEC_PREFIX_MAX, GFP_KERNEL);
	x->filename = exec_filename(dirfd, name, flags);
	if (!x->prefix || !x->filename)
		return -ENOMEM;
	x->pre.data = x->prefix;
	err = exec_copy_strings(x, argv, envp);
	if (err)
		return err;
	/* Linux 5.18+: an empty argv gets "" as argv[0]. */
	if (!x->uargv.count) {
		const char *empty = "";

		err = exec_prepend(x, &empty, 1);
		if (err)
			return err;
	}
	x->file = exec_open(dirfd, name, flags);
	if (IS_ERR(x->file)) {
		err = (int)PTR_ERR(x->file);
		x->file = NULL;
		return err;
	}
	err = exec_resolve_scripts(x);
	if (!err)
		err = exec_read_elf(x);
	if (err)
		return err;
	x->mm = mm_create();
	if (!x->mm)
		return -ENOMEM;
	err = exec_map_image(x);
	if (!err)
		err = exec_build_stack(x);
	if (err)
		return err;
	/* A table shared through CLONE_FILES is unshared, as Linux does. */
	if (__atomic_load_n(&p->files->refcount, __ATOMIC_RELAXED) > 1) {
		x->files = files_dup(p->files);
		if (!x->files)
			return -ENOMEM;
	}
	return 0;
}

static int do_execve_common(int dirfd, const char *name,
			    const struct exec_src *argv,
			    const struct exec_src *envp, int flags)
{
	struct exec_ctx *x;
	int err;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (!current_process())
		return -EINVAL;
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	err = exec_prepare(x, dirfd, name, argv, envp, flags);
	if (!err)
		exec_commit(x);
	exec_ctx_free(x);
	return err;
}

int do_execveat(int dirfd, const char *name, user_addr_t argv,
		user_addr_t envp, int flags)
{
	struct exec_src a = { .user = true, .uvec = argv };
	struct exec_src e = { .user = true, .uvec = envp };

	return do_execve_common(dirfd, name, &a, &e, flags);
}

int kernel_execve(const char *name, const char *const *argv,
		  const char *const *envp)
{
	struct exec_src a = { .user = false, .kvec = argv };
	struct exec_src e = { .user = false, .kvec = envp };

	return do_execve_common(AT_FDCWD, name, &a, &e, 0);
}

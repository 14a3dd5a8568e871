/*
 * ELF64 as the program loader reads it: the file structures (layout fixed
 * by the ELF ABI), and the pure validation in lib/elf_check.c that turns a
 * header and program-header table into checked facts for kernel/exec.c.
 * The checks touch no hardware, so the host unit tests and fuzzers run them.
 */
#ifndef FERRITE_ELF_H
#define FERRITE_ELF_H

#include <ferrite/types.h>

#define EI_NIDENT	16
#define ELFMAG0		0x7f
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62

#define PT_NULL		0
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_NOTE		4
#define PT_PHDR		6
#define PT_TLS		7
#define PT_GNU_STACK	0x6474e551

#define PF_X		0x1
#define PF_W		0x2
#define PF_R		0x4

typedef struct {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
} Elf64_Phdr;

_Static_assert(sizeof(Elf64_Ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(Elf64_Phdr) == 56, "ELF64 program header is 56 bytes");

/* Linux's cap on the program-header table: 64 KiB of entries. */
#define ELF_MAX_PHNUM	(65536 / sizeof(Elf64_Phdr))

/* What the checks learned; addresses are the file's, before any bias. */
#define ELF_INTERP_MAX	4096	/* PT_INTERP path, with its NUL (PATH_MAX) */

struct elf_info {
	u16 type;		/* ET_EXEC or ET_DYN */
	u64 entry;
	u64 phoff;
	u16 phnum;
	u64 lo, hi;		/* page-rounded span of all PT_LOAD segments */
	u64 phdr_vaddr;		/* where the phdr table is mapped; 0: nowhere */
	unsigned int nr_load;
	bool exec_stack;	/* no PT_GNU_STACK, or one with PF_X */
	bool has_interp;	/* PT_INTERP present: a dynamic linker is named */
	u64 interp_off;		/* its path in the file: offset, length incl. NUL */
	u64 interp_len;
};

/*
 * Check the ELF header in @buf (@len bytes read from the start of a file
 * of @file_size bytes): 64-bit little-endian x86-64, ET_EXEC or ET_DYN,
 * program headers of the right size, count and place. 0 or -ENOEXEC.
 */
int elf_check_header(const void *buf, size_t len, u64 file_size,
		     struct elf_info *info);

/*
 * Check the program headers: the first PT_INTERP is recorded (its path
 * must fit the file and PATH_MAX); each PT_LOAD must have filesz <= memsz, lie inside the file,
 * not wrap, fit below @user_top, have vaddr and offset congruent modulo
 * the page size, and come in ascending, non-overlapping order. Fills
 * the span, phdr address and stack flag of @info. 0 or -ENOEXEC.
 */
int elf_check_phdrs(const Elf64_Phdr *ph, u16 phnum, u64 file_size,
		    u64 user_top, struct elf_info *info);

/*
 * The load bias: 0 for ET_EXEC (which must then start at or above
 * @min_addr), and for ET_DYN the offset that puts the lowest segment at
 * @dyn_base. The biased image must end at or below @limit. 0 or -ENOEXEC.
 */
int elf_load_bias(const struct elf_info *info, u64 dyn_base, u64 min_addr,
		  u64 limit, u64 *bias);

/* Auxiliary vector types (the psABI's and Linux's numbers). */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31

/*
 * The initial user stack (lib/exec_stack.c), laid out as Linux does, from
 * the top down: an 8-byte zero word, then the argument strings, the
 * environment strings and the AT_EXECFN name (ascending in that order),
 * the AT_PLATFORM string, 16 AT_RANDOM bytes, and at a 16-byte aligned
 * sp: argc, argv[], NULL, envp[], NULL, auxv pairs ending in AT_NULL.
 *
 * Strings come as blobs of NUL-terminated strings stored back to back, so
 * arguments need no per-string bookkeeping. Everything is written through
 * @write (mm_copy_to in the kernel, an arena in tests) in pieces of at
 * most a few hundred bytes, so nothing the size of the arguments is
 * allocated.
 */
struct exec_blob {
	const char *data;
	size_t len;		/* bytes, including every string's NUL */
	unsigned long count;	/* strings in it */
};

#define EXEC_AUXV_MAX	24	/* pairs, AT_NULL included */

struct exec_stack_desc {
	uintptr_t top;			/* end of the stack (exclusive) */
	uintptr_t floor;		/* nothing may be written below this */
	const struct exec_blob *argv;	/* argv = these blobs in order */
	unsigned int nr_argv;
	const struct exec_blob *envp;
	unsigned int nr_envp;
	const char *execfn;
	const char *platform;		/* NULL: no AT_PLATFORM string */
	const u8 *random;		/* 16 bytes */
	/*
	 * auxv pairs without AT_NULL. The values of AT_RANDOM, AT_EXECFN and
	 * AT_PLATFORM are replaced by the addresses of what they name.
	 */
	const u64 *auxv;
	unsigned int nr_auxv;
	int (*write)(void *ctx, uintptr_t dst, const void *src, size_t len);
	void *ctx;
};

struct exec_stack_layout {
	uintptr_t sp;			/* where argc is */
	uintptr_t arg_start, arg_end, env_start, env_end;
	unsigned long argc, envc;
	u64 auxv[2 * EXEC_AUXV_MAX];	/* as written, AT_NULL-terminated */
};

/* 0, -E2BIG when it does not fit above floor, -EINVAL, or write's error. */
int exec_stack_build(const struct exec_stack_desc *d,
		     struct exec_stack_layout *out);

#endif

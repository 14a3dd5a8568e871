/*
 * ELF header and program-header validation for the program loader. Pure
 * logic over bytes already read from the file: every field a hostile or
 * truncated file could get wrong is checked here, before kernel/exec.c
 * maps anything. Built for the host unit tests as well.
 */
#include <ferrite/compiler.h>
#include <ferrite/elf.h>
#include <ferrite/errno.h>

#define ELF_PAGE	4096ULL

int elf_check_header(const void *buf, size_t len, u64 file_size,
		     struct elf_info *info)
{
	const Elf64_Ehdr *eh = buf;
	u64 table;

	if (len < sizeof(*eh) || file_size < sizeof(*eh))
		return -ENOEXEC;
	if (eh->e_ident[0] != ELFMAG0 || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
		return -ENOEXEC;
	if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
	    eh->e_ident[6] != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64 || eh->e_version != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum < 1 ||
	    eh->e_phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	/* The table must lie wholly inside the file; the size cannot wrap
	 * (at most 64 KiB) but the offset is any 64-bit value. */
	table = (u64)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > file_size || table > file_size - eh->e_phoff)
		return -ENOEXEC;

	info->type = eh->e_type;
	info->entry = eh->e_entry;
	info->phoff = eh->e_phoff;
	info->phnum = eh->e_phnum;
	return 0;
}

static int check_load(const Elf64_Phdr *p, u64 file_size, u64 user_top)
{
	if (p->p_filesz > p->p_memsz)
		return -ENOEXEC;
	if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
		return -ENOEXEC;
	/* Mapping needs the file offset and address to share a page offset. */
	if ((p->p_vaddr & (ELF_PAGE - 1)) != (p->p_offset & (ELF_PAGE - 1)))
		return -ENOEXEC;
	if (p->p_vaddr >= user_top || p->p_memsz > user_top - p->p_vaddr)
		return -ENOEXEC;
	return 0;
}

/* Does PT_LOAD @p map file offset @off? Then where, unbiased. */
static bool load_maps_offset(const Elf64_Phdr *p, u64 off, u64 len, u64 *va)
{
	if (off < p->p_offset || off - p->p_offset > p->p_filesz ||
	    len > p->p_filesz - (off - p->p_offset))
		return false;
	*va = p->p_vaddr + (off - p->p_offset);
	return true;
}

int elf_check_phdrs(const Elf64_Phdr *ph, u16 phnum, u64 file_size,
		    u64 user_top, struct elf_info *info)
{
	u64 prev_end = 0, table = (u64)phnum * sizeof(Elf64_Phdr);
	u64 pt_phdr = 0, mapped_phdr = 0;
	bool have_pt_phdr = false;
	int err;

	info->nr_load = 0;
	info->has_interp = false;
	info->exec_stack = true;	/* Linux's default without PT_GNU_STACK */
	info->lo = info->hi = 0;
	for (u16 i = 0; i < phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		switch (p->p_type) {
		case PT_INTERP:
			/* The first one counts, as on Linux. */
			if (info->has_interp)
				continue;
			if (p->p_filesz < 2 || p->p_filesz > ELF_INTERP_MAX ||
			    p->p_offset > file_size ||
			    p->p_filesz > file_size - p->p_offset)
				return -ENOEXEC;
			info->has_interp = true;
			info->interp_off = p->p_offset;
			info->interp_len = p->p_filesz;
			continue;
		case PT_GNU_STACK:
			info->exec_stack = (p->p_flags & PF_X) != 0;
			continue;
		case PT_PHDR:
			pt_phdr = p->p_vaddr;
			have_pt_phdr = true;
			continue;
		case PT_LOAD:
			break;
		default:
			continue;
		}
		err = check_load(p, file_size, user_top);
		if (err)
			return err;
		if (p->p_memsz == 0)
			continue;
		/* Ascending order (the ELF spec's rule) and no byte overlap. */
		if (info->nr_load && p->p_vaddr < prev_end)
			return -ENOEXEC;
		prev_end = p->p_vaddr + p->p_memsz;
		if (!info->nr_load)
			info->lo = ALIGN_DOWN(p->p_vaddr, ELF_PAGE);
		/* check_load keeps prev_end below user_top: no wrap here. */
		info->hi = ALIGN_UP(prev_end, ELF_PAGE);
		if (!mapped_phdr)
			load_maps_offset(p, info->phoff, table, &mapped_phdr);
		info->nr_load++;
	}
	if (!info->nr_load)
		return -ENOEXEC;
	if (info->hi > user_top)
		return -ENOEXEC;
	/* The loaded copy of the table, found through PT_PHDR if present. */
	if (have_pt_phdr && pt_phdr >= info->lo && pt_phdr < info->hi)
		info->phdr_vaddr = pt_phdr;
	else
		info->phdr_vaddr = mapped_phdr;
	return 0;
}

int elf_load_bias(const struct elf_info *info, u64 dyn_base, u64 min_addr,
		  u64 limit, u64 *bias)
{
	u64 b = 0;

	if (info->type == ET_DYN)
		b = dyn_base - info->lo;	/* wraps on purpose for lo > base */
	if (info->lo + b < min_addr || info->hi + b > limit ||
	    info->hi + b < info->lo + b)
		return -ENOEXEC;
	/* The entry point must be inside the mapped span. */
	if (info->entry < info->lo || info->entry >= info->hi)
		return -ENOEXEC;
	*bias = b;
	return 0;
}

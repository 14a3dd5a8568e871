/*
 * libFuzzer harness for the ELF loader's pure checks (lib/elf_check.c):
 * the input is a whole file; header, program headers and load bias are
 * checked in the order kernel/exec.c uses them.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/elf.h>

#define FUZZ_USER_TOP	0x00007ffffffff000ULL	/* Linux's TASK_SIZE - page */
#define FUZZ_DYN_BASE	0x555555554000ULL
#define FUZZ_MIN_ADDR	0x10000ULL

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct elf_info info;
	Elf64_Phdr *ph;
	size_t bytes;
	u64 bias;

	memset(&info, 0, sizeof(info));
	/* exec.c reads at most a page of header; check the same way. */
	if (elf_check_header(data, size < 4096 ? size : 4096, size, &info))
		return 0;
	/* A header that passed must describe a table inside the file. */
	bytes = (size_t)info.phnum * sizeof(Elf64_Phdr);
	if (info.phoff > size || bytes > size - info.phoff)
		__builtin_trap();
	/* Copy so the table is aligned, as the kernel's kmalloc'd copy is. */
	ph = malloc(bytes ? bytes : 1);
	if (!ph)
		return 0;
	memcpy(ph, data + info.phoff, bytes);
	if (!elf_check_phdrs(ph, info.phnum, size, FUZZ_USER_TOP, &info)) {
		if (info.lo > info.hi || info.hi > FUZZ_USER_TOP)
			__builtin_trap();
		if (info.has_interp &&
		    (info.interp_off > size ||
		     info.interp_len > size - info.interp_off ||
		     info.interp_len > ELF_INTERP_MAX))
			__builtin_trap();
		if (!elf_load_bias(&info, FUZZ_DYN_BASE, FUZZ_MIN_ADDR,
				   FUZZ_USER_TOP, &bias) &&
		    info.hi + bias > FUZZ_USER_TOP)
			__builtin_trap();
	}
	free(ph);
	return 0;
}

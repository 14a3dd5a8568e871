/*
 * Tests for lib/elf_check.c: a well-formed static executable and PIE are
 * accepted with the right span and phdr address, and each kind of damage
 * (magic, class, machine, phdr table outside the file, segment past EOF,
 * filesz > memsz, wrapping, overlap, misalignment, bad PT_INTERP bounds) is refused.
 */
#include "unit.h"

#include <ferrite/elf.h>
#include <ferrite/errno.h>
#include <string.h>

#define TOP	0x00007ffffffff000ULL
#define FSIZE	0x3000ULL

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
};

/* A static ET_EXEC: text at 0x400000 (with the headers), data + bss. */
static void make_exec(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, "\177ELF", 4);
	im->eh.e_ident[4] = ELFCLASS64;
	im->eh.e_ident[5] = ELFDATA2LSB;
	im->eh.e_ident[6] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_X86_64;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = 0x401000;
	im->eh.e_phoff = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 3;
	im->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = 0, .p_vaddr = 0x400000, .p_filesz = 0x2000,
		.p_memsz = 0x2000, .p_align = 0x1000 };
	im->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = 0x2010, .p_vaddr = 0x403010, .p_filesz = 0x100,
		.p_memsz = 0x5000, .p_align = 0x1000 };
	im->ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
}

static int check(struct image *im, struct elf_info *info)
{
	int err = elf_check_header(im, sizeof(*im), FSIZE, info);

	if (err)
		return err;
	return elf_check_phdrs(im->ph, im->eh.e_phnum, FSIZE, TOP, info);
}

TEST(valid_static_exec_accepted)
{
	struct image im;
	struct elf_info info;
	u64 bias = 1;

	make_exec(&im);
	EXPECT_EQ(check(&im, &info), 0);
	EXPECT_EQ(info.type, ET_EXEC);
	EXPECT_EQ(info.lo, 0x400000);
	EXPECT_EQ(info.hi, 0x409000);
	EXPECT_EQ(info.nr_load, 2);
	EXPECT_EQ(info.phdr_vaddr, 0x400040);
	EXPECT(!info.exec_stack);
	EXPECT_EQ(elf_load_bias(&info, 0x555555554000ULL, 0x10000, TOP, &bias), 0);
	EXPECT_EQ(bias, 0);
}

TEST(static_pie_gets_bias_to_base)
{
	struct image im;
	struct elf_info info;
	u64 bias = 0;

	make_exec(&im);
	im.eh.e_type = ET_DYN;
	im.eh.e_entry = 0x1000;
	im.ph[0].p_vaddr = 0;
	im.ph[1].p_vaddr = 0x3010;
	EXPECT_EQ(check(&im, &info), 0);
	EXPECT_EQ(info.lo, 0);
	EXPECT_EQ(elf_load_bias(&info, 0x555555554000ULL, 0x10000, TOP, &bias), 0);
	EXPECT_EQ(bias, 0x555555554000ULL);
}

TEST(pt_phdr_preferred_and_missing_gnu_stack_means_exec_stack)
{
	struct image im;
	struct elf_info info;

	make_exec(&im);
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_vaddr = 0x400040 };
	EXPECT_EQ(check(&im, &info), 0);
	EXPECT_EQ(info.phdr_vaddr, 0x400040);
	EXPECT(info.exec_stack);
}

TEST(bad_magic_class_data_machine_type_rejected)
{
	struct image im;
	struct elf_info info;

	make_exec(&im); im.eh.e_ident[1] = 'X';
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_ident[4] = 1;	/* ELFCLASS32 */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_ident[5] = 2;	/* big endian */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_machine = 3;	/* i386 */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_type = 1;	/* ET_REL */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_type = 4;	/* ET_CORE */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
}

TEST(truncated_header_rejected)
{
	struct image im;
	struct elf_info info;

	make_exec(&im);
	EXPECT_EQ(elf_check_header(&im, 63, FSIZE, &info), -ENOEXEC);
	EXPECT_EQ(elf_check_header(&im, sizeof(im), 10, &info), -ENOEXEC);
}

TEST(phdr_table_size_count_and_place_checked)
{
	struct image im;
	struct elf_info info;

	make_exec(&im); im.eh.e_phentsize = 32;
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_phnum = 0;
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_phnum = ELF_MAX_PHNUM + 1;
	EXPECT_EQ(elf_check_header(&im, sizeof(im), ~0ULL, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_phoff = FSIZE - 100;	/* runs past EOF */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.eh.e_phoff = ~0ULL - 10;	/* would wrap */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
}

TEST(interp_recorded)
{
	struct image im;
	struct elf_info info;

	make_exec(&im);
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x100,
		.p_filesz = 28 };
	EXPECT_EQ(check(&im, &info), 0);
	EXPECT(info.has_interp);
	EXPECT_EQ(info.interp_off, 0x100);
	EXPECT_EQ(info.interp_len, 28);
}

TEST(interp_path_bounds_checked)
{
	struct image im;
	struct elf_info info;

	make_exec(&im);		/* runs past the end of the file */
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = FSIZE - 4,
		.p_filesz = 28 };
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im);		/* longer than PATH_MAX */
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x100,
		.p_filesz = ELF_INTERP_MAX + 1 };
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im);		/* too short to hold a name */
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x100,
		.p_filesz = 1 };
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
}

TEST(segment_errors_rejected)
{
	struct image im;
	struct elf_info info;

	make_exec(&im); im.ph[1].p_filesz = 0x6000;	/* > memsz */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_offset = 0x2f10; im.ph[1].p_vaddr = 0x403f10;
	im.ph[1].p_filesz = 0x200;			/* past EOF */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_offset = ~0ULL - 0x10;
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_vaddr = 0x403020;	/* page offset differs */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_vaddr = 0xfffffffffffff010ULL;
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_memsz = TOP;		/* beyond user space */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[1].p_vaddr = 0x401010;	/* overlaps text */
	EXPECT_EQ(check(&im, &info), -ENOEXEC);
	make_exec(&im); im.ph[0].p_type = PT_NOTE; im.ph[1].p_type = PT_NOTE;
	EXPECT_EQ(check(&im, &info), -ENOEXEC);		/* nothing to load */
}

TEST(load_bias_limits)
{
	struct image im;
	struct elf_info info;
	u64 bias;

	make_exec(&im);
	EXPECT_EQ(check(&im, &info), 0);
	/* Below the minimum address, above the limit, entry outside. */
	EXPECT_EQ(elf_load_bias(&info, 0, 0x800000, TOP, &bias), -ENOEXEC);
	EXPECT_EQ(elf_load_bias(&info, 0, 0x10000, 0x405000, &bias), -ENOEXEC);
	info.entry = 0x10;
	EXPECT_EQ(elf_load_bias(&info, 0, 0x10000, TOP, &bias), -ENOEXEC);
	/* A PIE whose span cannot fit above the base. */
	make_exec(&im);
	im.eh.e_type = ET_DYN;
	EXPECT_EQ(check(&im, &info), 0);
	EXPECT_EQ(elf_load_bias(&info, TOP - 0x1000, 0x10000, TOP, &bias),
		  -ENOEXEC);
}

#!/usr/bin/python3
"""Generates the malformed-ELF corpus: a tiny valid static ELF (the control)
and mutations of it that a loader must refuse (or, where Linux runs them,
that must die cleanly). Writes <out>/<name>.elf and <out>/MANIFEST, one
line per file: "<name> <outcome>[,<outcome>...]", where an outcome is an
errno name (the execve failed), "exit<N>" or "sig<N>" (it ran). Where the
host's outcome is an errno the test runner also wants the guest's to be
exactly that errno.

    tests/elf-corpus/gen.py <out-dir>
"""

import os
import struct
import sys

BASE = 0x400000
EHDR = "<16sHHIQQQIHHHHHH"   # Elf64_Ehdr
PHDR = "<IIQQQQQQ"           # Elf64_Phdr
EH_SIZE, PH_SIZE = 64, 56
PT_LOAD, PT_INTERP = 1, 3
PF_X, PF_W, PF_R = 1, 2, 4
# mov eax, 60; mov edi, 0; syscall  (exit(0))
CODE = bytes.fromhex("b83c000000" "bf00000000" "0f05")
# Refused before the point of no return (an errno), or after it: Linux then
# kills the half-built process with SIGSEGV, and so may Ferrite.
REFUSED = "ENOEXEC,EFAULT,ENOMEM,EINVAL,EACCES,sig11"


def ident(cls=2, data=1):
    return b"\x7fELF" + bytes([cls, data, 1, 0]) + b"\0" * 8


def ehdr(**kw):
    f = dict(ident=ident(), type=2, machine=62, version=1,
             entry=BASE + EH_SIZE + PH_SIZE * kw.get("phnum", 1),
             phoff=EH_SIZE, shoff=0, flags=0, ehsize=EH_SIZE,
             phentsize=PH_SIZE, phnum=1, shentsize=0, shnum=0, shstrndx=0)
    f.update(kw)
    return struct.pack(EHDR, f["ident"], f["type"], f["machine"],
                       f["version"], f["entry"], f["phoff"], f["shoff"],
                       f["flags"], f["ehsize"], f["phentsize"], f["phnum"],
                       f["shentsize"], f["shnum"], f["shstrndx"])


def phdr(type=PT_LOAD, flags=PF_R | PF_X, offset=0, vaddr=BASE, filesz=None,
         memsz=None, align=0x1000, size=0):
    filesz = size if filesz is None else filesz
    memsz = filesz if memsz is None else memsz
    return struct.pack(PHDR, type, flags, offset, vaddr, vaddr, filesz,
                       memsz, align)


def image(phdrs=None, code=CODE, tail=b"", **eh):
    """Header, program headers, then code; the first PT_LOAD maps it all."""
    n = len(phdrs) if phdrs is not None else 1
    size = EH_SIZE + PH_SIZE * n + len(code) + len(tail)
    if phdrs is None:
        phdrs = [dict()]
    eh.setdefault("phnum", n)
    eh.setdefault("entry", BASE + EH_SIZE + PH_SIZE * n)
    blob = ehdr(**eh)
    for p in phdrs:
        p = dict(p)
        p.setdefault("size", size)
        blob += phdr(**p)
    return blob + code + tail


def corpus():
    valid = image()
    interp = b"/nonexistent/ld-ferrite.so\0"
    n2 = EH_SIZE + 2 * PH_SIZE
    return [
        ("valid_control", valid, "exit0"),
        ("empty_file", b"", "ENOEXEC"),
        ("truncated_ident", valid[:10], "ENOEXEC"),
        ("truncated_header", valid[:40], "ENOEXEC"),
        ("truncated_phdrs", valid[:EH_SIZE + 20], REFUSED),
        ("phoff_beyond_file", image(phoff=0x100000), REFUSED),
        ("phoff_huge", image(phoff=0xfffffffffffff000), REFUSED),
        ("phnum_zero", image(phnum=0), REFUSED),
        ("phnum_huge", image(phnum=0xffff), REFUSED),
        ("phentsize_wrong", image(phentsize=32), REFUSED),
        ("wrong_machine_i386", image(machine=3), "ENOEXEC"),
        ("wrong_machine_aarch64", image(machine=183), "ENOEXEC"),
        # Linux runs these two: an x86-64 ELFCLASS32 file goes to the x32
        # loader, and EI_DATA is never checked. Ferrite has no x32 and may
        # refuse either; running it to a clean exit is Linux's answer.
        ("wrong_class_32", image(ident=ident(cls=1)), "ENOEXEC,exit0"),
        ("wrong_endianness", image(ident=ident(data=2)), "ENOEXEC,exit0"),
        ("type_relocatable", image(type=1), "ENOEXEC"),
        ("type_core", image(type=4), "ENOEXEC"),
        ("huge_memsz", image(phdrs=[dict(memsz=1 << 46)]), REFUSED),
        ("filesz_gt_memsz", image(phdrs=[dict(memsz=16)]), REFUSED),
        ("offset_vaddr_misaligned",
         image(phdrs=[dict(offset=0, vaddr=BASE + 0x123)],
               entry=BASE + 0x123 + EH_SIZE + PH_SIZE), REFUSED),
        ("overlapping_segments",
         image(phdrs=[dict(), dict(vaddr=BASE, flags=PF_R | PF_W)]),
         REFUSED + ",exit0"),
        ("segment_at_kernel_address",
         image(phdrs=[dict(vaddr=0xffffffff80000000)],
               entry=0xffffffff80000000 + n2 - PH_SIZE), REFUSED),
        ("segment_wraps_address_space",
         image(phdrs=[dict(vaddr=0xfffffffffffff000)]), REFUSED),
        ("segment_in_non_canonical_hole",
         image(phdrs=[dict(vaddr=0x0000900000000000)]), REFUSED),
        ("entry_outside_segments", image(entry=0x10), REFUSED),
        ("file_offset_beyond_end",
         image(phdrs=[dict(), dict(offset=0x100000, vaddr=BASE + 0x200000,
                                   filesz=0x1000, flags=PF_R)]),
         REFUSED + ",sig7,exit0"),
        ("pt_interp_missing",
         image(phdrs=[dict(), dict(type=PT_INTERP, offset=n2 + len(CODE),
                                   vaddr=BASE + n2 + len(CODE),
                                   size=len(interp), align=1)],
               tail=interp), REFUSED + ",ENOENT"),
        ("pt_interp_unterminated",
         image(phdrs=[dict(), dict(type=PT_INTERP, offset=n2 + len(CODE),
                                   vaddr=BASE + n2 + len(CODE),
                                   size=8, align=1)],
               tail=b"/abcdefghijk"), REFUSED + ",ENOENT"),
        ("no_load_segments",
         image(phdrs=[dict(type=6)]), REFUSED),
    ]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py <out-dir>")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, blob, allowed in corpus():
        path = os.path.join(out, name + ".elf")
        with open(path, "wb") as f:
            f.write(blob)
        os.chmod(path, 0o755)
        lines.append("%s %s\n" % (name, allowed))
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()

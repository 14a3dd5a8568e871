#!/usr/bin/python3
"""Malformed initramfs images (issue 6): tests/cpio-corpus/gen.py OUTDIR
writes one image per case and OUTDIR/MANIFEST, a line per image:

    <file> <expect> <description>

expect is "init" when the image carries a valid /init before its damage,
so the kernel must log the damage and still run it, or "noinit" when
nothing usable can unpack: then a clean "No working init found" panic is
the right outcome (Linux does the same). tools/suites/robust.py boots
each one. The /init is a tiny static ELF that prints INIT_MESSAGE."""

import gzip
import os
import struct
import sys

INIT_MESSAGE = b"cpio-corpus: init ran\n"
MAGIC = b"070701"


def tiny_init():
    """write(1, INIT_MESSAGE); exit_group(0) as a one-segment ELF."""
    base, off = 0x400000, 64 + 56
    code = bytearray()
    code += b"\xbf\x01\x00\x00\x00"                 # mov edi, 1
    lea = len(code)
    code += b"\x48\x8d\x35\x00\x00\x00\x00"         # lea rsi, [rip+msg]
    code += b"\xba" + struct.pack("<I", len(INIT_MESSAGE))
    code += b"\xb8\x01\x00\x00\x00\x0f\x05"         # write
    code += b"\x31\xff\xb8\xe7\x00\x00\x00\x0f\x05"  # exit_group(0)
    code[lea + 3:lea + 7] = struct.pack("<i", len(code) - (lea + 7))
    code += INIT_MESSAGE
    size = off + len(code)
    ehdr = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                       2, 62, 1, base + off, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)
    return ehdr + phdr + bytes(code)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def header(ino, mode, filesize, namesize, nlink=1, magic=MAGIC, check=0):
    fields = (ino, mode, 0, 0, nlink, 0, filesize, 0, 0, 0, 0, namesize,
              check)
    return magic + b"".join(b"%08X" % v for v in fields)


def entry(name, data=b"", mode=0o100644, ino=1, nlink=1):
    nb = name.encode() + b"\0"
    return pad4(pad4(header(ino, mode, len(data), len(nb), nlink) + nb)
                + data)


def trailer():
    return entry("TRAILER!!!", mode=0, ino=0)


def with_init(*members):
    """An archive that starts with a good /init (and /dev for the kernel)."""
    return (entry("dev", mode=0o40755, ino=1) +
            entry("init", tiny_init(), 0o100755, ino=2) + b"".join(members))


def end(body):
    body += trailer()
    return body + b"\0" * (-len(body) % 512)


def cases():
    init_only = end(with_init())
    nul_less = header(9, 0o100644, 0, 4) + b"abcd"  # namesize 4, no NUL
    huge_name = header(9, 0o100644, 0, 0xFFFFFFFF) + b"x" * 64
    huge_file = header(9, 0o100644, 0xFFFFFFFF, 5) + b"big\0\0\0" + b"y" * 100
    bad_hex = MAGIC + b"0000000G" + b"0" * 96 + b"x\0"
    long_link = pad4(pad4(header(9, 0o120777, 5000, 4) + b"lnk\0") +
                     b"t" * 5000)
    deep = "/".join(["d"] * 2000) + "/f"
    gz_good = gzip.compress(end(entry("fromgz", b"gz data\n")), mtime=0)
    yield ("truncated-header", "init",
           "an archive cut 50 bytes into a header",
           with_init() + header(9, 0o100644, 0, 2)[:50])
    yield ("bad-magic-after-init", "init",
           "a member whose magic is 070703",
           end(with_init(header(9, 0o100644, 0, 2, magic=b"070703") + b"x\0")))
    yield ("bad-magic-only", "noinit",
           "an archive whose first header has a wrong magic",
           end(header(9, 0o100755, 0, 5, magic=b"070717") + b"init\0"))
    yield ("non-hex-field", "init",
           "a header with a non-hex digit in a field",
           end(with_init(bad_hex)))
    yield ("huge-namesize", "init",
           "namesize 0xffffffff", end(with_init(huge_name)))
    yield ("huge-filesize", "init",
           "filesize 0xffffffff with 100 bytes of data",
           with_init(huge_file))
    yield ("name-without-nul", "init",
           "a name whose last byte is not NUL",
           end(with_init(pad4(nul_less))))
    yield ("namesize-zero", "init", "namesize 0",
           end(with_init(header(9, 0o100644, 4, 0) + b"data")))
    yield ("path-traversal", "init",
           "names with ../ that try to leave the root",
           end(with_init(entry("../../../evil", b"x\n", ino=10),
                         entry("a/../../../b/../../c", b"y\n", ino=11),
                         entry("..", mode=0o40755, ino=12))))
    yield ("absolute-names", "init",
           "names starting with / and //",
           end(with_init(entry("/abs", mode=0o40755, ino=10),
                         entry("//abs//file", b"z\n", ino=11))))
    yield ("overlapping-hardlinks", "init",
           "one inode number for a file, a directory and a fifo; a link "
           "onto /init's inode",
           end(with_init(entry("h1", b"one\n", ino=20, nlink=3),
                         entry("h2", mode=0o40755, ino=20, nlink=3),
                         entry("h3", mode=0o10644, ino=20, nlink=3),
                         entry("h4", b"", 0o100755, ino=20, nlink=3),
                         entry("h1", b"again\n", ino=21, nlink=2),
                         entry("h1/x", b"under a file\n", ino=22))))
    yield ("overlong-symlink", "init",
           "a symlink target of 5000 bytes", end(with_init(long_link)))
    yield ("deep-path", "init",
           "a 4000-byte name under directories that do not exist",
           end(with_init(entry(deep, b"deep\n", ino=30))))
    yield ("gzip-garbage", "init",
           "a gzip header followed by garbage after a good archive",
           init_only + b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    yield ("gzip-truncated", "init",
           "a gzip member cut in half after a good archive",
           init_only + gz_good[:len(gz_good) // 2])
    yield ("trailing-junk", "init",
           "text after the last archive", init_only + b"JUNK" * 64)
    yield ("empty-trailer-only", "noinit",
           "an archive with nothing but its trailer", end(b""))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, expect, desc, data in cases():
        with open(os.path.join(out, name + ".cpio"), "wb") as f:
            f.write(data)
        lines.append("%s.cpio %s %s" % (name, expect, desc))
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

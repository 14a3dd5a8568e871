#!/usr/bin/python3
# A corpus of malformed "newc" cpio archives for lib/cpio.c and the
# initramfs unpacker: truncations, bad magic and digits, absurd sizes,
# unterminated names, "..", deep paths, mutations of a valid archive.
#   cpio_corpus.py DIR       write DIR/NNN-name.cpio files
#   cpio_corpus.py --stream  u32 length + bytes per archive on stdout
import random
import struct
import sys

rng = random.Random(70701)


def member(name, data=b'', mode=0o100644, ino=1, nlink=1, magic=b'070701',
           namesize=None, filesize=None, check=0, rdev=(0, 0)):
    if isinstance(name, str):
        name = name.encode()
    nm = name + b'\0'
    ns = len(nm) if namesize is None else namesize
    fs = len(data) if filesize is None else filesize
    fields = [ino, mode, 0, 0, nlink, 0, fs, 0, 0, rdev[0], rdev[1], ns, check]
    h = magic + b''.join(b'%08X' % (f & 0xffffffff) for f in fields)
    out = h + nm
    out += b'\0' * (-len(out) % 4)
    out += data + b'\0' * (-len(data) % 4)
    return out


def trailer():
    return member('TRAILER!!!', mode=0)


def valid():
    return (member('.', mode=0o40755) + member('bin', mode=0o40755) +
            member('bin/sh', b'#!/bin/sh\necho hi\n', mode=0o100755) +
            member('bin/ln', b'x', ino=9, nlink=2) +
            member('bin/ln2', b'', ino=9, nlink=2) +
            member('dev', mode=0o40755) +
            member('dev/console', mode=0o20600, rdev=(5, 1)) +
            member('link', b'bin/sh', mode=0o120777) + trailer())


cases = {}
v = valid()
cases['valid'] = v
for cut in (1, 6, 50, 109, 110, 111, 115, 200, len(v) - 1):
    cases['truncated-%d' % cut] = v[:cut]
cases['bad-magic'] = b'070707' + v[6:]
cases['bad-digit'] = v[:20] + b'z' + v[21:]
cases['namesize-0'] = member('x', namesize=0) + trailer()
cases['namesize-huge'] = member('x', namesize=0xffffffff) + trailer()
cases['namesize-pathmax+1'] = member('y' * 4096, namesize=4097) + trailer()
cases['name-no-nul'] = member('abcd', namesize=4) + trailer()
cases['filesize-huge'] = member('f', b'abc', filesize=0xffffffff)
cases['filesize-past-end'] = member('f', b'abc', filesize=4096)
cases['symlink-empty'] = member('l', mode=0o120777) + trailer()
cases['symlink-too-long'] = member('l', b't' * 4096, mode=0o120777) + trailer()
cases['dotdot'] = (member('../../escape', b'x') +
                   member('a/../../b', b'y') + member('..', mode=0o40755) +
                   trailer())
cases['deep'] = member('/'.join(['d'] * 2000), b'z') + trailer()
cases['crc-mismatch'] = member('c', b'abc', magic=b'070702', check=1) + trailer()
cases['hardlink-to-dir-ino'] = (member('d', mode=0o40755, ino=5, nlink=2) +
                                member('f', b'x', ino=5, nlink=2) + trailer())
cases['type-mismatch-overwrite'] = (member('x', mode=0o40755) +
                                    member('x', b'file') + trailer())
cases['unknown-type'] = member('u', mode=0o170644) + trailer()
cases['junk-after-trailer'] = v + b'\x01junk'
cases['zeros-then-archive'] = b'\0' * 64 + v
cases['no-trailer'] = member('a', b'1')
for i in range(40):
    b = bytearray(v)
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    cases['mutated-%02d' % i] = bytes(b)

if sys.argv[1:] == ['--stream']:
    out = sys.stdout.buffer
    for name in sorted(cases):
        out.write(struct.pack('<I', len(cases[name])) + cases[name])
elif len(sys.argv) == 2:
    import os
    os.makedirs(sys.argv[1], exist_ok=True)
    for i, name in enumerate(sorted(cases)):
        with open(os.path.join(sys.argv[1], '%03d-%s.cpio' % (i, name)), 'wb') as f:
            f.write(cases[name])
else:
    sys.exit('usage: cpio_corpus.py DIR | --stream')

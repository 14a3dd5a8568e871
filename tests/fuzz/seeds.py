#!/usr/bin/python3
# Writes the seed corpus of one host fuzz target into DIR at build time,
# reusing the unit-test and ELF-corpus generators, so no binary seed is
# ever committed.   seeds.py {elf,cpio,cmdline,path,inflate} DIR
import gzip
import os
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(out, name, blob):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(blob)


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(ROOT, script)] +
                          list(args), check=True,
                          stdout=subprocess.PIPE).stdout


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if target == 'elf':
        run('tests/elf-corpus/gen.py', out)
        os.remove(os.path.join(out, 'MANIFEST'))
    elif target == 'cpio':
        run('tests/unit/gen/cpio_corpus.py', out)
    elif target == 'cmdline':
        lines = [b'console=ttyS0 quiet', b'root=/dev/vda rw init=/bin/sh -- -c "echo hi"',
                 b'a="b c" "d e"=f =x x= "unterminated', b'  --  ',
                 b'selftest loglevel=0x7 mem=18446744073709551616',
                 b' '.join(b'k%d=%d' % (i, i) for i in range(80)),
                 b'-- ' + b' '.join(b'a%d' % i for i in range(40))]
        for i, line in enumerate(lines):
            write(out, 'line%02d' % i, line)
    elif target == 'path':
        paths = [b'/', b'//a//b/', b'a/b/c', b'./../.', b'x' * 255,
                 b'/' + b'y' * 256 + b'/z', b'/usr/lib/x86_64-linux-gnu/']
        for i, p in enumerate(paths):
            write(out, 'path%02d' % i, p)
    elif target == 'inflate':
        s = run('tests/unit/gen/inflate_vectors.py')
        i = off = 0
        # Records: u32 kind, u32 len, data, u32 len, expected.
        while off < len(s) and i < 200:
            kind, n = struct.unpack_from('<II', s, off)
            data = s[off + 8:off + 8 + n]
            off += 8 + n
            m, = struct.unpack_from('<I', s, off)
            off += 4 + m
            if n <= 65536:
                write(out, 'vec%03d-%s' % (i, 'gz' if kind else 'raw'), data)
            i += 1
        write(out, 'small-gz', gzip.compress(b'hello ' * 100, mtime=0))
        write(out, 'small-raw', zlib.compress(b'abc' * 50)[2:-4])
    else:
        sys.exit('usage: seeds.py {elf,cpio,cmdline,path,inflate} DIR')


if __name__ == '__main__':
    main()

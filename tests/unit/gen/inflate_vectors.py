#!/usr/bin/python3
# Test vectors for lib/inflate.c, made by the host's zlib and gzip at test
# time. Output on stdout, one record per vector:
#   u32 kind (0 raw DEFLATE, 1 gzip member), u32 len, data, u32 len, expected
# All little-endian. test_inflate.c reads them through popen().
import gzip
import os
import random
import struct
import subprocess
import sys
import zlib

rng = random.Random(1951)
out = sys.stdout.buffer


def emit(kind, data, expected):
    out.write(struct.pack('<II', kind, len(data)) + data)
    out.write(struct.pack('<I', len(expected)) + expected)


def raw(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=15, mem=8):
    c = zlib.compressobj(level, zlib.DEFLATED, -wbits, mem, strategy)
    return c.compress(data) + c.flush()


def text(n):
    words = [b'the', b'kernel', b'inflate', b'cpio', b'initramfs', b'tty',
             b'\n', b'random', b'busybox', b'zero', b'1234567890']
    s = bytearray()
    while len(s) < n:
        s += rng.choice(words) + b' '
    return bytes(s[:n])


inputs = [
    b'',
    b'a',
    b'hello, world\n',
    b'\0' * 1000,
    b'ab' * 5000,
    bytes(rng.getrandbits(8) for _ in range(3000)),  # stored blocks
    text(5000),
    text(200000),                                    # many blocks, far matches
    bytes(rng.getrandbits(2) for _ in range(70000)),  # small alphabet
    bytes(range(256)) * 300,
]

for data in inputs:
    for level in (0, 1, 6, 9):
        emit(0, raw(data, level), data)
    emit(0, raw(data, 9, zlib.Z_FIXED), data)
    emit(0, raw(data, 9, zlib.Z_HUFFMAN_ONLY), data)
    emit(0, raw(data, 9, zlib.Z_RLE), data)
    emit(0, raw(data, 9, wbits=9, mem=1), data)
    emit(1, gzip.compress(data, 6), data)

# Several sync-flushed pieces: empty stored blocks between real ones.
c = zlib.compressobj(6, zlib.DEFLATED, -15)
data = text(20000)
piece = c.compress(data[:7000]) + c.flush(zlib.Z_SYNC_FLUSH)
piece += c.compress(data[7000:]) + c.flush(zlib.Z_FULL_FLUSH) + c.flush()
emit(0, piece, data)

# The host's gzip(1), with a file name in the header.
path = '/tmp/ferrite-inflate-%d.txt' % os.getpid()
with open(path, 'wb') as f:
    f.write(text(50000))
try:
    gz = subprocess.run(['gzip', '-9', '-c', path], check=True,
                        stdout=subprocess.PIPE).stdout
    emit(1, gz, open(path, 'rb').read())
except (OSError, subprocess.CalledProcessError):
    pass
finally:
    os.unlink(path)

# Every optional header field: FTEXT FHCRC FEXTRA FNAME FCOMMENT.
data = text(3000)
hdr = b'\x1f\x8b\x08\x1f' + struct.pack('<I', 0) + b'\x00\x03'
hdr += struct.pack('<H', 6) + b'AB\x02\x00xy' + b'name.txt\0' + b'a comment\0'
hdr += struct.pack('<H', zlib.crc32(hdr) & 0xffff)
emit(1, hdr + raw(data) + struct.pack('<II', zlib.crc32(data),
                                       len(data) & 0xffffffff), data)

#!/usr/bin/python3
"""Check that linking the symbol table moved no code.

Usage: check_ksyms.py PASS1_ELF FINAL_ELF
The first link pass has an empty symbol table, the final one the real
table. Backtraces are only right if every text symbol sits at the same
address in both; exits 1 naming the first symbols that moved.
"""
import subprocess
import sys

TEXT_TYPES = "tTwW"


def text_symbols(elf):
    """Return the sorted list of (name, addr) text symbols of @elf."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in TEXT_TYPES:
            syms.append((parts[2], int(parts[0], 16)))
    # Local symbols may share a name: compare as sorted (name, addr) pairs.
    return sorted(syms)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: check_ksyms.py PASS1_ELF FINAL_ELF\n")
        return 2
    try:
        first = text_symbols(argv[1])
        final = text_symbols(argv[2])
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write("check_ksyms: cannot read symbols: %s\n" % e)
        return 1
    if first == final:
        return 0
    a, b = set(first), set(final)
    moved = sorted(a - b)[:10]
    sys.stderr.write(
        "check_ksyms: ERROR: text symbols differ between %s and %s;\n"
        "the symbol table moved code (it must be linked after all code),\n"
        "so backtraces would be wrong. First differences:\n"
        % (argv[1], argv[2]))
    final_addr = {}
    for name, addr in final:
        final_addr.setdefault(name, []).append(addr)
    for name, addr in moved:
        now = ", ".join("0x%x" % x for x in final_addr.get(name, [])) or "missing"
        sys.stderr.write("  %s: 0x%x in pass 1, %s in final\n" % (name, addr, now))
    for name, addr in sorted(b - a)[:10]:
        if name not in dict(first):
            sys.stderr.write("  %s: new in final at 0x%x\n" % (name, addr))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Interactive console tests: boots a kernel with the interactive initramfs
(the `run` image plus helper programs) in QEMU on a pseudo-terminal and
types at the BusyBox shell the way a person does (tests/interactive/).

    tools/interactive_tests.py [-k NAME] [--list]
    KERNEL=linux tools/interactive_tests.py    # Debian's kernel, the oracle

KERNEL is "ferrite" (default: build/ferrite.elf), "linux" (LINUX_VMLINUZ,
else build/linux/vmlinuz from tools/fetch_linux.sh), or a path; a bzImage
gets "console=ttyS0 quiet". One PASS/FAIL line per scenario, a failing one
followed by its last screen; logs in build/test-logs/interactive.*.log."""

import argparse
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "interactive"))

import console  # noqa: E402
import scenarios  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ACCEL = os.environ.get("ACCEL", "tcg")
PYTHON = "/usr/bin/python3"
IMAGE = os.path.join(BUILD, "initramfs-interactive.cpio.gz")
BOOT_TIMEOUT = int(os.environ.get("INTERACTIVE_BOOT_TIMEOUT", "90"))
TOTAL_TIMEOUT = int(os.environ.get("INTERACTIVE_TIMEOUT", "420"))
SCREEN_LINES = 15


def resolve_kernel(name):
    """(path, is_linux) for a KERNEL setting."""
    if not name or name == "ferrite":
        return os.path.join(BUILD, "ferrite.elf"), False
    if name == "linux":
        path = os.environ.get("LINUX_VMLINUZ") or os.path.join(BUILD, "linux", "vmlinuz")
        fetch = os.path.join(ROOT, "tools", "fetch_linux.sh")
        if not os.path.exists(path) and os.path.exists(fetch):
            # Debian's package, unpacked under build/linux/, never installed.
            subprocess.run([fetch], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, timeout=600)
        if not os.path.exists(path):
            found = sorted(glob.glob(os.path.join(BUILD, "linux", "**", "vmlinuz*"),
                                     recursive=True))
            path = found[-1] if found else path
        return path, True
    with open(name, "rb") as f:
        head = f.read(0x210)
    # A bzImage carries the boot protocol's "HdrS" at 0x202.
    return name, head[0x202:0x206] == b"HdrS"


def build_image():
    """The interactive image: make the helpers, then lay it out. Returns
    an error string or None."""
    make = os.environ.get("MAKE", "make")
    helpers = [os.path.join(BUILD, "user", "bin", h)
               for h in ("ptyrun",)]
    r = subprocess.run([make, "--no-print-directory"] + helpers, cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=300)
    if r.returncode:
        return "building helpers failed: " + r.stdout.decode()[-500:]
    r = subprocess.run([PYTHON, "tools/mkinitramfs.py", "--layout", "interactive",
                        "--busybox", os.environ.get("BUSYBOX", "/bin/busybox"),
                        "--build", BUILD, "-o", IMAGE], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120)
    if r.returncode:
        return "mkinitramfs failed: " + r.stdout.decode()[-500:]
    return None


def qemu_env(kernel, is_linux):
    env = dict(os.environ)
    for k in ("MACHINE", "BOOT", "SMP", "DRYRUN", "TIMEOUT"):
        env.pop(k, None)
    env.update(MACHINE="pc", MEM="256M", ACCEL=ACCEL, BUILD=BUILD,
               KERNEL=kernel, INITRD=IMAGE,
               APPEND="console=ttyS0 quiet" if is_linux else "quiet")
    return env


def write_log(logs, name, text):
    if logs:
        with open(os.path.join(logs, "interactive.%s.log" % name), "w") as f:
            f.write(text)


def run(report, logs=None, kernel=None, only=None):
    """Run the scenarios, calling report(name, ok, detail) for each."""
    kernel = kernel if kernel is not None else os.environ.get("KERNEL", "ferrite")
    prefix = "interactive."
    tests = [t for t in scenarios.SCENARIOS if not only or only in t.__name__]
    try:
        path, is_linux = resolve_kernel(kernel)
    except OSError as e:
        for t in tests:
            report(prefix + t.__name__, False, ["kernel %s: %s" % (kernel, e)])
        return
    if is_linux:
        prefix = "interactive-linux."
    why = None if os.path.exists(path) else "kernel image %s not found" % path
    why = why or build_image()
    if why:
        for t in tests:
            report(prefix + t.__name__, False, [why])
        return
    con = console.Console(qemu_env(path, is_linux), BOOT_TIMEOUT)
    deadline = time.time() + TOTAL_TIMEOUT
    need_boot = True
    boots_failed = 0
    try:
        for t in tests:
            name = t.__name__
            con.begin_test()
            if time.time() > deadline:
                report(prefix + name, False, ["not run: the %ds limit for all "
                                              "interactive tests was reached" % TOTAL_TIMEOUT])
                continue
            if boots_failed >= 2:
                report(prefix + name, False, ["not run: the VM did not boot to a "
                                              "shell twice in a row"])
                continue
            problem = None
            try:
                if need_boot:
                    try:
                        con.boot()
                    except console.Failure as e:
                        boots_failed += 1
                        raise console.Failure("boot: %s" % e)
                    boots_failed = 0
                    con.begin_test()
                    need_boot = False
                t(con)
            except console.Failure as e:
                problem = str(e)
            except Exception as e:  # a pexpect or OS error is a failure too
                problem = "%s: %s" % (type(e).__name__, e)
            text = con.text_since_mark()
            write_log(logs, name, text)
            if problem:
                report(prefix + name, False, [problem, "last screen:"] +
                       ["| " + l for l in console.screen(text, SCREEN_LINES)])
                # Leave a sane shell for the next test, or start over.
                if not con.alive() or not con.recover():
                    need_boot = True
            else:
                report(prefix + name, True)
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-k", dest="only", help="run scenarios whose name contains this")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--kernel", help="as KERNEL=: ferrite, linux or a path")
    args = ap.parse_args()
    if args.list:
        for t in scenarios.SCENARIOS:
            print(t.__name__)
        return 0
    os.chdir(ROOT)
    logs = os.path.join(BUILD, "test-logs")
    os.makedirs(logs, exist_ok=True)
    counts = [0, 0]

    def report(name, ok, detail=()):
        counts[0 if ok else 1] += 1
        print(("PASS " if ok else "FAIL ") + name, flush=True)
        for line in detail:
            print("    " + line, flush=True)

    run(report, logs, args.kernel, args.only)
    print("%d passed, %d failed" % tuple(counts), flush=True)
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main())

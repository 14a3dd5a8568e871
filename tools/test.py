#!/usr/bin/python3
"""Ferrite's test runner (`make test`): builds, host unit tests, in-kernel
self-tests, QEMU boot tests, the user-space suite (tools/guest_tests.py)
and the interactive console tests (tools/interactive_tests.py). One
PASS/FAIL line per test, full logs in build/test-logs/, and a last line
"N passed, M failed" (exit 1 if M > 0)."""

import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
LOGS = os.path.join(BUILD, "test-logs")
MAKE = os.environ.get("MAKE", "make")
JOBS = int(os.environ.get("TEST_JOBS", min(2, os.cpu_count() or 1)))
ACCEL = os.environ.get("ACCEL", "tcg")
BOOT_TIMEOUT = int(os.environ.get("BOOT_TIMEOUT", "60"))
SELFTEST_TIMEOUT = int(os.environ.get("SELFTEST_TIMEOUT", "180"))
UNIT_TIMEOUT = 900
DETAIL_LINES = 12

KERNEL = os.path.join(BUILD, "ferrite.elf")
FCBOOT_FIXTURE = os.path.join(BUILD, "fcboot-test.elf")
FCBOOT_OVERLAP = os.path.join(BUILD, "fcboot-test-overlap.elf")
TIMEOUT_STATUS = (124, 137)  # timeout(1): TERM sent, or KILL after grace
FCBOOT_FAIL_STATUS = 253     # fcboot.c FCBOOT_EXIT_FAIL (0x7e << 1 | 1)

BAD_MARKERS = [re.compile(p) for p in
               (r"Kernel panic", r"BUG:", r"(?i)double fault")]

passed = 0
failed = 0


def report(name, ok, detail=()):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name, flush=True)
        return
    failed += 1
    print("FAIL " + name, flush=True)
    for line in detail:  # callers keep this short
        print("    " + line, flush=True)


def log_path(name):
    return os.path.join(LOGS, re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".log")


def run(cmd, name, timeout, env=None):
    """Run cmd, log its output; return (status, text). A timeout kills the
    whole process group and returns status 124 like timeout(1)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        status = 124
    text = out.decode("utf-8", "replace").replace("\r", "")
    with open(log_path(name), "w") as f:
        f.write("$ %s\n%s\n[exit status %d]\n" % (" ".join(cmd), text, status))
    return status, text


def tail(text, extra=()):
    """extra, then the lines that explain a failure: from the first panic
    marker on if there is one, else the last lines."""
    lines = text.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        if any(p.search(line) for p in BAD_MARKERS):
            return list(extra) + lines[max(0, i - 2):i + DETAIL_LINES - 2]
    return list(extra) + lines[-DETAIL_LINES:]


# --- builds and host unit tests ------------------------------------------

def build(target, name):
    status, text = run([MAKE, target], name, 1800)
    report(name, status == 0, tail(text, ["make %s failed (status %d); log %s"
                                          % (target, status, log_path(name))]))
    return status == 0


def unit_tests():
    status, text = run([MAKE, "unit"], "unit", UNIT_TIMEOUT)
    seen = 0
    for line in text.split("\n"):
        m = re.match(r"(not ok|ok) - (\S+)", line.strip())
        if not m:
            continue
        seen += 1
        ok = m.group(1) == "ok"
        detail = [] if ok else [l for l in text.split("\n")
                                if m.group(2).split(".")[-1] in l][:6]
        report("unit." + m.group(2), ok, detail)
    # A crash, a build error or a hang shows up as a bad status without a
    # matching "not ok" line: count it once so it cannot pass unseen.
    if status != 0 and "not ok - " not in text:
        report("unit-run", False, tail(text, ["make unit: status %d, log %s"
                                              % (status, log_path("unit"))]))
    elif seen == 0:
        report("unit-run", False, tail(text, ["make unit printed no tests"]))


# --- QEMU boots ------------------------------------------------------------

class Boot:
    """One QEMU run: settings for tools/qemu.sh and a checker that turns
    (status, output) into a list of problems (empty = pass)."""

    def __init__(self, name, check, needs_kernel=True, timeout=BOOT_TIMEOUT,
                 **settings):
        self.name = name
        self.check = check
        self.needs_kernel = needs_kernel
        self.timeout = timeout
        self.settings = settings
        self.status, self.output = None, ""

    def run(self):
        env = dict(os.environ)
        for k in ("MACHINE", "MEM", "BOOT", "KERNEL", "INITRD", "APPEND",
                  "SMP", "DRYRUN"):
            env.pop(k, None)
        env.update(MACHINE="pc", MEM="128M", ACCEL=ACCEL, BUILD=BUILD,
                   TIMEOUT=str(self.timeout), APPEND="")
        env.update(self.settings)
        self.status, self.output = run(["tools/qemu.sh", "batch"], self.name,
                                       self.timeout + 30, env)
        return self


def common_problems(b):
    out, problems = b.output, []
    if b.status in TIMEOUT_STATUS:
        problems.append("timed out after %ds: QEMU did not exit by itself"
                        % b.timeout)
    elif b.status == 2 and "qemu.sh:" in out:
        problems.append("QEMU was not started (see below)")
    for pat in BAD_MARKERS:
        m = pat.search(out)
        if m:
            problems.append("output contains '%s'" % m.group(0))
    return problems


def kernel_boot(proto="pvh", initrd_size=None):
    def check(b):
        out, problems = b.output, common_problems(b)
        if b.status == 2 and "qemu.sh:" in out:
            return problems
        if not re.search(r"Ferrite.*booting via %s\b" % proto, out):
            problems.append("no banner 'Ferrite ... booting via %s'" % proto)
        if not re.search(r"ferrite: ready in \d+ us", out):
            problems.append("no 'ferrite: ready in N us'")
        if initrd_size is None:
            if "ferrite: no initrd: nothing to run as init" not in out:
                problems.append("no 'ferrite: no initrd' line")
            if "ferrite: powering off" not in out:
                problems.append("no 'ferrite: powering off'")
        else:
            m = re.search(r"ferrite: initrd at 0x[0-9a-fA-F]+, (\d+) bytes", out)
            if not m:
                problems.append("no 'ferrite: initrd at 0x..., N bytes'")
            elif int(m.group(1)) != initrd_size:
                problems.append("initrd size %s, expected %d"
                                % (m.group(1), initrd_size))
            if INIT_MESSAGE.decode().strip() not in out:
                problems.append("/init from the initrd did not print its line")
            if "ferrite: init exited with status 0" not in out:
                problems.append("no 'ferrite: init exited with status 0'")
            if "ferrite: powering off" not in out:
                problems.append("no 'ferrite: powering off'")
        return problems
    return check


def fixture_check(cmdline, initrd_size):
    def check(b):
        out, problems = b.output, common_problems(b)
        if not re.search(r"fcboot-test: all \d+ checks passed", out):
            problems.append("fixture checks did not all pass")
        if "fcboot-test: FAIL" in out:
            problems.append("fixture reported a failed check")
        if b.status != 1:
            problems.append("exit status %s, expected 1 (fixture passed)"
                            % b.status)
        if "fcboot-test: cmdline: %s\n" % cmdline not in out:
            problems.append("command line not passed through intact")
        if initrd_size is None:
            if "fcboot-test: no initrd" not in out:
                problems.append("fixture saw an initrd that was not given")
        elif not re.search(r"fcboot-test: initrd at 0x[0-9a-f]+, %d bytes\n"
                           % initrd_size, out):
            problems.append("initrd not passed in the zero page")
        return problems
    return check


def fcboot_rejects(reason):
    def check(b):
        problems = []
        if b.status in TIMEOUT_STATUS:
            problems.append("timed out: the stub did not stop")
        if "fcboot: error: " + reason not in b.output:
            problems.append("no 'fcboot: error: %s'" % reason)
        if b.status != FCBOOT_FAIL_STATUS:
            problems.append("exit status %s, expected %d"
                            % (b.status, FCBOOT_FAIL_STATUS))
        if "fcboot-test:" in b.output:
            problems.append("the rejected image was run anyway")
        return problems
    return check


def crash_check(expected, status):
    """A deliberate crash (crashtest=...): the kernel must report it with
    the given lines, print a backtrace, and end the VM with @status."""
    def check(b):
        problems = []
        if b.status in TIMEOUT_STATUS:
            problems.append("timed out: the crashed kernel did not stop")
        for want in expected + ["Call Trace:", "---[ end Kernel panic"]:
            if want not in b.output:
                problems.append("no '%s' in the output" % want)
        if b.status != status:
            problems.append("exit status %s, expected %d" % (b.status, status))
        return problems
    return check


PANIC_STATUS = (0x7f << 1) | 1  # isa-debug-exit status of a panic
SELFTEST_LINE = re.compile(r"selftest: (ok|FAIL) (\S+)")
SELFTEST_SUMMARY = re.compile(r"selftest: (\d+) passed, (\d+) failed")


def report_selftests(b, kernel_ok):
    if not kernel_ok:
        report("selftest-run", False, ["kernel did not build"])
        return
    counts = {"ok": 0, "FAIL": 0}
    lines = b.output.split("\n")
    for i, line in enumerate(lines):
        m = SELFTEST_LINE.search(line)
        if not m:
            continue
        counts[m.group(1)] += 1
        # The failing test's own messages come just before its FAIL line.
        report("selftest." + m.group(2), m.group(1) == "ok",
               [l for l in lines[max(0, i - 6):i] if "selftest" in l])
    problems = common_problems(b)
    m = SELFTEST_SUMMARY.search(b.output)
    if not m:
        problems.append("no 'selftest: N passed, M failed' summary")
    elif (int(m.group(1)), int(m.group(2))) != (counts["ok"], counts["FAIL"]):
        problems.append("summary says %s passed, %s failed; saw %d ok, %d FAIL"
                        % (m.group(1), m.group(2), counts["ok"], counts["FAIL"]))
    report("selftest-run", not problems,
           problems + tail(b.output, ["log: " + log_path(b.name)]))


INIT_MESSAGE = b"ferrite-test-init: hello from pid 1\n"


def tiny_init_elf():
    """A minimal static x86-64 ELF: write(1, INIT_MESSAGE); exit_group(0).
    Made here so the boot tests need no user-space toolchain."""
    import struct
    base, code_off = 0x400000, 64 + 56
    code = bytearray()
    code += b"\xbf\x01\x00\x00\x00"                 # mov edi, 1
    lea_at = len(code)
    code += b"\x48\x8d\x35\x00\x00\x00\x00"         # lea rsi, [rip+msg]
    code += b"\xba" + struct.pack("<I", len(INIT_MESSAGE))  # mov edx, len
    code += b"\xb8\x01\x00\x00\x00\x0f\x05"         # mov eax, 1; syscall
    code += b"\x31\xff"                               # xor edi, edi
    code += b"\xb8\xe7\x00\x00\x00\x0f\x05"         # mov eax, 231; syscall
    disp = len(code) - (lea_at + 7)
    code[lea_at + 3:lea_at + 7] = struct.pack("<i", disp)
    code += INIT_MESSAGE
    size = code_off + len(code)
    ehdr = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                       2, 62, 1, base + code_off, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)
    return ehdr + phdr + bytes(code)


def make_initrd(path):
    """A small newc cpio whose /init is tiny_init_elf(); returns its size."""
    def entry(name, data, mode):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        blob = hdr.encode() + name_b
        blob += b"\0" * (-len(blob) % 4) + data
        return blob + b"\0" * (-len(blob) % 4)
    body = entry("hello.txt", b"hello from the ferrite test initrd\n", 0o100644)
    body += entry("init", tiny_init_elf(), 0o100755)
    body += entry("TRAILER!!!", b"", 0)
    body += b"\0" * (-len(body) % 512)
    with open(path, "wb") as f:
        f.write(body)
    return len(body)


def boot_tests(kernel_ok, fcboot_ok):
    initrd = os.path.join(LOGS, "initrd.cpio")
    isize = make_initrd(initrd)
    fixture_cmdline = 'fcboot-test a=b c="d e" ' + "x" * 300
    pvh = kernel_boot("pvh")
    boots = [
        Boot("selftest", lambda b: [], timeout=SELFTEST_TIMEOUT,
             APPEND="selftest debug_exit"),
        Boot("boot-pvh-pc-128M", pvh),
        Boot("boot-pvh-microvm-128M", pvh, MACHINE="microvm"),
        Boot("boot-pvh-q35-128M", pvh, MACHINE="q35"),
        Boot("boot-pvh-pc-16M", pvh, MEM="16M"),
        Boot("boot-pvh-pc-4G", pvh, MEM="4G"),
        Boot("boot-pvh-microvm-16M", pvh, MACHINE="microvm", MEM="16M"),
        Boot("boot-fcboot-pc-128M", kernel_boot("linux64"), BOOT="fcboot"),
        Boot("boot-initrd-pc-128M", kernel_boot("pvh", isize), INITRD=initrd),
        Boot("boot-fcboot-initrd-pc-128M", kernel_boot("linux64", isize),
             BOOT="fcboot", INITRD=initrd),
        Boot("cmdline-unbalanced-quote", pvh, APPEND='foo="bar baz'),
        Boot("cmdline-4000-char-token", pvh, APPEND="a" * 4000),
        Boot("cmdline-control-bytes", pvh,
             APPEND="\x01\x02\x1b[2J\x7f\tx=\x03\x08 loglevel=\x1b"),
        Boot("cmdline-only-equals", pvh, APPEND="="),
        Boot("cmdline-loglevel-garbage", pvh, APPEND="loglevel=garbage"),
        Boot("cmdline-empty-init", pvh, APPEND="init="),
        Boot("crash-null-deref-reports-and-powers-off",
             crash_check(["BUG: unable to handle page fault for address: 0x0000000000000000",
                          "crashtest_null_deref+0x",
                          "Kernel panic - not syncing: Fatal exception",
                          "ferrite: powering off"], 0),
             APPEND="crashtest=null"),
        Boot("crash-stack-overflow-hits-guard-page",
             crash_check(["BUG: kernel stack overflow",
                          "crashtest_recurse",
                          "Comm: crashtest"], PANIC_STATUS),
             APPEND="crashtest=overflow debug_exit"),
        Boot("crash-bug-on-names-file-and-line",
             crash_check(["Kernel panic - not syncing: BUG_ON(broken) at kernel/crashtest.c:",
                          "crashtest_bug_on+0x"], PANIC_STATUS),
             APPEND="crashtest=bug debug_exit"),
        Boot("crash-stack-protector-catches-smash",
             crash_check(["Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: crashtest_stack_smash+0x",
                          "__stack_chk_fail+0x"], PANIC_STATUS),
             APPEND="crashtest=stackprot debug_exit"),
        Boot("crash-smap-direct-user-read-faults",
             crash_check(["crashtest: copy_from_user read the user page",
                          "BUG: SMAP violation: kernel access to user address 0x0000000010000000 outside the copy routines",
                          "#PF: error_code(0x0001) - protection violation",
                          "crashtest_smap_read+0x"], PANIC_STATUS),
             APPEND="crashtest=smap debug_exit"),
        Boot("crash-invalid-opcode-reports",
             crash_check(["BUG: invalid opcode (vector 6)",
                          "crashtest_invalid_opcode+0x"], PANIC_STATUS),
             APPEND="crashtest=ud2 debug_exit"),
        Boot("fcboot-selftest", fixture_check(fixture_cmdline, isize),
             needs_kernel=False, BOOT="fcboot", KERNEL=FCBOOT_FIXTURE,
             INITRD=initrd, APPEND=fixture_cmdline),
        Boot("fcboot-selftest-no-initrd", fixture_check("", None),
             needs_kernel=False, BOOT="fcboot", KERNEL=FCBOOT_FIXTURE),
        Boot("fcboot-rejects-non-elf",
             fcboot_rejects("kernel blob is not an ELF file"),
             needs_kernel=False, BOOT="fcboot", KERNEL="Makefile"),
        Boot("fcboot-rejects-overlap",
             fcboot_rejects("segment overlaps the fcboot stub"),
             needs_kernel=False, BOOT="fcboot", KERNEL=FCBOOT_OVERLAP),
    ]

    def runnable(b):
        if b.needs_kernel and not kernel_ok:
            return "kernel did not build"
        if b.settings.get("BOOT") == "fcboot" and not fcboot_ok:
            return "fcboot did not build"
        return None

    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = [pool.submit(b.run) if runnable(b) is None else None
                   for b in boots]
        for b, fut in zip(boots, futures):
            why = runnable(b)
            if b.name == "selftest":
                if fut:
                    fut.result()
                report_selftests(b, why is None)
                continue
            if why:
                report(b.name, False, [why])
                continue
            fut.result()
            problems = b.check(b)
            report(b.name, not problems,
                   problems + tail(b.output, ["log: " + log_path(b.name)]))
    return boots


def boot_figure(boots):
    b = next(b for b in boots if b.name == "boot-pvh-microvm-128M")
    m = re.search(r"ferrite: ready in (\d+) us", b.output)
    if m:
        print("INFO boot time (microvm, 128M, %s): ready in %s us"
              % (ACCEL, m.group(1)), flush=True)


def user_tests(kernel_ok):
    """The user-space suite: on the host (must pass), then in the guest
    booted with the test initramfs, with BusyBox's own test suite
    (Debian's source package, fetched by tools/fetch_busybox_testsuite.sh;
    BBTESTSUITE=0 leaves it out)."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import guest_tests
    bbtestsuite = os.environ.get("BBTESTSUITE", "1") != "0"
    if bbtestsuite and not build("busybox-testsuite", "fetch-busybox-testsuite"):
        bbtestsuite = False
    if not build("initramfs", "build-user"):
        return
    guest_tests.run(report, LOGS, host_only=not kernel_ok,
                    bbtestsuite=bbtestsuite)
    if not kernel_ok:
        report("guest-run", False, ["kernel did not build"])


def interactive_tests(kernel_ok):
    """Typing at the BusyBox shell on the serial console as a person does
    (tools/interactive_tests.py), on Ferrite."""
    if not kernel_ok:
        report("interactive-run", False, ["kernel did not build"])
        return
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    try:
        import interactive_tests as it
    except ImportError as e:
        report("interactive-run", False,
               ["%s (tools/deps.sh test installs python3-pexpect)" % e])
        return
    it.run(report, LOGS, kernel="ferrite")


def bench_smoke(kernel_ok):
    """Each benchmark program of make bench once, tiny counts, on Ferrite
    (tools/bench.py smoke): they must keep working; timing is not judged."""
    if not build("bench-initramfs", "build-bench"):
        return
    if not kernel_ok:
        report("bench-smoke", False, ["kernel did not build"])
        return
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import bench
    bench.smoke(report, LOGS)


def suites(kernel_ok):
    """Further suites, one module per subject in tools/suites/*.py (network,
    robustness, ...). Each defines run(report, log_dir, kernel_ok, build)
    where build(target, name) runs `make target` and reports a failure.
    SUITES=a,b runs only those (and skips everything else but the build)."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    sys.path.insert(0, os.path.join(ROOT, "tools", "suites"))
    import importlib
    for name in selected_suites():
        try:
            mod = importlib.import_module(name)
            mod.run(report, LOGS, kernel_ok, build)
        except Exception:
            report("suite-" + name, False, traceback.format_exc().split("\n"))


def selected_suites():
    names = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "tools", "suites"))
                   if f.endswith(".py") and not f.startswith("_"))
    only = os.environ.get("SUITES")
    if only:
        names = [n for n in names if n in only.split(",")]
    return names


def main():
    os.chdir(ROOT)
    os.makedirs(LOGS, exist_ok=True)
    for old in os.listdir(LOGS):  # no stale log may pass for a fresh one
        os.unlink(os.path.join(LOGS, old))
    try:
        kernel_ok = build("kernel", "build-kernel")
        if not os.environ.get("SUITES"):
            fcboot_ok = build("fcboot", "build-fcboot")
            unit_tests()
            boot_figure(boot_tests(kernel_ok, fcboot_ok))
            user_tests(kernel_ok)
            bench_smoke(kernel_ok)
            interactive_tests(kernel_ok)
        suites(kernel_ok)
    except Exception:  # a runner bug must still end in a failed count
        report("test-runner", False, traceback.format_exc().split("\n"))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The undefined-behaviour sanitizer run (issue 6): the kernel built with
CONFIG_UBSAN=y in $BUILD/ubsan (defconfig plus that line) boots the guest
behaviour suite and, in a second boot, the in-kernel self-tests. The
suite must reach the end of the test /init with no panic or BUG, every
ufw test and self-test must pass, and the kernel must print no "UBSAN:"
report in either (lib/ubsan.c prints one per faulting site and carries
on). A third boot (crashtest=ubsan) checks that the handlers do report.

    tools/suites/ubsan.py      (standalone; BUILD= as for make)
"""

import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import guest_tests  # noqa: E402
from _variant import build as build_variant, info, log_name  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
UBUILD = os.path.join(BUILD, "ubsan")
KERNEL = os.path.join(UBUILD, "ferrite.elf")
RUN_TIMEOUT = 300	# the instrumented kernel runs the suite in ~1 minute
RUN_SILENCE = 90

MAKE = os.environ.get("MAKE", "make")
# What crashtest=ubsan (kernel/crashtest.c) must report, each once
# although every site runs twice.
EXPECTED = ("signed-integer-overflow", "shift-out-of-bounds",
            "array-index-out-of-bounds")
REPORT = re.compile(r"UBSAN: .*")
BAD = re.compile(r"Kernel panic|BUG:|[Dd]ouble fault|general protection")


def boot(log_dir, name, append, timeout):
    """One boot of the UBSan kernel without an initramfs; its output."""
    env = dict(os.environ, KERNEL=KERNEL, BUILD=UBUILD, TIMEOUT=str(timeout),
               APPEND=append)
    env.pop("INITRD", None)
    p = subprocess.run(["tools/qemu.sh", "batch"], cwd=ROOT, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    text = p.stdout.decode("utf-8", "replace").replace("\r", "")
    with open(log_name(log_dir, name), "w") as f:
        f.write(text + "\n[exit status %d]\n" % p.returncode)
    return text


def handlers_report(report, log_dir):
    """The handlers work: deliberate undefined behaviour is reported once
    per site, and the kernel carries on."""
    text = boot(log_dir, "ubsan-crashtest", "crashtest=ubsan debug_exit", 60)
    problems = []
    for kind in EXPECTED:
        n = text.count("UBSAN: %s at kernel/crashtest.c:" % kind)
        if n != 1:
            problems.append("%d '%s' reports, want 1" % (n, kind))
    if "crashtest: undefined behaviour done, carrying on" not in text:
        problems.append("the kernel did not carry on after the reports")
    report("ubsan.handlers-report-once-and-continue", not problems,
           problems + text.strip().split("\n")[-6:])


def run(report, log_dir, kernel_ok, build):
    if not build("initramfs", "ubsan.build-initramfs"):
        return
    if not build_variant(report, log_dir, "ubsan", "UBSAN"):
        return
    handlers_report(report, log_dir)
    log = log_name(log_dir, "ubsan-guest")
    saved = guest_tests.GUEST_TIMEOUT, guest_tests.GUEST_SILENCE
    guest_tests.GUEST_TIMEOUT, guest_tests.GUEST_SILENCE = RUN_TIMEOUT, RUN_SILENCE
    start = time.time()
    try:
        status, text, why = guest_tests.guest_run(False, log, kernel=KERNEL)
    finally:
        guest_tests.GUEST_TIMEOUT, guest_tests.GUEST_SILENCE = saved
    lines = text.replace("\r", "").split("\n")
    ended = "=== ferrite-tests end" in text
    if not ended and not why:
        why = "guest did not reach the end of /init (status %s)" % status
    bad = [l for l in lines if BAD.search(l)]
    report("ubsan.suite-completes", ended and not bad and not why,
           ([why] if why else []) + bad[:6] + ([] if ended else lines[-8:])
           + ["log " + log])
    results = guest_tests.results(guest_tests.parse(text))
    failed = sorted(n for n, (ok, _) in results.items() if not ok)
    report("ubsan.suite-passes", bool(results) and not failed,
           ["%d of %d results failed: %s" % (len(failed), len(results),
                                             " ".join(failed[:8]))]
           if results else ["no results"])
    # The in-kernel self-tests too: more kernel paths, two seconds.
    st = boot(log_dir, "ubsan-selftest", "selftest debug_exit", 180)
    report("ubsan.selftests-pass",
           re.search(r"selftest: \d+ passed, 0 failed", st) is not None,
           st.strip().split("\n")[-8:])
    lines += st.split("\n")
    reports = []
    for i, l in enumerate(lines):
        m = REPORT.search(l)
        if m:
            reports.append(m.group(0))
            reports += [x.strip() for x in lines[i + 1:i + 3]]
    report("ubsan.no-reports", ended and not reports,
           reports[:12] + ["log " + log])
    info("ubsan: %d results, %d sanitizer reports, guest run %.0f s" % (
        len(results), sum(1 for l in lines if REPORT.search(l)),
        time.time() - start))


if __name__ == "__main__":
    os.chdir(ROOT)
    logs = os.path.join(BUILD, "test-logs")
    os.makedirs(logs, exist_ok=True)
    counts = [0, 0]

    def report(name, ok, detail=()):
        counts[0 if ok else 1] += 1
        print(("PASS " if ok else "FAIL ") + name, flush=True)
        for line in ([] if ok else detail):
            print("    " + line, flush=True)

    def build(target, name):
        p = subprocess.run([MAKE, "--no-print-directory", target], cwd=ROOT,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        report(name, p.returncode == 0,
               p.stdout.decode("utf-8", "replace").strip().split("\n")[-10:])
        return p.returncode == 0

    run(report, logs, True, build)
    print("%d passed, %d failed" % tuple(counts))
    sys.exit(1 if counts[1] else 0)

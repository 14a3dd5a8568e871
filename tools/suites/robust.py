"""Robustness (issue 6): the OOM killer, the syscall fuzzer, and the
malformed-input corpora for the initramfs and the command line.

- robust.oom-*: boots the oom initramfs (mkinitramfs.py --layout oom,
  user/robust/oomeater.c) in 64 MiB: eaters are killed by SIGKILL (status
  137), a big sleeping process is the victim when it is the largest, the
  shell goes on, MemFree comes back, the kernel logs Linux's line.
- robust.fuzz-*: user/fuzz/sysfuzz.c, 100,000 calls with a fixed seed
  (ROBUST_FUZZ_SEED, ROBUST_FUZZ_ITER), no panic and no hang.
- robust.cpio-*: every image of tests/cpio-corpus/gen.py is booted: the
  damage is logged, nothing crashes, /init runs when the image has one.
- robust.cmdline-*: tests/cmdline-corpus/cases.py, the same way.
"""

import concurrent.futures
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
ACCEL = os.environ.get("ACCEL", "tcg")
PYTHON = sys.executable or "python3"
JOBS = int(os.environ.get("TEST_JOBS", min(2, os.cpu_count() or 1)))

OOM_INITRD = os.path.join(BUILD, "initramfs-oom.cpio.gz")
OOM_MEM = "64M"
# MemFree after the eaters may sit below its value before them by kernel
# memory the shell's children left in partly used slab pages and by the
# shell's own growth (observed: 24 kB); more than this is a leak.
OOM_FREE_TOLERANCE_KB = 1024

FUZZ_INITRD = os.path.join(BUILD, "initramfs-fuzz.cpio.gz")
FUZZ_SEED = int(os.environ.get("ROBUST_FUZZ_SEED", "42"))
FUZZ_ITER = int(os.environ.get("ROBUST_FUZZ_ITER", "100000"))
FUZZ_CHILDREN = 4
FUZZ_MEM = "256M"
FUZZ_TIMEOUT = 600

CORPUS_DIR = os.path.join(BUILD, "cpio-corpus")
CORPUS_MEM = "32M"
CORPUS_TIMEOUT = 60
INIT_RAN = "cpio-corpus: init ran"
NOINIT_PANIC = "Kernel panic - not syncing: No working init found"
# What a clean rejection never shows.
CRASH_MARKERS = [re.compile(p) for p in (
    r"BUG:", r"Oops", r"general protection", r"unable to handle",
    r"(?i)double fault", r"Fatal exception", r"stack-protector",
    r"WARNING:", r"invalid opcode")]
DETAIL = 12


def boot(name, log_dir, timeout, **settings):
    """tools/qemu.sh batch with @settings; returns (status, output, secs)."""
    env = dict(os.environ)
    for k in ("MACHINE", "MEM", "BOOT", "KERNEL", "INITRD", "APPEND", "SMP"):
        env.pop(k, None)
    env.update(MACHINE="pc", MEM="128M", ACCEL=ACCEL, BUILD=BUILD,
               TIMEOUT=str(timeout), APPEND="")
    env.update(settings)
    start = time.monotonic()
    try:
        p = subprocess.run(["tools/qemu.sh", "batch"], cwd=ROOT, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout + 30)
        status, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        status, out = 124, e.stdout or b""
    secs = time.monotonic() - start
    text = out.decode("utf-8", "replace").replace("\r", "")
    path = os.path.join(log_dir, "robust-" + re.sub(r"[^A-Za-z0-9_.-]", "_",
                                                    name) + ".log")
    with open(path, "w") as f:
        f.write("settings: %r\n%s\n[exit status %d, %.1f s]\n"
                % (settings, text, status, secs))
    return status, text, secs, path


def tail(text, n=DETAIL):
    lines = text.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        if any(p.search(line) for p in CRASH_MARKERS) or "Kernel panic" in line:
            return lines[max(0, i - 2):i + n - 2]
    return lines[-n:]


def crashes(text):
    return [p.pattern for p in CRASH_MARKERS if p.search(text)]


# --- OOM -------------------------------------------------------------------

def oom_tests(report, log_dir):
    status, out, secs, path = boot("oom", log_dir, 300, MEM=OOM_MEM,
                                   INITRD=OOM_INITRD)
    marks = {}
    for m in re.finditer(r"^=== oom (\S+) ?(.*)$", out, re.M):
        marks.setdefault(m.group(1), []).append(m.group(2).split())
    info = ["log: " + path]
    kills = [(int(m.group(1)), m.group(2)) for m in re.finditer(
        r"Out of memory: Killed process (\d+) \((\S+)\) total-vm:\d+kB, "
        r"anon-rss:\d+kB", out)]

    def status_of(key):
        for words in marks.get("status", []):
            if words and words[0] == key:
                return words[1:]
        return None

    def check(name, problems):
        report("robust.oom-" + name, not problems, problems + info)

    base = crashes(out) + ([] if status == 0 else
                           ["QEMU exit status %d (timeout: 124)" % status])
    if "end" not in marks:
        base.append("the OOM /init did not reach its end")
    check("single-eater-sigkilled",
          base + ([] if status_of("single") == ["137"] else
                  ["eater status %s, want 137" % status_of("single")]))
    check("two-eaters-both-sigkilled",
          [] if status_of("two") == ["137", "137"] else
          ["statuses %s, want 137 137" % status_of("two")])
    forked = re.findall(r"oomeater: child \d+ killed by signal (\d+)", out)
    check("forking-eater-all-sigkilled",
          ([] if status_of("fork") == ["137"] else
           ["parent status %s, want 137" % status_of("fork")]) +
          ([] if forked == ["9", "9"] else
           ["children ended by signals %s, want 9 9" % forked]))
    sleeper = marks.get("sleeper", [["?", "?"]])[0]
    spid = int(sleeper[1]) if len(sleeper) > 1 and sleeper[1].isdigit() else -1
    later = [pid for pid, _ in kills if pid >= spid]
    check("sleeping-largest-victim-dies",
          ([] if status_of("sleeper") == ["137", "137"] else
           ["sleeper/eater statuses %s, want 137 137" % status_of("sleeper")]) +
          ([] if later and later[0] == spid else
           ["first kill after the sleeper started: %s, want pid %d"
            % (later[:1], spid)]))
    frees = {k[0]: int(k[1]) for k in marks.get("memfree", []) if len(k) == 2}
    before = frees.get("before")
    problems = []
    if before is None or len(frees) < 5:
        problems.append("MemFree figures missing: %s" % frees)
    else:
        for k, v in frees.items():
            if before - v > OOM_FREE_TOLERANCE_KB:
                problems.append("MemFree after %s: %d kB, before %d kB "
                                "(tolerance %d kB)" % (k, v, before,
                                                       OOM_FREE_TOLERANCE_KB))
    check("memory-returns", problems)
    check("shell-survives-and-log-line",
          ([] if marks.get("shell") == [["alive", "42"]] else
           ["the shell did not print its last line"]) +
          ([] if kills and all(n.startswith("oomeater") for _, n in kills) else
           ["kills %s: want 'Out of memory: Killed process N (oomeater)' "
            "lines and no other victim" % kills]))
    if frees:
        print("INFO robust OOM: %d kills in %.1f s, MemFree before %s kB, "
              "after %s" % (len(kills), secs, before,
                            ", ".join("%s %d" % kv for kv in frees.items()
                                      if kv[0] != "before")), flush=True)


# --- syscall fuzzer --------------------------------------------------------

def fuzz_test(report, log_dir):
    name = "robust.fuzz-%d-calls-seed-%d" % (FUZZ_ITER, FUZZ_SEED)
    status, out, secs, path = boot(
        "fuzz", log_dir, FUZZ_TIMEOUT, MEM=FUZZ_MEM, INITRD=FUZZ_INITRD,
        APPEND="sysfuzz.iter=%d sysfuzz.seed=%d sysfuzz.children=%d"
        % (FUZZ_ITER, FUZZ_SEED, FUZZ_CHILDREN))
    m = re.search(r"^sysfuzz: (\d+) calls, seed (\d+), (\d+) children restarted",
                  out, re.M)
    problems = crashes(out)
    if "Kernel panic" in out:
        problems.append("kernel panic")
    hang = re.search(r"^sysfuzz: HANG.*", out, re.M)
    if hang:
        problems.append("a call survives SIGKILL: " + hang.group(0))
    if status == 124:
        problems.append("timed out after %d s: hang" % FUZZ_TIMEOUT)
    if not m:
        problems.append("no 'sysfuzz: N calls, seed S' summary")
    elif int(m.group(1)) < FUZZ_ITER:
        problems.append("only %s calls made" % m.group(1))
    report(name, not problems,
           problems + ["seed %d: reproduce with make fuzz ITER=%d SEED=%d"
                       % (FUZZ_SEED, FUZZ_ITER, FUZZ_SEED), "log: " + path] +
           (tail(out) if problems else []))
    print("INFO robust fuzz: %s calls, seed %d, %s children restarted, "
          "%.0f s under %s" % (m.group(1) if m else "?", FUZZ_SEED,
                               m.group(3) if m else "?", secs, ACCEL),
          flush=True)


# --- malformed inputs ------------------------------------------------------

def judge(expect, status, out):
    """Problems with one corpus boot (empty: rejected cleanly)."""
    problems = crashes(out)
    panics = re.findall(r"Kernel panic - not syncing: .*", out)
    if status == 124:
        problems.append("timed out: the kernel did not stop by itself")
    ran = INIT_RAN in out
    clean_noinit = panics and all(NOINIT_PANIC in p for p in panics)
    if panics and not clean_noinit:
        problems.append("panic: " + panics[0])
    if expect == "init" and not ran:
        problems.append("/init did not run")
    if expect == "noinit" and (ran or not clean_noinit):
        problems.append("expected the clean 'No working init found' panic")
    if expect == "any" and not (ran or clean_noinit):
        problems.append("neither /init nor the clean no-init panic")
    return problems


def corpus_tests(report, log_dir):
    gen = subprocess.run([PYTHON, "tests/cpio-corpus/gen.py", CORPUS_DIR],
                         cwd=ROOT, capture_output=True, text=True)
    if gen.returncode:
        report("robust.cpio-corpus-gen", False, gen.stderr.split("\n")[-DETAIL:])
        return
    cases = []
    with open(os.path.join(ROOT, CORPUS_DIR, "MANIFEST")) as f:
        for line in f:
            fname, expect, desc = line.rstrip("\n").split(" ", 2)
            cases.append(("cpio-" + fname[:-5], expect, desc, dict(
                MEM=CORPUS_MEM, INITRD=os.path.join(CORPUS_DIR, fname))))
    sys.path.insert(0, os.path.join(ROOT, "tests", "cmdline-corpus"))
    import cases as cmdline_cases
    good = os.path.join(CORPUS_DIR, "trailing-junk.cpio")
    for name, expect, line in cmdline_cases.CASES:
        cases.append(("cmdline-" + name, expect, "APPEND=%r" % line[:60],
                      dict(MEM=CORPUS_MEM, INITRD=good, APPEND=line)))

    def one(case):
        name, expect, desc, settings = case
        return boot(name, log_dir, CORPUS_TIMEOUT, **settings)

    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        for case, res in zip(cases, pool.map(one, cases)):
            name, expect, desc, _ = case
            status, out, secs, path = res
            problems = judge(expect, status, out)
            if name.startswith("cpio-") and "initramfs:" not in out:
                problems.append("the kernel logged nothing about the archive")
            report("robust." + name, not problems,
                   problems + [desc, "log: " + path] +
                   (tail(out) if problems else []))
    print("INFO robust corpora: %d cpio images, %d command lines"
          % (sum(c[0].startswith("cpio-") for c in cases),
             len(cmdline_cases.CASES)), flush=True)


def run(report, log_dir, kernel_ok, build):
    if not kernel_ok:
        report("robust", False, ["kernel did not build"])
        return
    if not build("robust", "robust.build"):
        return
    oom_tests(report, log_dir)
    fuzz_test(report, log_dir)
    corpus_tests(report, log_dir)


if __name__ == "__main__":
    # Standalone: tools/suites/robust.py [oom|fuzz|corpus ...]
    counts = [0, 0]

    def rep(name, ok, detail=()):
        counts[not ok] += 1
        print(("PASS " if ok else "FAIL ") + name, flush=True)
        for d in ([] if ok else detail):
            print("    " + d, flush=True)

    logs = os.path.join(BUILD, "test-logs")
    os.makedirs(logs, exist_ok=True)
    parts = sys.argv[1:] or ["oom", "fuzz", "corpus"]
    os.chdir(ROOT)
    if "oom" in parts:
        oom_tests(rep, logs)
    if "fuzz" in parts:
        fuzz_test(rep, logs)
    if "corpus" in parts:
        corpus_tests(rep, logs)
    print("%d passed, %d failed" % tuple(counts))
    sys.exit(1 if counts[1] else 0)

#!/usr/bin/python3
"""Ferrite side by side with Debian's Linux kernel (`make bench`).

Both kernels boot the same benchmark initramfs (build/initramfs-bench.cpio.gz,
/init = user/bench/init.c) in the same QEMU configuration, runs alternating
Linux and Ferrite. Prints a table and writes build/bench/results.json,
results.csv and ratios.png. What each figure means: docs/performance.md.

Environment: ACCEL=tcg|kvm, BENCH_MACHINE=pc|microvm, BENCH_RUNS=5 (boot and
micro-benchmark runs per kernel), BENCH_MEM=256M, BENCH_SKIP=minmem,bzimage
(comma list of parts to leave out; http: the HTTP requests from the host),
BENCH_LINUX_APPEND (extra Linux command line, e.g. mitigations=off),
BENCH_MICRO_ITERS (iteration count for every program instead of each one's
default).
"""

import csv
import datetime
import json
import lzma
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
OUT = os.path.join(BUILD, "bench")
ACCEL = os.environ.get("ACCEL", "tcg")
MACHINE = os.environ.get("BENCH_MACHINE", "pc")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MEM = os.environ.get("BENCH_MEM", "256M")
SKIP = set(filter(None, os.environ.get("BENCH_SKIP", "").split(",")))
LINUX_APPEND = os.environ.get("BENCH_LINUX_APPEND", "")
MICRO_ITERS = os.environ.get("BENCH_MICRO_ITERS", "")
INITRD = os.path.join(BUILD, "initramfs-bench.cpio.gz")
FERRITE = os.path.join(BUILD, "ferrite.elf")
FERRITE_STRIPPED = os.path.join(BUILD, "ferrite")
LINUX_DIR = os.path.join(BUILD, "linux")
LINUX_BZIMAGE = os.path.join(LINUX_DIR, "vmlinuz")
LINUX_VMLINUX = os.path.join(LINUX_DIR, "vmlinux")
# Generous: Linux under TCG needs about 3 s to reach /init on a 2-core host.
TIMEOUT = {"tcg": 120, "kvm": 30}.get(ACCEL, 120)

# name in the guest output -> (label, unit note)
MICRO = [
    ("null_syscall", "null syscall (getppid)"),
    ("read_devzero", "read 1 byte /dev/zero"),
    ("stat", "stat (tmpfs, 3 levels)"),
    ("open_close", "open+close"),
    ("fork_exit", "fork+exit+wait"),
    ("fork_exec", "fork+execve+wait"),
    ("spawn_exec", "posix_spawn+wait"),
    ("ctx_switch", "context switch (pipes)"),
    ("pipe_64k", "pipe 64 KiB write+read"),
    ("page_fault", "anon page fault (64 MiB)"),
    ("mmap_1m", "mmap+munmap 1 MiB"),
    ("tmpfs_create", "tmpfs create+unlink"),
    ("poll_10", "poll 10 fds"),
    ("select_10", "select 10 fds"),
    ("tcp_64k", "TCP loopback 64 KiB write+read"),
]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# --- the two kernels ---------------------------------------------------------

def linux_vmlinux():
    """Debian ships an XZ-compressed bzImage; its payload is the ELF vmlinux
    with a PVH note, which QEMU boots exactly like Ferrite."""
    if os.path.exists(LINUX_VMLINUX) and \
            os.path.getmtime(LINUX_VMLINUX) >= os.path.getmtime(LINUX_BZIMAGE):
        return LINUX_VMLINUX
    data = open(LINUX_BZIMAGE, "rb").read()
    start = data.find(b"\xfd7zXZ\x00")
    if start < 0:
        sys.exit("bench: no XZ payload in %s" % LINUX_BZIMAGE)
    elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
    if elf[:4] != b"\x7fELF":
        sys.exit("bench: the payload of %s is not an ELF file" % LINUX_BZIMAGE)
    with open(LINUX_VMLINUX + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(LINUX_VMLINUX + ".tmp", LINUX_VMLINUX)
    return LINUX_VMLINUX


def stripped_size(elf):
    tmp = os.path.join(OUT, "stripped.tmp")
    subprocess.run(["strip", "-o", tmp, elf], check=True)
    size = os.path.getsize(tmp)
    os.unlink(tmp)
    return size


class Kernel:
    def __init__(self, name, image, append):
        self.name, self.image, self.append = name, image, append


def kernels():
    linux_append = "console=ttyS0 quiet panic=-1 " + LINUX_APPEND
    return [Kernel("linux", linux_vmlinux(), linux_append.strip()),
            Kernel("ferrite", FERRITE, "")]


# --- one QEMU run ----------------------------------------------------------------

def qemu_argv(kernel, mem, mode, machine=MACHINE):
    """tools/qemu.sh makes the command line (DRYRUN), so both kernels get
    the configuration every other Ferrite tool uses; QEMU is then run and
    timed directly, without the shell in between."""
    append = (kernel.append + " -- " + mode).strip()
    env = dict(os.environ, MACHINE=machine, MEM=mem, ACCEL=ACCEL, SMP="1",
               BOOT="pvh", KERNEL=kernel.image, INITRD=INITRD, APPEND=append,
               DRYRUN="1", BUILD=BUILD)
    out = subprocess.run(["tools/qemu.sh", "batch"], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    return shlex.split(out)


def boot(kernel, mem, mode, timeout=TIMEOUT, machine=MACHINE):
    """Runs one VM to its end; returns (wall seconds, output, timed_out)."""
    argv = qemu_argv(kernel, mem, mode, machine)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        timed_out = True
    wall = time.monotonic() - t0
    return wall, out.decode("utf-8", "replace").replace("\r", ""), timed_out


INIT_LINE = re.compile(r"bench-init: tsc_at_init (\d+) tsc_hz (\d+) "
                       r"memfree_kb (-?\d+) memtotal_kb (-?\d+) "
                       r"klog_init_us (-?\d+)")
FERRITE_INIT = re.compile(r"ferrite: starting \S+, (\d+) us after entry")
RESULT = re.compile(r"^bench (\S+) ([\d.]+) ns/op", re.M)


def parse_init(out):
    m = INIT_LINE.search(out)
    if not m:
        return None
    d = dict(zip(("tsc", "tsc_hz", "memfree_kb", "memtotal_kb", "klog_us"),
                 map(int, m.groups())))
    f = FERRITE_INIT.search(out)
    d["entry_us"] = int(f.group(1)) if f else None
    return d


def save_log(name, out):
    with open(os.path.join(OUT, "logs", name + ".log"), "w") as f:
        f.write(out)


# --- the parts of the benchmark ------------------------------------------------

def run_alternating(ks, mode, runs, what):
    """runs x (Linux, Ferrite) VMs in mode; {kernel: [(wall, out)]}."""
    got = {k.name: [] for k in ks}
    for i in range(runs):
        for k in ks:
            wall, out, timed_out = boot(k, MEM, mode)
            save_log("%s-%s-%d" % (what, k.name, i), out)
            if timed_out or "bench-init: done" not in out:
                log("%s run %d on %s did not finish (see %s/logs)"
                    % (what, i, k.name, OUT))
                continue
            got[k.name].append((wall, out))
        log("%s: run %d/%d done" % (what, i + 1, runs))
    return got


def minmem(kernel):
    """Smallest -m (MiB) with which /init runs sh -c 'echo ok', by
    bisection; each probe one VM with a time limit."""
    def works(mib):
        wall, out, timed_out = boot(kernel, "%dM" % mib, "echo",
                                    timeout=min(TIMEOUT, 90))
        ok = not timed_out and "bench-init: echo status 0" in out and \
            re.search(r"^ok$", out, re.M) is not None
        save_log("minmem-%s-%d" % (kernel.name, mib), out)
        log("minmem %s %d MiB: %s" % (kernel.name, mib,
                                      "ok" if ok else "fails"))
        return ok

    lo, hi = 1, 512  # lo fails (QEMU itself wants more), hi must work
    if not works(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


def spread(values):
    """median, min, max of a list (None for an empty list)."""
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values),
            "values": values}


def figure(key, label, unit, linux, ferrite, goal=None, note="",
           goal_abs=None):
    """One table row; linux/ferrite are lists of samples (or one number).
    goal: the ratio Ferrite/Linux to reach; goal_abs: Ferrite's own value."""
    lin = spread(linux if isinstance(linux, list) else
                 ([] if linux is None else [linux]))
    fer = spread(ferrite if isinstance(ferrite, list) else
                 ([] if ferrite is None else [ferrite]))
    ratio = None
    if lin and fer and lin["median"]:
        ratio = fer["median"] / lin["median"]
    met = None if goal is None or ratio is None else ratio <= goal
    if goal_abs is not None and fer:
        met = fer["median"] <= goal_abs
    return {"key": key, "label": label, "unit": unit, "linux": lin,
            "ferrite": fer, "ratio": ratio, "goal_ratio": goal,
            "goal_ferrite": goal_abs, "goal_met": met, "note": note}


def goal_text(r, le="<="):
    if r["goal_ratio"] is not None:
        g = "ratio %s %s" % (le, fmt(r["goal_ratio"]))
    elif r.get("goal_ferrite") is not None:
        g = "Ferrite %s %s" % (le, fmt(r["goal_ferrite"]))
    else:
        return ""
    return g + {True: " met", False: " MISSED", None: ""}[r["goal_met"]]


# --- output ----------------------------------------------------------------

def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def cell(s):
    if not s:
        return "-"
    if s["n"] == 1:
        return fmt(s["median"])
    return "%s [%s-%s]" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def table(rows):
    head = ("figure", "unit", "Linux median [min-max]",
            "Ferrite median [min-max]", "ratio F/L", "goal")
    lines = [head]
    for r in rows:
        goal = goal_text(r) or "-"
        lines.append((r["label"], r["unit"], cell(r["linux"]),
                      cell(r["ferrite"]),
                      "-" if r["ratio"] is None else "%.3f" % r["ratio"],
                      goal.strip()))
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    text = []
    for n, l in enumerate(lines):
        text.append("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())
        if n == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def markdown(rows):
    out = ["| figure | unit | Linux | Ferrite | ratio F/L | goal |",
           "|---|---|---:|---:|---:|---|"]
    for r in rows:
        goal = goal_text(r, "≤")
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            r["label"], r["unit"], cell(r["linux"]), cell(r["ferrite"]),
            "-" if r["ratio"] is None else "%.3f" % r["ratio"], goal))
    return "\n".join(out)


def host_cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def chart(rows, meta, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [r for r in rows if r["ratio"] and r.get("chart", True)]
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(rows) + 2.2))
    labels = [r["label"] for r in rows][::-1]
    ratios = [r["ratio"] for r in rows][::-1]
    colors = ["#2a9d8f" if v <= 1.0 else "#e76f51" for v in ratios]
    ax.barh(labels, ratios, color=colors)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=1)
    for y, v in enumerate(ratios):
        ax.text(v, y, " %.3g" % v, va="center", fontsize=8)
    ax.set_xlabel("Ferrite / Linux (log scale; < 1 means Ferrite is "
                  "faster or smaller)")
    lo = min(ratios + [1.0]) / 2
    hi = max(ratios + [1.0]) * 3
    ax.set_xlim(lo, hi)
    ax.set_title("Ferrite vs Linux %s (median of runs)" % meta["linux"],
                 fontsize=10)
    fig.text(0.01, 0.01, "%s, %d CPUs; %s; accel=%s, machine=%s, -m %s; "
             "%s; ferrite %s" % (meta["host_cpu"], meta["host_cpus"],
                                 meta["qemu"], meta["accel"],
                                 meta["machine"], meta["mem"], meta["date"],
                                 meta["ferrite_commit"]),
             fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(rows, meta):
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"meta": meta, "figures": rows}, f, indent=1)
    with open(os.path.join(OUT, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "figure", "unit", "linux_median", "linux_min",
                    "linux_max", "ferrite_median", "ferrite_min",
                    "ferrite_max", "ratio", "goal_ratio", "goal_ferrite",
                    "goal_met",
                    "accel", "machine", "date"])
        for r in rows:
            lin, fer = r["linux"] or {}, r["ferrite"] or {}
            w.writerow([r["key"], r["label"], r["unit"], lin.get("median"),
                        lin.get("min"), lin.get("max"), fer.get("median"),
                        fer.get("min"), fer.get("max"), r["ratio"],
                        r["goal_ratio"], r["goal_ferrite"], r["goal_met"],
                        meta["accel"],
                        meta["machine"], meta["date"]])
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(markdown(rows) + "\n")
    try:
        chart(rows, meta, os.path.join(OUT, "ratios.png"))
    except ImportError:
        log("matplotlib missing (tools/deps.sh bench): no ratios.png")


# --- make test: a smoke run ---------------------------------------------------

def smoke(report, logs):
    """Every benchmark program once on Ferrite with a tiny count (init's
    "smoke" mode): one PASS/FAIL per program, nothing about timing."""
    progs = sorted(p for p in os.listdir(os.path.join(OUT, "bin"))
                   if p != "hello")
    ferrite = Kernel("ferrite", FERRITE, "")
    wall, out, timed_out = boot(ferrite, "256M", "smoke")
    with open(os.path.join(logs, "bench-smoke.log"), "w") as f:
        f.write(out)
    status = dict(re.findall(r"^bench-init: program (\S+) status (-?\d+)$",
                             out, re.M))
    # A program's own lines come just before its status line.
    chunks = re.split(r"^bench-init: program \S+ status -?\d+$", out,
                      flags=re.M)
    own = dict(zip(re.findall(r"^bench-init: program (\S+) status", out,
                              re.M), chunks))
    for p in progs:
        problems = []
        if timed_out and p not in status:
            problems.append("guest timed out before it ran (log %s)"
                            % os.path.join(logs, "bench-smoke.log"))
        elif p not in status:
            problems.append("not run: no 'bench-init: program %s' line" % p)
        elif status[p] != "0":
            problems.append("exit status %s" % status[p])
        if p in own and not RESULT.search(own[p]):
            problems.append("no 'bench <name> <ns> ns/op' line")
        detail = [l for l in own.get(p, "").split("\n")
                  if l.startswith("bench ")][-3:]
        report("bench-smoke." + p, not problems, problems + detail)


# --- HTTP from the host (issue 7) -----------------------------------------------

HTTP_REQUESTS, HTTP_CONCURRENCY = 2000, 8
AB_RPS = re.compile(r"^Requests per second:\s+([\d.]+)", re.M)


def http_guest_rps(kernel_name, machine, log_name):
    """Boots the network test image (tools/suites/net.py's Guest: QEMU user
    networking, BusyBox httpd on a hostfwd port) and runs ApacheBench from
    the host against it; requests per second, or None."""
    sys.path.insert(0, os.path.join(ROOT, "tools", "suites"))
    import net
    g = net.Guest(machine, kernel_name, os.path.join(OUT, "logs",
                                                     log_name + ".log"))
    try:
        g.start("")
        if not g.wait_for(r"^=== net ready", net.BOOT_TIMEOUT):
            log("%s: the guest did not come up" % log_name)
            return None
        r = subprocess.run(["ab", "-q", "-n", str(HTTP_REQUESTS), "-c",
                            str(HTTP_CONCURRENCY), "-s", "60",
                            "http://127.0.0.1:%d/index.html" % g.http],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=900)
        with open(os.path.join(OUT, "logs", log_name + "-ab.log"), "w") as f:
            f.write(r.stdout + r.stderr)
        m = AB_RPS.search(r.stdout)
        failed = re.search(r"^Failed requests:\s+(\d+)", r.stdout, re.M)
        if r.returncode or not m or (failed and failed.group(1) != "0"):
            log("%s: ab failed (see logs/%s-ab.log)" % (log_name, log_name))
            return None
        return float(m.group(1))
    finally:
        g.stop()


def http_rows(runs):
    """ab -n 2000 -c 8 against BusyBox httpd in the guest, Linux and
    Ferrite alternating; one table row in ms per request (lower is better,
    like every other row), requests/s in the note."""
    target = ["net-initramfs", "net-initramfs-linux"]
    if subprocess.run([os.environ.get("MAKE", "make"), "-s"] + target,
                      cwd=ROOT).returncode:
        log("http: building the network images failed; skipped")
        return []
    if not shutil.which("ab"):
        log("http: ab missing (apt-get install apache2-utils); skipped")
        return []
    rps = {"linux": [], "ferrite": []}
    for i in range(runs):
        for k in ("linux", "ferrite"):
            v = http_guest_rps(k, "pc", "http-%s-%d" % (k, i))
            if v:
                rps[k].append(v)
        log("http: run %d/%d done" % (i + 1, runs))
    med = {k: ("%.0f" % statistics.median(v) if v else "-")
           for k, v in rps.items()}
    return [figure("http_request", "HTTP GET host -> guest httpd (ab -c %d)"
                   % HTTP_CONCURRENCY, "ms/req",
                   [1000 / v for v in rps["linux"]],
                   [1000 / v for v in rps["ferrite"]], goal=1.0,
                   note="requests/s: Linux %s, Ferrite %s; QEMU user "
                   "networking, pc, virtio-net-pci" % (med["linux"],
                                                       med["ferrite"]))]


# --- main ------------------------------------------------------------------------

def metadata():
    qemu = subprocess.run(["qemu-system-x86_64", "--version"],
                          capture_output=True, text=True).stdout.split("\n")[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "-uno"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    linux = open(os.path.join(LINUX_DIR, "VERSION")).read().strip()
    return {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "host_cpu": host_cpu(), "host_cpus": os.cpu_count(),
            "host_kernel": platform.release(),
            "qemu": qemu.replace("QEMU emulator version", "QEMU").strip(),
            "accel": ACCEL, "machine": MACHINE, "mem": MEM, "runs": RUNS,
            "linux": linux, "linux_append": LINUX_APPEND,
            "ferrite_commit": commit + ("+dirty" if dirty else "")}


def main():
    os.chdir(ROOT)
    os.makedirs(os.path.join(OUT, "logs"), exist_ok=True)
    for old in os.listdir(os.path.join(OUT, "logs")):
        os.unlink(os.path.join(OUT, "logs", old))
    for need in (INITRD, FERRITE, LINUX_BZIMAGE):
        if not os.path.exists(need):
            sys.exit("bench: %s missing (run make bench)" % need)
    started = time.monotonic()
    meta = metadata()
    ks = kernels()
    log("%s, accel=%s, machine=%s, %d runs each" % (meta["linux"], ACCEL,
                                                    MACHINE, RUNS))

    mode = "micro" + (" " + MICRO_ITERS if MICRO_ITERS else "")
    micro = run_alternating(ks, mode, RUNS, "micro")
    boots = run_alternating(ks, "boot", RUNS, "boot")

    # One TSC rate for both: a property of the host, calibrated in every
    # micro run against each kernel's clock; the median is robust.
    hz_samples = [parse_init(out)["tsc_hz"] for runs in micro.values()
                  for _, out in runs if parse_init(out)]
    hz_samples = [h for h in hz_samples if h > 0]
    if not hz_samples:
        sys.exit("bench: no micro-benchmark run finished; see %s/logs" % OUT)
    tsc_hz = statistics.median(hz_samples)
    meta["tsc_hz"] = tsc_hz

    def init_ms(name):
        return [parse_init(out)["tsc"] / tsc_hz * 1000
                for _, out in boots[name] if parse_init(out)]

    lin_klog = [parse_init(o)["klog_us"] / 1000 for _, o in boots["linux"]
                if parse_init(o) and parse_init(o)["klog_us"] >= 0]
    fer_entry = [parse_init(o)["entry_us"] / 1000 for _, o in boots["ferrite"]
                 if parse_init(o) and parse_init(o)["entry_us"] is not None]
    rows = [
        figure("boot_entry_to_init", "boot: kernel entry -> /init", "ms",
               lin_klog, fer_entry, goal=1 / 50,
               note="Ferrite: TSC from its first instruction; Linux: printk "
               "time of 'Run /init', whose clock starts at TSC set-up"),
        figure("boot_poweron_to_init", "boot: VM reset -> /init (TSC)", "ms",
               init_ms("linux"), init_ms("ferrite"),
               note="TSC read by /init's first instructions; includes "
               "firmware and the kernel load"),
        figure("boot_wall", "boot: QEMU start -> exit (wall)", "ms",
               [w * 1000 for w, _ in boots["linux"]],
               [w * 1000 for w, _ in boots["ferrite"]], goal=1 / 10,
               note="host wall time of the QEMU process, /init powers off"),
    ]
    if "bzimage" not in SKIP and MACHINE == "pc":
        bz = Kernel("linux-bzimage", LINUX_BZIMAGE, ks[0].append)
        walls = []
        for i in range(max(1, RUNS // 2)):
            wall, out, timed_out = boot(bz, MEM, "boot")
            save_log("boot-linux-bzimage-%d" % i, out)
            if not timed_out and "bench-init: done" in out:
                walls.append(wall * 1000)
        rows.append(figure("boot_wall_bzimage",
                           "boot wall, Linux as bzImage", "ms", walls,
                           [w * 1000 for w, _ in boots["ferrite"]],
                           note="Debian's vmlinuz as shipped (XZ-compressed, "
                           "decompressed by its own stub) vs Ferrite PVH"))
    rows += [
        figure("image_stripped", "kernel image, stripped ELF", "KiB",
               stripped_size(ks[0].image) / 1024,
               os.path.getsize(FERRITE_STRIPPED) / 1024, goal_abs=800,
               note="Linux: its vmlinux, extracted from vmlinuz and stripped"),
        figure("image_compressed", "kernel image as booted/shipped", "KiB",
               os.path.getsize(LINUX_BZIMAGE) / 1024,
               os.path.getsize(FERRITE_STRIPPED) / 1024,
               note="Linux: the XZ bzImage vmlinuz; Ferrite: build/ferrite"),
    ]
    if "minmem" not in SKIP:
        rows.append(figure("min_mem", "min -m for sh -c 'echo ok'", "MiB",
                           minmem(ks[0]), minmem(ks[1]), goal_abs=8,
                           note="bisection, 1 MiB steps, one probe each"))
    mem_mib = int(MEM[:-1]) * (1024 if MEM[-1] in "Gg" else 1)
    free = {k: [parse_init(o)["memfree_kb"] / 1024 for _, o in boots[k]]
            for k in ("linux", "ferrite")}
    rows.append(figure("memfree", "MemFree after boot (-m %s)" % MEM, "MiB",
                       free["linux"], free["ferrite"],
                       note="higher is better; not in the chart"))
    rows[-1]["chart"] = False
    rows.append(figure("mem_used", "RAM not free after boot", "MiB",
                       [mem_mib - f for f in free["linux"]],
                       [mem_mib - f for f in free["ferrite"]],
                       note="-m minus MemFree: kernel, firmware holes, "
                       "the unpacked initramfs"))
    for key, label in MICRO:
        per = {}
        for name in ("linux", "ferrite"):
            per[name] = [float(v) / 1000 for _, out in micro[name]
                         for k, v in RESULT.findall(out) if k == key]
        rows.append(figure(key, label, "us/op", per["linux"], per["ferrite"],
                           goal=1.0))
    if "http" not in SKIP:
        rows += http_rows(max(1, RUNS // 2))
    meta["elapsed_s"] = round(time.monotonic() - started)
    write_outputs(rows, meta)
    print("Ferrite vs %s; accel=%s machine=%s -m %s; %s; %s" % (
        meta["linux"], ACCEL, MACHINE, MEM, meta["qemu"], meta["date"]))
    print(table(rows))
    print("results: %s/results.json, results.csv, ratios.png (%d s)"
          % (OUT, meta["elapsed_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

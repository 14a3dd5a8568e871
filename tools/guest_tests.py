#!/usr/bin/python3
"""User-space tests of issue 3: the ufw behaviour suite (build/user/bin),
the BusyBox scenarios (tests/busybox), the malformed-ELF corpus, the leak
check and, on request, the BusyBox project's test suite.

The test initramfs's /init runs everything and prints delimited output
("=== ufw <bin>", "=== scenario <name>", ...). The host reference is the
same /init run on this Linux in a chroot of the same tree (private mount
and pid namespaces, a tmpfs /tmp), so both sides see the same paths and
the same BusyBox. A host test that fails is a broken test: FAIL host:<t>.
A guest result that differs from the host's is a FAIL <t>.

    tools/guest_tests.py [--host-only] [--bbtestsuite]
Used by tools/test.py (`make test`) through run(report, ...).
"""

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
INITRD = os.path.join(BUILD, "initramfs-test.cpio.gz")
GUEST_TIMEOUT = int(os.environ.get("GUEST_TIMEOUT", "900"))
# No console output for this long means the guest is stuck: stop early.
GUEST_SILENCE = int(os.environ.get("GUEST_SILENCE", "240"))
HOST_TIMEOUT = 900
ACCEL = os.environ.get("ACCEL", "tcg")

RESULT = re.compile(r"^(ok|not ok) - (\S+)(.*)$")
ELF_NOTE = re.compile(r"^# elf\.\S+: (\S+) -> (\S+)$")
LEAK_NOTE = re.compile(r"^# leak\.\S+: (.*)$")
KERNEL_LOG = re.compile(r"^\[\s*\d+\.\d+\] ")
BB_RESULT = re.compile(r"^(PASS|FAIL|SKIPPED|UNTESTED): ")


def parse(text):
    """Cuts /init output into sections: {("ufw", bin): (lines, status)},
    {("scenario", name): ...}, {("bbtestsuite", ""): ...}."""
    sections, cur, body = {}, None, []
    for line in text.replace("\r", "").split("\n"):
        if KERNEL_LOG.match(line):
            continue  # printk lines on the shared console
        m = re.match(r"^=== (ufw|scenario|bbtestsuite)(?: (\S+))?$", line)
        if m:
            cur, body = (m.group(1), m.group(2) or ""), []
            continue
        m = re.match(r"^=== (ufw|scenario|bbtestsuite)-end(?: (\S+))? status (\d+)$",
                     line)
        if m and cur == (m.group(1), m.group(2) or ""):
            sections[cur] = (body, int(m.group(3)))
            cur = None
            continue
        if cur is not None:
            body.append(line)
    if cur is not None:  # cut off (crash, timeout): keep what came
        sections[cur] = (body, None)
    return sections


def results(sections):
    """{test: (ok, reason)} from every ufw section."""
    out = {}
    for (kind, _), (lines, _) in sections.items():
        if kind != "ufw":
            continue
        for line in lines:
            m = RESULT.match(line)
            if m:
                out[m.group(2)] = (m.group(1) == "ok", m.group(3).strip())
    return out


def notes(sections, pattern):
    out = []
    for (kind, _), (lines, _) in sections.items():
        for line in lines:
            m = pattern.match(line)
            if m and kind == "ufw":
                out.append(m.groups())
    return out


def bb_counts(sections):
    lines, status = sections.get(("bbtestsuite", ""), ([], None))
    counts = {}
    for line in lines:
        m = BB_RESULT.match(line)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts, [l for l in lines if l.startswith("FAIL: ")]


def bb_results(sections):
    """{test name: PASS/FAIL/...} of one BusyBox test-suite run."""
    lines, _ = sections.get(("bbtestsuite", ""), ([], None))
    out = {}
    for line in lines:
        m = BB_RESULT.match(line)
        if m:
            out[line[m.end():].strip()] = m.group(1)
    return out


def bb_compare(report, host, guest):
    """Every BusyBox test that passes on the host must pass in the guest
    (the suite's own expectations, Linux as the oracle); and the suite
    must have really run."""
    h, g = bb_results(host), bb_results(guest)
    report("busybox-testsuite.ran", len(h) > 800 and len(g) > 800,
           ["host ran %d tests, guest %d" % (len(h), len(g))])
    lost = sorted(t for t, r in h.items() if r == "PASS" and g.get(t) != "PASS")
    detail = []
    for t in lost[:20]:
        detail.append("passes on the host, not in the guest: " + t)
        detail += ["  " + l for l in bb_failure_output(guest, t)]
    report("busybox-testsuite.guest-passes-what-host-passes", not lost,
           detail)


def bb_failure_output(sections, name, most=16):
    """What the suite printed (runtest -v: its diff) after FAIL: @name."""
    lines, _ = sections.get(("bbtestsuite", ""), ([], None))
    try:
        i = lines.index("FAIL: " + name)
    except ValueError:
        return []
    out = []
    for line in lines[i + 1:]:
        if line.startswith("======") or BB_RESULT.match(line):
            break
        out.append(line)
    return out[:most]


def unpack(initrd, dest):
    with gzip.open(initrd) as f:
        data = f.read()
    subprocess.run(["cpio", "-idm", "--quiet", "--no-absolute-filenames"],
                   input=data, cwd=dest, check=True)


def host_run(bbtestsuite):
    """Runs the test /init in a chroot of the initramfs tree; returns
    (status, text)."""
    if os.geteuid() != 0:
        return None, "host run needs root (chroot and namespaces)"
    tmp = tempfile.mkdtemp(prefix="ferrite-host-")
    try:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        unpack(INITRD, root)
        script = ("set -e; mount --bind {r} {r}; mount -t proc proc {r}/proc;"
                  " mount --rbind /dev {r}/dev; mount -t tmpfs tmpfs {r}/tmp;"
                  " exec env -i FERRITE_HOST=1 {bb} /usr/sbin/chroot {r} /init"
                  ).format(r=root, bb="BBTESTSUITE=1" if bbtestsuite else "")
        try:
            p = subprocess.run(["unshare", "--mount", "--pid", "--fork",
                                "--propagation", "private", "sh", "-c", script],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=HOST_TIMEOUT)
            return p.returncode, p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            return 124, (e.stdout or b"").decode("utf-8", "replace")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def guest_run(bbtestsuite, log, kernel=None, append="", initrd=None):
    """Boots the kernel (default: $BUILD/ferrite.elf) with the test
    initramfs and extra command-line words @append; stops at power-off, at
    GUEST_TIMEOUT, after GUEST_SILENCE seconds without output, or soon
    after a panic. Returns (status, text, why-stopped)."""
    env = dict(os.environ)
    env.update(MACHINE="pc", MEM="256M", ACCEL=ACCEL, BUILD=BUILD,
               INITRD=initrd or INITRD, TIMEOUT=str(GUEST_TIMEOUT),
               APPEND=("debug_exit" + (" bbtestsuite" if bbtestsuite else "")
                       + (" " + append if append else "")))
    env.pop("BOOT", None)
    env.pop("KERNEL", None)
    if kernel:
        env["KERNEL"] = kernel
    proc = subprocess.Popen(["tools/qemu.sh", "batch"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    chunks, last = [], [time.time()]
    live = open(log + ".live", "wb")	# follow a long run with tail -f

    def reader():
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            chunks.append(chunk)
            live.write(chunk)
            live.flush()
            last[0] = time.time()
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    why = None
    while proc.poll() is None:
        time.sleep(0.5)
        text = b"".join(chunks)
        if b"Kernel panic" in text and time.time() - last[0] > 5:
            why = "kernel panic"
        elif time.time() - last[0] > GUEST_SILENCE:
            why = "no output for %ds" % GUEST_SILENCE
        if why:
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            break
    proc.wait()
    t.join(5)
    live.close()
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r", "")
    with open(log, "w") as f:
        f.write(text + "\n[exit status %s]\n" % proc.returncode)
    if why is None and proc.returncode in (124, 137):
        why = "timed out after %ds" % GUEST_TIMEOUT
    return proc.returncode, text, why


def diff_lines(want, got, limit=8):
    import difflib
    d = list(difflib.unified_diff(want, got, "host", "guest", lineterm="", n=1))
    return d[2:2 + limit]


def compare(report, host, guest, why):
    """Reports every host test, scenario and ELF file against the guest."""
    hres, gres = results(host), results(guest)
    extra = [why] if why else []
    for name in sorted(hres):
        if not hres[name][0]:
            continue  # already reported as host:<name>
        if name not in gres:
            report(name, False, ["no result from the guest"] + extra)
        else:
            ok, reason = gres[name]
            report(name, ok, [] if ok else ["guest: " + reason])
    for name in sorted(set(gres) - set(hres)):
        report(name, False, ["guest ran a test the host did not"])
    for (kind, name), (lines, status) in sorted(host.items()):
        if kind != "scenario":
            continue
        g = guest.get((kind, name))
        if g is None:
            report("scenario." + name, False, ["no output from the guest"] + extra)
        elif (g[0], g[1]) != (lines, status):
            report("scenario." + name, False,
                   ["status host %s guest %s" % (status, g[1])] +
                   diff_lines(lines, g[0]))
        else:
            report("scenario." + name, True)
    g_elf = dict(notes(guest, ELF_NOTE))
    for name, outcome in notes(host, ELF_NOTE):
        got = g_elf.get(name)
        if got is None:
            report("elf-corpus." + name, False, ["no outcome from the guest"])
        elif outcome.startswith("E") and got != outcome:
            # The host's refusal is deterministic: the errno must match.
            report("elf-corpus." + name, False,
                   ["host %s, guest %s" % (outcome, got)])
        else:
            report("elf-corpus." + name, True)


def report_host(report, host, status, text, verbose):
    """host:<test> lines: failures always, passes only when verbose."""
    hres = results(host)
    for name, (ok, reason) in sorted(hres.items()):
        if verbose or not ok:
            report("host:" + name, ok, [] if ok else [reason])
    for (kind, name), (lines, st) in sorted(host.items()):
        if kind == "ufw" and st is None:
            report("host:" + name, False, ["binary did not finish"])
        if kind == "scenario" and st != 0:
            report("host:scenario." + name, False,
                   ["exit status %s" % st] + lines[-5:])
    if not hres or status != 0:
        report("host-run", False, ["status %s, %d results" % (status, len(hres))]
               + text.strip().split("\n")[-8:])


def info(msg):
    print("INFO " + msg, flush=True)


def run(report, log_dir, host_only=False, bbtestsuite=False):
    if not os.path.exists(INITRD):
        report("guest-tests", False, ["%s missing (make initramfs)" % INITRD])
        return
    status, text = host_run(bbtestsuite)
    with open(os.path.join(log_dir, "user-host.log"), "w") as f:
        f.write(text)
    host = parse(text)
    report_host(report, host, status, text, verbose=host_only)
    for (leak,) in notes(host, LEAK_NOTE):
        info("leak check on the host: " + leak)
    if bbtestsuite:
        counts, _ = bb_counts(host)
        info("busybox testsuite on the host: %s" % counts)
    if host_only:
        # Scenario output must be stable: a second host run must agree.
        status2, text2 = host_run(False)
        again = parse(text2)
        for (kind, name), body in sorted(host.items()):
            if kind == "scenario":
                ok = again.get((kind, name)) == body
                report("host:scenario-stable." + name, ok,
                       [] if ok else diff_lines(body[0], again.get(
                           (kind, name), ([], None))[0]))
        return
    gstatus, gtext, why = guest_run(bbtestsuite,
                                    os.path.join(log_dir, "user-guest.log"))
    guest = parse(gtext)
    if "=== ferrite-tests end" not in gtext and not why:
        why = "guest did not reach the end of /init (status %s)" % gstatus
    compare(report, host, guest, why)
    for (leak,) in notes(guest, LEAK_NOTE):
        info("leak check in the guest: " + leak)
    if bbtestsuite:
        counts, fails = bb_counts(guest)
        info("busybox testsuite in the guest: %s" % counts)
        bb_compare(report, host, guest)
    report("guest-run", why is None, [why or ""] +
           gtext.strip().split("\n")[-8:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host-only", action="store_true")
    ap.add_argument("--bbtestsuite", action="store_true")
    args = ap.parse_args()
    os.chdir(ROOT)
    logs = os.path.join(BUILD, "test-logs")
    os.makedirs(logs, exist_ok=True)
    counts = [0, 0]

    def report(name, ok, detail=()):
        counts[0 if ok else 1] += 1
        print(("PASS " if ok else "FAIL ") + name, flush=True)
        for line in ([] if ok else detail):
            if line:
                print("    " + line, flush=True)
    subprocess.run(["make", "-s", "--no-print-directory", "initramfs"],
                   check=False)
    run(report, logs, args.host_only, args.bbtestsuite)
    print("%d passed, %d failed" % tuple(counts), flush=True)
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main())

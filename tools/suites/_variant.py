"""Shared by the suites that need a kernel built another way (inject:
CONFIG_FAIL_ALLOC, ubsan: CONFIG_UBSAN): a build directory of its own,
$BUILD/<name>, configured as configs/defconfig plus one option. The
.config is only rewritten when the wanted one changes, so a rerun
rebuilds nothing."""

import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
MAKE = os.environ.get("MAKE", "make")


def info(msg):
    print("INFO " + msg, flush=True)


def log_name(log_dir, name):
    return os.path.join(log_dir, re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".log")


def build(report, log_dir, name, option):
    """Builds $BUILD/<name>/ferrite.elf with CONFIG_<option>=y; reports
    <name>.build-kernel. Returns the kernel's path, or None."""
    bdir = os.path.join(BUILD, name)
    os.makedirs(bdir, exist_ok=True)
    cfg = os.path.join(bdir, ".config")
    with open(os.path.join(ROOT, "configs", "defconfig")) as f:
        want = f.read() + "\nCONFIG_%s=y\n" % option
    seed = os.path.join(bdir, "defconfig." + name)
    old = open(seed).read() if os.path.exists(seed) else None
    if old != want or not os.path.exists(cfg):
        for path in (seed, cfg):
            with open(path, "w") as f:
                f.write(want)
    # Variables on the command line: they beat a BUILD= that a parent
    # make passes down in MAKEFLAGS.
    cmd = [MAKE, "--no-print-directory", "-j%d" % (os.cpu_count() or 1),
           "BUILD=" + bdir, "KCONFIG_CONFIG=" + cfg, "kernel"]
    lwip = os.path.join(BUILD, "lwip-src")
    if os.path.exists(os.path.join(lwip, "src", "include", "lwip", "opt.h")):
        cmd.append("LWIP_DIR=" + os.path.abspath(lwip))  # no second fetch
    start = time.time()
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = p.stdout.decode("utf-8", "replace")
    with open(log_name(log_dir, name + "-build"), "w") as f:
        f.write("$ %s\n%s\n[exit status %d]\n" % (" ".join(cmd), text,
                                                 p.returncode))
    with open(cfg) as f:
        on = "CONFIG_%s=y" % option in f.read()
    ok = p.returncode == 0 and on
    report(name + ".build-kernel", ok,
           [] if ok else (["CONFIG_%s not set in %s" % (option, cfg)] if not on
                          else []) + text.strip().split("\n")[-10:])
    if not ok:
        return None
    info("%s: kernel built in %.0f s, %s" % (
        name, time.time() - start,
        (re.findall(r"stripped image .*", text) or ["size unknown"])[-1]))
    return os.path.join(bdir, "ferrite.elf")

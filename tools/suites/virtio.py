"""virtio transports (issue 7): boots the kernel once per transport and
interrupt mode with `virtio_net.selftest`, which makes the virtio-net
driver send an ARP request and a DHCPDISCOVER to QEMU's slirp and wait for
both replies through its interrupt; the in-kernel self-tests (with the
lwIP loopback test) run in the same boot. Cheap: no initramfs, a few
seconds per boot under TCG."""

import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
ACCEL = os.environ.get("ACCEL", "tcg")
MMIO = "virtio_mmio.device=512@0xfeb02e00:47"  # see tools/qemu.sh, microvm

# name, machine, device arguments, extra command line, interrupt mode expected
CASES = [
    ("pc-modern-msix", "pc",
     ["-device", "virtio-net-pci,netdev=n0,romfile=,disable-legacy=on"], "", "MSI-X"),
    ("pc-modern-intx", "pc",
     ["-device", "virtio-net-pci,netdev=n0,romfile=,disable-legacy=on,vectors=0"],
     "", "INTx"),
    ("pc-legacy-intx", "pc",
     ["-device", "virtio-net-pci,netdev=n0,romfile=,disable-modern=on"], "", "INTx"),
    ("q35-msix", "q35", ["-device", "virtio-net-pci,netdev=n0,romfile="], "", "MSI-X"),
    ("microvm-mmio-v1", "microvm", ["-device", "virtio-net-device,netdev=n0"],
     MMIO, "irq"),
    ("microvm-mmio-v2", "microvm",
     ["-device", "virtio-net-device,netdev=n0",
      "-global", "virtio-mmio.force-legacy=false"], MMIO, "irq"),
]


def boot(machine, devargs, append):
    env = dict(os.environ, MACHINE=machine, MEM="64M", ACCEL=ACCEL, BUILD=BUILD,
               TIMEOUT="60", NET="",
               APPEND=" ".join(w for w in ("virtio_net.selftest selftest debug_exit",
                                           append) if w))
    env.pop("INITRD", None)
    env.pop("KERNEL", None)
    p = subprocess.run(["tools/qemu.sh", "batch", "-netdev", "user,id=n0"] + devargs,
                       cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def run(report, log_dir, kernel_ok, build):
    if not kernel_ok:
        report("virtio-run", False, ["kernel did not build"])
        return
    for name, machine, devargs, append, mode in CASES:
        try:
            status, text = boot(machine, devargs, append)
        except subprocess.TimeoutExpired:
            status, text = 124, "(QEMU did not stop)"
        with open(os.path.join(log_dir, "virtio-%s.log" % name), "w") as f:
            f.write(text)
        problems = []
        m = re.search(r"virtio-net selftest: (\w+):.*", text)
        if not m:
            problems.append("no virtio-net selftest line")
        elif m.group(1) != "PASS":
            problems.append(m.group(0))
        if mode not in text:
            problems.append("interrupt mode %s not reported" % mode)
        if not re.search(r"selftest: \d+ passed, 0 failed", text):
            problems.append("in-kernel self-tests did not all pass")
        for bad in ("Kernel panic", "BUG:", "UBSAN:"):
            if bad in text:
                problems.append("console shows " + bad)
        report("virtio." + name, not problems,
               problems + [l for l in text.split("\n") if "virtio" in l][-4:])

#!/usr/bin/python3
"""Builds initramfs images: cpio "newc" archives, optionally gzip'ed.

    tools/mkinitramfs.py --spec FILE -o out.cpio[.gz]
    tools/mkinitramfs.py --layout test|run|interactive|bench [--busybox B]
                         [--build D] -o OUT

A spec has one entry a line (blank lines and '#' comments are skipped):
    dir   <path> <mode>
    file  <path> <source-file> <mode>
    slink <path> <target> <mode>
Device nodes are never needed: the kernel makes /dev. The archive is
reproducible (inode numbers in order, mtime 0, gzip without a timestamp).
A name ending in .gz, or --gzip, compresses the output.

--layout test: /bin/busybox and its applet links, /init running every
test program of build/user/bin, the scenarios of tests/busybox, the BusyBox
test suite when build/busybox-testsuite exists, then `poweroff -f`.
--layout run: busybox and an /init that starts a login shell with job
control on the serial port (boots Linux as well as Ferrite).
--layout interactive: the run layout plus the interactive tests' helper
programs from build/user/bin (tools/interactive_tests.py).
--layout bench: busybox, build/bench/init as /init and the benchmark
programs of build/bench/bin in /bench/bin (make bench, tools/bench.py).
"""

import argparse
import glob
import gzip
import os
import stat
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Archive:
    def __init__(self):
        self.entries = {}  # path -> (mode, data); insertion order kept

    def add_dir(self, path, mode=0o755):
        path = path.strip("/")
        parts = path.split("/")
        for i in range(1, len(parts)):  # parents first, as the kernel wants
            parent = "/".join(parts[:i])
            if parent not in self.entries:
                self.entries[parent] = (stat.S_IFDIR | 0o755, b"")
        if path:
            self.entries[path] = (stat.S_IFDIR | mode, b"")

    def add_file(self, path, data, mode=0o644):
        path = path.strip("/")
        self.add_dir(os.path.dirname(path)) if "/" in path else None
        self.entries[path] = (stat.S_IFREG | mode, data)

    def add_symlink(self, path, target, mode=0o777):
        path = path.strip("/")
        self.add_dir(os.path.dirname(path)) if "/" in path else None
        self.entries[path] = (stat.S_IFLNK | mode, target.encode())

    def add_tree(self, dest, src):
        """Copies a host directory (files, dirs, symlinks) under dest."""
        self.add_dir(dest)
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            rel = os.path.relpath(dirpath, src)
            base = dest if rel == "." else dest + "/" + rel
            for d in dirnames:
                p = os.path.join(dirpath, d)
                if os.path.islink(p):
                    self.add_symlink(base + "/" + d, os.readlink(p))
                else:
                    self.add_dir(base + "/" + d,
                                 stat.S_IMODE(os.stat(p).st_mode))
            for f in sorted(filenames):
                p = os.path.join(dirpath, f)
                if os.path.islink(p):
                    self.add_symlink(base + "/" + f, os.readlink(p))
                else:
                    with open(p, "rb") as fh:
                        self.add_file(base + "/" + f, fh.read(),
                                      stat.S_IMODE(os.stat(p).st_mode))

    def newc(self):
        out = bytearray()
        ino = 1
        for path, (mode, data) in list(self.entries.items()) + [
                ("TRAILER!!!", (0, b""))]:
            name = path.encode() + b"\0"
            nlink = 2 if stat.S_ISDIR(mode) else 1
            fields = (ino if mode else 0, mode, 0, 0, nlink, 0, len(data),
                      0, 0, 0, 0, len(name), 0)
            out += b"070701" + "".join("%08X" % f for f in fields).encode()
            out += name
            out += b"\0" * (-len(out) % 4)
            out += data
            out += b"\0" * (-len(out) % 4)
            ino += 1
        out += b"\0" * (-len(out) % 512)
        return bytes(out)


def load_spec(arc, path):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            try:
                kind = words[0]
                if kind == "dir":
                    arc.add_dir(words[1], int(words[2], 8))
                elif kind == "file":
                    with open(words[2], "rb") as fh:
                        arc.add_file(words[1], fh.read(), int(words[3], 8))
                elif kind == "slink":
                    arc.add_symlink(words[1], words[2], int(words[3], 8))
                else:
                    raise ValueError("unknown entry type " + kind)
            except (IndexError, ValueError, OSError) as e:
                sys.exit("%s:%d: %s" % (path, n, e))


def add_busybox(arc, busybox):
    with open(busybox, "rb") as f:
        arc.add_file("bin/busybox", f.read(), 0o755)
    links = subprocess.run([busybox, "--list-full"], check=True,
                           capture_output=True, text=True).stdout.split()
    for link in sorted(links):
        if link == "bin/busybox":
            continue
        depth = link.count("/")
        arc.add_symlink(link, "../" * depth + "bin/busybox")
    for d in ("dev", "proc", "sys", "root", "etc"):
        arc.add_dir(d)
    arc.add_dir("tmp", 0o1777)
    arc.add_file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    arc.add_file("etc/group", b"root:x:0:\n")


# The guest's test /init. Delimiter lines start with "=== " so the runner
# can cut the console output into results; see tools/guest_tests.py.
TEST_INIT = r"""#!/bin/sh
# Ferrite test /init: runs every test program, scenario and (if asked) the
# BusyBox test suite, prints delimited results, then powers off. The host
# runs the same script in a chroot with FERRITE_HOST=1 (no power-off).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
export UFW_TMPDIR=/tmp TZ=UTC LC_ALL=C
[ -n "$FERRITE_HOST" ] || export FERRITE_GUEST=1
echo "=== ferrite-tests begin"
for t in /tests/bin/*; do
	n=${t##*/}
	# Programs that other tests run, not tests themselves.
	case $n in helper|ptyrun) continue ;; esac
	echo "=== ufw $n"
	"$t" 2>&1
	echo "=== ufw-end $n status $?"
done
for s in /tests/busybox/*.sh; do
	n=${s##*/}
	n=${n%.sh}
	rm -rf /tmp/scenario && mkdir /tmp/scenario && cd /tmp/scenario
	# Into a file first: stdout must not be the console (ls and others
	# change their output on a terminal), and kernel log lines must not
	# interleave with the output.
	busybox sh "$s" >/tmp/scenario.out 2>&1
	st=$?
	echo "=== scenario $n"
	cat /tmp/scenario.out
	echo "=== scenario-end $n status $st"
	cd /
done
rm -rf /tmp/scenario /tmp/scenario.out
if [ -d /tests/busybox-testsuite ] &&
   { [ -n "$BBTESTSUITE" ] || grep -q bbtestsuite /proc/cmdline; }; then
	# runtest wants $bindir/busybox and the build's .config beside it;
	# -v prints each failure's diff (tools/guest_tests.py reports it).
	rm -rf /tmp/bb && mkdir -p /tmp/bb/bin &&
		cp -a /tests/busybox-testsuite /tmp/bb/testsuite
	ln -s /bin/busybox /tmp/bb/bin/busybox
	cp /tests/busybox-testsuite/busybox-static.config /tmp/bb/bin/.config
	echo "=== bbtestsuite"
	# Its unicode tests want a UTF-8 locale name in the environment.
	cd /tmp/bb/testsuite && env -u LC_ALL LANG=C.UTF-8 bindir=/tmp/bb/bin \
		tsdir=/tmp/bb/testsuite ./runtest -v 2>&1
	echo "=== bbtestsuite-end status $?"
	cd / && rm -rf /tmp/bb
fi
echo "=== ferrite-tests end"
[ -n "$FERRITE_HOST" ] || poweroff -f
"""

RUN_INIT = r"""#!/bin/sh
# Ferrite interactive /init: a BusyBox login shell on the serial port with
# job control. The same image boots Linux (tools/interactive_tests.py runs
# it on both), which mounts nothing by itself: mount what is missing.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=vt100
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
[ -d /dev/pts ] || mkdir -p /dev/pts
mount -t devpts devpts /dev/pts 2>/dev/null
cd /root
echo "Ferrite: BusyBox shell on the console; 'poweroff -f' to quit."
# A shell on /dev/console gets no job control (the console cannot be a
# controlling terminal), so open the port itself. The subshell is not a
# process group leader, so setsid makes the session without forking and
# -c makes the port the session's controlling terminal.
tty=/dev/ttyS0
[ -c $tty ] || tty=/dev/console
(exec setsid -c sh -l) <$tty >$tty 2>&1
echo "shell exited with status $?; powering off"
poweroff -f
"""

# Read by login shells (sh -l) of the run layout.
RUN_PROFILE = r"""# Ferrite: /etc/profile of the interactive image.
PS1='\w \$ '
export PS1
"""


def add_run(arc, busybox, build, with_helpers):
    add_busybox(arc, busybox)
    arc.add_file("init", RUN_INIT.encode(), 0o755)
    arc.add_file("etc/profile", RUN_PROFILE.encode())
    if not with_helpers:
        return
    # The interactive tests' own programs (user/helpers), in /usr/bin.
    for name in INTERACTIVE_HELPERS:
        with open(os.path.join(build, "user", "bin", name), "rb") as f:
            arc.add_file("usr/bin/" + name, f.read(), 0o755)


# Helpers the interactive layout adds (tests/interactive/).
INTERACTIVE_HELPERS = ("ptyrun",)


def layout_bench(arc, build):
    """The same archive boots Ferrite and Linux: /init is a static program
    that mounts what Linux does not (see user/bench/init.c)."""
    with open(os.path.join(build, "bench", "init"), "rb") as f:
        arc.add_file("init", f.read(), 0o755)
    arc.add_tree("bench/bin", os.path.join(build, "bench", "bin"))


def layout_fuzz(arc, busybox, build):
    """--layout fuzz: busybox, build/fuzz/sysfuzz as /bin/sysfuzz and an
    /init that runs it (settings from sysfuzz.* on the kernel command line,
    see user/fuzz/sysfuzz.c) then powers off (make fuzz, mk/fuzz-guest.mk)."""
    init = (b"#!/bin/sh\n"
            b"# Ferrite fuzz /init: one sysfuzz run, then power off.\n"
            b"export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root\n"
            b"echo '=== sysfuzz begin'\n"
            b"/bin/sysfuzz\n"
            b"echo \"=== sysfuzz end status $?\"\n"
            b"poweroff -f\n")
    add_busybox(arc, busybox)
    arc.add_file("init", init, 0o755)
    with open(os.path.join(build, "fuzz", "sysfuzz"), "rb") as f:
        arc.add_file("bin/sysfuzz", f.read(), 0o755)


# The OOM scenarios (tools/suites/robust.py reads the "=== oom" lines).
OOM_INIT = r"""#!/bin/sh
# Ferrite OOM test /init: eaters run until the OOM killer kills them; the
# shell reports their statuses and MemFree around them, then powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
[ -e /proc/self ] || mount -t proc proc /proc
memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
echo "=== oom begin"
sleep 1
echo "=== oom memfree before $(memfree)"
/bin/oomeater 2>/dev/null
echo "=== oom status single $?"
sleep 1
echo "=== oom memfree single $(memfree)"
/bin/oomeater 2>/dev/null & a=$!
/bin/oomeater 2>/dev/null & b=$!
wait $a; sa=$?
wait $b; sb=$?
echo "=== oom status two $sa $sb"
sleep 1
echo "=== oom memfree two $(memfree)"
/bin/oomeater -f 2 2>/dev/null
echo "=== oom status fork $?"
sleep 1
echo "=== oom memfree fork $(memfree)"
rm -f /tmp/oomeater.ready
/bin/oomeater -s 32 2>/dev/null & s=$!
while [ ! -e /tmp/oomeater.ready ] && kill -0 $s 2>/dev/null; do sleep 0.1; done
echo "=== oom sleeper pid $s"
/bin/oomeater 2>/dev/null
se=$?
wait $s
echo "=== oom status sleeper $? $se"
sleep 1
echo "=== oom memfree sleeper $(memfree)"
echo "=== oom shell alive $((6 * 7))"
echo "=== oom end"
poweroff -f
"""


def layout_oom(arc, busybox, build):
    """--layout oom: busybox, build/robust/oomeater as /bin/oomeater and
    OOM_INIT as /init (mk/robust.mk, tools/suites/robust.py)."""
    add_busybox(arc, busybox)
    arc.add_file("init", OOM_INIT.encode(), 0o755)
    with open(os.path.join(build, "robust", "oomeater"), "rb") as f:
        arc.add_file("bin/oomeater", f.read(), 0o755)


# The network tests' guest (tools/suites/net.py reads the "=== net" lines).
NET_INIT = r"""#!/bin/sh
# Ferrite network test /init: configures eth0, serves /www with BusyBox
# httpd on port 80 and SSH with dropbear on port 22, fetches a file from the
# host if asked (nettest.get=PORT/NAME), says "=== net ready", then waits
# until /tmp/poweroff exists. The same image boots Linux (net-linux layout).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
grep -q devpts /proc/mounts || mount -t devpts devpts /dev/pts
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
# Debian's kernel has virtio-net as modules: load the ones the image has.
if [ -e /proc/modules ] && [ -f /lib/modules/order ]; then
	for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko; done
fi
ifconfig lo 127.0.0.1 up 2>/dev/null
if grep -q 'netinit=static' /proc/cmdline; then
	# QEMU user networking's fixed plan: guest .15, host and gateway .2.
	ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
	route add default gw 10.0.2.2
fi
# The kernel configures eth0 itself (ip=dhcp): wait, bounded, for its route.
n=0
while ! grep -q '^eth0' /proc/net/route 2>/dev/null && [ $n -lt 60 ]; do
	sleep 0.5
	n=$((n + 1))
done
grep -q '^eth0' /proc/net/route || echo "=== net no route on eth0"
httpd -f -p 80 -h /www &
dropbear -F -p 22 -P /tmp/dropbear.pid \
	-r /etc/dropbear/dropbear_ed25519_host_key 2>/tmp/dropbear.log &
get=$(arg nettest.get)
if [ -n "$get" ]; then
	st=1
	for try in 1 2 3; do
		# (Debian's BusyBox wget crashes with -T: timeout bounds it.)
		timeout 60 wget -q -O /tmp/got "http://10.0.2.2:$get" &&
			{ st=0; break; }
		sleep 1
	done
	if [ $st = 0 ]; then
		echo "=== net wget sha256 $(sha256sum </tmp/got | cut -d' ' -f1)"
	else
		echo "=== net wget failed"
	fi
	rm -f /tmp/got
fi
echo "=== net ready"
while [ ! -e /tmp/poweroff ]; do sleep 1; done
echo "=== net poweroff"
poweroff -f
"""

# Debian's kernel modules the net-linux layout loads, in dependency order.
NET_LINUX_MODULES = (
    "drivers/virtio/virtio_ring", "drivers/virtio/virtio",
    "drivers/virtio/virtio_pci_legacy_dev",
    "drivers/virtio/virtio_pci_modern_dev", "drivers/virtio/virtio_pci",
    "drivers/virtio/virtio_mmio", "net/core/failover",
    "drivers/net/net_failover", "drivers/net/virtio_net")


def layout_net(arc, busybox, build, linux):
    """--layout net: busybox, static dropbear (build/dropbear/bin), the SSH
    keys, a 1 MiB file in /www and NET_INIT (mk/net.mk makes the inputs in
    build/net/). --layout net-linux adds Debian's virtio-net modules from
    build/linux/ so the same image boots Linux."""
    net = os.path.join(build, "net")
    add_busybox(arc, busybox)
    arc.add_file("init", NET_INIT.encode(), 0o755)
    arc.add_file("etc/shells", b"/bin/sh\n")
    for prog, dest in (("dropbear", "usr/sbin"), ("dropbearkey", "usr/bin"),
                       ("dbclient", "usr/bin")):
        with open(os.path.join(build, "dropbear", "bin", prog), "rb") as f:
            arc.add_file(dest + "/" + prog, f.read(), 0o755)
    with open(os.path.join(net, "dropbear_ed25519_host_key"), "rb") as f:
        arc.add_file("etc/dropbear/dropbear_ed25519_host_key", f.read(),
                     0o600)
    with open(os.path.join(net, "id_ed25519.pub"), "rb") as f:
        arc.add_file("root/.ssh/authorized_keys", f.read(), 0o600)
    # dropbear refuses keys in group- or world-writable places.
    arc.add_dir("root", 0o700)
    arc.add_dir("root/.ssh", 0o700)
    with open(os.path.join(net, "www.bin"), "rb") as f:
        arc.add_file("www/file.bin", f.read(), 0o644)
    arc.add_file("www/index.html", b"Ferrite network test\n", 0o644)
    # The sender of the peer-disappears check (user/bench/tcpbw.c serve).
    with open(os.path.join(build, "bench", "bin", "tcpbw"), "rb") as f:
        arc.add_file("usr/bin/tcpbw", f.read(), 0o755)
    if not linux:
        return
    mods = glob.glob(os.path.join(build, "linux", "lib", "modules", "*",
                                  "kernel"))
    if not mods:
        sys.exit("mkinitramfs: no build/linux/lib/modules (make linux-image)")
    names = []
    for m in NET_LINUX_MODULES:
        with open(os.path.join(mods[0], m + ".ko"), "rb") as f:
            arc.add_file("lib/modules/%s.ko" % os.path.basename(m), f.read())
        names.append(os.path.basename(m))
    arc.add_file("lib/modules/order", ("\n".join(names) + "\n").encode())


def layout(arc, kind, busybox, build):
    if kind == "oom":
        layout_oom(arc, busybox, build)
        return
    if kind in ("net", "net-linux"):
        layout_net(arc, busybox, build, kind == "net-linux")
        return
    if kind == "fuzz":
        layout_fuzz(arc, busybox, build)
        return
    if kind == "bench":
        add_busybox(arc, busybox)
        layout_bench(arc, build)
        return
    if kind in ("run", "interactive"):
        add_run(arc, busybox, build, kind == "interactive")
        return
    add_busybox(arc, busybox)
    arc.add_file("init", TEST_INIT.encode(), 0o755)
    arc.add_tree("tests/bin", os.path.join(build, "user", "bin"))
    arc.add_tree("tests/elf-corpus", os.path.join(build, "user", "elf-corpus"))
    arc.add_tree("tests/busybox", os.path.join(ROOT, "tests", "busybox"))
    suite = os.path.join(build, "busybox-testsuite")
    if os.path.isdir(os.path.join(suite, "testsuite")):
        arc.add_tree("tests/busybox-testsuite", os.path.join(suite, "testsuite"))
        with open(os.path.join(suite, "busybox-static.config"), "rb") as f:
            arc.add_file("tests/busybox-testsuite/busybox-static.config",
                         f.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--spec")
    ap.add_argument("--layout", choices=("test", "run", "interactive",
                                             "bench", "fuzz", "oom", "net",
                                             "net-linux"))
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--build", default="build")
    ap.add_argument("--gzip", action="store_true")
    args = ap.parse_args()
    if not args.spec and not args.layout:
        ap.error("give --spec or --layout")
    arc = Archive()
    if args.layout:
        layout(arc, args.layout, args.busybox, args.build)
    if args.spec:
        load_spec(arc, args.spec)
    data = arc.newc()
    if args.gzip or args.output.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()

"""Networking (issue 7): the guest on QEMU's user network, on both virtio
transports (pc: virtio-net-pci; microvm: virtio-net-device, virtio-mmio
from the command line). Traffic goes only to this machine's loopback.

Per machine M, one VM (the net initramfs, mkinitramfs.py --layout net):
- net.M.boot: the guest says "=== net ready" (httpd and dropbear up).
- net.M.wget: guest -> host: the guest's BusyBox wget fetched a file from
  a python3 http.server on the host's 127.0.0.1 (10.0.2.2 in the guest);
  its sha256 matches.
- net.M.curl: host -> guest: curl through a hostfwd port fetches the 1 MiB
  file from BusyBox httpd; its sha256 matches.
- net.M.ssh: ssh with a key runs `uname -a; ls /proc | head`.
- net.M.ssh-pty: an interactive ssh session (pexpect) gets a pty.
- net.M.connections: 1,000 sequential and 100 concurrent HTTP connections
  all answered; the guest's TCP socket count comes back to its baseline.
- net.M.peer-gone: the host resets a connection mid-transfer; the guest's
  sender gets a write error (not a hang), and the guest still answers.

    python3 tools/suites/net.py [--kernel ferrite|linux] [--machine pc,...]
NET_KERNEL=linux runs the same checks on Debian's kernel (the oracle; pc
only: it does not get past TSC calibration on microvm under TCG).
"""

import argparse
import concurrent.futures
import hashlib
import http.client
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
ACCEL = os.environ.get("ACCEL", "tcg")
MACHINES = [m for m in os.environ.get("NET_MACHINES", "pc,microvm").split(",")
            if m]
NET_KERNEL = os.environ.get("NET_KERNEL", "ferrite")
BOOT_TIMEOUT = int(os.environ.get("NET_BOOT_TIMEOUT", "240"))
VM_TIMEOUT = 1500          # the whole VM, a hard limit (qemu.sh TIMEOUT)
SEQUENTIAL, CONCURRENT = 1000, 100
SETTLE = 60                # seconds for the socket count to come back
DETAIL = 12


def free_port():
    """A port nobody listens on now (the kernel's pick; closed at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Guest:
    """One VM; its console is collected by a thread."""

    def __init__(self, machine, kernel, log_path):
        self.machine, self.kernel, self.log_path = machine, kernel, log_path
        self.http, self.ssh, self.nc = free_port(), free_port(), free_port()
        self.chunks, self.lock = [], threading.Lock()
        self.proc = None

    def start(self, append):
        linux = self.kernel == "linux"
        env = dict(os.environ)
        for k in ("MACHINE", "MEM", "BOOT", "KERNEL", "INITRD", "APPEND",
                  "SMP", "DRYRUN", "NET_IP", "HOSTFWD"):
            env.pop(k, None)
        env.update(MACHINE=self.machine, MEM="256M", ACCEL=ACCEL, BUILD=BUILD,
                   TIMEOUT=str(VM_TIMEOUT), NET="user",
                   HOSTFWD="tcp:%d-:80 tcp:%d-:22 tcp:%d-:9000"
                   % (self.http, self.ssh, self.nc))
        if linux:
            env.update(KERNEL=os.path.join(BUILD, "linux", "vmlinux"),
                       INITRD=os.path.join(BUILD, "initramfs-net-linux.cpio.gz"),
                       NET_IP="none",
                       APPEND="console=ttyS0 quiet panic=-1 netinit=static "
                       + append)
        else:
            env.update(INITRD=os.path.join(BUILD, "initramfs-net.cpio.gz"),
                       APPEND="debug_exit " + append)
        self.proc = subprocess.Popen(
            ["tools/qemu.sh", "batch"], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self.lock:
                self.chunks.append(chunk)

    def console(self):
        with self.lock:
            data = b"".join(self.chunks)
        return data.decode("utf-8", "replace").replace("\r", "")

    def wait_for(self, pattern, timeout):
        """The first match of @pattern on the console, or None at the
        time limit or when QEMU exits."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.console(), re.M)
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.5)  # the reader's last chunk
                return re.search(pattern, self.console(), re.M)
            time.sleep(0.5)
        return None

    def ssh_argv(self, tty=False):
        key = os.path.join(BUILD, "net", "id_ed25519")
        return ["ssh", "-i", key, "-p", str(self.ssh),
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=60",
                "-o", "IdentitiesOnly=yes"] + (["-tt"] if tty else []) + \
            ["root@127.0.0.1"]

    def run(self, cmd, timeout=120):
        """(status, output) of @cmd over ssh; status 124 on a time-out."""
        try:
            r = subprocess.run(self.ssh_argv() + [cmd], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout)
            return r.returncode, r.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            return 124, ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.run("touch /tmp/poweroff", timeout=60)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        with open(self.log_path, "w") as f:
            f.write(self.console() + "\n[exit status %s]\n" % self.proc.returncode)


class HostServer:
    """python3 -m http.server on 127.0.0.1 serving $BUILD/net/."""

    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable or "python3", "-m", "http.server", "--bind",
             "127.0.0.1", str(self.port)],
            cwd=os.path.join(BUILD, "net"), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 30
        while time.monotonic() < end:  # until it answers
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            except OSError:
                time.sleep(0.2)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# --- the checks ------------------------------------------------------------

def check_curl(g, want):
    r = subprocess.run(["curl", "-sS", "-m", "180", "-o", "-",
                        "http://127.0.0.1:%d/file.bin" % g.http],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=200)
    got = hashlib.sha256(r.stdout).hexdigest()
    if r.returncode or got != want:
        return ["curl status %d, %d bytes, sha256 %s (want %s) %s"
                % (r.returncode, len(r.stdout), got, want,
                   r.stderr.decode(errors="replace").strip())]
    return []


def check_ssh(g):
    st, out = g.run("uname -a; ls /proc | head")
    lines = out.strip().split("\n")
    problems = []
    if st != 0:
        problems.append("ssh exit status %d" % st)
    if not lines or not lines[0].startswith("Linux "):
        problems.append("no `uname -a` line")
    if "1" not in lines[1:]:
        problems.append("no /proc/1 in `ls /proc | head`")
    return problems + (["output: " + l for l in lines[:6]] if problems else [])


def check_pty(g):
    import pexpect
    problems = []
    child = pexpect.spawn(g.ssh_argv(tty=True)[0], g.ssh_argv(tty=True)[1:],
                          timeout=90, encoding="utf-8", codec_errors="replace")
    try:
        child.sendline("tty; echo mark-$((6 * 7))")
        child.expect(r"mark-42")
        if not re.search(r"/dev/pts/\d+", child.before):
            problems.append("tty printed: %r" % child.before[-200:])
        child.sendline("exit")
        child.expect(pexpect.EOF)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        problems.append("session: %s; screen %r" % (type(e).__name__,
                                                    (child.before or "")[-300:]))
    finally:
        child.close(force=True)
    return problems


def tcp_inuse(g):
    """The guest's TCP sockets in use: sockstat, else the non-TIME_WAIT
    entries of /proc/net/tcp (as user/tests/inet_load.c counts them)."""
    st, out = g.run("cat /proc/net/sockstat 2>/dev/null || "
                    "echo NOSOCKSTAT; cat /proc/net/tcp", timeout=60)
    if st:
        return None
    m = re.search(r"^TCP: inuse (\d+)", out, re.M)
    if m:
        return int(m.group(1))
    if "NOSOCKSTAT" not in out:
        return None
    rows = out.split("NOSOCKSTAT", 1)[1].strip().split("\n")[1:]
    return sum(1 for r in rows if len(r.split()) > 3 and r.split()[3] != "06")


def http_get(port, path="/index.html"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def check_connections(g):
    base = tcp_inuse(g)
    if base is None:
        return ["cannot read the guest's socket count"]
    problems = []
    bad, first = 0, None
    for i in range(SEQUENTIAL):
        try:
            status, body = http_get(g.http)
            if status != 200 or not body.startswith(b"Ferrite"):
                bad += 1
                first = first or "request %d: status %s, body %r" % (i, status, body[:60])
        except OSError as e:
            bad += 1
            first = first or "request %d: %s" % (i, e)
    if bad:
        problems.append("%d of %d sequential requests failed; first: %s"
                        % (bad, SEQUENTIAL, first))
    # All at once: every socket connected before any request goes out.
    socks = []
    try:
        for _ in range(CONCURRENT):
            socks.append(socket.create_connection(("127.0.0.1", g.http), 60))
        for s in socks:
            s.settimeout(180)
            s.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")

        def answer(s):
            data, t0 = b"", time.monotonic()
            try:
                while True:
                    d = s.recv(4096)
                    if not d:
                        break
                    data += d
            except OSError as e:
                return "%s after %.1f s, %d bytes" % (e, time.monotonic() - t0,
                                                      len(data))
            if b" 200 " not in data.split(b"\r\n")[0]:
                return "%r after %.1f s" % (data[:60], time.monotonic() - t0)
            return None
        with concurrent.futures.ThreadPoolExecutor(16) as ex:
            errors = [e for e in ex.map(answer, socks) if e]
        if errors:
            problems.append("%d of %d concurrent requests failed; first: %s"
                            % (len(errors), CONCURRENT, errors[0]))
    except OSError as e:
        problems.append("concurrent connections: %s" % e)
    finally:
        for s in socks:
            s.close()
    end, now = time.monotonic() + SETTLE, None
    while time.monotonic() < end:
        now = tcp_inuse(g)
        if now == base:
            break
        time.sleep(2)
    if now != base:
        problems.append("TCP inuse %s after, %d before" % (now, base))
    return problems + (guest_state(g) if problems else [])


def check_peer_gone(g):
    """tcpbw serve sends 1 GiB; the host reads 256 KiB and resets."""
    problems = []
    sender = subprocess.Popen(g.ssh_argv() + ["tcpbw serve 9000 16384"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    got, end = 0, time.monotonic() + 120
    # QEMU accepts on the forwarded port before the guest listens and then
    # closes: retry until data comes.
    while got < 256 * 1024 and time.monotonic() < end:
        try:
            s = socket.create_connection(("127.0.0.1", g.nc), 10)
        except OSError:
            time.sleep(0.5)
            continue
        s.settimeout(60)
        try:
            while got < 256 * 1024:
                d = s.recv(65536)
                if not d:
                    break
                got += len(d)
        except OSError:
            pass
        if got >= 256 * 1024:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        s.close()
        if got < 256 * 1024:
            time.sleep(0.5)
    if got < 256 * 1024:
        problems.append("received only %d bytes from the guest" % got)
    try:
        out, _ = sender.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        sender.kill()
        out, _ = sender.communicate()
        problems.append("the guest's sender did not end (hang)")
    out = out.decode("utf-8", "replace")
    if "write error" not in out:
        problems.append("no write error reported: %r" % out.strip()[-200:])
    t0 = time.monotonic()
    try:
        status, body = http_get(g.http)
        if status != 200:
            problems.append("HTTP afterwards: status %s" % status)
    except (OSError, http.client.HTTPException) as e:
        problems.append("the guest no longer answers HTTP afterwards: "
                        "%s: %s after %.1f s" % (type(e).__name__, e,
                                                 time.monotonic() - t0))
    if problems:
        problems += guest_state(g)
    return problems


def guest_state(g):
    """What the guest says about its sockets and processes, for a FAIL."""
    st, out = g.run("cat /proc/net/sockstat /proc/net/tcp; ps", timeout=60)
    lines = ["guest: " + l.rstrip() for l in out.strip().split("\n")[:40]]
    if st:
        lines.append("guest state: ssh status %d" % st)
    return lines + ["console: " + l for l in g.console().strip().split("\n")[-6:]]


# --- the run ---------------------------------------------------------------

def one_machine(report, log_dir, machine, kernel, server, want_get):
    name = "net.%s%s" % ("" if kernel == "ferrite" else "linux.", machine)
    log = os.path.join(log_dir, name + ".log")
    g = Guest(machine, kernel, log)
    checks = ("wget", "curl", "ssh", "ssh-pty", "connections", "peer-gone")
    try:
        g.start("nettest.get=%d/www.bin" % server.port)
        ready = g.wait_for(r"^=== net ready", BOOT_TIMEOUT)
        tail = g.console().strip().split("\n")[-DETAIL:]
        report(name + ".boot", ready is not None,
               ["no '=== net ready' within %ds (log %s)" % (BOOT_TIMEOUT, log)]
               + tail)
        if not ready:
            for c in checks:
                report("%s.%s" % (name, c), False, ["the guest did not boot"])
            return
        m = re.search(r"^=== net wget (sha256 (\w+)|failed)", g.console(), re.M)
        got = m.group(2) if m else None
        report(name + ".wget", got == want_get,
               ["guest wget: %s (want sha256 %s)"
                % (m.group(1) if m else "no result line", want_get)])
        want = sha256_file(os.path.join(BUILD, "net", "www.bin"))
        for c, fn in (("curl", lambda: check_curl(g, want)),
                      ("ssh", lambda: check_ssh(g)),
                      ("ssh-pty", lambda: check_pty(g)),
                      ("connections", lambda: check_connections(g)),
                      ("peer-gone", lambda: check_peer_gone(g))):
            try:
                problems = fn()
            except Exception as e:  # a check's own failure is a FAIL
                problems = ["%s: %s" % (type(e).__name__, e)]
            if g.proc.poll() is not None:
                problems.append("QEMU exited (status %s)" % g.proc.returncode)
            report("%s.%s" % (name, c), not problems,
                   problems + ["log " + log] if problems else [])
    finally:
        g.stop()
        if re.search(r"Kernel panic|BUG:|double fault", g.console()):
            report(name + ".no-panic", False,
                   [l for l in g.console().split("\n")
                    if re.search(r"panic|BUG", l)][:DETAIL])


def run(report, log_dir, kernel_ok, build):
    if not kernel_ok:
        report("net", False, ["the kernel did not build"])
        return
    target = "net-initramfs" if NET_KERNEL == "ferrite" else "net-initramfs-linux"
    if not build(target, "net.build"):
        return
    server = HostServer()
    try:
        want_get = sha256_file(os.path.join(BUILD, "net", "www.bin"))
        machines = MACHINES if NET_KERNEL == "ferrite" else ["pc"]
        for machine in machines:
            one_machine(report, log_dir, machine, NET_KERNEL, server, want_get)
    finally:
        server.stop()


def main():
    global NET_KERNEL, MACHINES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=NET_KERNEL, choices=("ferrite", "linux"))
    ap.add_argument("--machine", default=",".join(MACHINES))
    args = ap.parse_args()
    NET_KERNEL, MACHINES = args.kernel, args.machine.split(",")
    os.chdir(ROOT)
    counts = [0, 0]

    def report(name, ok, detail=()):
        counts[0 if ok else 1] += 1
        print(("PASS " if ok else "FAIL ") + name, flush=True)
        for line in ([] if ok else detail):
            print("    " + line, flush=True)

    def build(target, name):
        r = subprocess.run([os.environ.get("MAKE", "make"), target], cwd=ROOT)
        report(name, r.returncode == 0)
        return r.returncode == 0
    logs = os.path.join(BUILD, "test-logs")
    os.makedirs(logs, exist_ok=True)
    run(report, logs, True, build)
    print("%d passed, %d failed" % tuple(counts))
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main())

"""The interactive scenarios: what a person does at the BusyBox prompt on
the serial console. Each function is one test; it types, reads, and raises
console.Failure with what it expected. They run in this order in one VM
(the runner reboots it if a test leaves no prompt behind)."""

import re
import time

from console import ANSI, Failure


def strip_ansi(text):
    return ANSI.sub("", text)


def check(cond, message):
    if not cond:
        raise Failure(message)


def line_edit_backspace(c):
    """A typo fixed with backspace (DEL, as a terminal sends it) before
    Enter: only the corrected line runs."""
    c.type("echo helol")
    c.type("\x7f\x7f")
    c.line("lo")
    out = strip_ansi(c.prompt())
    check(re.search(r"\nhello\r\n", out), "no output line 'hello'")
    check("helol" not in out.split("\n", 1)[-1], "the typo reached the shell")


def sleep_ctrl_c(c):
    """^C interrupts a foreground sleep and the prompt is back at once."""
    c.line("sleep 100")
    c.quiet(0.8)
    start = time.time()
    c.ctrl("c")
    c.prompt(timeout=5)
    took = time.time() - start
    check(took < 5, "prompt came back after %.1fs" % took)
    out = c.run("echo status=$?")
    check("status=130" in out, "sleep did not die of SIGINT: %r" % out)


def job_control(c):
    """sleep in the background, jobs, fg, ^Z stops it, bg resumes it,
    kill %1 ends it."""
    c.run("sleep 100 &")
    out = c.run("jobs")
    check(any(re.search(r"\[1\]\+\s+Running\s+sleep 100", l) for l in out),
          "jobs does not list 'Running sleep 100': %r" % out)
    c.line("fg")
    c.expect(r"sleep 100", what="fg naming the job")
    c.quiet(0.8)
    c.ctrl("z")
    c.expect(r"\[1\]\+\s+Stopped\s+sleep 100", timeout=5,
             what="'[1]+ Stopped sleep 100' after ^Z")
    c.prompt(timeout=5)
    out = c.run("jobs")
    check(any(re.search(r"Stopped\s+sleep 100", l) for l in out),
          "jobs does not show the job stopped: %r" % out)
    c.line("bg")
    c.expect(r"\[1\]\+? sleep 100", what="bg naming the job")
    c.prompt()
    out = c.run("jobs")
    check(any(re.search(r"Running\s+sleep 100", l) for l in out),
          "jobs does not show the job running after bg: %r" % out)
    c.line("kill %1")
    c.prompt()
    c.quiet(0.5)
    out = c.run("jobs") + c.run("jobs")
    text = c.text_since_mark()
    check(re.search(r"Terminated\s+sleep 100", text),
          "no 'Terminated sleep 100' after kill %%1")
    check(not any("sleep 100" in l for l in out[-2:]), "the job is still listed")


def cat_ctrl_d(c):
    """cat echoes typed lines back (erase works in canonical mode) and
    ends at ^D."""
    c.line("cat")
    c.quiet(0.3)
    c.line("hello cat")
    c.expect(r"hello cat\r\nhello cat\r\n", what="the line echoed, then cat's copy")
    c.type("abx")
    c.type("\x7f")
    c.line("c")
    c.expect(r"\nabc\r\n", what="cat printing 'abc' (kernel erase)")
    c.ctrl("d")
    c.prompt(timeout=5)
    out = c.run("echo status=$?")
    check("status=0" in out, "cat did not exit 0 at ^D: %r" % out)


def vi_edit(c):
    """vi creates a file: insert text, Esc, :wq; cat shows it."""
    c.run("rm -f /tmp/f")
    c.line("vi /tmp/f")
    c.expect(r"/tmp/f", what="vi's status line naming the file")
    c.quiet(0.8)
    c.type("i")
    c.type("hello from vi")
    c.type("\r")
    c.type("second line")
    c.type("\x1b")
    c.quiet(0.5)  # vi waits to tell Esc from an escape sequence
    c.type(":wq\r")
    c.prompt(timeout=10)
    out = c.run("cat /tmp/f")
    check(out[:2] == ["hello from vi", "second line"],
          "cat /tmp/f shows %r" % out)


def top_quit(c):
    """top runs, refreshes, and quits with q."""
    c.line("top")
    c.expect(r"PID\s+PPID\s+USER", timeout=10, what="top's process header")
    c.quiet(2)
    c.type("q")
    c.prompt(timeout=5)
    text = c.text_since_mark()
    check(re.search(r"Mem: \d+K used, \d+K free", text), "no 'Mem:' line")
    check(re.search(r"CPU:\s+\d+% usr", text), "no 'CPU:' line")
    check(re.search(r"Load average: \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+",
                    text), "no 'Load average:' line")
    check(re.search(r"\btop\s*\r?\n", text), "top does not list itself")


def ps_lists_shell(c):
    """ps lists the shell with its pid and command line."""
    out = c.run("echo pid=$$")
    m = next((re.search(r"pid=(\d+)", l) for l in out if "pid=" in l), None)
    check(m, "no pid from echo $$")
    pid = m.group(1)
    out = c.run("ps")
    # Debian's BusyBox ps has no TIME column; other builds may.
    time_col = r"(?:\d+:\d\d\s+)?"
    check(out and re.match(r"\s*PID\s+USER\s+(?:TIME\s+)?COMMAND", out[0]),
          "no ps header: %r" % out[:2])
    check(any(re.match(r"\s*%s\s+root\s+%ssh -l\s*$" % (pid, time_col), l)
              for l in out),
          "no line for the shell (pid %s, 'sh -l'): %r" % (pid, out))
    # ash runs the applet in a forked child without exec: the command
    # line is still the shell's and ps shows its name in braces.
    check(any(re.match(r"\s*\d+\s+root\s+%s(?:\{ps\} sh -l|ps)\s*$" % time_col, l)
              for l in out), "ps does not list itself")


def proc_tools(c):
    """free, uptime, pidof and kill/killall read and use /proc."""
    out = c.run("free")
    check(any(re.match(r"Mem:\s+\d+\s+\d+\s+\d+", l) for l in out),
          "free prints no Mem: line: %r" % out)
    out = c.run("uptime")
    check(any(re.search(r"up\s.*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d", l)
              for l in out), "uptime output %r" % out)
    c.run("sleep 101 &")
    c.run("sleep 102 &")
    out = c.run("pidof sleep")
    check(any(re.match(r"\d+ \d+\s*$", l) for l in out), "pidof sleep: %r" % out)
    c.run("killall sleep")
    c.quiet(0.5)
    out = c.run("pidof sleep; echo st=$?")
    check("st=1" in out, "sleeps still there after killall: %r" % out)


def pty_shell(c):
    """A program opens a pty, runs sh on the slave side with setsid and
    TIOCSCTTY, sends 'echo hi; exit' and checks the output."""
    c.line("ptyrun")
    c.expect(r"ptyrun: (ok|FAIL)", timeout=25, what="ptyrun's verdict")
    check(c.child.match.group(1) == "ok", "ptyrun failed")
    c.prompt()


SCENARIOS = [line_edit_backspace, sleep_ctrl_c, job_control, cat_ctrl_d,
             vi_edit, top_quit, ps_lists_shell, proc_tools, pty_shell]

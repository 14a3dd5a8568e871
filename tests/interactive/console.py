"""The guest's serial console as a person at a keyboard sees it: QEMU runs
on a pseudo-terminal (pexpect), keys are typed one at a time with small
delays (TCG is slow to echo), and every byte the guest prints is kept so a
failure can show the last screen. Used by tools/interactive_tests.py."""

import os
import re
import termios
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Typed after boot so that the prompt is unmistakable: the typed text has
# "\w" where the prompt has "/", so the echo never looks like a prompt.
PROMPT = "T/# "
SET_PROMPT = "cd /; PS1='T\\w\\$ '"
KEY_DELAY = 0.03

ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78DEHMc])")


class Failure(Exception):
    """A scenario's check failed; the message says what was expected."""


def screen(text, lines=15):
    """The last @lines lines of @text with escape sequences removed and
    control characters made visible, for failure reports."""
    text = ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c == "\n" or " " <= c < "\x7f" else "^%c" % (ord(c) ^ 64)
                   if ord(c) < 32 or c == "\x7f" else c for c in text)
    return text.rstrip("\n").split("\n")[-lines:]


class Console:
    def __init__(self, env, boot_timeout):
        self.env = env
        self.boot_timeout = boot_timeout
        self.child = None
        self.transcript = []   # everything read, in order
        self.mark = 0          # transcript length when the current test began

    # --- the VM -----------------------------------------------------------

    def boot(self):
        """Start QEMU and wait for the shell; set the test prompt."""
        self.close()
        self.child = pexpect.spawn(
            os.path.join(ROOT, "tools", "qemu.sh"), ["interactive"],
            env=self.env, cwd=ROOT, timeout=10, encoding="utf-8",
            codec_errors="replace", dimensions=(24, 80))
        self.child.delaybeforesend = None
        self.child.logfile_read = self
        # Any shell prompt: "<cwd> # " from /etc/profile, or ash's default.
        # (ash may follow it with ESC [6n, asking where the cursor is.)
        self.expect(r"\n[^\n]*[#$] ", timeout=self.boot_timeout,
                    what="a shell prompt")
        self.raw_output()
        time.sleep(0.3)
        self.line(SET_PROMPT)
        self.prompt(timeout=15)

    def raw_output(self):
        """QEMU leaves output processing on for its terminal, so each LF
        the guest sends (already CR LF) would reach us as CR CR LF. Turn
        it off now that QEMU has set the terminal up: we see the guest's
        bytes as they are."""
        attrs = termios.tcgetattr(self.child.child_fd)
        attrs[1] &= ~termios.OPOST
        termios.tcsetattr(self.child.child_fd, termios.TCSANOW, attrs)

    def close(self):
        if self.child is not None:
            try:
                self.child.terminate(force=True)
            except Exception:
                pass
            self.child = None

    def alive(self):
        return self.child is not None and self.child.isalive()

    # pexpect's logfile_read interface: keep what the guest printed.
    def write(self, data):
        self.transcript.append(data)

    def flush(self):
        pass

    def text_since_mark(self):
        return "".join(self.transcript)[self.mark:]

    def begin_test(self):
        self.mark = len("".join(self.transcript))

    # --- typing -----------------------------------------------------------

    def type(self, text, delay=KEY_DELAY):
        """Type @text one key at a time."""
        for ch in text:
            self.child.send(ch)
            time.sleep(delay)

    def line(self, text):
        """Type a line and press Enter (a terminal sends CR)."""
        self.type(text + "\r")

    def ctrl(self, letter):
        self.child.send(chr(ord(letter.upper()) - 64))

    # --- reading ----------------------------------------------------------

    def expect(self, pattern, timeout=10, what=None):
        """Wait for a regular expression; return the match. Fail with what
        was expected and the last screen otherwise."""
        try:
            self.child.expect(pattern, timeout=timeout)
            return self.child.match
        except pexpect.TIMEOUT:
            raise Failure("no %s within %gs" % (what or repr(pattern), timeout))
        except pexpect.EOF:
            raise Failure("QEMU exited while waiting for %s" % (what or repr(pattern)))

    def expect_exact(self, text, timeout=10, what=None):
        return self.expect(re.escape(text), timeout, what or repr(text))

    def prompt(self, timeout=10):
        """Wait for the shell prompt; return what came before it (output
        of the last command, with CR LF line ends)."""
        self.expect(re.escape(PROMPT), timeout, "the shell prompt")
        return self.child.before

    def run(self, cmd, timeout=10):
        """Type a command, wait for the prompt, return its output lines
        (the echoed command line dropped)."""
        self.line(cmd)
        out = self.prompt(timeout)
        lines = ANSI.sub("", out).replace("\r", "").split("\n")
        return lines[1:]

    def quiet(self, seconds):
        """Read whatever arrives during @seconds (keeps the transcript
        current and the buffer drained)."""
        try:
            self.child.expect(pexpect.TIMEOUT, timeout=seconds)
        except pexpect.EOF:
            raise Failure("QEMU exited")

    def recover(self):
        """Try to get back to a prompt after a failed test: interrupt, leave
        vi (Esc alone first: vi takes Esc and a quick key as one escape
        sequence), leave top, press Enter. Returns whether a prompt came."""
        steps = (("\x03",), ("\x1b", ":q!\r"), ("q",), ("\x03", "\r"))
        for keys in steps:
            try:
                for k in keys:
                    self.quiet(0.5)
                    self.type(k)
                self.prompt(timeout=3)
                self.quiet(0.3)
                return True
            except Failure:
                continue
            except (OSError, pexpect.ExceptionPexpect):
                return False
        return False

"""Talking to a terminal: keys in (raw single keys on a tty, one key per line when scripted), text
out, the size, resize signals, and handing the terminal to an editor. The review session and the
mock interview both run on it. What is printed passes the sanitiser (base/sanitize.py) first.
"""

from __future__ import annotations

import os
import re
import select
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from interview_srs.terminal import pager, render

MAX_WIDTH = 100
MAX_SCRIPTED_LINE = 4096  # a scripted key is a word on a line; a longer line is not one
QUIT = "q"
SCRIPTED_RETRIES = 6  # without a keyboard to give up with, a busy store is retried this many times



def format_duration(seconds: float) -> str:
    """"0:42", "3:05", "1:02:03"."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Terminal:
    """Keys in, text out. Interactive (a tty: raw keys) or scripted (one key per line)."""

    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = _isatty(stdin)
        # TERM=dumb (Emacs' shell, some CI logs) shows escape codes as text: no colour, no
        # clearing, and a line is erased by writing spaces over it.
        self.dumb = os.environ.get("TERM") == "dumb"
        self.styled = _isatty(stdout) and os.environ.get("NO_COLOR", "") == "" and not self.dumb
        self._pending = b""  # keys that arrived in one read and are not handed out yet
        self.style = render.Style(self.styled)
        self._resized: int | None = None  # see resize_signals
        self.windows = os.name == "nt"  # no termios, select() or SIGWINCH: see winkeys.py
        self.drawn_size: tuple[int, int] | None = None

    def width(self) -> int:
        columns = terminal_size().columns if _isatty(self.stdout) else 80
        return max(20, min(columns - 1, MAX_WIDTH))

    def height(self) -> int | None:
        """Lines a screen may use on a terminal (one is left for the timer); None when the
        output is not a terminal, which never scrolls."""
        if not (self.interactive and _isatty(self.stdout)):
            return None
        return max(5, terminal_size().lines - 1)

    def write(self, text: str = "") -> None:
        if self.dumb:
            text = text.replace(ERASE_LINE, " " * self.width() + "\r")
        self.stdout.write(text)
        self.stdout.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def clear(self) -> None:
        self.drawn_size = tuple(terminal_size())  # Windows notices resizes by it
        if self.styled:
            self.write("\x1b[H\x1b[2J")
        else:
            self.line()

    @contextmanager
    def keys(self):
        """Raw key mode for the duration of the block (on a terminal)."""
        if not self.interactive:
            yield
            return
        if self.windows:  # msvcrt reads single keys without echo as it is
            from interview_srs.terminal import winkeys

            if self.styled:
                winkeys.enable_ansi()
            yield
            return
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        with resize_signals() as self._resized, _restoring_on_termination(fd, saved):
            try:
                tty.setcbreak(fd)
                yield
            finally:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @contextmanager
    def cooked(self):
        """Normal terminal mode (for running an editor) inside a `keys` block."""
        if not self.interactive or self.windows:
            yield
            return
        import termios

        fd = self.stdin.fileno()
        raw = termios.tcgetattr(fd)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, raw)

    def read_key(self, timeout: float | None = None) -> str | None:
        """One key: " ", "\\n", a character, a scroll key (pager.UP, ...), QUIT at end of input,
        pager.RESIZE when the terminal was resized; None when `timeout` passes."""
        if not self.interactive:
            line = self.stdin.readline(MAX_SCRIPTED_LINE)
            if line == "" or "\0" in line:  # the end of input, or input that is not text (/dev/zero)
                return QUIT
            line = line.rstrip("\r\n")
            word = line.strip().lower()
            if line == "" or word in ("enter", "return"):
                return "\n"
            if word in ("", "space"):
                return " "
            return word[0]
        if self.windows:
            from interview_srs.terminal import winkeys

            return winkeys.read_key(timeout, self.drawn_size)
        if not self._pending:
            fd = self.stdin.fileno()
            wake = [self._resized] if self._resized is not None else []
            ready, _, _ = select.select([fd, *wake], [], [], timeout)
            if not ready:
                return None
            if fd not in ready:
                _drain(self._resized)
                return pager.RESIZE
            self._pending = os.read(fd, 64)
            if not self._pending:
                return QUIT
        key, self._pending = next_key(self._pending)
        if key == "\x03":
            raise KeyboardInterrupt
        return key


def next_key(data: bytes) -> tuple[str, bytes]:
    """The first key in `data` (keys typed or pasted together arrive in one read) and the rest."""
    if data.startswith(b"\r\n"):
        return "\n", data[2:]
    first = data[:1]
    if first in (b"\r", b"\n"):
        return "\n", data[1:]
    if first == b"\x04":
        return QUIT, data[1:]
    if first == b"\x1b":
        sequence = re.match(_ESCAPE_SEQUENCE, data)
        length = sequence.end() if sequence else 1
        return _ESCAPE_KEYS.get(data[:length], "\x1b"), data[length:]
    length = 1 if data[0] < 0xC0 else 2 if data[0] < 0xE0 else 3 if data[0] < 0xF0 else 4  # one UTF-8 character
    return data[:1].decode("ascii", "replace"), data[length:]


ERASE_LINE = "\x1b[K"
_ESCAPE_SEQUENCE = rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~])"  # CSI and SS3: arrows, page keys (re compiles on use)
_ESCAPE_KEYS = {
    b"\x1b[A": pager.UP, b"\x1bOA": pager.UP, b"\x1b[B": pager.DOWN, b"\x1bOB": pager.DOWN,
    b"\x1b[5~": pager.PAGE_UP, b"\x1b[6~": pager.PAGE_DOWN,
}


@contextmanager
def resize_signals():
    """A file descriptor that becomes readable when the terminal is resized (SIGWINCH), so the
    key loop wakes up and redraws at once; None where there is no SIGWINCH."""
    import signal

    if not hasattr(signal, "SIGWINCH"):
        yield None
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)

    def on_resize(_signum, _frame):
        try:
            os.write(write_end, b"w")
        except BlockingIOError:  # already signalled and not yet read
            pass

    previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        yield read_end
    finally:
        signal.signal(signal.SIGWINCH, previous)
        os.close(read_end)
        os.close(write_end)


@contextmanager
def _restoring_on_termination(fd: int, saved: list):
    """SIGTERM or SIGHUP (a closed terminal window, `kill`) during raw key mode: the terminal
    gets its echo back before the signal ends the program as it would have. Every answer given
    was stored when it was given; nothing else happens on the way out."""
    import signal
    import termios

    def restore_and_end(signum, _frame):
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        except termios.error:  # the terminal is gone (SIGHUP)
            pass
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.signal(number, restore_and_end) for number in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 64):
            pass
    except BlockingIOError:
        pass


def terminal_size() -> os.terminal_size:
    """What shutil.get_terminal_size((80, 24)) gives (COLUMNS and LINES first, then the size of
    the terminal on standard output, then 80 x 24), without importing shutil: for its archive
    functions it loads zlib, bz2 and lzma, which every review's start would wait for."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        columns = columns if columns > 0 else size.columns or 80
        lines = lines if lines > 0 else size.lines or 24
    return os.terminal_size((columns, lines))


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def editor_command(editor: str, path: str, line: int) -> list[str]:
    """The command that opens `path` at `line` in `editor` ($VISUAL / $EDITOR)."""
    import shlex  # only when an editor is opened: not on every review's start

    words = shlex.split(editor)
    name = Path(words[0]).name if words else ""
    if name in ("code", "code-insiders", "codium", "cursor"):
        return words + ["--goto", f"{path}:{line}"]
    if name in ("subl", "zed", "hx", "helix"):
        return words + [f"{path}:{line}"]
    return words + [f"+{line}", path]  # vi, vim, nvim, nano, emacs, micro, kak, ...


class NoEditor(Exception):
    """Neither $VISUAL nor $EDITOR is set."""


def edit_file(path: Path, environ, line: int = 1) -> str | None:
    """Open `path` in $VISUAL/$EDITOR and wait; a message when the editor could not run.

    Raises NoEditor when none is set (the caller knows how to say where the file is)."""
    import subprocess

    editor = environ.get("VISUAL") or environ.get("EDITOR")
    if not editor:
        raise NoEditor()
    try:
        command = editor_command(editor, str(path), line)
    except ValueError as exc:  # shlex: an unclosed quote or a trailing backslash
        return f"cannot run $EDITOR ({editor}): {exc}"
    try:
        subprocess.run(command, check=False)
    except OSError as exc:
        return f"{editor}: {exc.strerror or exc}"
    return None


def retry_while_busy(term: Terminal, busy_message: str, write, busy_error: type[Exception]):
    """Run `write` (a store transaction) until it goes through; while the store is busy, say so
    and retry, so an answer given is kept until it is stored. Returns its result, or None when
    the user gave up (q on a terminal; a scripted session after SCRIPTED_RETRIES tries)."""
    attempts = 0
    while True:
        try:
            return write()
        except busy_error:
            attempts += 1
            term.line(busy_message)
            gave_up = term.read_key(timeout=1.0) == QUIT if term.interactive else attempts >= SCRIPTED_RETRIES
            if gave_up:
                return None

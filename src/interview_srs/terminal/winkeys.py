"""The review screen on a Windows console: single key presses through msvcrt, and ANSI escape
sequences turned on, since Windows has neither termios, select() on a console, nor SIGWINCH.

A resize is noticed by polling the console size while waiting for a key (every 20 ms), which is
what SIGWINCH gives elsewhere.
"""

from __future__ import annotations

import shutil
import time

from interview_srs.terminal import pager

QUIT = "q"  # session.QUIT (tested)
POLL = 0.02
# msvcrt returns "\x00" or "\xe0" and then one of these for the arrow and page keys.
_SPECIAL = {"H": pager.UP, "P": pager.DOWN, "I": pager.PAGE_UP, "Q": pager.PAGE_DOWN}


def enable_ansi() -> None:
    """Let the console interpret escape sequences (colours, clearing the screen)."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.GetStdHandle(-11)  # standard output
    mode = ctypes.c_uint32()
    if kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
        kernel32.SetConsoleMode(handle, mode.value | 0x0004)  # ENABLE_VIRTUAL_TERMINAL_PROCESSING


def read_key(timeout: float | None, size: tuple[int, int] | None = None, msvcrt=None) -> str | None:
    """One key as the review loop wants it (see session.Terminal.read_key); RESIZE when the
    console's size is no longer `size`; None when `timeout` passes."""
    if msvcrt is None:
        import msvcrt
    deadline = None if timeout is None else time.monotonic() + timeout
    while not msvcrt.kbhit():
        if size is not None and tuple(shutil.get_terminal_size(size)) != tuple(size):
            return pager.RESIZE
        if deadline is not None and time.monotonic() >= deadline:
            return None
        time.sleep(POLL)
    char = msvcrt.getwch()
    if char in ("\x00", "\xe0"):
        return _SPECIAL.get(msvcrt.getwch(), "\x1b")
    if char == "\x03":
        raise KeyboardInterrupt
    if char in ("\x04", "\x1a"):
        return QUIT
    if char in ("\r", "\n"):
        return "\n"
    return char


__all__ = ["enable_ansi", "read_key"]

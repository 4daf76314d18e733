"""Keys on a Windows console, through a stand-in for msvcrt (the logic runs on any platform)."""

from __future__ import annotations

import pytest

from interview_srs.terminal import pager, winkeys

from interview_srs.review import session


class FakeConsole:
    """msvcrt's kbhit/getwch over a queue of characters."""

    def __init__(self, chars: str):
        self.chars = list(chars)

    def kbhit(self) -> bool:
        return bool(self.chars)

    def getwch(self) -> str:
        return self.chars.pop(0)


@pytest.mark.parametrize(
    ("chars", "key"),
    [("a", "a"), ("\r", "\n"), (" ", " "), ("\xe0H", pager.UP), ("\x00P", pager.DOWN),
     ("\xe0I", pager.PAGE_UP), ("\xe0Q", pager.PAGE_DOWN), ("\x1a", session.QUIT), ("\x04", session.QUIT)],
)
def test_keys(chars, key):
    assert winkeys.read_key(None, msvcrt=FakeConsole(chars)) == key


def test_ctrl_c_interrupts_and_a_timeout_gives_none():
    with pytest.raises(KeyboardInterrupt):
        winkeys.read_key(None, msvcrt=FakeConsole("\x03"))
    assert winkeys.read_key(0.05, msvcrt=FakeConsole("")) is None


def test_a_console_resize_is_noticed_while_waiting(monkeypatch):
    monkeypatch.setattr(winkeys.shutil, "get_terminal_size", lambda fallback: (100, 30))
    assert winkeys.read_key(1.0, size=(80, 24), msvcrt=FakeConsole("")) == pager.RESIZE

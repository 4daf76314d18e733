"""A card taller than the terminal, shown like a pager: the header and the key lines stay put,
the middle scrolls (j/k, ↑/↓, PgUp/PgDn), and a resize redraws it at the new size.

It works on plain lists of lines that are already rendered (and styled), so whatever the review
screen puts on a card — a countdown line in the header, your own answer, follow-ups — scrolls
with it without this module knowing about it.
"""

from __future__ import annotations

from dataclasses import dataclass

UP, DOWN, PAGE_UP, PAGE_DOWN = "up", "down", "pgup", "pgdn"
RESIZE = "resize"  # not a key: the terminal changed size, redraw
SCROLL_KEYS = {"k": -1, UP: -1, "j": 1, DOWN: 1, PAGE_UP: "-page", PAGE_DOWN: "page"}


@dataclass(frozen=True)
class Screen:
    """One screenful: pinned lines on top, a scrolling body, pinned lines at the bottom."""

    top: tuple[str, ...]
    body: tuple[str, ...]
    bottom: tuple[str, ...]


@dataclass(frozen=True)
class View:
    """What to print for a screen at a height and scroll offset."""

    lines: tuple[str, ...]
    offset: int  # the first body line shown (clamped)
    scrolls: bool  # the body did not fit


def split_header(lines: list[str]) -> tuple[list[str], list[str]]:
    """Header lines (up to the first empty line) and the rest: the review screen's question
    lines are the header, a blank line, then the question."""
    for index, line in enumerate(lines):
        if line == "":
            return lines[:index], lines[index:]
    return [], list(lines)


def body_height(screen: Screen, height: int) -> int:
    """Body lines that fit: the terminal's height, less the pinned lines and one status line."""
    return max(1, height - len(screen.top) - len(screen.bottom) - 1)


def view(screen: Screen, height: int | None, offset: int, status: str = "{first}-{last}/{total}") -> View:
    """The lines to print, at most `height` of them (None: no limit, nothing scrolls).

    `status` is the format of the line saying which part of the body is shown
    (`{first}`, `{last}`, `{total}`), printed only when the body does not fit.
    """
    total = len(screen.top) + len(screen.body) + len(screen.bottom)
    if height is None or total <= height:
        return View(screen.top + screen.body + screen.bottom, 0, False)
    room = body_height(screen, height)
    offset = max(0, min(offset, len(screen.body) - room))
    shown = screen.body[offset:offset + room]
    line = status.format(first=offset + 1, last=offset + len(shown), total=len(screen.body))
    return View(screen.top + shown + (line,) + screen.bottom, offset, True)


def scrolled(screen: Screen, height: int, offset: int, key: str) -> int:
    """The offset after a scroll key (clamped when the view is drawn)."""
    step = SCROLL_KEYS[key]
    page = max(1, body_height(screen, height) - 1)
    if step == "page":
        return offset + page
    if step == "-page":
        return max(0, offset - page)
    return max(0, offset + step)


__all__ = ["DOWN", "PAGE_DOWN", "PAGE_UP", "RESIZE", "SCROLL_KEYS", "UP", "Screen", "View", "body_height", "scrolled", "split_header", "view"]

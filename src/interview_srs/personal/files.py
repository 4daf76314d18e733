"""Reading one personal file: only a regular file inside its folder, and only as much as an
answer can use.

A link out of the folder (to /etc/shadow, say) is not followed, and a FIFO or a device in place
of a file (/dev/zero) is refused after opening it without blocking, before anything is read.
"""

from __future__ import annotations

import codecs
import re
import os
from dataclasses import dataclass, field
from pathlib import Path

from interview_srs.base.files import NotRegularFile, read_regular
from interview_srs.base.sanitize import NOT_ANKI_TEXT

MAX_CHARS = 100_000  # an answer with its stories; one spoken answer is a few thousand
READ_LIMIT = 4 * MAX_CHARS + 4  # bytes: enough for MAX_CHARS characters of any UTF-8 text


class Unreadable(Exception):
    """The file cannot be used; `line` and `message` locate why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class StoryFiles:
    """The stories read during one expansion (or one check of the whole folder), each once: a
    missing `[[name]]` in every answer lists the folder once, and only so many misspelt names
    are compared with every story name for a suggestion."""

    read: dict = field(default_factory=dict)  # name → (where it is shown, text) or its Problem
    names: list[str] | None = None
    suggestions_left: int = 100


def read_inside(path: Path) -> str | None:
    """The text of `path` (None if absent), cut after READ_LIMIT bytes at a whole character."""
    folder = os.path.realpath(path.parent)
    if os.path.commonpath([folder, os.path.realpath(path)]) != folder:
        raise Unreadable(1, f"links to a file outside {path.parent.name}/; only files inside the folder are read")
    try:
        data = read_regular(path, READ_LIMIT)
    except FileNotFoundError:
        return None
    except NotRegularFile:
        raise Unreadable(1, "not a regular file (a folder, a FIFO or a device?); only plain files are read") from None
    except OSError as exc:
        raise Unreadable(1, f"cannot read: {exc.strerror or exc}") from None
    try:  # complete characters only: a file cut at READ_LIMIT may end inside one
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=len(data) < READ_LIMIT)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def first_refused_character(text: str) -> tuple[int, str] | None:
    """(line, message) for the first character Anki refuses (base.sanitize.NOT_ANKI_TEXT, the
    card files' rule), with how many more there are."""
    first = re.search(NOT_ANKI_TEXT, text)
    if not first:
        return None
    count = len(re.findall(NOT_ANKI_TEXT, text))
    more = f" (and {count - 1} more in this file)" if count > 1 else ""
    return text.count("\n", 0, first.start()) + 1, (
        f"the control character U+{ord(first.group()):04X}{more} cannot go into an Anki package "
        "(Anki refuses the whole package); remove it"
    )


__all__ = ["MAX_CHARS", "READ_LIMIT", "StoryFiles", "Unreadable", "first_refused_character", "read_inside"]

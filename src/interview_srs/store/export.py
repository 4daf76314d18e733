"""`srs export`: the review log and the card states, for analysis or for moving elsewhere.

CSV (one row per answer, oldest first) starts with the five columns FSRS's optimizer tools
read (`card_id, review_time, review_rating, review_state, review_duration`: time in ms since
the epoch, rating 1–4, the card's state before the answer 0 new / 1 learning / 2 review /
3 relearning, duration in ms), followed by `reviewed_at` (ISO 8601, UTC), `deck`, `source`,
`anki_revlog_id`, and the card's state after the answer (`state_after`, `stability_after`,
`difficulty_after`, `due_after`), so a card's last row is its current schedule.

JSON holds `cards` (every card the store knows: id, deck, present, suspended and its FSRS
state) and `reviews` (the same rows as the CSV, as objects).

Values are written as stored: nothing in a file is stripped, and JSON escapes only what JSON
requires (the CLI strips escape sequences and control characters only when it prints to a
terminal).

`--out` replaces a regular file atomically and keeps its permissions (a new file gets those of
an ordinary new file). Anything else at the path (a symbolic link, a device, a FIFO, a folder)
is refused rather than replaced by a regular file. The temporary file has a short name of its
own, so a target name of up to 255 bytes works.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path

from interview_srs.schedule.scheduler import STATE_NAMES, from_ms

FORMATS = ("json", "csv")
REVIEW_COLUMNS = (
    "card_id",
    "review_time",
    "review_rating",
    "review_state",
    "review_duration",
    "reviewed_at",
    "deck",
    "source",
    "anki_revlog_id",
    "state_after",
    "stability_after",
    "difficulty_after",
    "due_after",
)


def reviews(store) -> list[dict]:
    from interview_srs.store.review_history import log_rows

    return [
        dict(zip(REVIEW_COLUMNS, (
            card_id, at, rating, before, duration, _iso(at), deck, source, revlog_id, after,
            stability, difficulty, _iso(due),
        )))
        for card_id, at, rating, before, duration, deck, source, revlog_id, after, stability, difficulty, due
        in log_rows(store.conn)
    ]


def cards(store) -> list[dict]:
    from interview_srs.store.review_history import card_states

    return [
        {
            "id": card_id, "deck": deck, "present": bool(present), "suspended": bool(suspended),
            "state": STATE_NAMES[state], "step": step, "stability": stability, "difficulty": difficulty,
            "due": _iso(due), "last_review": _iso(last),
        }
        for card_id, deck, present, suspended, state, step, stability, difficulty, due, last
        in card_states(store.conn)
    ]


def render(store, fmt: str, at: datetime) -> str:
    """The export as text in `fmt` ('json' or 'csv')."""
    if fmt == "json":
        data = {"exported_at": at.isoformat(), "cards": cards(store), "reviews": reviews(store)}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(reviews(store))
    return buffer.getvalue()


class ExportError(Exception):
    """The export cannot be written where asked; the message says why."""


def write(path: Path, text: str) -> None:
    """`text` into `path` atomically, flushed to disk before the rename; ExportError for a path
    that is not a regular file, OSError when writing fails (nothing at `path` changes)."""
    path = Path(path)
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISLNK(existing.st_mode):
        raise ExportError(f"{path} is a symbolic link; give the file it points to, or another name")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise ExportError(f"{path} is not a regular file (a folder, a device or a FIFO); give a file name")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=".srs-export-", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _iso(ms: int | None) -> str | None:
    return from_ms(ms).isoformat() if ms is not None else None


__all__ = ["FORMATS", "REVIEW_COLUMNS", "ExportError", "cards", "render", "reviews", "write"]

"""A damaged or busy store: how it is recognised and what the user is told.

* Damage: SQLite reports a damaged file as `DatabaseError` ("file is not a database", "database
  disk image is malformed", text that is not UTF-8), and JSON or state columns with flipped bytes
  fail to decode. Every one of these becomes a `StoreDamaged` naming the file and what to do
  (restore a backup, or move the file aside to start fresh). Nothing is written after damage is
  seen: `Store.write` waits for an integrity check before the first write of a run.
* The check is `PRAGMA quick_check`, which reads the whole file: 0.37 s on the benchmark store
  (10,000 cards, 200,000 reviews, 39 MB). A review session starts it in a background thread as
  the store opens, on its own read-only connection, so its first answer (seconds later) does not
  wait; a command that only reads (`srs stats`) never runs it unless the card sync must write.
* Busy: another process holding the write lock for longer than the busy timeout makes
  `BEGIN IMMEDIATE` fail with "database is locked"; that becomes `StoreBusy`, which callers
  retry (the review session keeps the rating until it is stored or the user gives up).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreError(Exception):
    """Something is wrong with the store file (or an operation on it cannot be done)."""


class StoreDamaged(StoreError):
    """The store file is damaged; the message says which file and what to do."""

    def __init__(self, path: Path, detail: str):
        self.path = path
        detail = " ".join(detail.split())  # SQLite's reports span lines; the message is one
        detail = detail if len(detail) <= 160 else detail[:160] + "…"
        super().__init__(
            f"the store {path} is damaged ({detail}); nothing was written to it. Restore it from a "
            f"backup, or move it aside to start fresh (e.g. mv '{path}' '{path}.damaged')"
        )


class StoreBusy(StoreError):
    """Another process holds the store's write lock; trying again later may work."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"the store {path} is busy: another program is writing to it")


def is_busy(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error) for word in ("database is locked", "database is busy", "database table is locked")
    )


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn SQLite's and the columns' decoding errors into StoreDamaged (or StoreBusy)."""
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise StoreBusy(path) from None
        raise StoreDamaged(path, _first_line(exc)) from None
    except (ValueError, KeyError, TypeError, OverflowError) as exc:  # JSON, states, times
        if type(exc).__module__ not in ("builtins", "json.decoder"):
            raise  # this program's own errors (bad input, config, clock) say what they mean
        raise StoreDamaged(path, f"a stored value cannot be read: {_first_line(exc)}") from None


class IntegrityCheck:
    """`PRAGMA quick_check` in a background thread, on its own connection."""

    def __init__(self, path: Path):
        self.path = path
        self.result: str | None = None
        self._connection: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="store-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=10
            )
            rows = self._connection.execute("PRAGMA quick_check(5)").fetchall()
            self.result = "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows)
        except sqlite3.Error as exc:
            self.result = "ok" if is_busy(exc) else _first_line(exc)
        finally:
            if self._connection is not None:
                self._connection.close()

    def wait(self) -> None:
        """Raise StoreDamaged if the check found damage (waiting for it to finish)."""
        self._thread.join()
        if self.result not in (None, "ok"):
            raise StoreDamaged(self.path, f"integrity check: {self.result}")

    def cancel(self) -> None:
        connection = self._connection
        if connection is not None and self._thread.is_alive():
            try:
                connection.interrupt()
            except sqlite3.Error:
                pass


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else error.__class__.__name__


__all__ = ["IntegrityCheck", "StoreBusy", "StoreDamaged", "StoreError", "is_busy", "reading"]

"""A damaged, busy or unusable store: how it is recognised and what the user is told.

* Damage: SQLite reports a damaged file as corrupt ("database disk image is malformed") or not a
  database ("file is not a database"), or the integrity check fails. Each becomes a
  `StoreDamaged` naming the file and what to do (restore a backup, or move the file aside to
  start fresh). Nothing is written after damage is seen: `Store.write` waits for an integrity
  check before the first write of a run.
* A value that cannot be read (text that is not UTF-8, JSON or a state that does not decode, a
  stability of 0, a time past year 9999) is not damage: the file is sound and the rest of the
  history with it. It becomes a `StoreUnreadable`, which says nothing was written and asks for
  the hand edit to be undone or the message reported (the same error from a bug of this
  program reads the same), and never advises moving the store aside.
* Anything else SQLite refuses says what it is and never calls the store damaged (moving an
  intact store aside would lose the user's history): a full disk, a read-only file or folder,
  a file that cannot be opened (its -wal or -shm is a folder), an I/O error. Errors this program
  raises itself (a character the output cannot encode, a date out of range) pass through.
* The check is `PRAGMA quick_check`, which reads the whole file (a large share of a session's
  start on a large store). A review session starts it in a background thread,
  on its own read-only connection, once its first card is on screen (Store.check_in_background):
  started as the store opened, it competed with the session's start for the processor, and
  started then, it is done before the first answer (seconds later) in all but a quick rating,
  which waits for it. A command that only reads (`srs stats`) never runs it unless the card
  sync must write.
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


class StoreUnreadable(StoreError):
    """A value in a sound store cannot be read; the message never advises discarding the store."""

    def __init__(self, path: Path, detail: str):
        self.path = path
        detail = " ".join(detail.split())
        detail = detail if len(detail) <= 160 else detail[:160] + "…"
        super().__init__(
            f"cannot read a value in the store {path} ({detail}); nothing was written to it and the rest of "
            "your history is kept. If you edited the store by hand, undo that edit; otherwise please report "
            "this message"
        )


class StoreBusy(StoreError):
    """Another process holds the store's write lock; trying again later may work."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"the store {path} is busy: another program is writing to it")


FULL_BELOW = 1 << 20  # free bytes under which an I/O error is taken for a full disk
# SQLite's primary result codes (sqlite3.h) and the words of their messages, for errors that carry
# no code (raised by hand, or by an older sqlite3 module).
_DAMAGE = {11: "database disk image is malformed", 26: "file is not a database"}
_UNUSABLE = {
    13: ("database or disk is full", "the disk is full"),
    8: ("readonly database", "it is read-only (or its folder is)"),
    14: ("unable to open database file", "it cannot be opened (is its folder, or its -wal or -shm file, usable?)"),
    10: ("disk I/O error", "reading or writing it failed (disk I/O error: is the disk full?)"),
    3: ("access permission denied", "permission denied"),
    23: ("not authorized", "permission denied"),
}


def _sqlite_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(error: sqlite3.Error) -> bool:
    """SQLite found the file itself corrupt."""
    text = str(error)
    return (
        _sqlite_code(error) in _DAMAGE
        or any(words in text for words in _DAMAGE.values())
        or "malformed database schema" in text
    )


def unusable(path: Path, error: sqlite3.Error) -> StoreError:
    """A store SQLite cannot use for a reason other than damage, said as what it is."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() and not side.is_file():
            return StoreError(
                f"cannot use the store {path}: {side} is not a file (a folder?), and SQLite keeps its {suffix} "
                "file there; nothing was changed by this command"
            )
    code, text = _sqlite_code(error), str(error)
    if (code == 10 or "disk I/O error" in text) and _free_bytes(path.parent) < FULL_BELOW:
        code, text = 13, "database or disk is full"  # SQLite reports a write on a full disk as I/O
    for number, (words, meaning) in _UNUSABLE.items():
        if code == number or words in text:
            return StoreError(f"cannot use the store {path}: {meaning}; nothing was changed by this command")
    return StoreError(f"cannot use the store {path}: {_first_line(error)}")


def _free_bytes(folder: Path) -> int:
    import shutil  # only a failed write asks: not imported for every start

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return FULL_BELOW


def is_busy(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error) for word in ("database is locked", "database is busy", "database table is locked")
    )


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn SQLite's errors into StoreDamaged, StoreBusy or StoreError, and the columns' decoding
    errors into StoreUnreadable."""
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise StoreBusy(path) from None
        if is_damage(exc):
            raise StoreDamaged(path, _first_line(exc)) from None
        if "Could not decode to UTF-8" in str(exc):
            raise StoreUnreadable(path, _first_line(exc)) from None
        raise unusable(path, exc) from None
    except UnicodeEncodeError:
        raise  # output, not the store
    except (ValueError, KeyError, TypeError, ArithmeticError) as exc:  # JSON, states, times, a stability of 0
        if type(exc).__module__ not in ("builtins", "json.decoder"):
            raise  # this program's own errors (bad input, config, clock) say what they mean
        raise StoreUnreadable(path, f"{type(exc).__name__}: {_first_line(exc)}") from None


class IntegrityCheck:
    """`PRAGMA quick_check` in a background thread, on its own connection."""

    def __init__(self, path: Path):
        self.path = path
        self.result: str | None = None
        self.failure: sqlite3.Error | None = None  # the check could not run, for a reason other than damage
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
            if is_busy(exc):
                self.result = "ok"
            elif is_damage(exc):
                self.result = _first_line(exc)
            else:
                self.failure = exc
        finally:
            if self._connection is not None:
                self._connection.close()

    def wait(self) -> None:
        """Raise StoreDamaged if the check found damage, StoreError if it could not run (waiting for it)."""
        self._thread.join()
        if self.failure is not None:
            raise unusable(self.path, self.failure)
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


__all__ = ["IntegrityCheck", "StoreBusy", "StoreDamaged", "StoreError", "StoreUnreadable", "is_busy", "is_damage", "reading", "unusable"]

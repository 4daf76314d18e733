"""The store's connection: opening (creating, migrating, WAL), closing, and write transactions.

`Store` holds the open connection and nothing else; what is read and written through it lives
beside it, one concern per module (see store/__init__.py for the tables and the guarantees).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from interview_srs.schedule.scheduler import to_ms
from interview_srs.store.health import IntegrityCheck, StoreBusy, StoreError, is_busy, reading
from interview_srs.store.schema import MIGRATIONS

STORE_NAME = "store.sqlite3"
APP_NAME = "interview-srs"
BUSY_TIMEOUT_MS = 10_000
SCHEMA_VERSION = MIGRATIONS[-1][0]


def default_store_path(environ: dict | None = None) -> Path:
    """`$SRS_HOME/store.sqlite3`, else the platform's user data folder."""
    environ = os.environ if environ is None else environ
    home = environ.get("SRS_HOME", "").strip()
    if home:
        return Path(home).expanduser() / STORE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_NAME


class Store:
    """An open store: its connection, and `write` for every change made through it. Use
    `Store.open(path)`; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._check: IntegrityCheck | None = None  # must pass before the first write (health.py)
        self._sound = True  # False until an existing file's integrity check has passed

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating and migrating as needed). An existing file is checked for damage
        before its first write (see `check_in_background`)."""
        path = Path(path)
        if sqlite3.sqlite_version_info < (3, 37, 0):
            raise StoreError(
                f"SQLite {sqlite3.sqlite_version} is too old; the store needs 3.37 or newer"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            existed = path.is_file() and path.stat().st_size > 0
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store {path}: {_reason(exc)}") from None
        store = cls(conn, path)
        try:
            with reading(path):
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                if existed:
                    conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # "not a database"?
                    store._sound = False
                mode = _switch_to_wal(conn)
                if mode.lower() != "wal":
                    raise StoreError(f"cannot switch the store {path} to WAL mode (got {mode})")
                conn.execute("PRAGMA synchronous = FULL")
                store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} has schema version {version}, newer than this "
                f"interview-srs understands ({SCHEMA_VERSION}); upgrade interview-srs"
            )
        if version == SCHEMA_VERSION and not self._missing_migrations():
            return
        with self.write():
            # another process may have migrated meanwhile
            if self.schema_version() == 0:
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL"
                    ") STRICT"
                )
            missing = self._missing_migrations()
            for number, name, script in MIGRATIONS:
                if number not in missing:
                    continue
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)",
                    (number, name, to_ms(datetime.now().astimezone())),
                )
                self.conn.execute(f"PRAGMA user_version = {max(number, self.schema_version())}")

    def _missing_migrations(self) -> set[int]:
        """Migrations not recorded in schema_migrations. Numbers were reserved per feature and
        landed out of order (4 before 3), so a store may lack one below its version."""
        if self.schema_version() == 0:
            return {number for number, _name, _script in MIGRATIONS}
        applied = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        return {number for number, _name, _script in MIGRATIONS} - applied

    def check_in_background(self) -> None:
        """Start the integrity check the first write waits for, in a thread on its own
        connection, unless it has started or passed already. A review session calls this once
        its first card is on screen: started as the store opens, the check (which reads the
        whole file) would compete with the session's start for the processor."""
        if not self._sound and self._check is None:
            self._check = IntegrityCheck(self.path)

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        if self._check is not None:
            self._check.cancel()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE so it never has to be retried.

        The first write of a run waits for the integrity check (nothing is written into a damaged
        store); a lock held elsewhere beyond the busy timeout raises StoreBusy.
        """
        if not self._sound:
            check = self._check or IntegrityCheck(self.path)
            self._check = None
            check.wait()
            self._sound = True
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise StoreBusy(self.path) from None
            raise
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, retried: unlike other statements it does not wait for the
    busy timeout, so two processes creating a new store at once would otherwise fail."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _statements(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


__all__ = ["BUSY_TIMEOUT_MS", "SCHEMA_VERSION", "STORE_NAME", "Store", "default_store_path"]

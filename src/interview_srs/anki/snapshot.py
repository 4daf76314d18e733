"""A private, consistent copy of an Anki collection, made without changing the original.

* PATH is `collection.anki2`, the profile folder holding it, or a package that contains one: a
  `.colpkg` backup or an `.apkg` exported with scheduling. Packages are zip files; new ones hold
  `collection.anki21b`, a zstd-compressed SQLite file (read with the `zstandard` package), older
  ones `collection.anki21` or `collection.anki2`. The member is streamed to the copy and stops at
  `unpacked_limit` bytes: a small package cannot fill the disk with a gigabyte-sized "collection".
* Anki keeps its collection open with an exclusive SQLite lock (`locking_mode = exclusive`) for as
  long as the profile is open. A collection whose lock cannot be shared is refused with a message,
  because its file and write-ahead log cannot be copied consistently then. Otherwise the file and
  its `-wal` (present after a crash) are copied to a temporary folder under a shared lock, and
  SQLite reads the copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COLLECTION_FILE = "collection.anki2"
# Inside packages, newest format first (rslib/src/import_export/package/meta.rs).
PACKAGE_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
SCHEMA_MIN, SCHEMA_MAX = 11, 18  # rslib/src/storage/upgrades/mod.rs
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
# SQLite's lock bytes (os_unix.c): a reader holds a read lock on the "shared" range, Anki (exclusive
# locking mode) a write lock on it for as long as the collection is open.
_PENDING_BYTE = 0x40000000
_SHARED_FIRST = _PENDING_BYTE + 2
_SHARED_SIZE = 510
# A collection compresses well (SQLite pages of text, free pages of zeros), but not a thousand
# times: past 64 MiB a package may unpack to at most this many times its own size.
MIN_UNPACKED_LIMIT = 64 * 2**20
UNPACK_RATIO = 100
_CHUNK = 2**20


class AnkiSyncError(Exception):
    """The collection cannot be read or written (one line, for people)."""


def collection_file(path: Path) -> Path:
    """The collection file for PATH: the file itself, or `collection.anki2` in a profile folder."""
    if path.is_dir():
        candidate = path / COLLECTION_FILE
        if not candidate.is_file():
            profiles = sorted(p.parent.name for p in path.glob(f"*/{COLLECTION_FILE}"))
            hint = f"; profiles here: {', '.join(profiles)}" if profiles else " (give an Anki profile folder)"
            raise AnkiSyncError(f"{path}: no {COLLECTION_FILE} in this folder{hint}")
        return candidate
    if not path.exists():
        raise AnkiSyncError(f"{path}: no such file or folder")
    if not path.is_file():  # a FIFO would block the copy forever, a device never end it
        raise AnkiSyncError(f"{path}: not a regular file; give a collection.anki2, a .colpkg/.apkg or a profile folder")
    return path


def file_magic(source: Path) -> bytes:
    try:
        with open(source, "rb") as handle:
            return handle.read(16)
    except OSError as exc:
        raise AnkiSyncError(f"{source}: cannot read it ({exc.strerror or exc})") from None


@contextmanager
def collection_snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the collection in PATH (file, folder or package)."""
    source = collection_file(path)
    magic = file_magic(source)
    with tempfile.TemporaryDirectory(prefix="srs-anki-") as tmp:
        copy = Path(tmp) / COLLECTION_FILE
        if magic.startswith(ZIP_MAGIC):
            extract_package(source, copy)
        elif magic == SQLITE_MAGIC:
            copy_locked(source, copy)
        else:
            raise AnkiSyncError(
                f"{source}: not an Anki collection (neither an SQLite file nor a .colpkg/.apkg package)"
            )
        try:
            conn = open_collection_file(copy)
        except sqlite3.Error as exc:
            raise AnkiSyncError(f"{source}: cannot open it ({exc})") from None
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise AnkiSyncError(f"{source}: damaged collection ({exc})") from None
        finally:
            conn.close()


def open_collection_file(path: Path, **options) -> sqlite3.Connection:
    conn = sqlite3.connect(path, **options)
    # Anki's indexes on names use its own case-insensitive collation.
    conn.create_collation("unicase", _unicase)
    return conn


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def check_collection(conn: sqlite3.Connection, path: Path) -> int:
    """The collection's schema version; raise AnkiSyncError for what we cannot read."""
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise AnkiSyncError(f"{path}: damaged or not an SQLite database ({exc})") from None
    if verdict != "ok":
        raise AnkiSyncError(f"{path}: damaged collection (SQLite quick_check: {verdict.splitlines()[0]})")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"col", "notes", "cards", "revlog"} <= tables:
        raise AnkiSyncError(f"{path}: not an Anki collection (no col/notes/cards/revlog tables)")
    rows = conn.execute("SELECT ver FROM col LIMIT 2").fetchall()
    if len(rows) != 1:
        count = "no row" if not rows else "more than one row"
        raise AnkiSyncError(f"{path}: damaged collection (its col table has {count}; Anki keeps exactly one)")
    (schema,) = rows[0]
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise AnkiSyncError(f"{path}: damaged collection (its schema version is not a whole number)")
    if schema > SCHEMA_MAX or schema in (12, 13):
        raise AnkiSyncError(
            f"{path}: collection schema {schema} is newer than interview-srs reads "
            f"({SCHEMA_MIN}–{SCHEMA_MAX}); upgrade interview-srs, or export a .colpkg for older Anki versions"
        )
    if schema < SCHEMA_MIN:
        raise AnkiSyncError(f"{path}: collection schema {schema} is too old; open it once in a current Anki")
    return schema


def copy_locked(source: Path, copy: Path) -> None:
    """Copy the collection file (and its -wal) while holding a shared SQLite lock on it."""
    try:
        handle = open(source, "rb")
    except OSError as exc:
        raise AnkiSyncError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    with handle:
        with shared_lock(handle, source):
            try:
                shutil.copyfile(source, copy)
                wal = source.with_name(source.name + "-wal")
                if wal.exists():  # Anki crashed: the copy recovers the log
                    shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            except PermissionError:  # Windows: Anki's lock
                raise AnkiSyncError(locked_message(source)) from None
            except OSError as exc:
                raise AnkiSyncError(f"{source}: cannot copy it ({exc.strerror or exc})") from None


@contextmanager
def shared_lock(handle, source: Path) -> Iterator[None]:
    """Hold SQLite's shared lock on an open file; refuse when Anki holds the collection open."""
    try:
        import fcntl
    except ImportError:  # Windows: Anki's own lock makes the copy fail there instead
        yield
        return
    try:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)
    except OSError:
        raise AnkiSyncError(locked_message(source)) from None
    try:
        yield
    finally:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_UN, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)


def locked_message(source: Path) -> str:
    return (
        f"{source}: the collection is locked: Anki (or another program) has it open. "
        "Close Anki (or switch profile), or sync from a backup (.colpkg)"
    )


def unpacked_limit(package_size: int) -> int:
    """The most bytes a package of `package_size` bytes may unpack to."""
    return max(MIN_UNPACKED_LIMIT, UNPACK_RATIO * package_size)


def extract_package(source: Path, copy: Path) -> None:
    """Stream the package's collection into `copy`, stopping at `unpacked_limit`."""
    try:
        limit = unpacked_limit(source.stat().st_size)
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            member = next((name for name in PACKAGE_MEMBERS if name in names), None)
            if member is None:
                raise AnkiSyncError(f"{source}: a zip file without an Anki collection inside (not a .colpkg/.apkg)")
            with archive.open(member) as packed, open(copy, "wb") as out:
                if member.endswith("b"):
                    reader, errors = _unzstd_reader(packed, source)
                else:
                    reader, errors = packed, ()
                _copy_at_most(reader, out, limit, source, errors)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise AnkiSyncError(f"{source}: damaged package ({exc})") from None


def _copy_at_most(reader, out, limit: int, source: Path, errors: tuple[type[Exception], ...]) -> None:
    written = 0
    try:
        while chunk := reader.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise AnkiSyncError(
                    f"{source}: the collection in this package unpacks to more than {limit // 2**20} MiB, "
                    f"{UNPACK_RATIO} times the package's size; a damaged or forged package, not read"
                )
            out.write(chunk)
    except errors as exc:
        raise AnkiSyncError(f"{source}: damaged package ({exc})") from None


def _unzstd_reader(packed, source: Path):
    try:
        import zstandard
    except ImportError:
        raise AnkiSyncError(
            f"{source}: this package is zstd-compressed; install the zstandard package "
            "(pip install zstandard) to read it"
        ) from None
    return zstandard.ZstdDecompressor().stream_reader(packed, read_across_frames=True), (zstandard.ZstdError,)


__all__ = [
    "COLLECTION_FILE",
    "SQLITE_MAGIC",
    "AnkiSyncError",
    "check_collection",
    "collection_file",
    "collection_snapshot",
    "copy_locked",
    "extract_package",
    "file_magic",
    "locked_message",
    "open_collection_file",
    "shared_lock",
    "unpacked_limit",
]

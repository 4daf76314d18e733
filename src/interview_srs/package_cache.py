"""The collections inside the packages the last builds wrote, so that a rebuild patches them.

Rewriting the package that holds every deck is most of a one-card rebuild of a large bank.
With the package's collection kept here (beside the parse cache) and the layout of its zip, the
next build changes only the notes that changed and recompresses only the chunks those changes
touched (anki_export.patch_package_to, package_zip.py). An entry is keyed by the sha256 of the
package file, which the build state records, and is checked against the CRC the package holds,
so it is only ever used with the exact package it came from. Like the parse cache it is an
optimisation only: a missing or damaged entry means a full write, and the folder can be
deleted at any time.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from interview_srs import anki_export, package_zip, parse_cache

MAX_ENTRIES = 64  # collections kept; a build needs one per package it may patch


@dataclass(frozen=True)
class Base:
    """A package as a rebuild can patch it."""

    previous: package_zip.Previous
    decks: tuple[str, ...]
    note_type_mod: int
    notes: anki_export.NoteIndex


def folder() -> Path:
    return parse_cache.cache_dir() / "packages"


def base_for(package: Path, sha: str) -> Base | None:
    """The cached collection of `package` (whose sha256 is `sha`), or None."""
    entry = folder() / sha
    try:
        record = json.loads(entry.with_suffix(".json").read_text("utf-8"))
        layout = package_zip.Layout.from_dict(record["layout"])
        decks = tuple(record["decks"])
        note_type_mod = record["note_type_mod"]
        notes = {guid: (nid, mod, did, due) for guid, nid, mod, did, due in record["notes"]}
        if not (all(isinstance(d, str) for d in decks) and type(note_type_mod) is int):
            return None
        if not all(type(value) is int for row in notes.values() for value in row):
            return None
        collection = entry.with_suffix(".anki2")
        if not _matches(collection, package):
            return None
    except (OSError, ValueError, KeyError, TypeError):  # TypeError: a row of another shape
        return None
    return Base(package_zip.Previous(collection, package, layout), decks, note_type_mod, notes)


def _matches(collection: Path, package: Path) -> bool:
    """Whether `collection` has the CRC and size that `package` records for its collection."""
    with open(package, "rb") as zipped:
        header = zipped.read(30)
    if len(header) < 30:
        return False
    (signature,) = struct.unpack_from("<I", header)
    crc, _compressed, size = struct.unpack_from("<III", header, 14)
    if signature != 0x04034B50 or collection.stat().st_size != size:
        return False
    checksum = 0
    with open(collection, "rb") as source:
        while chunk := source.read(package_zip.CHUNK):
            checksum = zlib.crc32(chunk, checksum)
    return checksum == crc


def keep(sha: str, package: anki_export.Written, decks: tuple[str, ...], note_type_mod: int) -> None:
    """Move the collection of `package` (a scratch file) into the cache, as the base of `sha`."""
    collection = package.collection
    entry = folder() / sha
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(collection, entry.with_suffix(".anki2"))
        except OSError:  # another file system: copy, then rename into place
            fd, name = tempfile.mkstemp(prefix=".entry-", dir=entry.parent)
            os.close(fd)
            try:
                shutil.copyfile(collection, name)
                os.replace(name, entry.with_suffix(".anki2"))
            finally:
                Path(name).unlink(missing_ok=True)
        record = {
            "layout": package.layout.to_dict(),
            "decks": list(decks),
            "note_type_mod": note_type_mod,
            "notes": [[guid, *row] for guid, row in package.notes.items()],
        }
        parse_cache.write_atomically(entry.with_suffix(".json"), json.dumps(record))
    except OSError:
        pass
    finally:
        collection.unlink(missing_ok=True)


def forget(sha: str) -> None:
    """Drop the base of a package that has just been replaced."""
    for suffix in (".json", ".anki2"):
        try:
            (folder() / sha).with_suffix(suffix).unlink(missing_ok=True)
        except OSError:
            pass


def prune(keep_entries: int = MAX_ENTRIES) -> None:
    """Drop the least recently written collections beyond `keep_entries`, and stray files."""
    try:
        entries = sorted(folder().glob("*.anki2"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep_entries:]:
            old.with_suffix(".json").unlink(missing_ok=True)
            old.unlink(missing_ok=True)
    except OSError:
        pass

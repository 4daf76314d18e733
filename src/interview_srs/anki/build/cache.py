"""The collections inside the packages the last builds wrote, so that a rebuild patches them.

Rewriting the package that holds every deck is most of a one-card rebuild of a large bank.
With the package's collection kept here (beside the parse cache) and the layout of its zip, the
next build changes only the notes that changed and recompresses only the chunks those changes
touched (apkg.patch_package_to, chunked_zip.py). An entry is keyed by the sha256 of the
package file, which the build state records, and remembers the size, modification time and inode
of that package and of the collection kept: an entry is only used while both are the files it
describes. Like the parse cache it is an optimisation only: a missing or damaged entry means a
full write, and the folder can be deleted at any time.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from interview_srs.anki.build import apkg, chunked_zip
from interview_srs.bank import parse_cache

MAX_ENTRIES = 64  # collections kept; a build needs one per package it may patch


@dataclass(frozen=True)
class Base:
    """A package as a rebuild can patch it."""

    previous: chunked_zip.Previous
    decks: tuple[str, ...]
    note_type_mod: int
    notes: apkg.NoteIndex


def folder() -> Path:
    return parse_cache.cache_dir() / "packages"


def base_for(package: Path, sha: str) -> Base | None:
    """The cached collection of `package` (whose sha256 is `sha`), or None; None too when another
    writer made it (apkg.WRITER_FORMAT), since a package patched from it would have that writer's bytes."""
    entry = folder() / sha
    try:
        record = json.loads(entry.with_suffix(".json").read_text("utf-8"))
        if record["writer"] != apkg.WRITER_FORMAT:
            return None
        layout = chunked_zip.Layout.from_dict(record["layout"])
        decks = tuple(record["decks"])
        note_type_mod = record["note_type_mod"]
        notes = _notes_from(record["notes"])
        if notes is None or not (all(isinstance(d, str) for d in decks) and type(note_type_mod) is int):
            return None
        collection = entry.with_suffix(".anki2")
        if parse_cache.file_identity(collection) != record["collection"]:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # a record of another shape
        return None
    return Base(chunked_zip.Previous(collection, package, layout), decks, note_type_mod, notes)


def _notes_to(notes: apkg.NoteIndex) -> dict:
    """A package's notes as two flat lists (GUIDs joined by line breaks, which base-91 GUIDs do
    not hold, and four numbers per note): quick to write and read for tens of thousands."""
    return {"guids": "\n".join(notes), "numbers": list(itertools.chain.from_iterable(notes.values()))}


def _notes_from(stored: dict) -> apkg.NoteIndex | None:
    guids = stored["guids"].split("\n") if stored["guids"] else []
    numbers = stored["numbers"]
    if len(numbers) != 4 * len(guids) or not set(map(type, numbers)) <= {int}:
        return None
    return dict(zip(guids, zip(*[iter(numbers)] * 4)))


def unchanged(package: Path, sha: str) -> bool:
    """Whether `package` is still the file whose sha256 is `sha` that a build wrote there: the
    same size, modification time and inode as then, which spares a large bank's rebuild from
    reading every package to hash it. Without a record it says no, and the caller hashes."""
    try:
        return parse_cache.file_identity(package) == _packages(folder() / sha).get(str(package.resolve()))
    except OSError:
        return False


def remember(package: Path, sha: str) -> None:
    """Note that `package` is the file whose sha256 is `sha`, so the next build need not hash it.

    Kept apart from the collection's record (`<sha>.files`), which a large bank makes large:
    every build reads this for every package."""
    entry = folder() / sha
    try:
        # every file with these bytes: a one-file bank's package and the combined one match
        files = {**_packages(entry), str(package.resolve()): parse_cache.file_identity(package)}
        entry.parent.mkdir(parents=True, exist_ok=True)
        parse_cache.write_atomically(entry.with_suffix(".files"), json.dumps(files))
    except OSError:
        pass


def _packages(entry: Path) -> dict:
    """Package file -> its identity when written or hashed (empty when there is no record)."""
    try:
        files = json.loads(entry.with_suffix(".files").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return files if isinstance(files, dict) else {}


def keep(
    sha: str, package: apkg.Written, decks: tuple[str, ...], note_type_mod: int, written_to: Path
) -> None:
    """Move the collection of `package` (a scratch file) into the cache, as the base of `sha`,
    the package now at `written_to`."""
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
            "writer": apkg.WRITER_FORMAT,
            "layout": package.layout.to_dict(),
            "decks": list(decks),
            "note_type_mod": note_type_mod,
            "notes": _notes_to(package.notes),
            "collection": parse_cache.file_identity(entry.with_suffix(".anki2")),
        }
        parse_cache.write_atomically(entry.with_suffix(".json"), json.dumps(record))
        remember(written_to, sha)
    except OSError:
        pass
    finally:
        collection.unlink(missing_ok=True)


def forget(sha: str) -> None:
    """Drop the base of a package that has just been replaced."""
    for suffix in (".json", ".anki2", ".files"):
        try:
            (folder() / sha).with_suffix(suffix).unlink(missing_ok=True)
        except OSError:
            pass


def prune(keep_entries: int = MAX_ENTRIES) -> None:
    """Drop the least recently written entries beyond `keep_entries`: record, collection, files."""
    try:
        newest: dict[Path, float] = {}
        for path in folder().iterdir():
            if path.suffix in (".json", ".anki2", ".files"):
                stem = path.with_suffix("")
                newest[stem] = max(newest.get(stem, 0.0), path.stat().st_mtime)
        for stem in sorted(newest, key=newest.__getitem__, reverse=True)[keep_entries:]:
            for suffix in (".anki2", ".json", ".files"):
                stem.with_suffix(suffix).unlink(missing_ok=True)
    except OSError:
        pass

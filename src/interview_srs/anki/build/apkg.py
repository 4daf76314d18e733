"""Writing an .apkg: a scratch SQLite collection filled (or patched), then zipped.

Everything in a package other than the notes' and the note type's `mod` (which the build
decides) is derived from the card ids or fixed here, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from interview_srs.anki.build import chunked_zip
from interview_srs.anki.notes import DECK_DESCRIPTION, MODEL_ID, deck_id, note_type


# The format of the bytes this module and chunked_zip.py write for given notes. Bump it with any
# change that changes those bytes (compression, zip layout, SQL that fills the collection): the
# build state and the package cache record it, so the next build rewrites every package and
# `srs build --verify` reports the committed decks stale until they are rebuilt. (1: chunked
# level-1 deflate, notes inserted in bulk; the decks before it had no recorded format.
# 2: every deck carries notes.DECK_DESCRIPTION.)
WRITER_FORMAT = 2
# Note and card ids inside a package, and card mtimes, count from this fixed instant so that
# packages are reproducible; Anki keeps its own ids when a note already exists.
ID_EPOCH = 1_700_000_000


class NoteRow(NamedTuple):
    """One note as it goes into a package: its fields and tags as Anki stores them (`flds`
    joined by U+001F, `tags` space-separated with a space at each end), with `mod` decided.

    Joined, a note is two strings rather than twenty: a large build holds every note."""

    guid: str
    flds: str
    tags: str
    mod: int


@dataclass(frozen=True)
class DeckContent:
    name: str
    notes: Iterable[NoteRow]  # read once: may be a generator


# Scratch files of a package being written; a build removes any that a killed build left behind.
TEMP_COLLECTION_PREFIX = ".collection-"
TEMP_PACKAGE_SUFFIX = ".apkg.tmp"


# guid -> (note id, mod, deck id, due) of every note in a package: what patching it starts from
NoteIndex = dict[str, tuple[int, int, int, int]]


@dataclass(frozen=True)
class Written:
    """A package just written, with what a later build needs to patch it instead."""

    layout: chunked_zip.Layout
    collection: Path  # its collection, a scratch file the caller keeps or removes
    notes: NoteIndex


class PlacedNote(Protocol):
    """A note's place in a package being patched: its row is only needed if it changed."""

    guid: str
    mod: int


def write_package_to(
    zip_path: Path, decks: list[DeckContent], note_type_mod: int, keep_collection: bool = False
) -> Written:
    """Write a complete .apkg to `zip_path` (an existing temporary file the caller renames).

    genanki builds the collection (schema, deck and note type records); the notes and cards
    are inserted in bulk, which is several times faster than genanki's note-by-note path and
    lets each note carry its own `mod`. The scratch collection beside it is removed unless
    `keep_collection`, when the caller takes it (see cache.py).
    """
    import genanki

    model = note_type()
    genanki_decks = []
    for deck in decks:
        gdeck = genanki.Deck(deck_id(deck.name), deck.name, description=DECK_DESCRIPTION)
        gdeck.add_model(model)
        genanki_decks.append(gdeck)

    def fill(cursor: sqlite3.Cursor) -> NoteIndex:
        genanki.Package(genanki_decks).write_to_db(cursor, ID_EPOCH, itertools.count(ID_EPOCH * 1000))
        _stamp_note_type(cursor, note_type_mod)
        return _insert_notes(cursor, decks)

    return _package_from(Path(zip_path), fill, keep_collection)


def patch_package_to(
    zip_path: Path,
    previous: chunked_zip.Previous,
    old_notes: NoteIndex,
    decks: list[tuple[str, Sequence[PlacedNote]]],
    row_of: Callable[[PlacedNote], NoteRow],
    keep_collection: bool = False,
    copy: Path | None = None,
) -> Written:
    """Write to `zip_path` the package of `decks`, made by changing the `previous` one (`copy`,
    when given, is a `copy_collection` of it made already, which this takes over).

    The previous package, whose notes are `old_notes`, must have the same note type `mod` and
    the same decks, in order. Notes whose `mod` is unchanged are unchanged (plan.py moves a
    note's `mod` exactly when its content changes), so only new and changed notes are
    rewritten, through `row_of`; the others at most move. What Anki imports is then what
    `write_package_to` would have written (package_digest compares equal), though the bytes
    differ: SQLite places rows differently.
    """
    return _package_from(
        Path(zip_path), lambda cursor: _apply_changes(cursor, old_notes, decks, row_of), keep_collection, previous, copy
    )


def copy_collection(previous: chunked_zip.Previous, folder: Path) -> Path:
    """A scratch copy, in `folder`, of the collection of the package a rebuild will patch."""
    copy = _scratch_collection(folder)
    try:
        shutil.copyfile(previous.collection, copy)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def _package_from(
    path: Path,
    fill: Callable[[sqlite3.Cursor], NoteIndex],
    keep_collection: bool,
    previous: chunked_zip.Previous | None = None,
    copy: Path | None = None,
) -> Written:
    """A scratch collection beside `path` (empty, or a copy of `previous`'s: `copy` if made
    already) that `fill` writes, zipped to `path`; the scratch file is removed on failure, and
    after unless `keep_collection`."""
    if copy is not None:
        db_name = copy
    elif previous is not None:
        db_name = copy_collection(previous, path.parent)
    else:
        db_name = _scratch_collection(path.parent)
    try:
        connection = sqlite3.connect(db_name)
        try:
            cursor = connection.cursor()
            _no_durability(cursor)
            notes = fill(cursor)
            connection.commit()
        finally:
            connection.close()
        layout = chunked_zip.write(path, db_name, previous)
    except BaseException:
        db_name.unlink(missing_ok=True)
        raise
    if not keep_collection:
        db_name.unlink(missing_ok=True)
    return Written(layout, db_name, notes)


def _apply_changes(
    cursor: sqlite3.Cursor,
    old: NoteIndex,
    decks: list[tuple[str, Sequence[PlacedNote]]],
    row_of: Callable[[PlacedNote], NoteRow],
) -> NoteIndex:
    """Turn the collection holding `old` into one holding `decks`; returns the new NoteIndex."""
    placed = [note for _name, notes in decks for note in notes]
    dids = [did for name, notes in decks for did in [deck_id(name)] * len(notes)]
    if [note.guid for note in placed] == list(old) and dids == [row[2] for row in old.values()]:
        # The usual rebuild: the same notes in the same places, a few with new contents.
        rows = [row_of(note) for note, (_nid, mod, _did, _due) in zip(placed, old.values()) if note.mod != mod]
        cursor.executemany(_UPDATE_NOTE, [_update_values(row, old[row.guid][0]) for row in rows])
        for row in rows:
            nid, _mod, did, due = old[row.guid]
            old[row.guid] = (nid, row.mod, did, due)
        return old
    last_id = max((nid for nid, _mod, _did, _due in old.values()), default=ID_EPOCH * 1000)
    fresh_ids = itertools.count(last_id + 2, 2)  # a note's card takes the id after the note's
    changed, moved, added, notes = [], [], [], {}
    for position, (did, note) in enumerate((deck_id(name), note) for name, placed in decks for note in placed):
        before = old.get(note.guid)
        if before is None:
            nid = next(fresh_ids)
            added.append((nid, did, position, row_of(note)))
            notes[note.guid] = (nid, note.mod, did, position)
            continue
        nid, mod, old_did, due = before
        notes[note.guid] = (nid, note.mod, did, position)
        if mod != note.mod:
            changed.append(_update_values(row_of(note), nid))
        if (old_did, due) != (did, position):
            moved.append((did, position, nid))
    gone = [(old[guid][0],) for guid in old.keys() - notes.keys()]
    cursor.executemany("DELETE FROM cards WHERE nid = ?", gone)
    cursor.executemany("DELETE FROM notes WHERE id = ?", gone)
    cursor.executemany(_UPDATE_NOTE, changed)
    cursor.executemany("UPDATE cards SET did = ?, due = ? WHERE nid = ?", moved)
    cursor.executemany(
        "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (_note_values(nid, row) for nid, _did, _position, row in added),
    )
    cursor.executemany(
        "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_card_values(nid + 1, nid, did, position) for nid, did, position, _row in added),
    )
    return notes


_UPDATE_NOTE = "UPDATE notes SET mod = ?, tags = ?, flds = ?, sfld = ? WHERE id = ?"


def _update_values(row: NoteRow, nid: int) -> tuple:
    return (row.mod, row.tags, row.flds, _sort_field(row), nid)


def _scratch_collection(folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=TEMP_COLLECTION_PREFIX, suffix=".anki2", dir=folder)
    os.close(fd)
    return Path(name)


def _no_durability(cursor: sqlite3.Cursor) -> None:
    """A scratch file that is zipped and then dropped or cached: durability would only cost fsyncs."""
    cursor.execute("PRAGMA journal_mode = OFF")
    cursor.execute("PRAGMA synchronous = OFF")


def _stamp_note_type(cursor: sqlite3.Cursor, note_type_mod: int) -> None:
    (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    models[str(MODEL_ID)]["mod"] = note_type_mod
    cursor.execute("UPDATE col SET models = ?", (json.dumps(models, ensure_ascii=False, sort_keys=True),))


def _sort_field(note: NoteRow) -> str:
    return note.flds.split("\x1f", 1)[0]


def _note_values(nid: int, note: NoteRow) -> tuple:
    # A copy of the fields, not the held string: binding text makes CPython keep a UTF-8 copy
    # inside the string bound, and a large build holds every note's fields until it ends.
    flds = note.flds.encode("utf-8").decode("utf-8")
    return (nid, note.guid, MODEL_ID, note.mod, -1, note.tags, flds, _sort_field(note), 0, 0, "")


def _card_values(cid: int, nid: int, did: int, position: int) -> tuple:
    # `due` is the new-card position: Anki introduces new cards in the order of the files.
    return (cid, nid, did, 0, ID_EPOCH, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, "")


def _insert_notes(cursor: sqlite3.Cursor, decks: list[DeckContent]) -> NoteIndex:
    """Insert every note and its card; returns where each went.

    Each deck's notes are read once, as SQLite consumes them, so they may be generated on the
    fly: a large bank's notes are never all held as rows."""
    first_id = ID_EPOCH * 1000 + 1_000_000
    placed: NoteIndex = {}

    def note_rows():
        position = 0
        for deck in decks:
            did = deck_id(deck.name)
            for note in deck.notes:
                nid = first_id + 2 * position
                placed[note.guid] = (nid, note.mod, did, position)
                yield _note_values(nid, note)
                position += 1

    cursor.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", note_rows())
    cursor.executemany(
        "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_card_values(nid + 1, nid, did, position) for nid, _mod, did, position in placed.values()),
    )
    return placed


def package_digest(path: Path) -> str:
    """A hash of what Anki would import from a package, independent of SQLite's file format.

    Byte comparison fails across SQLite versions (the file header records the library version),
    so freshness checks compare this instead.
    """
    import zipfile  # here: only --verify reads packages back, and every build imports this module

    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        connection = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            (models, decks) = connection.execute("SELECT models, decks FROM col").fetchone()
            notes = connection.execute(
                "SELECT n.guid, n.mid, n.mod, n.tags, n.flds, c.did, c.ord, c.due "
                "FROM notes n JOIN cards c ON c.nid = n.id ORDER BY n.guid"
            ).fetchall()
        finally:
            connection.close()
    model = json.loads(models)[str(MODEL_ID)]
    payload = {
        "note_type": {key: model[key] for key in ("name", "mod", "css", "tmpls", "flds")},
        "decks": sorted(d["name"] for d in json.loads(decks).values()),
        "notes": notes,
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

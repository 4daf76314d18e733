"""What a build needs of each card file, cached by the file's bytes.

A build decides every note's `mod` and every package's contents from the cards' ids, GUIDs,
content hashes and cited documents; only the notes it writes need their fields. Cached per
file's bytes (in the parse cache folder), this index lets a rebuild of a large bank read a small
entry for each unchanged file instead of parsing and rendering it; the rendered notes are
cached beside it, for packages that must be written in full.

The files that are not in this cache are read and parsed by the bank's loader (bank/load.py:
the one parse function, through the one parse cache), which indexes each where it was parsed:
a first build of a large bank parses in worker processes, and only the index comes back.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from interview_srs.anki import notes as anki_notes
from interview_srs.bank import parse_cache
from interview_srs.bank.load import listed_card_files, parse_file, parse_files, raise_problems
from interview_srs.bank.model import DeckFile, display_name
from interview_srs.base.problems import CardsError, Location, Problem


class RenderedNote(NamedTuple):
    """A card as Anki will store it (apkg.NoteRow's texts), before its `mod` is decided."""

    guid: str
    flds: str
    tags: str
    digest: str  # card_hash of the fields and tags


class IndexedCard(NamedTuple):
    """A named tuple, not a frozen dataclass: a rebuild makes one per card, and tuples are
    made several times faster; the location is made only for a message that needs it."""

    id: str
    guid: str
    digest: str
    documents: tuple[str, ...]  # the source documents the card cites
    shown: str  # the file, as messages name it
    line: int
    column: int

    @property
    def location(self) -> Location:
        return Location(self.shown, self.line, self.column)


@dataclass(frozen=True)
class IndexedFile:
    """One card file as a build sees it; read like a DeckFile by the checks across files."""

    path: Path
    display_path: str
    deck: str
    location: Location
    documents: tuple[str, ...]  # documents this file's package covers in full
    cards: tuple[IndexedCard, ...]
    sha: str  # of the file's bytes: the key of its cached rendered notes


def card_hash(deck: DeckFile, fields: list[str], tags: tuple[str, ...]) -> str:
    payload = json.dumps([deck.deck, fields, list(tags)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def render_deck(deck: DeckFile, answers: dict[str, str] | None = None) -> list[RenderedNote]:
    """Every card of a file as a note: HTML fields, tags and content hash, in file order.

    `answers` (card id -> HTML) fills the MyAnswer field: only the personal package has them."""
    rendered = []
    for card in deck.cards:
        fields = tuple(anki_notes.note_fields(deck, card, (answers or {}).get(card.id, "")))
        tags = deck.tags_for(card)
        rendered.append(RenderedNote(
            anki_notes.note_guid(card.id), anki_notes.fields_text(fields), anki_notes.tags_text(tags),
            card_hash(deck, list(fields), tags),
        ))
    return rendered


def index_of(deck: DeckFile, rendered: list[RenderedNote], sha: str = "") -> IndexedFile:
    return IndexedFile(
        path=deck.path,
        display_path=deck.display_path,
        deck=deck.deck,
        location=deck.location,
        documents=deck.documents,
        cards=tuple(
            IndexedCard(card.id, note.guid, note.digest, card.documents, deck.display_path, card.location.line,
                        card.location.column)
            for card, note in zip(deck.cards, rendered)
        ),
        sha=sha,
    )


@dataclass
class Index:
    """Every file of the bank, and the rendered notes of those parsed just now."""

    files: tuple[IndexedFile, ...]
    rendered: dict[Path, list[RenderedNote]]

    def notes_of(self, file: IndexedFile) -> list[RenderedNote]:
        """The file's rendered notes: held, read from the cache, or (not there) rendered again.

        Notes read from the cache are not held: a first build of a large bank reads each file's
        notes as its packages are written, rather than holding every note at once."""
        notes = self.rendered.get(file.path)
        if notes is None:
            notes = _cached_notes(file)
        if notes is None:
            notes = self.rendered[file.path] = _render_again(file)
        return notes


@lru_cache(maxsize=1)
def code_version() -> str:
    """Every module whose code shapes an index entry or a rendered note."""
    from interview_srs.bank import model, parse, placeholders, source_refs, yaml_text
    from interview_srs.base import problems

    return parse_cache.code_version(model, parse, yaml_text, problems, anki_notes, placeholders, source_refs,
                                    sys.modules[__name__])


def load_index(cards_dir: Path, sources: dict[str, str]) -> Index:
    """The index of every card file in `cards_dir`; CardsError, as load_bank, when any is invalid.

    `sources` maps a file's name (relative to `cards_dir`) to the sha256 of its bytes, read just
    before: an unchanged file is taken from the cache by it. The others are parsed by the bank's
    loader (bank/load.py) and indexed where they were parsed, each keyed by the bytes actually read.
    """
    cards_dir = Path(cards_dir)
    paths = listed_card_files(cards_dir)
    folder = parse_cache.cache_dir()
    found: dict[Path, IndexedFile] = {}
    to_parse: list[Path] = []
    for path in paths:
        sha = sources.get(path.relative_to(cards_dir).as_posix(), "")
        cached = _cached_index(sha, path, display_name(path), folder) if sha else None
        if cached is not None:
            found[path] = cached
        else:
            to_parse.append(path)
    rendered: dict[Path, list[RenderedNote]] = {}
    problems: list[Problem] = []
    for path, (entry, file_problems) in zip(to_parse, parse_files(to_parse, folder, partial(_index_entry, folder))):
        problems.extend(file_problems)
        if entry is not None:
            found[path], notes = entry
            if notes is not None:
                rendered[path] = notes
    files = [found[path] for path in paths if path in found]
    raise_problems(problems, files)
    return Index(tuple(files), rendered)


def _index_entry(
    folder: Path, deck: DeckFile, problems: list[Problem], in_worker: bool
) -> tuple[IndexedFile, list[RenderedNote] | None]:
    """A file just parsed, rendered, indexed and cached in `folder`: (its index, its notes).

    The notes come back from a worker only when they could not be cached: see Index.notes_of."""
    notes = render_deck(deck)
    indexed = index_of(deck, notes, deck.digest)
    cached = not problems and _store(indexed, notes, folder)
    return indexed, (notes if not in_worker or not cached else None)


def _index_key(sha: str) -> str:
    return f"index:{code_version()}:{sha}"


def _notes_key(sha: str) -> str:
    return f"rendered:{code_version()}:{sha}"


def _store(file: IndexedFile, notes: list[RenderedNote], folder: Path) -> bool:
    """Cache the file's index and notes; whether both were written.

    The index is kept by column (all ids, all lines, …): a rebuild reads one per unchanged
    file, and flat lists are read and checked in bulk."""
    cards = file.cards
    indexed = parse_cache.store_value(
        _index_key(file.sha),
        {
            "deck": file.deck,
            "at": [file.location.line, file.location.column],
            "documents": list(file.documents),
            "ids": [c.id for c in cards],
            "lines": [c.line for c in cards],
            "columns": [c.column for c in cards],
            "guids": [c.guid for c in cards],
            "digests": [c.digest for c in cards],
            "cited": [list(c.documents) for c in cards],
        },
        folder,
    )
    return parse_cache.store_value(_notes_key(file.sha), [list(n) for n in notes], folder) and indexed


def _cached_index(sha: str, path: Path, shown: str, folder: Path) -> IndexedFile | None:
    entry = parse_cache.load_value(_index_key(sha), folder)
    try:
        line, column = entry["at"]
        ids, lines, columns = entry["ids"], entry["lines"], entry["columns"]
        guids, digests, cited = entry["guids"], entry["digests"], entry["cited"]
        documents = tuple(entry["documents"])
        if not (
            all(type(values) is list for values in (ids, lines, columns, guids, digests, cited))
            and len(ids) == len(lines) == len(columns) == len(guids) == len(digests) == len(cited)
            and set(map(type, itertools.chain(lines, columns, [line, column]))) <= {int}
            and set(map(type, cited)) <= {list}
        ):
            return None
        parse_cache.require_text(itertools.chain(ids, guids, digests, documents, [entry["deck"]], *cited))
        cards = tuple(map(IndexedCard, ids, guids, digests, map(tuple, cited), itertools.repeat(shown), lines, columns))
        return IndexedFile(
            path=path,
            display_path=shown,
            deck=entry["deck"],
            location=Location(shown, line, column),
            documents=documents,
            cards=cards,
            sha=sha,
        )
    except (TypeError, ValueError, KeyError):  # None (a miss), or an entry of another shape
        return None


def _cached_notes(file: IndexedFile) -> list[RenderedNote] | None:
    entry = parse_cache.load_value(_notes_key(file.sha), parse_cache.cache_dir()) if file.sha else None
    try:
        notes = [RenderedNote(guid, flds, tags, digest) for guid, flds, tags, digest in entry]
        parse_cache.require_text(itertools.chain.from_iterable(notes))
    except (TypeError, ValueError):
        return None
    # Only an entry that agrees with the index is used: a mismatch would put wrong text in a package.
    if [(n.guid, n.digest) for n in notes] != [(c.guid, c.digest) for c in file.cards]:
        return None
    return notes


def _render_again(file: IndexedFile) -> list[RenderedNote]:
    data = file.path.read_bytes()
    deck, problems = parse_file(data, file.path, file.display_path, None)
    notes = render_deck(deck) if deck is not None and not problems else []
    if [(n.guid, n.digest) for n in notes] != [(c.guid, c.digest) for c in file.cards]:
        raise CardsError([Problem(file.location, "the file changed while the decks were being built; build again")])
    return notes

"""Syncing the card files into the `cards` table: which files must be read again, stand-ins for
the files that need no parse, and writing what the bank loader parsed.

The store never parses YAML. store/home.py's `sync_cards` stats the files, asks `plan_sync` which
to read, has the bank loader (bank/load.py) parse the changed ones against the `unchanged_decks`,
and hands the parsed files to `apply_sync`.

Unchanged files (same size and mtime_ns) are not read; files whose bytes hash the same are not
parsed. Cards are matched by id, so edited cards keep their history.

Removal is judged per source: only files that the sources own count as gone when they are
missing, and a card is hidden (present = 0) only when the file it was last read from no longer
has it. Cards from other sources (another checkout, your own cards folder when you review a
checkout) are left alone. A card that moved between sources follows the file that was read last;
a file whose last reading is older than another source's is read again, so switching sources back
and forth always shows the current folder's version, and a hidden card reappears with its history.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interview_srs.bank.sources import CardFile
from interview_srs.schedule.scheduler import to_ms
from interview_srs.store.connection import Store

if TYPE_CHECKING:  # the card values are needed only when a file changed, not at start-up
    from interview_srs.bank.model import Card, DeckFile


@dataclass(frozen=True)
class SyncReport:
    """What a sync did, card by card: callers print it (`srs check`) or ignore it (review)."""

    files_read: int = 0
    files_parsed: int = 0
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexedFile:
    """A card file as the store saw it when it last read it (a source_files row)."""

    size: int
    mtime_ns: int
    sha256: str
    deck: str
    deck_line: int
    deck_column: int
    synced_ms: int


@dataclass(frozen=True)
class SyncPlan:
    """What a sync must do, decided from the files' stat alone."""

    indexed: dict[str, IndexedFile]
    stale: tuple[str, ...]  # files to read: new, of another size or mtime, or read before another source's
    removed: tuple[str, ...]  # files of the synced sources that are gone
    known_digests: dict[str, str]  # stale files that need no parse while their bytes hash as before

    @property
    def nothing_to_do(self) -> bool:
        return not self.stale and not self.removed

    def needs_parsing(self, key: str, digest: str) -> bool:
        return self.known_digests.get(key) != digest


def indexed_files(store: Store) -> dict[str, IndexedFile]:
    """Every card file the store has read, by its absolute path."""
    return {
        row[0]: IndexedFile(*row[1:])
        for row in store.conn.execute(
            "SELECT path, size, mtime_ns, sha256, deck, deck_line, deck_column, synced_ms FROM source_files"
        )
    }


def plan_sync(
    files: dict[str, CardFile], indexed: dict[str, IndexedFile], owns: Callable[[str], bool]
) -> SyncPlan:
    """Which of `files` (the sources' card files now) to read, and which indexed files are gone
    from the sources that `owns` them."""
    # Read last by another source than this one: read again (see the module docstring).
    elsewhere = max((file.synced_ms for key, file in indexed.items() if key not in files), default=None)
    reread = {
        key for key in files
        if key in indexed and elsewhere is not None and indexed[key].synced_ms < elsewhere
    }
    stale = tuple(
        key for key, file in files.items()
        if key not in indexed
        or (indexed[key].size, indexed[key].mtime_ns) != (file.size, file.mtime_ns)
        or key in reread
    )
    removed = tuple(key for key in indexed if key not in files and owns(key))
    known = {key: indexed[key].sha256 for key in stale if key in indexed and key not in reread}
    return SyncPlan(indexed, stale, removed, known)


def unchanged_decks(store: Store, plan: SyncPlan, paths: dict[str, Path]) -> list[DeckFile]:
    """Stand-ins for the files at `paths` (all known to the store), which are not parsed again:
    their deck and their present cards' ids and places, for the checks across files."""
    from interview_srs.bank.model import Card, DeckFile, display_name
    from interview_srs.base.problems import Location

    decks = []
    for key, path in paths.items():
        shown = display_name(path)
        cards = tuple(
            Card(id=row[0], question=row[1], location=Location(shown, row[2], row[3]))
            for row in store.conn.execute(
                "SELECT id, question, line, column FROM cards WHERE file = ? AND present = 1 ORDER BY line",
                (key,),
            )
        )
        indexed = plan.indexed[key]
        decks.append(DeckFile(
            path=path,
            display_path=shown,
            deck=indexed.deck,
            cards=cards,
            location=Location(shown, indexed.deck_line, indexed.deck_column),
        ))
    return decks


def apply_sync(
    store: Store, plan: SyncPlan, files: dict[str, CardFile], digests: dict[str, str],
    parsed: dict[str, DeckFile], at: datetime,
) -> SyncReport:
    """Write one sync in one transaction: the cards of the `parsed` files added, updated or
    restored, cards their file no longer has hidden, and the files read (`digests`: the sha256
    of each stale file) and removed recorded."""
    touched = [key for key in plan.stale if key not in parsed]  # read, but the same bytes as before
    now_ms = to_ms(at)
    added, updated, hidden, restored = [], [], [], []
    with store.write() as conn:
        # synced_ms only grows, even when the clock (SRS_NOW) goes back: it orders the readings.
        last = conn.execute("SELECT max(synced_ms) FROM source_files").fetchone()[0]
        synced_ms = now_ms if last is None else max(now_ms, last + 1)
        before = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT id, present, deck, company, role, tags, question, back, file, line, column "
                "FROM cards"
            )
        }
        seen: set[str] = set()
        for key, deck in parsed.items():
            for card in deck.cards:
                if card.retired:  # shipped to Anki marked as retired, never reviewed: hidden here
                    continue
                seen.add(card.id)
                values = _card_text(deck, card, key)
                old = before.get(card.id)
                if old is None:
                    conn.execute(
                        "INSERT INTO cards (id, deck, company, role, tags, question, back, file, "
                        "line, column, present, added_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                        (card.id, *values, now_ms),
                    )
                    added.append(card.id)
                    continue
                if old[0] == 0:
                    restored.append(card.id)
                elif tuple(old[1:7]) != values[:6]:
                    updated.append(card.id)
                if old[0] == 0 or tuple(old[1:]) != values:
                    conn.execute(
                        "UPDATE cards SET deck = ?, company = ?, role = ?, tags = ?, question = ?, "
                        "back = ?, file = ?, line = ?, column = ?, present = 1 WHERE id = ?",
                        (*values, card.id),
                    )
        for key in [*parsed, *plan.removed]:
            for (card_id,) in conn.execute(
                "SELECT id FROM cards WHERE file = ? AND present = 1", (key,)
            ).fetchall():
                if card_id not in seen:
                    conn.execute("UPDATE cards SET present = 0 WHERE id = ?", (card_id,))
                    hidden.append(card_id)
        for key in plan.removed:
            conn.execute("DELETE FROM source_files WHERE path = ?", (key,))
        for key, deck in parsed.items():
            conn.execute(
                "INSERT INTO source_files (path, size, mtime_ns, sha256, deck, deck_line, "
                "deck_column, synced_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO "
                "UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                "sha256 = excluded.sha256, deck = excluded.deck, deck_line = excluded.deck_line, "
                "deck_column = excluded.deck_column, synced_ms = excluded.synced_ms",
                (key, files[key].size, files[key].mtime_ns, digests[key], deck.deck, deck.location.line,
                 deck.location.column, synced_ms),
            )
        for key in touched:
            conn.execute(
                "UPDATE source_files SET size = ?, mtime_ns = ?, synced_ms = ? WHERE path = ?",
                (files[key].size, files[key].mtime_ns, synced_ms, key),
            )
    return SyncReport(
        files_read=len(digests),
        files_parsed=len(parsed),
        added=tuple(added),
        updated=tuple(updated),
        hidden=tuple(sorted(set(hidden))),
        restored=tuple(restored),
    )


def _card_text(deck: DeckFile, card: Card, key: str) -> tuple:
    """The values of a card's text columns (deck .. column), as `apply_sync` writes them."""
    content = card.content()
    names = ("star", "outline", "assesses", "pitfalls", "example", "sources", "followups", "as_of", "draft")
    back = {name: content[name] for name in names if name in content}  # "draft" only on a draft card
    return (
        deck.deck,
        deck.company,
        deck.role,
        json.dumps(list(deck.tags_for(card)), ensure_ascii=False),
        card.question,
        json.dumps(back, ensure_ascii=False),
        key,
        card.location.line,
        card.location.column,
    )


__all__ = ["IndexedFile", "SyncPlan", "SyncReport", "apply_sync", "indexed_files", "plan_sync", "unchanged_decks"]

"""The `interviews` table (migration 3): add, list and remove dated interviews.

Functions take an open Store; each write is one transaction. The rows are plain `Interview`
values; which cards an interview covers is decided later, from its deck globs (interviews.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import from_ms, to_ms
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError


@dataclass(frozen=True)
class InterviewRow:
    """An interview as stored: its deck globs unresolved, so a deck added later joins it."""

    name: str
    at: datetime  # UTC
    decks: tuple[str, ...]  # deck globs


def add(store: Store, row: InterviewRow, added: datetime) -> None:
    """Store a new interview; StoreError if one with the same name exists."""
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM interviews WHERE name = ?", (row.name,)).fetchone():
            raise StoreError(f"an interview named '{row.name}' already exists; remove it first")
        conn.execute(
            "INSERT INTO interviews (name, at_ms, decks, added_ms) VALUES (?, ?, ?, ?)",
            (row.name, to_ms(row.at), json.dumps(list(row.decks), ensure_ascii=False), to_ms(added)),
        )


def remove(store: Store, name: str) -> None:
    """Delete an interview; StoreError naming the known ones if there is none by that name."""
    with store.write() as conn:
        if conn.execute("DELETE FROM interviews WHERE name = ?", (name,)).rowcount == 0:
            known = [r[0] for r in conn.execute("SELECT name FROM interviews ORDER BY at_ms, name")]
            listed = ", ".join(known) if known else "none"
            raise StoreError(f"no interview named '{name}' (interviews: {listed})")


def all_rows(store: Store) -> list[InterviewRow]:
    """Every stored interview, earliest first."""
    return [
        InterviewRow(name, from_ms(at_ms), _patterns(decks))
        for name, at_ms, decks in store.conn.execute(
            "SELECT name, at_ms, decks FROM interviews ORDER BY at_ms, name"
        )
    ]


def _patterns(text: str) -> tuple[str, ...]:
    """The stored JSON list of deck globs; anything else is a damaged row (a ValueError, which
    store/health.reading words as a value it cannot read)."""
    patterns = json.loads(text)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ValueError(f"an interview's decks are not a list of deck patterns: {text[:40]}")
    return tuple(patterns)


def any_stored(store: Store) -> bool:
    """Whether any interview is stored: without one, a review session needs neither the
    interviews' module nor the decks they are resolved against."""
    return store.conn.execute("SELECT EXISTS (SELECT 1 FROM interviews)").fetchone()[0] == 1


def deck_companies(store: Store) -> list[tuple[str, str]]:
    """(deck, company) of the present cards, for matching an interview's name to its decks."""
    return store.conn.execute(
        "SELECT DISTINCT deck, company FROM cards WHERE present = 1 ORDER BY deck, company"
    ).fetchall()


def companies_of(store: Store, decks: Iterable[str]) -> set[str]:
    """The companies the present cards of `decks` name (the empty name left out)."""
    chosen = sorted(decks)
    return {
        row[0] for row in store.conn.execute(
            f"SELECT DISTINCT company FROM cards WHERE present = 1 AND deck IN ({', '.join('?' * len(chosen))})",
            chosen,
        ) if row[0]
    }


__all__ = ["InterviewRow", "add", "all_rows", "any_stored", "companies_of", "deck_companies", "remove"]

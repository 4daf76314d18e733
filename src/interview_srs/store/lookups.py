"""Read-only questions about the store that the screens ask: a card by id, the decks, how much is
left, when the next card is due, which cards are leeches or suspended, which cards match a search.

Functions over an open `Store` (its SQL kept out of the Store class, one concern per module).
"""

from __future__ import annotations

import json
from datetime import datetime

from interview_srs.schedule.scheduler import CardState, card_state, from_ms, to_ms
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.store.rows import CARD_COLUMNS, STATE_COLUMNS, CardFilter, StoredCard, stored_card


def card(store: Store, card_id: str) -> StoredCard:
    row = store.conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
    if row is None:
        raise StoreError(f"no card with id '{card_id}' in the store")
    return stored_card(row)


def state(store: Store, card_id: str) -> CardState:
    row = store.conn.execute(f"SELECT {STATE_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
    if row is None:
        raise StoreError(f"no card with id '{card_id}' in the store")
    return card_state(row)


def decks(store: Store) -> list[str]:
    """The decks of the present cards, by name: one index seek per deck (from each deck to the
    next name in the index cards_deck), not a walk over every card as DISTINCT would make."""
    return [r[0] for r in store.conn.execute(
        "WITH RECURSIVE names(deck) AS (SELECT min(deck) FROM cards WHERE present = 1 "
        "UNION ALL SELECT (SELECT min(deck) FROM cards WHERE present = 1 AND deck > names.deck) "
        "FROM names WHERE names.deck IS NOT NULL) "
        "SELECT deck FROM names WHERE deck IS NOT NULL"
    )]


def due_count(store: Store, filt: CardFilter, before: datetime) -> int:
    """Cards (not new) that will be due before `before`, counting buried ones as of then."""
    where, params = filt.available(before)
    return store.conn.execute(
        f"SELECT count(*) FROM cards WHERE {where} AND state > 0 AND due_ms < ?",
        params + [to_ms(before)],
    ).fetchone()[0]


def due_between(store: Store, filt: CardFilter, start: datetime, end: datetime) -> int:
    """Cards (not new, not suspended, not buried at `end`) falling due in [start, end)."""
    where, params = filt.available(end)
    return store.conn.execute(
        f"SELECT count(*) FROM cards WHERE {where} AND state > 0 AND due_ms >= ? AND due_ms < ?",
        params + [to_ms(start), to_ms(end)],
    ).fetchone()[0]


def new_left(store: Store, filt: CardFilter, at: datetime) -> int:
    """New cards never shown yet (not suspended, not buried at `at`)."""
    where, params = filt.available(at)
    return store.conn.execute(f"SELECT count(*) FROM cards WHERE {where} AND state = 0", params).fetchone()[0]


def next_due(store: Store, filt: CardFilter, after: datetime) -> datetime | None:
    """When the next card that is not new falls due after `after` (None: none scheduled)."""
    where, params = filt.available(after)
    row = store.conn.execute(
        f"SELECT min(due_ms) FROM cards WHERE {where} AND state > 0 AND due_ms > ?",
        params + [to_ms(after)],
    ).fetchone()
    return from_ms(row[0]) if row[0] is not None else None


def lapses(store: Store, card_id: str) -> int:
    """How often the card was forgotten: Again on a card in the review state (Anki's lapses)."""
    return store.conn.execute(
        "SELECT count(*) FROM review_log WHERE card_id = ? AND state_before = 2 AND rating = 1",
        (card_id,),
    ).fetchone()[0]


def leeches(store: Store, filt: CardFilter, threshold: int) -> list[tuple[str, str, int]]:
    """(id, question, lapses) of the present cards forgotten at least `threshold` times, worst
    first. The lapses are counted from the partial index review_log_lapses alone, then the few
    cards are looked up by id (a join would walk the whole log or every present card)."""
    counts = dict(
        store.conn.execute(
            "SELECT card_id, count(*) FROM review_log WHERE state_before = 2 AND rating = 1 "
            "GROUP BY card_id HAVING count(*) >= ?",
            (threshold,),
        )
    )
    if not counts:
        return []
    where, params = filt.sql()
    rows = store.conn.execute(  # CROSS JOIN: the few cards by id, not every present card
        f"SELECT cards.id, question FROM json_each(?) CROSS JOIN cards ON cards.id = json_each.value WHERE {where}",
        [json.dumps(list(counts))] + params,
    ).fetchall()
    return sorted(((card_id, question, counts[card_id]) for card_id, question in rows), key=lambda r: (-r[2], r[0]))


def suspended(store: Store) -> list[tuple[str, str]]:
    """(id, question) of the suspended cards, by id."""
    return store.conn.execute(
        "SELECT id, question FROM cards WHERE suspended = 1 AND present = 1 ORDER BY id"
    ).fetchall()


def search(store: Store, text: str) -> list[tuple[str, str, str, str]]:
    """(id, deck, question, company) of present cards whose question, back or tags contain
    `text` (case-insensitive; any substring, so two Chinese characters are enough)."""
    needle = text.casefold()
    found = []
    for card_id, deck, question, company, back, tags in store.conn.execute(
        "SELECT id, deck, question, company, back, tags FROM cards WHERE present = 1 ORDER BY deck, file, line"
    ):
        words = [question, *json.loads(tags), *_strings(json.loads(back))]
        if any(needle in word.casefold() for word in words):
            found.append((card_id, deck, question, company))
    return found


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


__all__ = [
    "card", "decks", "due_between", "due_count", "lapses", "leeches", "new_left", "next_due", "search", "state",
    "suspended",
]

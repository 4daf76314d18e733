"""Answers from Anki in the review log, and replaying a card's whole history.

An Anki answer becomes a `review_log` row with source 'anki' and `anki_revlog_id` = Anki's revlog
id (the answer time in ms), which is UNIQUE: importing the same collection twice adds nothing.
A terminal answer written to Anki by `srs sync-anki --write` keeps the revlog id Anki gave it in
the same column, so reading that collection later does not bring it back as a second answer.

Answers from Anki usually arrive after terminal answers given later were already scheduled on
a state that did not know them. So after an import each affected card is *replayed*: its whole
log (every source) in time order (`reviewed_ms`, then `id`), from a new card, through the store's
schedulers. The replay rewrites, for every row of that card, the before-state columns
(`state_before` … `last_review_before_ms`) and the after-state columns (`state_after` …
`due_after_ms`), and the card's own state columns; rating, time, duration, source, session and
ids are never changed. A card whose log is already in time order replays to the same values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import CardState, from_ms
from interview_srs.store.rows import state_values

# (card id, deck, before, rating, at) -> after
Schedule = Callable[[str, str, CardState, int, datetime], CardState]


@dataclass(frozen=True)
class NewAnswer:
    card_id: str
    revlog_id: int  # also the answer time in ms
    rating: int
    duration_ms: int | None


@dataclass(frozen=True)
class ImportResult:
    added: int  # rows inserted
    known: int  # answers already in the store (same revlog id)
    cards: tuple[str, ...]  # cards replayed


def known_revlog_ids(conn: sqlite3.Connection) -> set[int]:
    return {row[0] for row in conn.execute("SELECT anki_revlog_id FROM review_log WHERE anki_revlog_id IS NOT NULL")}


def import_answers(store, answers: Iterable[NewAnswer], schedule: Schedule) -> ImportResult:
    """Insert the answers the store does not have yet and replay the cards they belong to, in
    one transaction."""
    with store.write() as conn:
        known = known_revlog_ids(conn)
        added, seen, cards = 0, 0, set()
        for answer in answers:
            if answer.revlog_id in known:
                seen += 1
                continue
            # Placeholder states: the replay below computes the real ones.
            conn.execute(
                "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, "
                "state_before, state_after, stability_after, difficulty_after, due_after_ms, anki_revlog_id) "
                "VALUES (?, ?, ?, ?, 'anki', NULL, 0, 1, 0, 0, 0, ?)",
                (answer.card_id, answer.rating, answer.revlog_id, answer.duration_ms, answer.revlog_id),
            )
            known.add(answer.revlog_id)
            added += 1
            cards.add(answer.card_id)
        for card_id in sorted(cards):
            replay(conn, card_id, schedule)
    return ImportResult(added, seen, tuple(sorted(cards)))


def replay(conn: sqlite3.Connection, card_id: str, schedule: Schedule) -> CardState:
    """Recompute every log row's states and the card's state from its history in time order."""
    (deck,) = conn.execute("SELECT deck FROM cards WHERE id = ?", (card_id,)).fetchone()
    state = CardState()
    rows = conn.execute(
        "SELECT id, rating, reviewed_ms FROM review_log WHERE card_id = ? ORDER BY reviewed_ms, id",
        (card_id,),
    ).fetchall()
    for log_id, rating, reviewed_ms in rows:
        after = schedule(card_id, deck, state, rating, from_ms(reviewed_ms))
        conn.execute(
            "UPDATE review_log SET state_before = ?, step_before = ?, stability_before = ?, "
            "difficulty_before = ?, due_before_ms = ?, last_review_before_ms = ?, state_after = ?, "
            "step_after = ?, stability_after = ?, difficulty_after = ?, due_after_ms = ? WHERE id = ?",
            (*state_values(state), *state_values(after)[:5], log_id),
        )
        state = after
    conn.execute(
        "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
        "last_review_ms = ? WHERE id = ?",
        (*state_values(state), card_id),
    )
    return state


def unsent_answers(conn: sqlite3.Connection, card_ids: Iterable[str]) -> list[tuple[int, str, int, int, int | None]]:
    """(log id, card id, rating, reviewed_ms, duration_ms) of the answers given outside Anki that
    Anki does not have yet, in time order."""
    wanted = set(card_ids)
    return [
        row
        for row in conn.execute(
            "SELECT id, card_id, rating, reviewed_ms, duration_ms FROM review_log "
            "WHERE source != 'anki' AND anki_revlog_id IS NULL ORDER BY reviewed_ms, id"
        )
        if row[1] in wanted
    ]


def mark_sent(store, sent: Iterable[tuple[int, int]]) -> None:
    """Record the revlog id Anki gave each (log id, revlog id) written to it."""
    with store.write() as conn:
        conn.executemany("UPDATE review_log SET anki_revlog_id = ? WHERE id = ?", [(rid, lid) for lid, rid in sent])


__all__ = ["ImportResult", "NewAnswer", "import_answers", "known_revlog_ids", "mark_sent", "replay", "unsent_answers"]

"""Answers and what review does to a card: recording an answer, undoing it, burying and
suspending; and reading the review log back as answers.

Every change is one write transaction (Store.write). An answer computes the card's new state from
the state read inside that transaction, so two sessions answering the same card both keep their
log row and the second builds on the first (`Answer.conflict` tells the caller its screen was
stale); undo restores the before-state only while the card still holds the answer's after-state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import CardState, card_state, from_ms, state_values, to_ms
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.store.rows import STATE_COLUMNS

SOURCES = ("terminal", "anki", "mock")


@dataclass(frozen=True)
class Answer:
    """One recorded answer (a review_log row)."""

    log_id: int
    card_id: str
    rating: int
    reviewed: datetime
    duration_ms: int | None
    before: CardState
    after: CardState
    conflict: bool = False  # the card had changed since the caller last read it


def record_answer(
    store: Store,
    card_id: str,
    rating: int,
    at: datetime,
    duration_ms: int | None,
    schedule: Callable[[CardState], CardState],
    *,
    session: str | None = None,
    expected: CardState | None = None,
    source: str = "terminal",
) -> Answer:
    """Apply one answer in one transaction: new state from the card's current state, plus a
    log row. `schedule` maps the before-state to the after-state."""
    if rating not in (1, 2, 3, 4):
        raise StoreError(f"rating must be 1, 2, 3 or 4 (got {rating})")
    if source not in SOURCES:
        raise StoreError(f"source must be one of {', '.join(SOURCES)} (got {source})")
    at_ms = to_ms(at)
    with store.write() as conn:
        row = conn.execute(f"SELECT {STATE_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise StoreError(f"no card with id '{card_id}' in the store")
        before = card_state(row)
        after = schedule(before)
        conn.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
            "last_review_ms = ? WHERE id = ?",
            (*state_values(after), card_id),
        )
        cursor = conn.execute(
            "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, "
            "state_before, step_before, stability_before, difficulty_before, due_before_ms, "
            "last_review_before_ms, state_after, step_after, stability_after, difficulty_after, "
            "due_after_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (card_id, rating, at_ms, duration_ms, source, session,
             *state_values(before), *state_values(after)[:5]),
        )
    return Answer(
        log_id=cursor.lastrowid,
        card_id=card_id,
        rating=rating,
        reviewed=from_ms(at_ms),
        duration_ms=duration_ms,
        before=before,
        after=after,
        conflict=expected is not None and expected != before,
    )


def undo(store: Store, answer: Answer, session: str | None) -> CardState:
    """Remove `answer` and give the card back its before-state; returns that state."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM review_log WHERE id = ? AND card_id = ? AND session IS ?",
            (answer.log_id, answer.card_id, session),
        ).fetchone()
        if row is None:
            raise StoreError("that answer is no longer in the store")
        current = conn.execute(
            f"SELECT {STATE_COLUMNS} FROM cards WHERE id = ?", (answer.card_id,)
        ).fetchone()
        if card_state(current) != answer.after:
            raise StoreError(
                f"card '{answer.card_id}' was answered in another session since; "
                "undo that answer there first"
            )
        conn.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
            "last_review_ms = ? WHERE id = ?",
            (*state_values(answer.before), answer.card_id),
        )
        conn.execute("DELETE FROM review_log WHERE id = ?", (answer.log_id,))
    return answer.before


def bury(store: Store, card_id: str, until: datetime | None) -> datetime | None:
    """Keep a card out of review until `until` (None: unbury); returns the previous value."""
    with store.write() as conn:
        row = conn.execute("SELECT buried_until_ms FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise StoreError(f"no card with id '{card_id}' in the store")
        conn.execute(
            "UPDATE cards SET buried_until_ms = ? WHERE id = ?",
            (to_ms(until) if until else None, card_id),
        )
    return from_ms(row[0]) if row[0] is not None else None


def suspend(store: Store, card_id: str, suspended: bool = True) -> None:
    with store.write() as conn:
        if conn.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id)).rowcount == 0:
            raise StoreError(f"no card with id '{card_id}' in the store")


def log(store: Store, card_id: str | None = None) -> list[Answer]:
    """Review log rows in recording order (all cards, or one)."""
    sql = (
        "SELECT id, card_id, rating, reviewed_ms, duration_ms, state_before, step_before, "
        "stability_before, difficulty_before, due_before_ms, last_review_before_ms, state_after, "
        "step_after, stability_after, difficulty_after, due_after_ms FROM review_log"
    )
    rows = (
        store.conn.execute(sql + " WHERE card_id = ? ORDER BY id", (card_id,))
        if card_id is not None
        else store.conn.execute(sql + " ORDER BY id")
    )
    return [
        Answer(
            log_id=r[0], card_id=r[1], rating=r[2], reviewed=from_ms(r[3]), duration_ms=r[4],
            before=card_state(r[5:11]), after=card_state((*r[11:16], r[3])),
        )
        for r in rows
    ]


__all__ = ["SOURCES", "Answer", "bury", "log", "record_answer", "suspend", "undo"]

"""Answers from Anki in the review log, replaying a card's history, and the claims of terminal
answers on revlog ids.

An Anki answer becomes a `review_log` row with source 'anki' and `anki_revlog_id` = Anki's revlog
id (the answer time in ms), which is UNIQUE: importing the same collection twice adds nothing.

A terminal (or mock) answer that `srs sync-anki --write` gives Anki *claims* its revlog id in the
same column before the collection is written (anki/write.py): the id is its answer time, moved
up to the next free id when Anki already has that one, so it lies in
[reviewed_ms, reviewed_ms + MAX_BUMP_MS). When the collection is read back, a revlog row whose id
is claimed by an answer of the same card in that window is that answer and is not imported
again. A claim on a row of another card, or outside the window, is stale (the write never
happened, or a bug of an older version recorded the wrong id): it is dropped and the Anki
answer imported; the next --write claims a new id for the terminal answer.

Answers from Anki usually arrive after terminal answers given later were already scheduled on
a state that did not know them. So after an import each affected card is *replayed* from its
first new answer on: its log (every source) in time order (`reviewed_ms`, then `id`) goes through
the store's schedulers, starting from the after-state of the row before the first new answer
(a new card when there is none). The replay rewrites, for those rows, the before-state columns
(`state_before` … `last_review_before_ms`) and the after-state columns (`state_after` …
`due_after_ms`), and the card's own state columns; rating, time, duration, source, session and
ids are never changed. New rows are inserted with their computed states, one batch per card.

A large import (a first sync brings in every answer ever given in Anki) into a log no larger than
it drops the log's own indexes before inserting and creates them again, from the SQL they were
created with, before the transaction ends: building an index from sorted rows is much faster than
updating three indexes keyed by card at random places for every row. It is the same single
transaction: a crash or an error leaves the log and its indexes as they were.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from interview_srs.schedule.scheduler import RATINGS, CardState, Replay, Schedulers, card_state, to_ms
from interview_srs.store.health import reading

# (revlog id = answer time in ms, card id, rating 1–4, duration in ms)
NewAnswer = tuple[int, str, int, int | None]
MAX_BUMP_MS = 1_000
LAST_MS = to_ms(datetime(9999, 12, 31, tzinfo=timezone.utc))  # the latest time an answer can be read back at
BULK_ROWS = 10_000  # an import of this many rows or more, into a log no larger, rebuilds its indexes

_INSERT = (
    "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, state_before, "
    "step_before, stability_before, difficulty_before, due_before_ms, last_review_before_ms, state_after, "
    "step_after, stability_after, difficulty_after, due_after_ms, anki_revlog_id) "
    "VALUES (?, ?, ?, ?, 'anki', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE review_log SET state_before = ?, step_before = ?, stability_before = ?, difficulty_before = ?, "
    "due_before_ms = ?, last_review_before_ms = ?, state_after = ?, step_after = ?, stability_after = ?, "
    "difficulty_after = ?, due_after_ms = ? WHERE id = ?"
)

_UPDATE_CARD = (
    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, last_review_ms = ? WHERE id = ?"
)


@dataclass(frozen=True)
class ImportResult:
    added: int  # rows inserted
    known: int  # answers already in the store (same revlog id)
    cards: tuple[str, ...]  # cards replayed


def is_own_claim(revlog_id: int, claim_card: str, claim_ms: int, card_id: str) -> bool:
    """Whether the revlog row `revlog_id` of `card_id` is the answer that claimed it."""
    return claim_card == card_id and 0 <= revlog_id - claim_ms < MAX_BUMP_MS


def import_answers(store, answers: Iterable[NewAnswer], schedulers: Schedulers) -> ImportResult:
    """Insert the answers the store does not have yet and replay the cards they belong to, in
    one transaction.

    The answers come checked (anki/sync.py: ratings 1–4, times from 1970 to a day ahead), so a
    value the replay cannot use is one of the store's log (a state FSRS could not have stored, a
    time past year 9999): store/health.reading words it as a value of the store it cannot read,
    never as the collection's fault, and the transaction leaves the store as it was."""
    with reading(store.path), store.write() as conn:
        imported = {row[0] for row in conn.execute(
            "SELECT anki_revlog_id FROM review_log WHERE source = 'anki' AND anki_revlog_id IS NOT NULL")}
        claims = {row[0]: row[1:] for row in conn.execute(
            "SELECT anki_revlog_id, id, card_id, reviewed_ms FROM review_log "
            "WHERE source != 'anki' AND anki_revlog_id IS NOT NULL")}
        known = 0
        new: list[NewAnswer] = []
        for answer in answers:
            revlog_id, card_id = answer[0], answer[1]
            if revlog_id in imported:
                known += 1
                continue
            claim = claims.pop(revlog_id, None)
            if claim is not None:
                if is_own_claim(revlog_id, claim[1], claim[2], card_id):
                    known += 1
                    continue
                conn.execute("UPDATE review_log SET anki_revlog_id = NULL WHERE id = ?", (claim[0],))
            imported.add(revlog_id)
            new.append(answer)
        new.sort()
        cards = _insert_after_history(conn, new, schedulers)
    return ImportResult(len(new), known, tuple(sorted(cards)))


def _insert_after_history(conn: sqlite3.Connection, new: list[NewAnswer], schedulers: Schedulers) -> set[str]:
    """Insert `new` (in time order) with their states and replay what they change; returns the
    cards replayed.

    A card whose new answers all come after its last logged one (every card, on a first sync)
    continues from its last state, and its rows are inserted in one stream across cards in time
    order, so that the indexes on times grow at their end. The other cards (a new answer older
    than a logged one) are replayed from their first new answer, card by card."""
    decks = dict(conn.execute("SELECT id, deck FROM cards"))
    first_new: dict[str, int] = {}
    for revlog_id, card_id, _rating, _duration in new:
        first_new.setdefault(card_id, revlog_id)
    replays: dict[str, Replay] = {}
    merged: dict[str, list[NewAnswer]] = {}
    for card_id, first in first_new.items():
        last = conn.execute(
            "SELECT id, reviewed_ms FROM review_log WHERE card_id = ? ORDER BY reviewed_ms DESC, id DESC LIMIT 1",
            (card_id,),
        ).fetchone()
        if last is None or first >= last[1]:
            state = CardState() if last is None else _state_after(conn, last[0])
            replays[card_id] = Replay(schedulers, card_id, decks[card_id], state)
        else:
            merged[card_id] = []

    def streamed_rows():
        for answer in new:
            revlog_id, card_id, rating, duration = answer
            replaying = replays.get(card_id)
            if replaying is None:
                merged[card_id].append(answer)
                continue
            before = replaying.values
            after = replaying.answer(rating, revlog_id)
            yield (card_id, rating, revlog_id, duration, *before, *after[:5], revlog_id)

    with _indexes_built_after(conn, len(new)):
        conn.executemany(_INSERT, streamed_rows())
    conn.executemany(_UPDATE_CARD, [(*replaying.values, card_id) for card_id, replaying in replays.items()])
    for card_id in sorted(merged):
        _replay_with(conn, card_id, decks[card_id], merged[card_id], schedulers)
    return set(first_new)


@contextmanager
def _indexes_built_after(conn: sqlite3.Connection, rows: int) -> Iterator[None]:
    """Around inserting `rows` rows into review_log: when they are many and at least as many as
    the log holds, its indexes (not the UNIQUE constraint's, which grows at its end) are dropped
    first and created again after, within the caller's transaction."""
    indexes = []
    if rows >= BULK_ROWS and rows >= conn.execute("SELECT count(*) FROM review_log").fetchone()[0]:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL"
        ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.execute(sql)


def replay(conn: sqlite3.Connection, card_id: str, schedulers: Schedulers) -> None:
    """Recompute every log row's states and the card's state from its history in time order."""
    (deck,) = conn.execute("SELECT deck FROM cards WHERE id = ?", (card_id,)).fetchone()
    _replay_with(conn, card_id, deck, [], schedulers, whole=True)


def _replay_with(
    conn: sqlite3.Connection, card_id: str, deck: str, new: list[NewAnswer], schedulers: Schedulers, whole: bool = False
) -> None:
    """Insert `new` answers of one card and recompute its log from the first of them on (from
    its first row when `whole`)."""
    existing = conn.execute(
        "SELECT reviewed_ms, 0, id, rating, NULL, NULL FROM review_log WHERE card_id = ? ORDER BY reviewed_ms, id",
        (card_id,),
    ).fetchall()
    # New rows get ids above every existing one: at equal times they come after them.
    added = [(revlog_id, 1, seq, rating, duration, revlog_id)
             for seq, (revlog_id, _card, rating, duration) in enumerate(sorted(new, key=lambda a: a[0]))]
    rows = sorted(existing + added) if existing and added else existing or added
    start = 0 if whole else next(i for i, row in enumerate(rows) if row[1] == 1)
    replaying = Replay(schedulers, card_id, deck, CardState() if start == 0 else _state_after(conn, rows[start - 1][2]))
    updates, inserts = [], []
    for reviewed_ms, is_new, log_id, rating, duration, revlog_id in rows[start:]:
        before = replaying.values
        values = (*before, *replaying.answer(rating, reviewed_ms)[:5])
        if is_new:
            inserts.append((card_id, rating, reviewed_ms, duration, *values, revlog_id))
        else:
            updates.append((*values, log_id))
    conn.executemany(_UPDATE, updates)
    conn.executemany(_INSERT, inserts)
    conn.execute(_UPDATE_CARD, (*replaying.values, card_id))


def _state_after(conn: sqlite3.Connection, log_id: int) -> CardState:
    """The card's state after the log row `log_id`, as stored."""
    return card_state(conn.execute(
        "SELECT state_after, step_after, stability_after, difficulty_after, due_after_ms, reviewed_ms "
        "FROM review_log WHERE id = ?",
        (log_id,),
    ).fetchone())


# -- the write direction: claims of terminal answers -----------------------------------------------


@dataclass(frozen=True)
class OwnAnswer:
    """An answer given outside Anki (terminal or mock), with the revlog id it claims, if any."""

    log_id: int
    card_id: str
    rating: int
    reviewed_ms: int
    duration_ms: int | None
    claim: int | None


def own_answers(conn: sqlite3.Connection, card_ids: Iterable[str]) -> list[OwnAnswer]:
    """The answers given outside Anki to `card_ids`, in time order. A row no answer can leave (a
    rating outside 1-4, a time before 1970 or past year 9999, a negative duration) raises
    ValueError before anything is written to Anki: only damage or a hand edit puts one there, and
    store/health.reading words it as a value of the store it cannot read, not the collection's."""
    wanted = set(card_ids)
    found = []
    for row in conn.execute(
        "SELECT id, card_id, rating, reviewed_ms, duration_ms, anki_revlog_id FROM review_log "
        "WHERE source != 'anki' ORDER BY reviewed_ms, id"
    ):
        if row[1] not in wanted:
            continue
        answer = OwnAnswer(*row)
        if not (answer.rating in RATINGS and type(answer.rating) is int
                and type(answer.reviewed_ms) is int and 0 <= answer.reviewed_ms <= LAST_MS
                and (answer.duration_ms is None or (type(answer.duration_ms) is int and answer.duration_ms >= 0))
                and (answer.claim is None or type(answer.claim) is int)):
            raise ValueError(f"review_log row {answer.log_id} is no answer: rating {answer.rating!r}, "
                             f"at {answer.reviewed_ms!r} ms, {answer.duration_ms!r} ms long, claim {answer.claim!r}")
        found.append(answer)
    return found


def claimed_ids(conn: sqlite3.Connection, low: int, high: int) -> dict[int, tuple[int, str, str, int, int]]:
    """Revlog id -> (log id, card id, source, reviewed_ms, rating) of the rows holding an id
    in [low, high)."""
    return {row[0]: row[1:] for row in conn.execute(
        "SELECT anki_revlog_id, id, card_id, source, reviewed_ms, rating FROM review_log "
        "WHERE anki_revlog_id >= ? AND anki_revlog_id < ?",
        (low, high),
    )}


def record_claims(store, claims: dict[int, int], duplicates: Iterable[int], schedulers: Schedulers) -> None:
    """In one transaction: give each log row (log id -> revlog id) its claim, and delete the
    `duplicates` (log ids of 'anki' rows that were an own answer imported back by an older
    version), replaying their cards (a stored value the replay cannot use is the store's, as in
    import_answers)."""
    with reading(store.path), store.write() as conn:
        cards = [row[0] for row in conn.execute(
            f"SELECT DISTINCT card_id FROM review_log WHERE id IN ({','.join('?' * len(duplicates))})",
            tuple(duplicates),
        )] if duplicates else []
        conn.executemany("DELETE FROM review_log WHERE id = ? AND source = 'anki'", [(d,) for d in duplicates])
        conn.executemany("UPDATE review_log SET anki_revlog_id = NULL WHERE id = ?", [(log_id,) for log_id in claims])
        conn.executemany("UPDATE review_log SET anki_revlog_id = ? WHERE id = ?",
                         [(revlog_id, log_id) for log_id, revlog_id in claims.items()])
        for card_id in cards:
            replay(conn, card_id, schedulers)


__all__ = [
    "BULK_ROWS",
    "MAX_BUMP_MS",
    "ImportResult",
    "NewAnswer",
    "OwnAnswer",
    "claimed_ids",
    "import_answers",
    "is_own_claim",
    "own_answers",
    "record_claims",
    "replay",
]

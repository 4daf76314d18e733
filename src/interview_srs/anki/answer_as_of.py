"""Answering cards through Anki's own scheduler as of a past time, in a scratch copy.

Anki's scheduler reads the system clock and has no way to answer "as of" another time: the next
state depends on today's day number (days since the collection's creation time `crt`, computed
when the collection is opened and cached until the next rollover) and on the days since the
card's last review (`lrt` in the card's data). So for an answer given D study days ago we move
`crt` forward and the card's `lrt` forward by D days, reopen the collection so Anki recomputes
its day, ask Anki for the card's scheduling states, answer with the rating, the answer's revlog
id as its time (`answered_at_millis`, which becomes the revlog id and the new `lrt`) and its
duration, and put `crt` back. Anki's scheduler (FSRS or SM-2, whatever the collection uses, with
its own parameters, fuzz and limits) computes the new state as it would have on that day; a
day-based due date is counted from that day. An intraday learning due time (counted in seconds
from the real "now") is moved back by the time since the answer.

All of this happens in a private copy: moving `crt` is committed at once (every statement outside
a transaction is) and reopening needs it committed, so a process killed between moving `crt` and
putting it back would leave the collection's days shifted. Only the resulting revlog rows and the
answered cards' rows leave the copy (anki/write.py), so the collection itself never sees `crt`
move, nor anything else answering touches (sibling burying, deck counters, leech tags).

An answer older than the card's last answer in Anki is applied after it, as of that last answer
(Anki's history cannot be rewritten in the middle), keeping its own time as revlog id; the card's
`lrt` stays the later time. An answer from before the collection's first day is applied as of
that first day. The time of day within a study day only matters for learning steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from interview_srs.anki.snapshot import AnkiSyncError

DAY_S = 86_400
CARD_COLUMNS = ("nid", "did", "ord", "mod", "usn", "type", "queue", "due", "ivl", "factor", "reps", "lapses",
                "left", "odue", "odid", "flags", "data")
REVLOG_COLUMNS = ("id", "cid", "usn", "ease", "ivl", "lastIvl", "factor", "time", "type")


@dataclass(frozen=True)
class PendingAnswer:
    """An answer to give Anki, with the revlog id it claimed."""

    log_id: int
    cid: int  # Anki's card id
    rating: int
    reviewed_ms: int
    duration_ms: int
    revlog_id: int


@dataclass(frozen=True)
class Answered:
    revlog: tuple[tuple, ...]  # new revlog rows, REVLOG_COLUMNS
    cards: dict[int, tuple]  # card id -> CARD_COLUMNS after the answers
    out_of_order: int  # answers older than their card's last Anki answer


def answer_in_copy(scratch: Path, pending: list[PendingAnswer]) -> Answered:
    """Answer `pending` (in time order) in the collection copy at `scratch` through Anki's backend."""
    from anki.collection import Collection

    col = Collection(str(scratch))
    out_of_order = 0
    try:
        for answer in pending:
            last = col.db.scalar("SELECT max(id) FROM revlog WHERE cid = ? AND ease BETWEEN 1 AND 4", answer.cid)
            out_of_order += last is not None and last > answer.revlog_id
            col = _answer_at(col, scratch, answer, max(answer.revlog_id, last or 0))
        ids = [answer.revlog_id for answer in pending]
        revlog = tuple(
            tuple(row) for chunk in _chunks(ids)
            for row in col.db.all(f"SELECT {', '.join(REVLOG_COLUMNS)} FROM revlog WHERE id IN ({chunk})")
        )
        cids = sorted({answer.cid for answer in pending})
        cards = {
            row[0]: tuple(row[1:]) for chunk in _chunks(cids)
            for row in col.db.all(f"SELECT id, {', '.join(CARD_COLUMNS)} FROM cards WHERE id IN ({chunk})")
        }
    finally:
        col.close(downgrade=False)
    given = {row[0]: row[1] for row in revlog}
    wrong = [answer.revlog_id for answer in pending if given.get(answer.revlog_id) != answer.cid]
    if wrong:
        raise AnkiSyncError(f"{scratch.name}: Anki's backend did not keep the revlog ids it was given ({wrong[:3]}); nothing was written")
    return Answered(revlog, cards, out_of_order)


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ", ".join(str(int(i)) for i in ids[start:start + size])


def _answer_at(col, scratch: Path, answer: PendingAnswer, as_of_ms: int):
    """Answer one card as of `as_of_ms`; returns the (reopened) collection."""
    from anki.collection import Collection

    as_of_s = as_of_ms // 1000
    # Study days between the answer and today; Anki cannot go back before the collection's first day.
    days = min(max(0, (col.sched.day_cutoff - 1 - as_of_s) // DAY_S), col.sched.today)
    crt = col.crt
    if days:
        shift = days * DAY_S
        col.crt = crt + shift
        col.db.execute(
            "UPDATE cards SET data = json_set(data, '$.lrt', json_extract(data, '$.lrt') + ?) "
            "WHERE id = ? AND json_extract(data, '$.lrt') IS NOT NULL",
            shift, answer.cid,
        )
        col.close(downgrade=False)
        col = Collection(str(scratch))  # Anki recomputes "today" on opening
    card = col.get_card(answer.cid)
    card.start_timer()  # build_answer reads it; the real duration is set below
    states = col._backend.get_scheduling_states(answer.cid)
    reply = col.sched.build_answer(card=card, states=states, rating=_button(answer.rating))
    reply.answered_at_millis = answer.revlog_id
    reply.milliseconds_taken = min(max(0, answer.duration_ms), 2**31 - 1)
    col.sched.answer_card(reply)
    now_s = int(time.time())  # the clock Anki just counted the learning step from
    col.db.execute("UPDATE cards SET due = due - ? WHERE id = ? AND queue = 1", max(0, now_s - as_of_s), answer.cid)
    if as_of_ms > answer.revlog_id:  # out of order: the card was last reviewed at the later time
        col.db.execute("UPDATE cards SET data = json_set(data, '$.lrt', ?) WHERE id = ?", as_of_s, answer.cid)
    if days:
        col.crt = crt
        col.close(downgrade=False)
        col = Collection(str(scratch))
    return col


def _button(rating: int):
    from anki.scheduler.v3 import CardAnswer

    return {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}[rating]


__all__ = ["CARD_COLUMNS", "REVLOG_COLUMNS", "Answered", "PendingAnswer", "answer_in_copy"]

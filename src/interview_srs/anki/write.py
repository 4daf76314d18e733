"""`srs sync-anki --write`: terminal answers that Anki lacks, answered through Anki's own backend.

Needs the `anki` package (extra `interview-srs[anki]`). The collection must be closed in Anki
(its lock is checked first) and a copy is written next to it before anything changes
(`collection.anki2.srs-backup-<UTC time>`).

How an answer given in the past is applied. Anki's scheduler reads the system clock and has no
way to answer "as of" another time: the next state depends on today's day number (days since
the collection's creation time `crt`) and on the days since the card's last review (`lrt` in the
card's data, counted to the next day rollover). So for an answer given D study days ago we move
`crt` forward and the card's `lrt` forward by D days, reopen the collection so Anki recomputes
its day, ask Anki for the card's scheduling states, answer with the rating, the answer's own time
(`answered_at_millis`, which becomes the revlog id and the new `lrt`) and its duration, and put
`crt` back. Anki's scheduler (FSRS or SM-2, whatever the collection uses, with its own
parameters, fuzz and limits) computes the new state as it would have on that day; a day-based
due date is counted from that day. An intraday learning due time (counted in seconds from the
real "now") is moved back by the time since the answer.

Limits: answers are applied in time order after everything already in the collection, so an
answer older than the card's last Anki review is applied after it (Anki's history cannot be
rewritten in the middle); such answers are counted and reported. An answer from before the
collection's first day is applied as of that first day. The time of day within a study day only
matters for learning steps.

Idempotent: each written answer's revlog id is kept in the store (`anki_revlog_id`), and an
answer whose time is already a revlog id of that card is not written again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from interview_srs.anki.sync import AnkiSyncError, collection_file, guid_map, shared_lock

INSTALL_HINT = "--write needs the anki extra: pip install 'interview-srs[anki]'"
DAY_S = 86_400


@dataclass(frozen=True)
class WriteResult:
    written: int
    already: int  # found in Anki already (a previous run), now recorded
    out_of_order: int  # older than the card's last Anki review
    backup: Path | None


def write_to_anki(path: Path, home) -> WriteResult:
    """Answer, in the collection at `path`, the store's non-Anki answers that Anki lacks."""
    try:
        from anki.collection import Collection
    except ImportError:
        raise AnkiSyncError(INSTALL_HINT) from None
    from interview_srs.store.anki_history import mark_sent, unsent_answers

    source = collection_file(Path(path))
    try:
        handle = open(source, "rb")
    except OSError as exc:
        raise AnkiSyncError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    with handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise AnkiSyncError(f"{source}: --write needs the collection itself (collection.anki2 or its profile folder), not a package")
        with shared_lock(handle, source):
            pass  # refused here while Anki has it open
    by_guid = guid_map(home.store)
    backup = None
    sent: list[tuple[int, int]] = []
    written = already = out_of_order = 0
    try:
        col = Collection(str(source))
    except Exception as exc:  # the backend's DBError and friends: damaged, too new, locked
        raise AnkiSyncError(f"{source}: Anki's backend cannot open it ({_first_line(exc)})") from None
    try:
        anki_cards = {}
        for cid, guid in col.db.all("SELECT cards.id, notes.guid FROM cards JOIN notes ON notes.id = cards.nid"):
            if guid in by_guid:
                anki_cards[by_guid[guid]] = cid
        pending = unsent_answers(home.store.conn, anki_cards)
        if pending:
            col.close(downgrade=False)
            backup = source.with_name(f"{source.name}.srs-backup-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}")
            shutil.copyfile(source, backup)
            col = Collection(str(source))
        for log_id, card_id, rating, reviewed_ms, duration_ms in pending:
            cid = anki_cards[card_id]
            if col.db.scalar("SELECT count() FROM revlog WHERE id = ? AND cid = ?", reviewed_ms, cid):
                sent.append((log_id, reviewed_ms))
                already += 1
                continue
            last = col.db.scalar("SELECT max(id) FROM revlog WHERE cid = ?", cid)
            if last is not None and last > reviewed_ms:
                out_of_order += 1
            col, revlog_id = _answer_at(col, source, cid, rating, reviewed_ms, duration_ms or 0)
            sent.append((log_id, revlog_id))
            written += 1
    finally:
        col.close(downgrade=False)
        mark_sent(home.store, sent)  # also what was written before an error
    return WriteResult(written, already, out_of_order, backup)


def _answer_at(col, source: Path, cid: int, rating: int, at_ms: int, duration_ms: int):
    """Answer card `cid` through Anki's scheduler as of `at_ms`; returns the (reopened)
    collection and the revlog id of the answer."""
    from anki.collection import Collection

    at_s = at_ms // 1000
    # Study days between the answer and today; Anki cannot go back before the collection's first day.
    days = min(max(0, (col.sched.day_cutoff - 1 - at_s) // DAY_S), col.sched.today)
    crt = col.crt
    data = col.db.scalar("SELECT data FROM cards WHERE id = ?", cid)
    answered = False
    if days:
        shift = days * DAY_S
        col.crt = crt + shift
        col.db.execute(
            "UPDATE cards SET data = json_set(data, '$.lrt', json_extract(data, '$.lrt') + ?) "
            "WHERE id = ? AND json_extract(data, '$.lrt') IS NOT NULL",
            shift, cid,
        )
        col.close(downgrade=False)
        col = Collection(str(source))  # Anki recomputes "today" on opening
    try:
        card = col.get_card(cid)
        card.start_timer()  # build_answer reads it; the real duration is set below
        states = col._backend.get_scheduling_states(cid)
        answer = col.sched.build_answer(card=card, states=states, rating=_button(rating))
        answer.answered_at_millis = at_ms
        answer.milliseconds_taken = min(duration_ms, 2**31 - 1)
        col.sched.answer_card(answer)
        revlog_id = col.db.scalar("SELECT max(id) FROM revlog WHERE cid = ?", cid)
        now_s = int(datetime.now(timezone.utc).timestamp())
        col.db.execute("UPDATE cards SET due = due - ? WHERE id = ? AND queue = 1", max(0, now_s - at_s), cid)
        answered = True
    finally:
        if days:
            col.crt = crt
            if not answered:  # put the card's last-review time back too
                col.db.execute("UPDATE cards SET data = ? WHERE id = ?", data, cid)
            col.close(downgrade=False)
            col = Collection(str(source))
    return col, revlog_id


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def _button(rating: int):
    from anki.scheduler.v3 import CardAnswer

    return {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}[rating]


def format_write(result: WriteResult) -> list[str]:
    if result.written == 0 and result.already == 0:
        return ["Anki already has every terminal answer; nothing written."]
    lines = [f"Wrote {result.written} terminal answers to Anki (backup: {result.backup})."]
    if result.already:
        lines.append(f"{result.already} answers were already in Anki (an earlier run); recorded as sent.")
    if result.out_of_order:
        lines.append(
            f"{result.out_of_order} answers are older than the card's last review in Anki and were "
            "applied after it."
        )
    return lines


__all__ = ["INSTALL_HINT", "WriteResult", "format_write", "write_to_anki"]

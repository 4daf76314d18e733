"""`srs sync-anki --write`: terminal answers that Anki lacks, answered through Anki's own backend.

Needs the `anki` package (extra `interview-srs[anki]`). The collection must be closed in Anki
(its lock is checked first) and a copy is written next to it before anything changes
(`collection.anki2.srs-backup-<UTC time>`).

Each answer is written exactly once, whatever is killed when and however often it is rerun:

1. The collection is copied (under a shared lock). In the copy, each answer given outside Anki
   is *sent* when the revlog id it claims in the store (`anki_revlog_id`) is a row of its card.
   Otherwise it gets a revlog id: its existing claim when that id is still free, else its answer
   time in ms moved up to the first id free in the collection and in the store (within
   store.anki_history.MAX_BUMP_MS). An answer an older version wrote at exactly its answer time
   without recording it is recognised there (same card and rating) and only recorded.
2. The claims are committed to the store: from now on reading the collection never imports
   those rows as answers from Anki (store/anki_history.py).
3. In the copy, Anki's backend answers each card as of the answer's time (answer_as_of.py).
4. One SQLite transaction on the collection inserts the new revlog rows, replaces the answered
   cards' rows and sets the collection's modification time (so Anki's sync uploads them). It
   first checks that those cards and ids are as they were in the copy; if Anki changed them
   meanwhile, nothing is written and the next run starts again from 1. The collection's `crt`,
   deck options, notes and other cards are never written.

Killed before 4 commits, a rerun finds the claims free and uses them again; killed after, it
finds the rows and writes nothing. The store needs no write after the collection's commit.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from interview_srs.anki.answer_as_of import CARD_COLUMNS, REVLOG_COLUMNS, Answered, PendingAnswer, answer_in_copy
from interview_srs.anki.snapshot import (
    COLLECTION_FILE,
    SQLITE_MAGIC,
    AnkiSyncError,
    check_collection,
    collection_file,
    copy_locked,
    file_magic,
    locked_message,
    open_collection_file,
)
from interview_srs.anki.sync import guid_map, our_cards

INSTALL_HINT = "--write needs the anki extra: pip install 'interview-srs[anki]'"
COMMIT_TIMEOUT_S = 2


@dataclass(frozen=True)
class WriteResult:
    written: int
    already: int  # found in Anki already (written by an older version), now recorded
    out_of_order: int  # older than the card's last Anki review
    backup: Path | None


@dataclass(frozen=True)
class WritePlan:
    pending: tuple[PendingAnswer, ...]  # to answer in Anki, in time order
    claims: dict[int, int]  # log id -> revlog id, to record before writing
    duplicates: tuple[int, ...]  # log ids of own answers imported back by an older version
    already: int


def write_to_anki(path: Path, home) -> WriteResult:
    """Answer, in the collection at `path`, the store's answers given outside Anki that it lacks."""
    try:
        from anki.collection import Collection  # noqa: F401  (answer_as_of uses it)
    except ImportError:
        raise AnkiSyncError(INSTALL_HINT) from None
    from interview_srs.schedule.scheduler import Schedulers
    from interview_srs.store.anki_history import record_claims
    from interview_srs.store.health import reading

    source = collection_file(Path(path))
    if file_magic(source) != SQLITE_MAGIC:
        raise AnkiSyncError(f"{source}: --write needs the collection itself (collection.anki2 or its profile folder), not a package")
    with tempfile.TemporaryDirectory(prefix="srs-anki-write-") as tmp:
        scratch = Path(tmp) / COLLECTION_FILE
        copy_locked(source, scratch)  # refused here while Anki has it open
        with closing(open_collection_file(scratch)) as conn:  # closing folds a -wal into the copy
            with reading(home.store.path):  # the store's errors are the store's, not the collection's
                guids = guid_map(home.store)
            try:
                check_collection(conn, source)
                cids = {card_id: cid for cid, (card_id, _deck) in our_cards(conn, guids).items()}
                plan = plan_writes(conn, home.store, cids)
                originals = _card_rows(conn, sorted({answer.cid for answer in plan.pending}))
            except sqlite3.DatabaseError as exc:
                raise AnkiSyncError(f"{source}: damaged collection ({exc})") from None
        if plan.claims or plan.duplicates:
            record_claims(home.store, plan.claims, plan.duplicates, Schedulers(home.config))
        if not plan.pending:
            return WriteResult(0, plan.already, 0, None)
        backup = source.with_name(f"{source.name}.srs-backup-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}")
        shutil.copyfile(scratch, backup)
        try:
            answered = answer_in_copy(scratch, list(plan.pending))
        except Exception as exc:  # the backend's errors: its DBError and friends
            if isinstance(exc, AnkiSyncError):
                raise
            raise AnkiSyncError(f"{source}: Anki's backend cannot answer in a copy of it ({_first_line(exc)}); nothing was written") from None
        commit(source, originals, answered)
    return WriteResult(len(plan.pending), plan.already, answered.out_of_order, backup)


def plan_writes(conn: sqlite3.Connection, store, cids: dict[str, int]) -> WritePlan:
    """Which own answers the collection copy `conn` lacks, and the revlog id each one claims.
    What is read from the `store` is read under store/health.reading: an error there is the
    store's (StoreError), never taken for the collection's damage."""
    from interview_srs.store.anki_history import MAX_BUMP_MS, claimed_ids, own_answers
    from interview_srs.store.health import reading

    pending, claims, duplicates, already, chosen = [], {}, [], 0, set()

    def revlog_row(revlog_id: int):
        return conn.execute("SELECT cid, ease FROM revlog WHERE id = ?", (revlog_id,)).fetchone()

    with reading(store.path):
        answers = own_answers(store.conn, cids)
    for answer in answers:
        cid = cids[answer.card_id]
        claim = answer.claim
        if claim is not None:
            row = revlog_row(claim)
            if row is not None and row[0] == cid and 0 <= claim - answer.reviewed_ms < MAX_BUMP_MS:
                continue  # sent
        with reading(store.path):
            holders = claimed_ids(store.conn, answer.reviewed_ms, answer.reviewed_ms + MAX_BUMP_MS)
        row = revlog_row(answer.reviewed_ms)
        holder = holders.get(answer.reviewed_ms)
        if row == (cid, answer.rating) and answer.reviewed_ms not in chosen and (
            holder is None or holder[1:] == (answer.card_id, "anki", answer.reviewed_ms, answer.rating)
        ):  # written at its own time by an older version, maybe imported back as an Anki answer
            claims[answer.log_id] = answer.reviewed_ms
            chosen.add(answer.reviewed_ms)
            if holder is not None:
                duplicates.append(holder[0])
            already += 1
            continue
        revlog_id = _free_id(answer, claim, holders, chosen, revlog_row)
        if revlog_id != claim:
            claims[answer.log_id] = revlog_id
        chosen.add(revlog_id)
        pending.append(PendingAnswer(answer.log_id, cid, answer.rating, answer.reviewed_ms, answer.duration_ms or 0, revlog_id))
    return WritePlan(tuple(pending), claims, tuple(duplicates), already)


def _free_id(answer, claim: int | None, holders: dict, chosen: set[int], revlog_row) -> int:
    """The answer's own claim when still free, else the first free id from its answer time."""
    from interview_srs.store.anki_history import MAX_BUMP_MS

    def free(revlog_id: int) -> bool:
        holder = holders.get(revlog_id)
        return (holder is None or holder[0] == answer.log_id) and revlog_id not in chosen and revlog_row(revlog_id) is None

    if claim is not None and 0 <= claim - answer.reviewed_ms < MAX_BUMP_MS and free(claim):
        return claim
    for revlog_id in range(answer.reviewed_ms, answer.reviewed_ms + MAX_BUMP_MS):
        if free(revlog_id):
            return revlog_id
    raise AnkiSyncError(f"no free revlog id within {MAX_BUMP_MS} ms of an answer of {answer.card_id}")


def _card_rows(conn: sqlite3.Connection, cids: list[int]) -> dict[int, tuple]:
    return {cid: tuple(conn.execute(f"SELECT {', '.join(CARD_COLUMNS)} FROM cards WHERE id = ?", (cid,)).fetchone())
            for cid in cids}


def commit(source: Path, originals: dict[int, tuple], answered: Answered) -> None:
    """Write the answered rows into the collection in one transaction, if nothing they replace
    changed since the copy was taken."""
    changed = AnkiSyncError(
        f"{source}: the collection changed while the answers were computed (was Anki opened?); "
        "nothing was written: run sync-anki --write again"
    )
    try:
        conn = open_collection_file(source, timeout=COMMIT_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise AnkiSyncError(f"{source}: cannot open it for writing ({exc})") from None
    with closing(conn):
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            raise AnkiSyncError(locked_message(source)) from None
        try:
            if _card_rows(conn, list(originals)) != originals:
                raise changed
            if any(conn.execute("SELECT 1 FROM revlog WHERE id = ?", (row[0],)).fetchone() for row in answered.revlog):
                raise changed
            conn.executemany(f"INSERT INTO revlog ({', '.join(REVLOG_COLUMNS)}) VALUES ({', '.join('?' * len(REVLOG_COLUMNS))})",
                             answered.revlog)
            conn.executemany(f"UPDATE cards SET {', '.join(f'{c} = ?' for c in CARD_COLUMNS)} WHERE id = ?",
                             [(*row, cid) for cid, row in answered.cards.items()])
            conn.execute("UPDATE col SET mod = max(mod + 1, ?)", (int(time.time() * 1000),))  # Anki's own clock
            conn.execute("COMMIT")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise AnkiSyncError(f"{source}: cannot write it ({exc}); nothing was written") from None
            raise


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


__all__ = ["INSTALL_HINT", "WritePlan", "WriteResult", "commit", "plan_writes", "write_to_anki"]

"""Reading an Anki collection: the answers given in Anki to our notes, and its FSRS settings.

This direction never modifies what it reads and needs no `anki` package: the collection is an
SQLite file (schema versions 11–18 are understood), read from a private copy (snapshot.py).

* Our notes are recognised by the GUID `srs build` gives each card (`anki.notes.note_guid`).
* Revlog rows (`revlog` table: id = answer time in ms, cid, usn, ease 1–4 or 0, ivl, lastIvl,
  factor, time in ms, type 0 learn / 1 review / 2 relearn / 3 filtered / 4 manual / 5
  rescheduled) count as answers exactly when Anki's own FSRS counts them
  (`has_rating_and_affects_scheduling` in rslib): a button was pressed (ease 1–4) and it was not a
  filtered-deck preview (type 3 with factor 0, "cramming"). Manual entries (set due date, reset,
  type 4) and reschedules after a parameter change (type 5) have ease 0 and are skipped, counted
  by reason.
* An answer dated more than a day after now (a phone with a wrong clock) is skipped and counted:
  taken as it is, it would keep its card out of review until that date.
* Answers are kept as plain tuples: a first sync can bring in hundreds of thousands.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from interview_srs.anki.presets import AnkiParams, clamp, read_fsrs_settings
from interview_srs.anki.snapshot import AnkiSyncError, check_collection, collection_snapshot

DAY_MS = 86_400_000
FUTURE_SLACK_MS = DAY_MS
SKIP_REASONS = {
    "manual": "manual reschedules (set due date, reset, forget)",
    "rescheduled": "reschedules after an FSRS parameter change",
    "cramming": "filtered-deck previews without rescheduling",
    "undated": "entries dated before 1970 (damaged ids)",
}
# (revlog id = answer time in ms, card id, rating 1–4, duration in ms)
Answer = tuple[int, str, int, int]


@dataclass(frozen=True)
class CollectionData:
    schema: int
    notes: int  # our notes found in the collection
    answers: tuple[Answer, ...]  # in revlog id order
    skipped: dict[str, int] = field(default_factory=dict)  # SKIP_REASONS key -> count
    future: int = 0  # answers dated more than a day ahead, skipped
    fsrs_enabled: bool = False
    params: tuple[AnkiParams, ...] = ()  # presets of the decks holding our cards, with parameters
    unreadable: tuple[str, ...] = ()  # settings that could not be decoded


def read_collection(path: Path, card_ids: dict[str, str], now_ms: int) -> CollectionData:
    """Everything sync needs from the collection at `path`, for the notes whose GUID is a key of
    `card_ids` (GUID -> card id)."""
    with collection_snapshot(Path(path)) as conn:
        schema = check_collection(conn, path)
        ours = our_cards(conn, card_ids)
        if not ours:
            raise AnkiSyncError(
                f"{path}: none of the interview-srs notes are in this collection; "
                "import decks/*.apkg into Anki first"
            )
        answers, skipped, future = _answers(conn, ours, now_ms)
        settings = read_fsrs_settings(conn, [deck for _card, deck in ours.values()])
        return CollectionData(
            schema=schema,
            notes=len({card for card, _deck in ours.values()}),
            answers=tuple(answers),
            skipped=skipped,
            future=future,
            fsrs_enabled=settings.enabled,
            params=settings.params,
            unreadable=settings.unreadable,
        )


def our_cards(conn: sqlite3.Connection, card_ids: dict[str, str]) -> dict[int, tuple[str, int]]:
    """Anki card id -> (our card id, home deck id), for the cards of our notes."""
    return {
        cid: (card_ids[guid], odid or did)  # a card in a filtered deck has its home deck in odid
        for cid, guid, did, odid in conn.execute(
            "SELECT cards.id, notes.guid, cards.did, cards.odid FROM cards JOIN notes ON notes.id = cards.nid"
        )
        if guid in card_ids
    }


def _answers(conn: sqlite3.Connection, ours: dict[int, tuple[str, int]], now_ms: int) -> tuple[list[Answer], dict[str, int], int]:
    answers: list[Answer] = []
    skipped: dict[str, int] = {}
    future = 0
    latest = now_ms + FUTURE_SLACK_MS
    for revlog_id, cid, ease, taken, kind, factor in conn.execute(
        "SELECT id, cid, ease, time, type, factor FROM revlog ORDER BY id"
    ):
        card = ours.get(cid)
        if card is None:
            continue
        reason = skip_reason(ease, kind, factor)
        if reason is None and revlog_id < 0:
            reason = "undated"
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
        elif revlog_id > latest:
            future += 1
        else:
            answers.append((revlog_id, card[0], ease, max(0, taken) if isinstance(taken, int) else 0))
    return answers, skipped, future


def skip_reason(ease: object, kind: object, factor: object) -> str | None:
    """Why a revlog row is not an answer (None when it is), as rslib's FSRS decides."""
    if ease not in (1, 2, 3, 4):
        return "rescheduled" if kind == 5 else "manual"
    if kind == 3 and factor == 0:
        return "cramming"
    return None


@dataclass(frozen=True)
class SyncResult:
    path: Path
    data: CollectionData
    added: int  # answers new to the store
    known: int  # answers the store already had
    replayed: int  # cards whose history was replayed
    params: AnkiParams | None  # Anki's FSRS settings, when they differ from the config's
    params_used: bool  # ... and were written to config.toml (--use-anki-params)


def guid_map(store) -> dict[str, str]:
    """Note GUID -> card id, for every card the store knows."""
    from interview_srs.anki.notes import note_guid
    from interview_srs.store.review_history import card_ids

    return {note_guid(card_id): card_id for card_id in card_ids(store.conn)}


def sync_from_anki(path: Path, home, *, now, use_anki_params: bool = False) -> SyncResult:
    """Bring the answers given in Anki into the store (`home`, a home.Home), replaying the
    affected cards; with `use_anki_params`, store Anki's FSRS parameters in config.toml first.
    `now` (a datetime) decides which answers are dated in the future."""
    from interview_srs.schedule.config import load_config, update_config
    from interview_srs.schedule.scheduler import Schedulers, to_ms
    from interview_srs.store.anki_history import import_answers

    data = read_collection(Path(path), guid_map(home.store), to_ms(now))
    config = home.config
    # Parameters count only when Anki schedules with FSRS (otherwise it uses SM-2).
    params = data.params[0] if data.params and data.fsrs_enabled else None
    if params is not None and (
        config.defaults.parameters == clamp(params.parameters)
        and config.defaults.desired_retention == params.desired_retention
    ):
        params = None  # already in use
    used = use_anki_params and params is not None
    if used:
        update_config(
            home.config_path,
            {"parameters": list(clamp(params.parameters)), "desired_retention": params.desired_retention},
        )
        config = load_config(home.config_path)
    result = import_answers(home.store, data.answers, Schedulers(config))
    return SyncResult(Path(path), data, result.added, result.known, len(result.cards), params, used)


__all__ = [
    "Answer",
    "CollectionData",
    "SKIP_REASONS",
    "SyncResult",
    "guid_map",
    "our_cards",
    "read_collection",
    "skip_reason",
    "sync_from_anki",
]

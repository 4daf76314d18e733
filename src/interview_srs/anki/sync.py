"""Reading an Anki collection: the answers given in Anki to our notes, and its FSRS settings.

This direction never modifies what it reads and needs no `anki` package: the collection is an
SQLite file (schema versions 11–18 are understood), read from a private copy.

* PATH is `collection.anki2`, the profile folder holding it, or a package that contains one: a
  `.colpkg` backup or an `.apkg` exported with scheduling. Packages are zip files; new ones hold
  `collection.anki21b`, a zstd-compressed SQLite file (read with the `zstandard` package), older
  ones `collection.anki21` or `collection.anki2`.
* Anki keeps its collection open with an exclusive SQLite lock (`locking_mode = exclusive`) for as
  long as the profile is open. A collection whose lock cannot be shared is refused with a message,
  because its file and write-ahead log cannot be copied consistently then. Otherwise the file and
  its `-wal` (present after a crash) are copied to a temporary folder under a shared lock, and
  SQLite reads the copy.
* Our notes are recognised by the GUID `srs build` gives each card (`anki_export.note_guid`).
* Revlog rows (`revlog` table: id = answer time in ms, cid, usn, ease 1–4 or 0, ivl, lastIvl,
  factor, time in ms, type 0 learn / 1 review / 2 relearn / 3 filtered / 4 manual / 5
  rescheduled) count as answers exactly when Anki's own FSRS counts them
  (`has_rating_and_affects_scheduling` in rslib): a button was pressed (ease 1–4) and it was not a
  filtered-deck preview (type 3 with factor 0, "cramming"). Manual entries (set due date, reset,
  type 4) and reschedules after a parameter change (type 5) have ease 0 and are skipped, counted
  by reason.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

COLLECTION_FILE = "collection.anki2"
# Inside packages, newest format first (rslib/src/import_export/package/meta.rs).
PACKAGE_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
SCHEMA_MIN, SCHEMA_MAX = 11, 18  # rslib/src/storage/upgrades/mod.rs
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
# SQLite's lock bytes (os_unix.c): a reader holds a read lock on the "shared" range, Anki (exclusive
# locking mode) a write lock on it for as long as the collection is open.
_PENDING_BYTE = 0x40000000
_SHARED_FIRST = _PENDING_BYTE + 2
_SHARED_SIZE = 510

REVLOG_KINDS = {0: "learn", 1: "review", 2: "relearn", 3: "filtered", 4: "manual", 5: "rescheduled"}
SKIP_REASONS = {
    "manual": "manual reschedules (set due date, reset, forget)",
    "rescheduled": "reschedules after an FSRS parameter change",
    "cramming": "filtered-deck previews without rescheduling",
}


class AnkiSyncError(Exception):
    """The collection cannot be read or written (one line, for people)."""


@dataclass(frozen=True)
class AnkiAnswer:
    """One answer given in Anki to one of our notes."""

    revlog_id: int  # Anki's revlog id: the answer time, milliseconds since the epoch
    guid: str
    rating: int  # 1–4
    duration_ms: int
    kind: int  # revlog type, see REVLOG_KINDS


@dataclass(frozen=True)
class AnkiParams:
    """The FSRS settings of one deck options preset."""

    preset: str
    parameters: tuple[float, ...]  # FSRS-6, 21 numbers
    desired_retention: float


@dataclass(frozen=True)
class CollectionData:
    schema: int
    notes: int  # our notes found in the collection
    answers: tuple[AnkiAnswer, ...]
    skipped: dict[str, int] = field(default_factory=dict)  # SKIP_REASONS key -> count
    fsrs_enabled: bool = False
    params: tuple[AnkiParams, ...] = ()  # presets of the decks holding our cards, with parameters


def read_collection(path: Path, guids: set[str]) -> CollectionData:
    """Everything sync needs from the collection at `path`, for the notes whose GUID is in `guids`."""
    with collection_snapshot(Path(path)) as conn:
        schema = check_collection(conn, path)
        ours = _our_cards(conn, guids)
        if not ours:
            raise AnkiSyncError(
                f"{path}: none of the interview-srs notes are in this collection; "
                "import decks/*.apkg into Anki first"
            )
        answers, skipped = _answers(conn, ours)
        return CollectionData(
            schema=schema,
            notes=len({guid for guid, _deck in ours.values()}),
            answers=tuple(answers),
            skipped=skipped,
            fsrs_enabled=_fsrs_enabled(conn),
            params=_params(conn, ours),
        )


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


def sync_from_anki(path: Path, home, *, use_anki_params: bool = False) -> SyncResult:
    """Bring the answers given in Anki into the store (`home`, a home.Home), replaying the
    affected cards; with `use_anki_params`, store Anki's FSRS parameters in config.toml first."""
    from interview_srs.schedule.config import load_config, update_config
    from interview_srs.schedule.scheduler import Schedulers
    from interview_srs.store.anki_history import NewAnswer, import_answers

    guids = guid_map(home.store)
    data = read_collection(Path(path), set(guids))
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
    schedulers = Schedulers(config)
    result = import_answers(
        home.store,
        (NewAnswer(guids[a.guid], a.revlog_id, a.rating, a.duration_ms) for a in data.answers),
        schedulers.answer,
    )
    return SyncResult(Path(path), data, result.added, result.known, len(result.cards), params, used)


def clamp(parameters: tuple[float, ...]) -> tuple[float, ...]:
    """Anki's float32 values, nudged into fsrs's bounds where rounding put them a hair outside."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(min(max(p, low), high) for p, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS))


def format_sync(result: SyncResult, use_anki_params: bool) -> list[str]:
    data = result.data
    lines = [
        f"{result.path}: Anki collection (schema {data.schema}), {data.notes} interview-srs notes, "
        f"{len(data.answers)} answers.",
        f"Added {result.added} answers from Anki ({result.known} already in the store); "
        f"replayed {result.replayed} cards.",
    ]
    if not data.fsrs_enabled:
        lines.append("FSRS is off in this collection: Anki schedules these cards with SM-2, so its due dates differ from ours.")
    if data.skipped:
        parts = ", ".join(f"{count} {SKIP_REASONS[reason]}" for reason, count in sorted(data.skipped.items()))
        lines.append(f"Skipped {sum(data.skipped.values())} revlog entries that are not answers: {parts}.")
    if result.params is not None:
        if result.params_used:
            lines.append(
                f'Now using the FSRS parameters and desired retention {result.params.desired_retention} '
                f'of Anki\'s preset "{result.params.preset}" (written to config.toml).'
            )
        elif not use_anki_params:
            lines.append(
                f'Anki\'s preset "{result.params.preset}" has its own FSRS parameters (desired retention '
                f"{result.params.desired_retention}); add --use-anki-params to use them here."
            )
    elif use_anki_params:
        lines.append("No FSRS parameters to take: FSRS is off or has no parameters in Anki, or they are already in use.")
    return lines


# -- opening ----------------------------------------------------------------------------------


def collection_file(path: Path) -> Path:
    """The collection file for PATH: the file itself, or `collection.anki2` in a profile folder."""
    if path.is_dir():
        candidate = path / COLLECTION_FILE
        if not candidate.is_file():
            profiles = sorted(p.parent.name for p in path.glob(f"*/{COLLECTION_FILE}"))
            hint = f"; profiles here: {', '.join(profiles)}" if profiles else " (give an Anki profile folder)"
            raise AnkiSyncError(f"{path}: no {COLLECTION_FILE} in this folder{hint}")
        return candidate
    if not path.exists():
        raise AnkiSyncError(f"{path}: no such file or folder")
    return path


@contextmanager
def collection_snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the collection in PATH (file, folder or package)."""
    source = collection_file(path)
    try:
        with open(source, "rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise AnkiSyncError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    with tempfile.TemporaryDirectory(prefix="srs-anki-") as tmp:
        copy = Path(tmp) / COLLECTION_FILE
        if magic.startswith(ZIP_MAGIC):
            _extract_package(source, copy)
        elif magic == SQLITE_MAGIC:
            _copy_locked(source, copy)
        else:
            raise AnkiSyncError(
                f"{source}: not an Anki collection (neither an SQLite file nor a .colpkg/.apkg package)"
            )
        try:
            conn = sqlite3.connect(copy)
            # Anki's indexes on names use its own case-insensitive collation.
            conn.create_collation("unicase", _unicase)
        except sqlite3.Error as exc:
            raise AnkiSyncError(f"{source}: cannot open it ({exc})") from None
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise AnkiSyncError(f"{source}: damaged collection ({exc})") from None
        finally:
            conn.close()


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def check_collection(conn: sqlite3.Connection, path: Path) -> int:
    """The collection's schema version; raise AnkiSyncError for what we cannot read."""
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise AnkiSyncError(f"{path}: damaged or not an SQLite database ({exc})") from None
    if verdict != "ok":
        raise AnkiSyncError(f"{path}: damaged collection (SQLite quick_check: {verdict.splitlines()[0]})")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"col", "notes", "cards", "revlog"} <= tables:
        raise AnkiSyncError(f"{path}: not an Anki collection (no col/notes/cards/revlog tables)")
    (schema,) = conn.execute("SELECT ver FROM col").fetchone()
    if schema > SCHEMA_MAX or schema in (12, 13):
        raise AnkiSyncError(
            f"{path}: collection schema {schema} is newer than interview-srs reads "
            f"({SCHEMA_MIN}–{SCHEMA_MAX}); upgrade interview-srs, or export a .colpkg for older Anki versions"
        )
    if schema < SCHEMA_MIN:
        raise AnkiSyncError(f"{path}: collection schema {schema} is too old; open it once in a current Anki")
    return schema


def _copy_locked(source: Path, copy: Path) -> None:
    """Copy the collection file (and its -wal) while holding a shared SQLite lock on it."""
    try:
        handle = open(source, "rb")
    except OSError as exc:
        raise AnkiSyncError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    with handle:
        with shared_lock(handle, source):
            try:
                shutil.copyfile(source, copy)
                wal = source.with_name(source.name + "-wal")
                if wal.exists():  # Anki crashed: the copy recovers the log
                    shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            except PermissionError:  # Windows: Anki's lock
                raise AnkiSyncError(locked_message(source)) from None
            except OSError as exc:
                raise AnkiSyncError(f"{source}: cannot copy it ({exc.strerror or exc})") from None


@contextmanager
def shared_lock(handle, source: Path) -> Iterator[None]:
    """Hold SQLite's shared lock on an open file; refuse when Anki holds the collection open."""
    try:
        import fcntl
    except ImportError:  # Windows: Anki's own lock makes the copy fail there instead
        yield
        return
    try:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)
    except OSError:
        raise AnkiSyncError(locked_message(source)) from None
    try:
        yield
    finally:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_UN, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)


def locked_message(source: Path) -> str:
    return (
        f"{source}: the collection is locked: Anki (or another program) has it open. "
        "Close Anki (or switch profile), or sync from a backup (.colpkg)"
    )


def _extract_package(source: Path, copy: Path) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            member = next((name for name in PACKAGE_MEMBERS if name in names), None)
            if member is None:
                raise AnkiSyncError(f"{source}: a zip file without an Anki collection inside (not a .colpkg/.apkg)")
            with archive.open(member) as packed, open(copy, "wb") as out:
                if member.endswith("b"):
                    _unzstd(packed, out, source)
                else:
                    shutil.copyfileobj(packed, out)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise AnkiSyncError(f"{source}: damaged package ({exc})") from None


def _unzstd(packed, out, source: Path) -> None:
    try:
        import zstandard
    except ImportError:
        raise AnkiSyncError(
            f"{source}: this package is zstd-compressed; install the zstandard package "
            "(pip install zstandard) to read it"
        ) from None
    try:
        zstandard.ZstdDecompressor().copy_stream(packed, out)
    except zstandard.ZstdError as exc:
        raise AnkiSyncError(f"{source}: damaged package ({exc})") from None


# -- reading ----------------------------------------------------------------------------------


def _our_cards(conn: sqlite3.Connection, guids: set[str]) -> dict[int, tuple[str, int]]:
    """Anki card id -> (note GUID, home deck id), for the cards of our notes."""
    return {
        cid: (guid, odid or did)  # a card in a filtered deck has its home deck in odid
        for cid, guid, did, odid in conn.execute(
            "SELECT cards.id, notes.guid, cards.did, cards.odid FROM cards JOIN notes ON notes.id = cards.nid"
        )
        if guid in guids
    }


def _answers(conn: sqlite3.Connection, ours: dict[int, tuple[str, int]]) -> tuple[list[AnkiAnswer], dict[str, int]]:
    answers, skipped = [], {}
    for revlog_id, cid, ease, taken, kind, factor in conn.execute(
        "SELECT id, cid, ease, time, type, factor FROM revlog ORDER BY id"
    ):
        if cid not in ours:
            continue
        reason = skip_reason(ease, kind, factor)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        answers.append(AnkiAnswer(revlog_id, ours[cid][0], ease, max(0, taken), kind))
    return answers, skipped


def skip_reason(ease: int, kind: int, factor: int) -> str | None:
    """Why a revlog row is not an answer (None when it is), as rslib's FSRS decides."""
    if ease not in (1, 2, 3, 4):
        return "rescheduled" if kind == 5 else "manual"
    if kind == 3 and factor == 0:
        return "cramming"
    return None


def _fsrs_enabled(conn: sqlite3.Connection) -> bool:
    if _has_table(conn, "config"):
        row = conn.execute("SELECT val FROM config WHERE key = 'fsrs'").fetchone()
        return bool(row and json.loads(row[0]))
    (conf,) = conn.execute("SELECT conf FROM col").fetchone()
    return bool(json.loads(conf or "{}").get("fsrs", False))


def _params(conn: sqlite3.Connection, ours: dict[int, tuple[str, int]]) -> tuple[AnkiParams, ...]:
    """The FSRS settings of the presets used by the decks holding our cards, the preset with
    the most of our cards first; presets without FSRS parameters are left out."""
    deck_configs = _deck_configs(conn)
    cards_per_preset: dict[int, int] = {}
    for _guid, deck in ours.values():
        preset = deck_configs.get(deck, 1)
        cards_per_preset[preset] = cards_per_preset.get(preset, 0) + 1
    presets = _presets(conn)
    return tuple(
        AnkiParams(presets[conf][0], presets[conf][1], presets[conf][2])
        for conf in sorted(cards_per_preset, key=lambda c: (-cards_per_preset[c], c))
        if conf in presets and presets[conf][1]
    )


def _deck_configs(conn: sqlite3.Connection) -> dict[int, int]:
    """Deck id -> options preset id."""
    if _has_table(conn, "decks"):
        result = {}
        for did, kind in conn.execute("SELECT id, kind FROM decks"):
            normal = _first(_proto(kind), 1, 2)
            if normal is not None:
                result[did] = _first(_proto(normal), 1, 0) or 1
        return result
    (decks,) = conn.execute("SELECT decks FROM col").fetchone()
    return {int(did): int(deck.get("conf", 1)) for did, deck in json.loads(decks or "{}").items() if not deck.get("dyn")}


def _presets(conn: sqlite3.Connection) -> dict[int, tuple[str, tuple[float, ...], float]]:
    """Preset id -> (name, FSRS-6 parameters or (), desired retention)."""
    result = {}
    if _has_table(conn, "deck_config"):
        for conf_id, name, blob in conn.execute("SELECT id, name, config FROM deck_config"):
            fields = _proto(blob)
            params6 = _floats(fields, 6)
            params5 = _floats(fields, 5)
            retention = _first(fields, 37, 5)
            result[conf_id] = (name, fsrs6(params6, params5), _float32(retention) if retention is not None else 0.9)
        return result
    (dconf,) = conn.execute("SELECT dconf FROM col").fetchone()
    for conf_id, conf in json.loads(dconf or "{}").items():
        params = fsrs6(conf.get("fsrsParams6") or [], conf.get("fsrsParams5") or [])
        result[int(conf_id)] = (conf.get("name", ""), params, float(conf.get("desiredRetention") or 0.9))
    return result


def fsrs6(params6: list[float], params5: list[float]) -> tuple[float, ...]:
    """FSRS-6 parameters; FSRS-5's 19 become FSRS-6 with w19 = 0 and decay 0.5 (as Anki does)."""
    if len(params6) == 21:
        return tuple(round(p, 6) for p in params6)
    if len(params5) == 19:
        return tuple(round(p, 6) for p in params5) + (0.0, 0.5)
    return ()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


# -- a minimal protobuf reader (deck options and deck kinds are protobuf blobs since schema 15) ---


def _proto(data: bytes) -> list[tuple[int, int, object]]:
    """(field number, wire type, value) for each field of a protobuf message."""
    fields, pos = [], 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise sqlite3.DatabaseError(f"unreadable protobuf (wire type {wire})")
        fields.append((number, wire, value))
    return fields


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise sqlite3.DatabaseError("unreadable protobuf (truncated)")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _first(fields, number: int, wire: int):
    return next((value for n, w, value in fields if n == number and w == wire), None)


def _floats(fields, number: int) -> list[float]:
    import struct

    values: list[float] = []
    for n, wire, value in fields:
        if n != number:
            continue
        if wire == 2:  # packed
            values.extend(struct.unpack(f"<{len(value) // 4}f", value))
        elif wire == 5:
            values.append(struct.unpack("<f", value)[0])
    return values


def _float32(raw: bytes) -> float:
    import struct

    return round(struct.unpack("<f", raw)[0], 4)


__all__ = [
    "AnkiAnswer",
    "AnkiParams",
    "AnkiSyncError",
    "CollectionData",
    "SyncResult",
    "check_collection",
    "collection_file",
    "collection_snapshot",
    "clamp",
    "format_sync",
    "fsrs6",
    "guid_map",
    "locked_message",
    "read_collection",
    "shared_lock",
    "skip_reason",
    "sync_from_anki",
]

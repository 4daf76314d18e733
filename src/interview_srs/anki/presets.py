"""The FSRS settings of a collection: whether FSRS schedules, and each preset's parameters.

Where they live depends on the schema: since schema 15 the `fsrs` switch is a JSON value in the
`config` table, deck options are protobuf blobs in `deck_config` and deck kinds in `decks`; in
schema 11 all three are JSON in the one-row `col` table (`conf`, `dconf`, `decks`). A value that
cannot be decoded (not JSON, the wrong shape, parameters that are not numbers) does not stop the
sync: FSRS counts as off, or the preset as having no parameters, and `unreadable` says which.
"""

from __future__ import annotations

import json
import math
import sqlite3
import struct
from dataclasses import dataclass

DEFAULT_RETENTION = 0.9


@dataclass(frozen=True)
class AnkiParams:
    """The FSRS settings of one deck options preset."""

    preset: str
    parameters: tuple[float, ...]  # FSRS-6, 21 numbers
    desired_retention: float


@dataclass(frozen=True)
class FsrsSettings:
    enabled: bool
    params: tuple[AnkiParams, ...]  # presets of the decks holding our cards, with parameters
    unreadable: tuple[str, ...]  # what could not be decoded, e.g. "the fsrs switch"


def read_fsrs_settings(conn: sqlite3.Connection, home_decks: list[int]) -> FsrsSettings:
    """FSRS's switch and the presets used by `home_decks` (one entry per card of ours), the
    preset with the most of our cards first; presets without FSRS parameters are left out."""
    unreadable: list[str] = []
    enabled = _fsrs_enabled(conn, unreadable)
    deck_configs = _deck_configs(conn, unreadable)
    cards_per_preset: dict[int, int] = {}
    for deck in home_decks:
        preset = deck_configs.get(deck, 1)
        cards_per_preset[preset] = cards_per_preset.get(preset, 0) + 1
    presets = _presets(conn, unreadable)
    params = tuple(
        presets[conf]
        for conf in sorted(cards_per_preset, key=lambda c: (-cards_per_preset[c], c))
        if conf in presets and presets[conf].parameters
    )
    return FsrsSettings(enabled, params, tuple(dict.fromkeys(unreadable)))


def _fsrs_enabled(conn: sqlite3.Connection, unreadable: list[str]) -> bool:
    if _has_table(conn, "config"):
        row = conn.execute("SELECT val FROM config WHERE key = 'fsrs'").fetchone()
        if row is None:
            return False
        value = _json(row[0])
    else:
        conf = _json_object(_col_field(conn, "conf"))
        value = conf.get("fsrs", False) if conf is not None else None
    if not isinstance(value, bool):
        unreadable.append("the FSRS switch")
        return False
    return value


def _deck_configs(conn: sqlite3.Connection, unreadable: list[str]) -> dict[int, int]:
    """Deck id -> options preset id (filtered decks have none)."""
    if _has_table(conn, "decks"):
        result = {}
        for did, kind in conn.execute("SELECT id, kind FROM decks"):
            normal = _first(_proto(kind), 1, 2)
            if normal is not None:
                result[did] = _first(_proto(normal), 1, 0) or 1
        return result
    decks = _json_object(_col_field(conn, "decks"))
    if decks is None:
        unreadable.append("the decks")
        return {}
    result = {}
    for did, deck in decks.items():
        if isinstance(deck, dict) and not deck.get("dyn") and _is_int(deck.get("conf", 1)) and did.lstrip("-").isdigit():
            result[int(did)] = deck.get("conf", 1)
    return result


def _presets(conn: sqlite3.Connection, unreadable: list[str]) -> dict[int, AnkiParams]:
    """Preset id -> its name, FSRS-6 parameters (or ()) and desired retention."""
    result = {}
    if _has_table(conn, "deck_config"):
        for conf_id, name, blob in conn.execute("SELECT id, name, config FROM deck_config"):
            fields = _proto(blob)
            retention = _first(fields, 37, 5)
            retention = round(struct.unpack("<f", retention)[0], 4) if retention is not None else DEFAULT_RETENTION
            result[conf_id] = _preset(str(name), _floats(fields, 6), _floats(fields, 5), retention)
        return result
    dconf = _json_object(_col_field(conn, "dconf"))
    if dconf is None:
        unreadable.append("the deck options")
        return {}
    for conf_id, conf in dconf.items():
        if not isinstance(conf, dict) or not conf_id.lstrip("-").isdigit():
            unreadable.append("the deck options")
            continue
        retention = conf.get("desiredRetention") or DEFAULT_RETENTION
        result[int(conf_id)] = _preset(
            str(conf.get("name", "")), conf.get("fsrsParams6") or [], conf.get("fsrsParams5") or [], retention
        )
    return result


def _preset(name: str, params6: list, params5: list, retention: object) -> AnkiParams:
    """A preset whose values are not sane numbers has no parameters to offer."""
    usable = isinstance(retention, (int, float)) and not isinstance(retention, bool) and 0 < retention < 1
    parameters = fsrs6(params6, params5) if usable else ()
    return AnkiParams(name, parameters, float(retention) if usable else DEFAULT_RETENTION)


def fsrs6(params6: list, params5: list) -> tuple[float, ...]:
    """FSRS-6 parameters; FSRS-5's 19 become FSRS-6 with w19 = 0 and decay 0.5 (as Anki does).
    Lists holding anything but finite numbers count as absent."""
    if not isinstance(params6, list) or not all(map(_is_number, params6)):
        params6 = []
    if not isinstance(params5, list) or not all(map(_is_number, params5)):
        params5 = []
    if len(params6) == 21:
        return tuple(round(p, 6) for p in params6)
    if len(params5) == 19:
        return tuple(round(p, 6) for p in params5) + (0.0, 0.5)
    return ()


def clamp(parameters: tuple[float, ...]) -> tuple[float, ...]:
    """Anki's float32 values, nudged into fsrs's bounds where rounding put them a hair outside."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(min(max(p, low), high) for p, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _col_field(conn: sqlite3.Connection, name: str) -> object:
    row = conn.execute(f"SELECT {name} FROM col").fetchone()
    return row[0] if row else None


def _json(value: object) -> object:
    """The JSON value in a text or blob column; None when it is not JSON."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value or "{}")
    except (ValueError, RecursionError):
        return None


def _json_object(value: object) -> dict | None:
    decoded = _json(value)
    return decoded if isinstance(decoded, dict) else None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


# -- a minimal protobuf reader (deck options and deck kinds are protobuf blobs since schema 15) ---


def _proto(data: bytes) -> list[tuple[int, int, object]]:
    """(field number, wire type, value) for each field of a protobuf message."""
    if not isinstance(data, bytes):
        raise sqlite3.DatabaseError("unreadable protobuf (not a blob)")
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
        if pos > len(data):
            raise sqlite3.DatabaseError("unreadable protobuf (truncated)")
        fields.append((number, wire, value))
    return fields


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
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
    values: list[float] = []
    for n, wire, value in fields:
        if n != number:
            continue
        if wire == 2:  # packed
            values.extend(struct.unpack(f"<{len(value) // 4}f", value[: len(value) // 4 * 4]))
        elif wire == 5:
            values.append(struct.unpack("<f", value)[0])
    return values


__all__ = ["AnkiParams", "FsrsSettings", "clamp", "fsrs6", "read_fsrs_settings"]

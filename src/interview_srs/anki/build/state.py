"""The build state: what the previous build decided, read and written as decks/build-state.json.

It remembers, for every card id, a hash of its content and the `mod` time given to it; for
every package, the hash of its inputs and of its bytes; and the format of the writer that wrote
the packages (apkg.WRITER_FORMAT), so that a new writer rewrites them all. A card keeps its
`mod` until its content changes; then it gets a newer one, which is what makes Anki update the
note in place on re-import. Unchanged cards keep theirs, so re-importing touches nothing else.
The file is committed next to the decks, so every curator's build gives the same times.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from interview_srs.bank import parse_cache

STATE_FILE = "build-state.json"
STATE_FORMAT = 1
# Anki keeps `mod` in seconds as a 64-bit integer, and clients hold ids below 2**53; the year
# 9999 keeps every date arithmetic on the way (and the build state's JSON) ordinary.
MAX_CLOCK = 253_402_300_799


class BuildError(Exception):
    """A build that cannot go ahead; the message is for the user."""


class Stamp(NamedTuple):
    """A note's content hash and the `mod` given to it (a tuple: a large bank has many)."""

    hash: str
    mod: int


@dataclass(frozen=True)
class BuildState:
    """What the previous build decided; see the module docstring."""

    note_type: Stamp | None = None
    notes: dict[str, Stamp] = field(default_factory=dict)
    # output file name -> {"inputs": hash of everything it was built from, "sha256": of its bytes,
    # "deck": the deck it holds, to name in the import advice}
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    # card file name (relative to the cards folder) -> sha256 of its bytes
    sources: dict[str, str] = field(default_factory=dict)
    # the format of the package writer that wrote every package in `outputs` (apkg.WRITER_FORMAT);
    # None: written before the state recorded it
    writer: int | None = None

    def to_dict(self) -> dict:
        return {
            "format": STATE_FORMAT,
            "writer": self.writer,
            "note_type": None if self.note_type is None else self.note_type._asdict(),
            "notes": {key: stamp._asdict() for key, stamp in sorted(self.notes.items())},
            "outputs": dict(sorted(self.outputs.items())),
            "sources": dict(sorted(self.sources.items())),
        }

    @classmethod
    def from_dict(cls, data: object) -> BuildState:
        """The state in `data` (parsed JSON); ValueError saying where its shape is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, got {_json_kind(data)}")
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown build-state format {_short(data.get('format'))}")
        note_type = data.get("note_type")
        return cls(
            note_type=None if note_type is None else _stamp(note_type, "note_type"),
            notes=_stamps(_object(data, "notes")),
            outputs={
                name: _strings(record, f"outputs.{name}") for name, record in _object(data, "outputs").items()
            },
            sources=_strings(data.get("sources", {}), "sources"),
            writer=_writer(data.get("writer")),
        )


def _writer(value: object) -> int | None:
    if value is not None and not (type(value) is int and value >= 0):
        raise ValueError("writer: expected a format number")
    return value


def _json_kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _object(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key}: expected a JSON object, got {_json_kind(value)}")
    return value


def _strings(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{_cut(where)}: expected an object of texts")
    return dict(value)


def _cut(where: str) -> str:
    return where if len(where) <= 60 else where[:60] + "…"


def _stamp(value: object, where: str) -> Stamp:
    if not _is_stamp(value):
        raise ValueError(f"{_cut(where)}: expected {{\"hash\": text, \"mod\": seconds}}")
    return Stamp(value["hash"], value["mod"])


def _is_stamp(value: object) -> bool:
    return (
        type(value) is dict
        and len(value) == 2
        and type(value.get("hash")) is str
        and type(value.get("mod")) is int
        and 0 <= value["mod"] <= MAX_CLOCK
    )


def _stamps(notes: dict) -> dict[str, Stamp]:
    """Every note's stamp. A large bank has tens of thousands, so they are checked all at once
    first; only a state that fails is checked one by one, to say where."""
    values = notes.values()
    if set(map(type, values)) <= {dict} and set(map(len, values)) <= {2}:
        try:
            stamps = {key: Stamp(value["hash"], value["mod"]) for key, value in notes.items()}
        except KeyError:
            stamps = None
        if stamps is not None:
            mods = [stamp.mod for stamp in stamps.values()]
            if (
                set(map(type, (stamp.hash for stamp in stamps.values()))) <= {str}
                and set(map(type, mods)) <= {int}
                and (not mods or 0 <= min(mods) and max(mods) <= MAX_CLOCK)
            ):
                return stamps
    return {key: _stamp(value, f"notes.{key}") for key, value in notes.items()}


def read_state(out_dir: Path, name: str = STATE_FILE) -> BuildState:
    """The previous build's state (empty when there is none); BuildError when it is damaged."""
    path = out_dir / name
    if not path.exists() and not path.is_symlink():
        return BuildState()
    known = _known_state(path)
    if known is not None:
        return known
    try:
        return BuildState.from_dict(json.loads(path.read_text("utf-8")))
    except RecursionError:
        reason = "nested too deeply"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except ValueError as exc:  # JSON syntax, not UTF-8, or the wrong shape
        reason = str(exc).splitlines()[0][:200]
    raise BuildError(
        f"{path}: cannot read the build state ({reason}); restore it from git, or delete it to "
        "rebuild every deck (all notes then get new modification times)"
    )


def _known_state(path: Path) -> BuildState | None:
    """The state in `path` as this tool last wrote it, while the file is that one (same size,
    time and inode): a compact copy in the parse cache is read several times faster than
    the indented file, which a 10,000-card bank makes 1.2 MB."""
    try:
        identity = parse_cache.file_identity(path)
        copy = parse_cache.load_value(_state_key(path), parse_cache.cache_dir())
        if not (isinstance(copy, dict) and copy.get("file") == identity):
            return None
        ids, hashes, mods = copy["ids"].split("\n"), copy["hashes"].split("\n"), copy["mods"]
        if not copy["ids"]:
            ids, hashes = [], []
        if not (len(ids) == len(hashes) == len(mods) and set(map(type, mods)) <= {int}):
            return None
        state = BuildState.from_dict({**copy["state"], "notes": {}})
        return replace(state, notes=dict(zip(ids, map(Stamp, hashes, mods))))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember_state(path: Path, state: BuildState) -> None:
    """Keep the compact copy `_known_state` reads (ids and hashes hold no line breaks)."""
    try:
        identity = parse_cache.file_identity(path)
    except OSError:
        return
    parse_cache.store_value(
        _state_key(path),
        {
            "file": identity,
            "state": replace(state, notes={}).to_dict(),
            "ids": "\n".join(state.notes),
            "hashes": "\n".join(stamp.hash for stamp in state.notes.values()),
            "mods": [stamp.mod for stamp in state.notes.values()],
        },
        parse_cache.cache_dir(),
    )


def _state_key(path: Path) -> str:
    return f"build-state:{os.path.abspath(path)}"


def state_text(state: BuildState, notes: str | None = None) -> str:
    """`json.dumps(state.to_dict(), indent=1)`, character for character, without its slow path.

    Indented JSON goes through the pure-Python encoder, which on a 10,000-card bank cost more
    than the rest of a one-edit rebuild's bookkeeping; the notes, nearly all of the file, are
    written by `notes_text` (`notes`, when the caller wrote them already).
    """
    data = replace(state, notes={}).to_dict()
    marker = "\u0000notes\u0000"
    data["notes"] = marker
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace(json.dumps(marker), notes_text(state.notes) if notes is None else notes, 1) + "\n"


def notes_text(notes: dict[str, Stamp]) -> str:
    """The state's notes as `json.dumps(..., indent=1)` writes them one level in, quoting through
    json.dumps only texts that need escapes."""
    ordered = sorted(notes.items())
    # Card ids and hex hashes, the usual texts, need no escapes: one check for all of them.
    plain = _PLAIN.match("".join(key + stamp.hash for key, stamp in ordered)) is not None
    quoted = (lambda text: f'"{text}"') if plain else (lambda text: json_text(text, ensure_ascii=False))
    return "{}" if not ordered else "{\n" + ",\n".join(
        f'  {quoted(key)}: {{\n   "hash": {quoted(stamp.hash)},\n   "mod": {stamp.mod}\n  }}'
        for key, stamp in ordered
    ) + "\n }"


_PLAIN = re.compile(r"[a-z0-9-]*\Z")  # card ids and hex hashes: JSON quotes them as they are


def json_text(text: str, ensure_ascii: bool = True) -> str:
    """`json.dumps(text, ensure_ascii=...)`, without its call for the usual texts (ids, GUIDs,
    hashes): printable ASCII without quotes or backslashes is quoted as it is either way."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=ensure_ascii)


def build_clock(environ: dict | None = None) -> int:
    """Seconds since the epoch; SOURCE_DATE_EPOCH pins it, as reproducible builds expect."""
    environ = os.environ if environ is None else environ
    pinned = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not pinned:
        return int(time.time())
    if not (pinned.isascii() and pinned.isdigit()) or not 0 <= int(pinned) <= MAX_CLOCK:
        shown = pinned if len(pinned) <= 40 else pinned[:40] + "…"
        raise BuildError(
            f"SOURCE_DATE_EPOCH='{shown}' is not a time: give whole seconds since 1970, from 0 to {MAX_CLOCK}"
        )
    return int(pinned)

"""`srs build`: compile cards/ into decks/*.apkg, keeping Anki's modification times honest.

The build state (decks/build-state.json, committed next to the decks) remembers, for every
card id, a hash of its content and the `mod` time given to it. A card keeps its `mod` until
its content changes; then it gets a newer one, which is what makes Anki update the note in
place on re-import. Unchanged cards keep theirs, so re-importing touches nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from interview_srs.anki import notes as anki_export, package_cache, package_zip

from interview_srs.bank import parse_cache
from interview_srs.anki.bank_index import Index, IndexedFile, index_of, load_index, render_deck
from interview_srs.bank.card_paths import COMBINED_STEM, package_name
from interview_srs.bank.card_paths import card_files
from interview_srs.bank.load import load_folders
from interview_srs.base.output_set import STATE_TEMP_PREFIX, OutputSet, remove_leftovers, write_failure

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
    # output file name -> {"inputs": hash of everything it was built from, "digest": package_digest}
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    # card file name (relative to the cards folder) -> sha256 of its bytes
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "format": STATE_FORMAT,
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
        )


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


def _remember_state(path: Path, state: BuildState) -> None:
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


@dataclass(frozen=True)
class DeckReport:
    deck: str
    output: str
    cards: int
    new: tuple[str, ...]
    changed: tuple[str, ...]
    written: bool
    borrowed: int = 0


@dataclass(frozen=True)
class BuildReport:
    decks: tuple[DeckReport, ...]
    removed: tuple[str, ...]
    note_type_changed: bool
    up_to_date: bool
    packages: dict[str, str] = field(default_factory=dict)  # package name -> its deck, for import


# Shared with `srs check`, which reports two files that would write the same package.
output_name = package_name


def safe_output_path(out_dir: Path, name: str) -> Path:
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise BuildError(f"refusing to write {name}: outside {out_dir}")
    return target


def _file_sha(path: Path) -> str:
    with open(path, "rb") as file:  # in blocks: a large package is not held whole
        return hashlib.file_digest(file, "sha256").hexdigest()


def _source_hashes(cards_dir: Path) -> dict[str, str]:
    """Each card file's hash; "" for a file that cannot be read (load_bank then says why).

    A file with the size, modification time and inode it had when last hashed here is not read
    again (the record is in the parse cache): most of a large bank is unchanged between builds.
    """
    folder = parse_cache.cache_dir()
    key = f"sources:{os.path.abspath(cards_dir)}"
    known = parse_cache.load_value(key, folder)
    known = known if isinstance(known, dict) else {}
    hashes, identities = {}, {}
    for path in card_files(cards_dir):
        name = path.relative_to(cards_dir).as_posix()
        try:
            identity = parse_cache.file_identity(path)
            before = known.get(name)
            if isinstance(before, dict) and before.get("stat") == identity and isinstance(before.get("sha"), str):
                hashes[name] = before["sha"]
            else:
                hashes[name] = _file_sha(path)
            identities[name] = {"stat": identity, "sha": hashes[name]}
        except OSError:
            hashes[name] = ""
    if identities != known:
        parse_cache.store_value(key, identities, folder)
    return hashes


def _recorded_package_sha(path: Path, recorded: dict[str, str]) -> str | None:
    """The package's hash when it is still the file this tool wrote last time, else None."""
    if not path.exists():
        return None
    if recorded.get("sha256") and package_cache.unchanged(path, recorded["sha256"]):
        return recorded["sha256"]
    sha = _file_sha(path)
    if sha != recorded.get("sha256"):
        return None
    package_cache.remember(path, sha)
    return sha


def build(cards_dir: Path, out_dir: Path, now: int | None = None, patch: bool = True) -> BuildReport:
    """Build every deck that is out of date, then record the new state.

    Nothing is written unless every card file is valid, and the packages and the build state
    are renamed into place together once all are complete (output_set.py), so a failed build
    leaves the previous decks as they were. With `patch`, a package is made by changing the
    previous one where package_cache.py still has its collection, and the new ones are kept
    there for the next build.
    """
    cards_dir, out_dir = Path(cards_dir), Path(out_dir)
    now = build_clock() if now is None else now
    try:
        out_dir.stat()  # a name too long, a loop: said once, as a write failure
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise BuildError(write_failure(out_dir, exc)) from None
    state = read_state(out_dir)
    sources = _source_hashes(cards_dir) if cards_dir.is_dir() else {}
    if _nothing_changed(sources, out_dir, state):
        return BuildReport(decks=(), removed=(), note_type_changed=False, up_to_date=True, packages=_labels(state))
    with _EarlyCopy(out_dir, state, patch) as early:
        return _rebuild(cards_dir, out_dir, now, patch, state, sources, early)


def _rebuild(
    cards_dir: Path, out_dir: Path, now: int, patch: bool, state: BuildState, sources: dict[str, str], early: _EarlyCopy
) -> BuildReport:
    """`build` once something changed."""
    index = load_index(cards_dir, sources)
    plan = plan_build(index.files, state, now)
    written: dict[str, anki_export.Written] = {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with OutputSet(out_dir) as files:
            # the notes, most of the state file, are written out while the packages are
            outputs, written, notes = _write_outputs(
                plan, state, out_dir, files, index, patch, early, meanwhile=lambda: notes_text(plan.stamps)
            )
            new_state = BuildState(note_type=plan.note_type, notes=plan.stamps, outputs=outputs, sources=sources)
            state_temp = files.temporary(out_dir / STATE_FILE, STATE_TEMP_PREFIX)
            state_temp.write_text(state_text(new_state, notes), "utf-8")
            files.commit()
        plain = "\n" not in "".join(new_state.notes) + "".join(s.hash for s in new_state.notes.values())
        if patch and plain:  # a scratch build (--verify) leaves no copy behind
            _remember_state(out_dir / STATE_FILE, new_state)
    except (OSError, sqlite3.Error, package_zip.PackageTooLarge) as exc:
        for package in written.values():  # their collections were to be kept
            package.collection.unlink(missing_ok=True)
        raise BuildError(write_failure(out_dir, exc)) from None
    _keep_collections(out_dir, plan, state, outputs, written, patch)
    reports = tuple(
        DeckReport(
            deck=output.label,
            output=output.name,
            cards=sum(len(notes) for _name, notes in output.decks),
            new=output.new,
            changed=output.changed,
            written=output.name in written,
            borrowed=output.borrowed,
        )
        for output in plan.outputs
    )
    for stale in sorted(set(state.outputs) - set(outputs)):
        try:
            safe_output_path(out_dir, stale).unlink(missing_ok=True)
        except OSError as exc:
            raise BuildError(f"the decks are built, but {out_dir / stale} could not be removed: {exc.strerror}") from None
    if index.rendered:  # something new was cached
        parse_cache.prune_now_and_then(parse_cache.cache_dir())
    return BuildReport(
        decks=reports,
        removed=tuple(sorted(set(state.notes) - set(plan.stamps))),
        note_type_changed=state.note_type is None or state.note_type.hash != plan.note_type.hash,
        up_to_date=False,
        packages=_labels(BuildState(outputs=outputs)),
    )


def _labels(state: BuildState) -> dict[str, str]:
    """Package name -> the deck it holds ("" when an older state did not record it)."""
    return {name: record.get("deck", "") for name, record in state.outputs.items()}


def _write_outputs(
    plan: BuildPlan,
    state: BuildState,
    out_dir: Path,
    files: OutputSet,
    index: Index,
    patch: bool,
    early: _EarlyCopy,
    meanwhile,
) -> tuple[dict[str, dict[str, str]], dict[str, anki_export.Written], Any]:
    """Write every package whose inputs changed to a temporary file of `files`; returns the
    outputs' record for the build state, the packages written, and what `meanwhile()` returned:
    work done on this thread while the packages are written on others."""
    package_sha: dict[str, str] = {}  # output name -> sha256 of the package it will be
    jobs = []
    for output in plan.outputs:
        target = safe_output_path(out_dir, output.name)
        previous = state.outputs.get(output.name, {})
        sha = _recorded_package_sha(target, previous)
        if sha is not None and previous.get("inputs") == output.inputs_hash:
            package_sha[output.name] = sha
            continue
        temporary = files.temporary(target, f".{Path(output.name).stem}-", anki_export.TEMP_PACKAGE_SUFFIX)
        base = early.base_for(output.name, target, sha) if patch and sha is not None else None
        if base is not None and (base.note_type_mod, base.decks) != (plan.note_type.mod, output.deck_names):
            base = None
        jobs.append((output, temporary, base))
    rows = _NoteRows(index)

    def write(
        output: PlannedOutput, temporary: Path, base: package_cache.Base | None
    ) -> tuple[anki_export.Written, str]:
        if base is not None:
            package = anki_export.patch_package_to(
                temporary, base.previous, base.notes, list(output.decks), rows.row, keep_collection=patch,
                copy=early.take(base),  # taken here, so that a copy no writer took is removed
            )
        else:
            decks = [anki_export.DeckContent(name, map(rows.row, notes)) for name, notes in output.decks]
            package = anki_export.write_package_to(temporary, decks, plan.note_type.mod, keep_collection=patch)
        return package, _file_sha(temporary)

    # sqlite, zlib and hashlib release the GIL, so packages are written and hashed side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [(output, pool.submit(write, output, temporary, base)) for output, temporary, base in jobs]
        done_meanwhile = meanwhile()
    failures = [future.exception() for _output, future in futures if future.exception()]
    if failures:
        for _output, future in futures:  # the collections the others were to keep
            if not future.exception():
                future.result()[0].collection.unlink(missing_ok=True)
        raise failures[0]
    written = {}
    for output, future in futures:
        written[output.name], package_sha[output.name] = future.result()
    outputs = {
        # "deck": what `srs build` tells the user to import, without opening the package again
        output.name: {"inputs": output.inputs_hash, "sha256": package_sha[output.name], "deck": output.label}
        for output in plan.outputs
    }
    return outputs, written, done_meanwhile


class _EarlyCopy:
    """The collection of the package that holds every deck, copied for patching while the bank
    is read and planned.

    Every rebuild that changes a card patches that package, and copying its collection first
    (20 MB for 10,000 cards) was the longest step of a one-edit rebuild's writing. The copy runs
    on a thread (it waits on the disk, not the interpreter) and, if the package turns out not to
    need it, is removed.
    """

    def __init__(self, out_dir: Path, state: BuildState, patch: bool):
        self.name = output_name(COMBINED_STEM)
        self.sha: str | None = None  # of the package copied from
        self.base: package_cache.Base | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._copy = None  # the future copy
        if not patch:
            return
        try:
            target = safe_output_path(out_dir, self.name)
            self.sha = _recorded_package_sha(target, state.outputs.get(self.name, {}))
        except (OSError, BuildError):  # said when the package is written, if it matters then
            return
        self.base = package_cache.base_for(target, self.sha) if self.sha is not None else None
        if self.base is None:
            return
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._copy = self._pool.submit(anki_export.copy_collection, self.base.previous, package_cache.folder())

    def __enter__(self) -> _EarlyCopy:
        return self

    def base_for(self, name: str, target: Path, sha: str) -> package_cache.Base | None:
        """package_cache.base_for, without reading the combined package's record again."""
        if name == self.name and sha == self.sha and self.base is not None:
            return self.base
        return package_cache.base_for(target, sha)

    def take(self, base: package_cache.Base | None) -> Path | None:
        """The copy, when `base` is the one copied and the copy worked; the caller then owns the
        file. Called by the writing threads: only the one writing the package copied from takes it."""
        if self._copy is None or base is None or base is not self.base:
            return None
        copy, self._copy = self._copy, None
        try:
            return copy.result()
        except OSError:
            return None  # the writer copies it again, and says why if that fails too

    def __exit__(self, *exc) -> None:
        if self._copy is not None:  # not taken: remove it
            try:
                self._copy.result().unlink(missing_ok=True)
            except OSError:
                pass
        if self._pool is not None:
            self._pool.shutdown()


def _keep_collections(
    out_dir: Path,
    plan: BuildPlan,
    state: BuildState,
    outputs: dict[str, dict[str, str]],
    written: dict[str, anki_export.Written],
    patch: bool,
) -> None:
    """Hand the collections of the packages just written to the cache, in place of the old ones."""
    if not patch:
        return
    by_name = {output.name: output for output in plan.outputs}
    for name, package in written.items():
        package_cache.keep(
            outputs[name]["sha256"], package, by_name[name].deck_names, plan.note_type.mod, out_dir / name
        )
        replaced = state.outputs.get(name, {}).get("sha256")
        if replaced and replaced != outputs[name]["sha256"]:
            package_cache.forget(replaced)
    package_cache.prune()


class _NoteRows:
    """Notes as they go into a package, read a file at a time (Index.notes_of).

    A package lists its notes file by file, so each writing thread keeps the notes of the file
    it is in: a large first build holds a file's notes per thread, not every note."""

    def __init__(self, index: Index):
        self.index = index
        self.current = threading.local()

    def row(self, note: Placed) -> anki_export.NoteRow:
        current = self.current
        if getattr(current, "home", None) != note.home:
            current.notes = self.index.notes_of(self.index.files[note.home])
            current.home = note.home
        rendered = current.notes[note.row]
        return anki_export.NoteRow(rendered.guid, rendered.flds, rendered.tags, note.mod)


def _nothing_changed(sources: dict[str, str], out_dir: Path, state: BuildState) -> bool:
    """The fast path: same card files, same note type, every package still the one we wrote."""
    if not state.outputs or state.note_type is None or not sources:
        return False
    if state.note_type.hash != anki_export.note_type_hash() or sources != state.sources:
        return False
    return all(
        _recorded_package_sha(out_dir / name, recorded) is not None for name, recorded in state.outputs.items()
    )


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


class Placed(NamedTuple):
    """A note's place in a package, and where its rendered fields are (bank_index.py).

    A named tuple rather than a frozen dataclass: a large bank makes one per note per
    package, and a tuple is made several times faster."""

    guid: str
    mod: int
    home: int  # the card file's position in the bank
    row: int  # the card's position in its file


@dataclass(frozen=True)
class PlannedOutput:
    name: str
    label: str
    decks: tuple[tuple[str, tuple[Placed, ...]], ...]  # (deck name, its notes), in package order
    inputs_hash: str
    new: tuple[str, ...]
    changed: tuple[str, ...]
    borrowed: int = 0  # notes whose home is another file, carried because they cite its documents

    @property
    def deck_names(self) -> tuple[str, ...]:
        return tuple(name for name, _notes in self.decks)


@dataclass(frozen=True)
class BuildPlan:
    note_type: Stamp
    stamps: dict[str, Stamp]
    outputs: tuple[PlannedOutput, ...]


def plan_build(files: tuple[IndexedFile, ...], state: BuildState, now: int) -> BuildPlan:
    """Decide every note's `mod` and what each output file holds; pure, so it is easy to test."""
    type_hash = anki_export.note_type_hash()
    previous_type = state.note_type
    if previous_type is not None and previous_type.hash == type_hash:
        note_type = previous_type
    else:
        floor = previous_type.mod + 1 if previous_type else now
        note_type = Stamp(type_hash, max(now, floor))
    stamps: dict[str, Stamp] = {}
    items: dict[str, str] = {}  # note guid -> JSON of [guid, mod, content hash], for inputs_hash
    contents: list[tuple[IndexedFile, tuple[Placed, ...]]] = []
    per_deck_new: dict[str, list[str]] = {}
    per_deck_changed: dict[str, list[str]] = {}
    for home, file in enumerate(files):
        notes = []
        for row, card in enumerate(file.cards):
            old = state.notes.get(card.id)
            if old is not None and old.hash == card.digest:
                stamp = old
            else:
                stamp = Stamp(card.digest, max(now, old.mod + 1) if old else now)
                (per_deck_changed if old else per_deck_new).setdefault(file.deck, []).append(card.id)
            stamps[card.id] = stamp
            # GUIDs (base 91) and content hashes (hex) need no escapes in JSON
            items[card.guid] = f'["{card.guid}", {stamp.mod}, "{card.digest}"]'
            notes.append(Placed(card.guid, stamp.mod, home, row))
        contents.append((file, tuple(notes)))

    def inputs_hash(decks: list[tuple[str, tuple[Placed, ...]]]) -> str:
        """sha256 of json.dumps([type hash, type mod, [deck, [[guid, mod, content hash], …]], …]),
        written out from each note's piece: a large bank has tens of thousands."""
        parts = [json_text(note_type.hash), str(note_type.mod)] + [
            f"[{json_text(name)}, [{', '.join(items[n.guid] for n in notes)}]]" for name, notes in decks
        ]
        return hashlib.sha256(f"[{', '.join(parts)}]".encode("utf-8")).hexdigest()

    outputs = []
    names = set()
    for file, notes in contents:
        name = output_name(file.path.stem)
        if name in names or name == output_name(COMBINED_STEM):
            raise BuildError(f"{file.display_path}: its deck file name {name} clashes with another output; rename the card file")
        names.add(name)
        borrowed = borrowed_notes(file, contents)
        package = ((file.deck, notes + borrowed),)
        outputs.append(
            PlannedOutput(
                name=name,
                label=file.deck,
                decks=package,
                inputs_hash=inputs_hash(list(package)),
                new=tuple(per_deck_new.get(file.deck, ())),
                changed=tuple(per_deck_changed.get(file.deck, ())),
                borrowed=len(borrowed),
            )
        )
    everything = [(file.deck, notes) for file, notes in contents]
    outputs.append(
        PlannedOutput(
            name=output_name(COMBINED_STEM),
            label="（全部）",
            decks=tuple(everything),
            inputs_hash=inputs_hash(everything),
            new=tuple(i for ids in per_deck_new.values() for i in ids),
            changed=tuple(i for ids in per_deck_changed.values() for i in ids),
        )
    )
    return BuildPlan(note_type=note_type, stamps=stamps, outputs=tuple(outputs))


def json_text(text: str, ensure_ascii: bool = True) -> str:
    """`json.dumps(text, ensure_ascii=...)`, without its call for the usual texts (ids, GUIDs,
    hashes): printable ASCII without quotes or backslashes is quoted as it is either way."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=ensure_ascii)


def borrowed_notes(
    file: IndexedFile, contents: list[tuple[IndexedFile, tuple[Placed, ...]]]
) -> tuple[Placed, ...]:
    """The notes of other files that cite one of `file.documents`, in bank order.

    They go into this file's package, in this file's deck, so that a candidate who imports one
    company's package gets every question that company's sources asked. The note itself (guid,
    fields, mod) is the same in every package, so importing several packages never conflicts;
    Anki keeps a card in the deck of the package imported first.
    """
    if not file.documents:
        return ()
    wanted = set(file.documents)
    return tuple(
        note
        for other, notes in contents
        if other is not file
        for card, note in zip(other.cards, notes)
        if wanted.intersection(card.documents)
    )


def stale_outputs(cards_dir: Path, out_dir: Path) -> list[str]:
    """Which committed packages differ in content from what cards/ builds now (empty: fresh).

    The rebuild happens in a temporary folder from the committed build state, so nothing in
    `out_dir` changes.
    """
    cards_dir, out_dir = Path(cards_dir), Path(out_dir)
    state = read_state(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        if (out_dir / STATE_FILE).exists():
            (scratch / STATE_FILE).write_bytes((out_dir / STATE_FILE).read_bytes())
        # A clock just past every recorded stamp: a card whose content changed gets a new mod, so it shows up.
        report = build(cards_dir, scratch, now=max([s.mod for s in state.notes.values()] + [0]) + 1, patch=False)
        stale = []
        for deck in report.decks:
            committed = out_dir / deck.output
            if not committed.exists() or anki_export.package_digest(committed) != anki_export.package_digest(
                scratch / deck.output
            ):
                stale.append(deck.output)
        expected = {deck.output for deck in report.decks}
        stale.extend(sorted(p.name for p in out_dir.glob("*.apkg") if p.name not in expected))
        if not stale and read_state(scratch).notes != state.notes:
            stale.append(STATE_FILE)
    return stale


# -- the personal package: the same notes, with your own answers ------------------------------------

PERSONAL_PACKAGE = "interview-srs-personal.apkg"
PERSONAL_STATE = "personal-build-state.json"


@dataclass(frozen=True)
class PersonalReport:
    output: Path
    cards: int
    answers: int  # notes carrying an answer of yours
    changed: tuple[str, ...]  # card ids whose note gets a newer mod (what a re-import updates)
    warnings: tuple[str, ...]  # answer files that could not be used (card gone): kept, not used
    written: bool


def build_personal(folders: tuple[Path, ...], answers_dir: Path, out_dir: Path, now: int | None = None) -> PersonalReport:
    """`srs build --answers`: one package with every deck of the card `folders` (those `srs
    review` reads), each note carrying your answer (if any) in `MyAnswer`.

    Its notes have the shared decks' GUIDs, so importing it updates those notes in place. Its own
    build state (PERSONAL_STATE, next to it) gives a note a newer `mod` exactly when the note's
    content changes — an answer edited, or the card changed by a bank update — so a re-import
    updates just those notes. Raises BuildError (answer files that are not UTF-8 or name a
    missing story: nothing is written) and CardsError.
    """
    from interview_srs.personal.answers import Personal, to_html

    out_dir = Path(out_dir)
    if (out_dir / STATE_FILE).exists():
        raise BuildError(
            f"{out_dir} holds the shared decks (it has {STATE_FILE}); the personal package goes "
            "elsewhere: pass --out DIR"
        )
    now = build_clock() if now is None else now
    bank = load_folders(folders)
    personal = Personal(answers_dir)
    answers: dict[str, str] = {}
    blocking = []  # problems in the answers going into the package: they would lose text
    for _deck, card in bank.cards():
        mine = personal.answer(card.id)
        if mine is None:
            continue
        blocking.extend(p for p in mine.problems if p not in blocking)
        if mine.written:
            answers[card.id] = to_html(mine.text, card.question)
    if blocking:
        count = len(blocking)
        raise BuildError("\n".join([str(p) for p in blocking] + [
            f"{count} problem{'s' if count != 1 else ''} in your answers; nothing was written."]))
    warnings = [str(p) for p in personal.check([card.id for _deck, card in bank.cards()])]
    state = read_state(out_dir, PERSONAL_STATE)
    rendered = {deck.path: render_deck(deck, answers) for deck in bank.decks}
    index = Index(tuple(index_of(deck, rendered[deck.path]) for deck in bank.decks), rendered)
    plan = plan_build(index.files, state, now)
    (output,) = [o for o in plan.outputs if o.name == output_name(COMBINED_STEM)]
    target = safe_output_path(out_dir, PERSONAL_PACKAGE)
    previous = state.outputs.get(PERSONAL_PACKAGE, {})
    sha = _recorded_package_sha(target, previous)
    written = not (sha is not None and previous.get("inputs") == output.inputs_hash)
    try:  # the package and its state change together, as a shared build's do (output_set.py)
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with OutputSet(out_dir) as files:
            if written:
                temporary = files.temporary(target, f".{target.stem}-", anki_export.TEMP_PACKAGE_SUFFIX)
                rows = _NoteRows(index)
                decks = [anki_export.DeckContent(name, map(rows.row, notes)) for name, notes in output.decks]
                anki_export.write_package_to(temporary, decks, plan.note_type.mod)
                sha = _file_sha(temporary)
            new_state = BuildState(note_type=plan.note_type, notes=plan.stamps,
                                   outputs={PERSONAL_PACKAGE: {"inputs": output.inputs_hash, "sha256": sha}})
            files.temporary(out_dir / PERSONAL_STATE, STATE_TEMP_PREFIX).write_text(state_text(new_state), "utf-8")
            files.commit()
    except (OSError, sqlite3.Error, package_zip.PackageTooLarge) as exc:
        raise BuildError(write_failure(out_dir, exc)) from None
    return PersonalReport(
        output=target,
        cards=len(plan.stamps),
        answers=len(answers),
        changed=output.new + output.changed,
        warnings=tuple(warnings),
        written=written,
    )


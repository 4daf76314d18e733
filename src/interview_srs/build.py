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
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interview_srs import anki_export, parse_cache
from interview_srs.card_paths import COMBINED_STEM, package_name
from interview_srs.output_set import STATE_TEMP_PREFIX, OutputSet, remove_leftovers, write_failure
from interview_srs.cards import Bank, DeckFile, card_files, load_bank

STATE_FILE = "build-state.json"
STATE_FORMAT = 1
# Anki keeps `mod` in seconds as a 64-bit integer, and clients hold ids below 2**53; the year
# 9999 keeps every date arithmetic on the way (and the build state's JSON) ordinary.
MAX_CLOCK = 253_402_300_799


class BuildError(Exception):
    """A build that cannot go ahead; the message is for the user."""


@dataclass(frozen=True)
class Stamp:
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
            "note_type": None if self.note_type is None else vars(self.note_type),
            "notes": {key: vars(stamp) for key, stamp in sorted(self.notes.items())},
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
            notes={key: _stamp(value, f"notes.{key}") for key, value in _object(data, "notes").items()},
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
    if not (
        isinstance(value, dict)
        and set(value) == {"hash", "mod"}
        and isinstance(value["hash"], str)
        and type(value["mod"]) is int
        and 0 <= value["mod"] <= MAX_CLOCK
    ):
        raise ValueError(f"{_cut(where)}: expected {{\"hash\": text, \"mod\": seconds}}")
    return Stamp(value["hash"], value["mod"])


def read_state(out_dir: Path, name: str = STATE_FILE) -> BuildState:
    """The previous build's state (empty when there is none); BuildError when it is damaged."""
    path = out_dir / name
    if not path.exists() and not path.is_symlink():
        return BuildState()
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


# Shared with `srs check`, which reports two files that would write the same package.
output_name = package_name


def safe_output_path(out_dir: Path, name: str) -> Path:
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise BuildError(f"refusing to write {name}: outside {out_dir}")
    return target


def card_hash(deck: DeckFile, fields: list[str], tags: tuple[str, ...]) -> str:
    payload = json.dumps([deck.deck, fields, list(tags)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_hashes(cards_dir: Path) -> dict[str, str]:
    """Each card file's hash; "" for a file that cannot be read (load_bank then says why)."""
    hashes = {}
    for path in card_files(cards_dir):
        try:
            hashes[path.relative_to(cards_dir).as_posix()] = _file_sha(path)
        except OSError:
            hashes[path.relative_to(cards_dir).as_posix()] = ""
    return hashes


def _recorded_package_sha(path: Path, recorded: dict[str, str]) -> str | None:
    """The package's hash when it is still the file this tool wrote last time, else None."""
    if not path.exists():
        return None
    sha = _file_sha(path)
    return sha if sha == recorded.get("sha256") else None


def build(cards_dir: Path, out_dir: Path, now: int | None = None) -> BuildReport:
    """Build every deck that is out of date, then record the new state.

    Nothing is written unless every card file is valid, and the packages and the build state
    are renamed into place together once all are complete (output_set.py), so a failed build
    leaves the previous decks as they were.
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
        return BuildReport(decks=(), removed=(), note_type_changed=False, up_to_date=True)
    # The cards are not needed once planned: dropping them keeps a large build's memory down.
    plan = plan_build(load_bank(cards_dir), state, now, cached_renderer(cards_dir, sources))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with OutputSet(out_dir) as files:
            outputs, written = _write_outputs(plan, state, out_dir, files)
            new_state = BuildState(note_type=plan.note_type, notes=plan.stamps, outputs=outputs, sources=sources)
            state_temp = files.temporary(out_dir / STATE_FILE, STATE_TEMP_PREFIX)
            state_temp.write_text(state_text(new_state), "utf-8")
            files.commit()
    except (OSError, sqlite3.Error) as exc:
        raise BuildError(write_failure(out_dir, exc)) from None
    reports = tuple(
        DeckReport(
            deck=output.label,
            output=output.name,
            cards=sum(len(d.notes) for d in output.decks),
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
    parse_cache.prune(parse_cache.cache_dir())
    return BuildReport(
        decks=reports,
        removed=tuple(sorted(set(state.notes) - set(plan.stamps))),
        note_type_changed=state.note_type is None or state.note_type.hash != plan.note_type.hash,
        up_to_date=False,
    )


def _write_outputs(
    plan: BuildPlan, state: BuildState, out_dir: Path, files: OutputSet
) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Write every package whose inputs changed to a temporary file of `files`; returns the
    outputs' record for the build state and the names written."""
    package_sha: dict[str, str] = {}  # output name -> sha256 of the package it will be
    to_write = []
    for output in plan.outputs:
        target = safe_output_path(out_dir, output.name)
        previous = state.outputs.get(output.name, {})
        sha = _recorded_package_sha(target, previous)
        if sha is not None and previous.get("inputs") == output.inputs_hash:
            package_sha[output.name] = sha
        else:
            temporary = files.temporary(target, f".{Path(output.name).stem}-", anki_export.TEMP_PACKAGE_SUFFIX)
            to_write.append((output, temporary))
    # sqlite and zlib release the GIL, so packages are written side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for future in [
            pool.submit(anki_export.write_package_to, temporary, list(output.decks), plan.note_type.mod)
            for output, temporary in to_write
        ]:
            future.result()
    for output, temporary in to_write:
        package_sha[output.name] = _file_sha(temporary)
    outputs = {
        # "deck": what `srs build` tells the user to import, without opening the package again
        output.name: {"inputs": output.inputs_hash, "sha256": package_sha[output.name], "deck": output.label}
        for output in plan.outputs
    }
    return outputs, {output.name for output, _ in to_write}


def _nothing_changed(sources: dict[str, str], out_dir: Path, state: BuildState) -> bool:
    """The fast path: same card files, same note type, every package still the one we wrote."""
    if not state.outputs or state.note_type is None or not sources:
        return False
    if state.note_type.hash != anki_export.note_type_hash() or sources != state.sources:
        return False
    return all(
        _recorded_package_sha(out_dir / name, recorded) is not None for name, recorded in state.outputs.items()
    )


def state_text(state: BuildState) -> str:
    """`json.dumps(state.to_dict(), indent=1)`, character for character, without its slow path.

    Indented JSON goes through the pure-Python encoder, which on a 10,000-card bank cost more
    than the rest of a one-edit rebuild's bookkeeping; the notes, nearly all of the file, are
    written here with the C encoder for the strings.
    """
    data = state.to_dict()
    notes = data["notes"]
    marker = "\u0000notes\u0000"
    data["notes"] = marker
    text = json.dumps(data, ensure_ascii=False, indent=1)
    block = "{}" if not notes else "{\n" + ",\n".join(
        f'  {json.dumps(key, ensure_ascii=False)}: {{\n   "hash": {json.dumps(value["hash"], ensure_ascii=False)},'
        f'\n   "mod": {json.dumps(value["mod"])}\n  }}'
        for key, value in notes.items()
    ) + "\n }"
    return text.replace(json.dumps(marker), block, 1) + "\n"


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


@dataclass(frozen=True)
class PlannedOutput:
    name: str
    label: str
    decks: tuple[anki_export.DeckContent, ...]
    inputs_hash: str
    new: tuple[str, ...]
    changed: tuple[str, ...]
    borrowed: int = 0  # notes whose home is another file, carried because they cite its documents


@dataclass(frozen=True)
class BuildPlan:
    note_type: Stamp
    stamps: dict[str, Stamp]
    outputs: tuple[PlannedOutput, ...]


@dataclass(frozen=True)
class RenderedNote:
    """A card as Anki will store it, before its `mod` is decided."""

    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    digest: str  # card_hash of the fields and tags


def render_deck(deck: DeckFile, answers: dict[str, str] | None = None) -> list[RenderedNote]:
    """Every card of a file as a note: HTML fields, tags and content hash, in file order.

    `answers` (card id -> HTML) fills the MyAnswer field: only the personal package has them."""
    rendered = []
    for card in deck.cards:
        fields = tuple(anki_export.note_fields(deck, card, (answers or {}).get(card.id, "")))
        tags = deck.tags_for(card)
        rendered.append(RenderedNote(anki_export.note_guid(card.id), fields, tags, card_hash(deck, list(fields), tags)))
    return rendered


def cached_renderer(cards_dir: Path, sources: dict[str, str]) -> Callable[[DeckFile], list[RenderedNote]]:
    """`render_deck` through the parse cache: a file with the same bytes renders the same notes.

    Rendering is most of a rebuild's planning time, and after editing one card only one file
    has new bytes. The key covers every module whose code shapes the result.
    """
    from interview_srs import cards, source_refs

    folder = parse_cache.cache_dir()
    version = parse_cache.code_version(cards, anki_export, source_refs, sys.modules[__name__])

    def render(deck: DeckFile) -> list[RenderedNote]:
        sha = sources.get(deck.path.relative_to(cards_dir).as_posix())
        key = f"rendered:{version}:{sha}"
        cached = parse_cache.load_value(key, folder) if sha else None
        if isinstance(cached, list) and len(cached) == len(deck.cards):
            try:
                return [RenderedNote(guid, tuple(fields), tuple(tags), digest) for guid, fields, tags, digest in cached]
            except (TypeError, ValueError):
                pass
        rendered = render_deck(deck)
        if sha:
            parse_cache.store_value(key, [[n.guid, n.fields, n.tags, n.digest] for n in rendered], folder)
        return rendered

    return render


def plan_build(
    bank: Bank, state: BuildState, now: int, render: Callable[[DeckFile], list[RenderedNote]] = render_deck
) -> BuildPlan:
    """Decide every note's `mod` and what each output file holds; pure, so it is easy to test."""
    type_hash = anki_export.note_type_hash()
    previous_type = state.note_type
    if previous_type is not None and previous_type.hash == type_hash:
        note_type = previous_type
    else:
        floor = previous_type.mod + 1 if previous_type else now
        note_type = Stamp(type_hash, max(now, floor))
    stamps: dict[str, Stamp] = {}
    content_hash: dict[str, str] = {}  # note guid -> hash of its content
    contents = []
    per_deck_new: dict[str, list[str]] = {}
    per_deck_changed: dict[str, list[str]] = {}
    for deck in bank.decks:
        notes = []
        for card, rendered in zip(deck.cards, render(deck)):
            fields, tags, digest, guid = rendered.fields, rendered.tags, rendered.digest, rendered.guid
            old = state.notes.get(card.id)
            if old is not None and old.hash == digest:
                stamp = old
            else:
                stamp = Stamp(digest, max(now, old.mod + 1) if old else now)
                (per_deck_changed if old else per_deck_new).setdefault(deck.deck, []).append(card.id)
            stamps[card.id] = stamp
            content_hash[guid] = digest
            notes.append(anki_export.NoteRow(guid, tuple(fields), tags, stamp.mod))
        contents.append((deck, anki_export.DeckContent(deck.deck, tuple(notes))))

    def inputs_hash(decks: list[anki_export.DeckContent]) -> str:
        payload = [note_type.hash, note_type.mod] + [
            [d.name, [[n.guid, n.mod, content_hash[n.guid]] for n in d.notes]] for d in decks
        ]
        return hashlib.sha256(json.dumps(payload).encode("utf-8")).hexdigest()

    outputs = []
    names = set()
    for deck, content in contents:
        name = output_name(deck.path.stem)
        if name in names or name == output_name(COMBINED_STEM):
            raise BuildError(f"{deck.display_path}: its deck file name {name} clashes with another output; rename the card file")
        names.add(name)
        package = anki_export.DeckContent(content.name, content.notes + borrowed_notes(deck, contents))
        outputs.append(
            PlannedOutput(
                name=name,
                label=deck.deck,
                decks=(package,),
                inputs_hash=inputs_hash([package]),
                new=tuple(per_deck_new.get(deck.deck, ())),
                changed=tuple(per_deck_changed.get(deck.deck, ())),
                borrowed=len(package.notes) - len(content.notes),
            )
        )
    everything = [content for _, content in contents]
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


def borrowed_notes(
    deck: DeckFile, contents: list[tuple[DeckFile, anki_export.DeckContent]]
) -> tuple[anki_export.NoteRow, ...]:
    """The notes of other files that cite one of `deck.documents`, in bank order.

    They go into this file's package, in this file's deck, so that a candidate who imports one
    company's package gets every question that company's sources asked. The note itself (guid,
    fields, mod) is the same in every package, so importing several packages never conflicts;
    Anki keeps a card in the deck of the package imported first.
    """
    if not deck.documents:
        return ()
    wanted = set(deck.documents)
    return tuple(
        note
        for other, content in contents
        if other is not deck
        for card, note in zip(other.cards, content.notes)
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
        report = build(cards_dir, scratch, now=max([s.mod for s in state.notes.values()] + [0]) + 1)
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


def build_personal(cards_dir: Path, answers_dir: Path, out_dir: Path, now: int | None = None) -> PersonalReport:
    """`srs build --answers`: one package with every deck, each note carrying your answer (if
    any) in `MyAnswer`.

    Its notes have the shared decks' GUIDs, so importing it updates those notes in place. Its own
    build state (PERSONAL_STATE, next to it) gives a note a newer `mod` exactly when the note's
    content changes — an answer edited, or the card changed by a bank update — so a re-import
    updates just those notes. Raises BuildError (answer files that are not UTF-8 or name a
    missing story: nothing is written) and CardsError.
    """
    from interview_srs.personal import Personal, to_html

    cards_dir, out_dir = Path(cards_dir), Path(out_dir)
    if (out_dir / STATE_FILE).exists():
        raise BuildError(
            f"{out_dir} holds the shared decks (it has {STATE_FILE}); the personal package goes "
            "elsewhere: pass --out DIR"
        )
    now = build_clock() if now is None else now
    bank = load_bank(cards_dir)
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
    plan = plan_build(bank, state, now, lambda deck: render_deck(deck, answers))
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
                anki_export.write_package_to(temporary, list(output.decks), plan.note_type.mod)
                sha = _file_sha(temporary)
            new_state = BuildState(note_type=plan.note_type, notes=plan.stamps,
                                   outputs={PERSONAL_PACKAGE: {"inputs": output.inputs_hash, "sha256": sha}})
            files.temporary(out_dir / PERSONAL_STATE, STATE_TEMP_PREFIX).write_text(state_text(new_state), "utf-8")
            files.commit()
    except (OSError, sqlite3.Error) as exc:
        raise BuildError(write_failure(out_dir, exc)) from None
    return PersonalReport(
        output=target,
        cards=len(plan.stamps),
        answers=len(answers),
        changed=output.new + output.changed,
        warnings=tuple(warnings),
        written=written,
    )


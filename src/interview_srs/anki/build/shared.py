"""`srs build`: compile cards/ into decks/*.apkg, keeping Anki's modification times honest.

A build reads the previous state (state.py), indexes the bank (index.py), plans every note's
`mod` and every package's notes (plan.py), writes the packages whose inputs changed
(outputs.py), and records the new state. `stale_outputs` (`srs build --verify`) does the same
in a scratch folder and compares.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from interview_srs.anki.build import apkg, chunked_zip
from interview_srs.anki.build.files import recorded_package_sha, safe_output_path, source_hashes
from interview_srs.anki.build.index import code_version, load_index
from interview_srs.anki.build.outputs import EarlyCopy, keep_collections, write_outputs
from interview_srs.anki.build.plan import plan_build
from interview_srs.anki.build.state import (
    STATE_FILE,
    BuildError,
    BuildState,
    build_clock,
    notes_text,
    read_state,
    remember_state,
    state_text,
)
from interview_srs.anki.notes import note_type_hash
from interview_srs.bank import parse_cache
from interview_srs.base.output_set import STATE_TEMP_PREFIX, OutputSet, remove_leftovers, write_failure


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


# Patching a previous package lays its SQLite pages out differently from writing it afresh, so
# a patched package is not byte-identical to a clean build. It pays off only for large banks;
# below this many notes every package is written afresh, and the committed decks/ of the
# curated bank are always what a clean build gives.
PATCH_FROM_NOTES = 2_000


def build(cards_dir: Path, out_dir: Path, now: int | None = None, patch: bool = True) -> BuildReport:
    """Build every deck that is out of date, then record the new state.

    Nothing is written unless every card file is valid, and the packages and the build state
    are renamed into place together once all are complete (output_set.py), so a failed build
    leaves the previous decks as they were. With `patch` and a bank of PATCH_FROM_NOTES notes or
    more, a package is made by changing the previous one where cache.py still has its collection,
    and the new ones are kept there for the next build.
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
    sources = source_hashes(cards_dir) if cards_dir.is_dir() else {}
    if _nothing_changed(sources, out_dir, state) and _rendered_by_this_code(out_dir):
        return BuildReport(decks=(), removed=(), note_type_changed=False, up_to_date=True, packages=_labels(state))
    # The previous build's size says whether copying its largest collection early can pay off.
    with EarlyCopy(out_dir, state, patch and len(state.notes) >= PATCH_FROM_NOTES) as early:
        report = _rebuild(cards_dir, out_dir, now, patch, state, sources, early)
    parse_cache.store_value(_rendered_key(out_dir), code_version(), parse_cache.cache_dir())
    return report


def _rendered_key(out_dir: Path) -> str:
    return f"rendered:{os.path.abspath(out_dir)}"


def _rendered_by_this_code(out_dir: Path) -> bool:
    """Whether this machine's last build of `out_dir` rendered its notes with this code: the card
    files alone do not tell, as a change in how a note is rendered ({公司}, the footer) changes
    the notes of unchanged cards. Kept in the cache folder, not in the committed build state,
    so that a code change that renders the same notes leaves decks/ as it was."""
    return parse_cache.load_value(_rendered_key(out_dir), parse_cache.cache_dir()) == code_version()


def _rebuild(
    cards_dir: Path, out_dir: Path, now: int, patch: bool, state: BuildState, sources: dict[str, str], early: EarlyCopy
) -> BuildReport:
    """`build` once something changed."""
    index = load_index(cards_dir, sources)
    plan = plan_build(index.files, state, now)
    # This bank's size decides: a large one patches and keeps its collections for the next build,
    # even on its first build (which has nothing to patch from).
    patch = patch and len(plan.stamps) >= PATCH_FROM_NOTES
    written: dict[str, apkg.Written] = {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with OutputSet(out_dir) as files:
            # the notes, most of the state file, are written out while the packages are
            outputs, written, notes = write_outputs(
                plan, state, out_dir, files, index, patch, early, meanwhile=lambda: notes_text(plan.stamps)
            )
            new_state = BuildState(
                note_type=plan.note_type, notes=plan.stamps, outputs=outputs, sources=sources, writer=apkg.WRITER_FORMAT
            )
            state_temp = files.temporary(out_dir / STATE_FILE, STATE_TEMP_PREFIX)
            state_temp.write_text(state_text(new_state, notes), "utf-8")
            files.commit()
        plain = "\n" not in "".join(new_state.notes) + "".join(s.hash for s in new_state.notes.values())
        if patch and plain:  # a scratch build (--verify) leaves no copy behind
            remember_state(out_dir / STATE_FILE, new_state)
    except (OSError, sqlite3.Error, chunked_zip.PackageTooLarge) as exc:
        for package in written.values():  # their collections were to be kept
            package.collection.unlink(missing_ok=True)
        raise BuildError(write_failure(out_dir, exc)) from None
    keep_collections(out_dir, plan, state, outputs, written, patch)
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


def _nothing_changed(sources: dict[str, str], out_dir: Path, state: BuildState) -> bool:
    """The fast path: same card files, same note type, same writer, every package still the one we wrote."""
    if not state.outputs or state.note_type is None or not sources:
        return False
    if state.note_type.hash != note_type_hash() or sources != state.sources or state.writer != apkg.WRITER_FORMAT:
        return False
    return all(
        recorded_package_sha(out_dir / name, recorded) is not None for name, recorded in state.outputs.items()
    )


def stale_outputs(cards_dir: Path, out_dir: Path) -> list[str]:
    """Which committed packages differ in content from what cards/ builds now, or were written by
    another package writer than this one (empty: fresh).

    The rebuild happens in a temporary folder from the committed build state, so nothing in
    `out_dir` changes. Contents, not bytes, are compared: SQLite records its version in every
    collection, so the same writer gives other bytes under another SQLite.
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
            if (
                state.writer != apkg.WRITER_FORMAT
                or not committed.exists()
                or apkg.package_digest(committed) != apkg.package_digest(scratch / deck.output)
            ):
                stale.append(deck.output)
        expected = {deck.output for deck in report.decks}
        stale.extend(sorted(p.name for p in out_dir.glob("*.apkg") if p.name not in expected))
        if not stale and read_state(scratch).notes != state.notes:
            stale.append(STATE_FILE)
    return stale

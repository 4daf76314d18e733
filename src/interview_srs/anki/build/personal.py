"""`srs build --answers`: the personal package, the shared decks' notes with your own answers.

Its notes have the shared decks' GUIDs, so importing it updates those notes in place; its own
build state (PERSONAL_STATE, next to it) moves a note's `mod` exactly when its content changes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from interview_srs.anki.build import apkg, chunked_zip
from interview_srs.anki.build.files import file_sha, recorded_package_sha, safe_output_path
from interview_srs.anki.build.index import Index, index_of, render_deck
from interview_srs.anki.build.outputs import NoteRows
from interview_srs.anki.build.plan import plan_build
from interview_srs.anki.build.state import STATE_FILE, BuildError, BuildState, build_clock, read_state, state_text
from interview_srs.bank.card_paths import COMBINED_STEM, package_name
from interview_srs.bank.load import load_folders
from interview_srs.base.output_set import STATE_TEMP_PREFIX, OutputSet, remove_leftovers, write_failure


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
    (output,) = [o for o in plan.outputs if o.name == package_name(COMBINED_STEM)]
    target = safe_output_path(out_dir, PERSONAL_PACKAGE)
    previous = state.outputs.get(PERSONAL_PACKAGE, {})
    sha = recorded_package_sha(target, previous)
    written = not (sha is not None and previous.get("inputs") == output.inputs_hash and state.writer == apkg.WRITER_FORMAT)
    try:  # the package and its state change together, as a shared build's do (output_set.py)
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with OutputSet(out_dir) as files:
            if written:
                temporary = files.temporary(target, f".{target.stem}-", apkg.TEMP_PACKAGE_SUFFIX)
                rows = NoteRows(index)
                decks = [apkg.DeckContent(name, map(rows.row, notes)) for name, notes in output.decks]
                apkg.write_package_to(temporary, decks, plan.note_type.mod)
                sha = file_sha(temporary)
            new_state = BuildState(note_type=plan.note_type, notes=plan.stamps,
                                   outputs={PERSONAL_PACKAGE: {"inputs": output.inputs_hash, "sha256": sha}},
                                   writer=apkg.WRITER_FORMAT)
            files.temporary(out_dir / PERSONAL_STATE, STATE_TEMP_PREFIX).write_text(state_text(new_state), "utf-8")
            files.commit()
    except (OSError, sqlite3.Error, chunked_zip.PackageTooLarge) as exc:
        raise BuildError(write_failure(out_dir, exc)) from None
    return PersonalReport(
        output=target,
        cards=len(plan.stamps),
        answers=len(answers),
        changed=output.new + output.changed,
        warnings=tuple(warnings),
        written=written,
    )

"""The plan of a build: every note's `mod`, and which notes go into which package.

Pure (the bank's index and the previous state in, a plan out), so it is easy to test. A card
keeps its `mod` while its content hash is unchanged; a package is rewritten exactly when the
hash of its inputs (the note type, and each note's GUID, `mod` and content) changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from interview_srs.anki.notes import note_type_hash
from interview_srs.anki.build.index import IndexedFile
from interview_srs.anki.build.state import BuildError, BuildState, Stamp, json_text
from interview_srs.bank.card_paths import COMBINED_STEM, package_name


class Placed(NamedTuple):
    """A note's place in a package, and where its rendered fields are (index.py).

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
    type_hash = note_type_hash()
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
        name = package_name(file.path.stem)
        if name in names or name == package_name(COMBINED_STEM):
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
            name=package_name(COMBINED_STEM),
            label="（全部）",
            decks=tuple(everything),
            inputs_hash=inputs_hash(everything),
            new=tuple(i for ids in per_deck_new.values() for i in ids),
            changed=tuple(i for ids in per_deck_changed.values() for i in ids),
        )
    )
    return BuildPlan(note_type=note_type, stamps=stamps, outputs=tuple(outputs))


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

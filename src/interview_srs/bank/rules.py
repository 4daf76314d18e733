"""Rules across card files: repeated ids, clashing deck names, files that would write the same
package; and the order every command lists problems in."""

from __future__ import annotations

from interview_srs.bank.card_paths import COMBINED_PACKAGE, package_of
from interview_srs.bank.model import Card, DeckFile
from interview_srs.base.problems import Problem

def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """In the order of files, then lines: how every command lists them."""
    return sorted(problems, key=_problem_order)


def package_name_problems(decks: list[DeckFile]) -> list[Problem]:
    """Files that `srs build` would write to the same package (`a b.yaml` and `a_b.yaml`,
    `s1/ops.yaml` and `s2/ops.yaml`, or a file named like the combined package)."""
    problems = []
    first: dict[str, DeckFile] = {}
    for deck in decks:
        name = package_of(deck.path)
        key = name.casefold()  # one file on case-insensitive file systems (macOS, Windows)
        if key == COMBINED_PACKAGE.casefold():
            message = f"this file would be built into {name}, the package that holds every deck; rename the file"
        elif key in first:
            message = (
                f"this file would be built into {name}, as would {first[key].display_path}; "
                "rename one of them"
            )
        else:
            first[key] = deck
            continue
        problems.append(Problem(deck.location, message, field="deck"))
    return problems


def _problem_order(problem: Problem) -> tuple:
    loc = problem.location
    return (loc.path, loc.line, loc.column)


def cross_file_problems(decks: list[DeckFile]) -> list[Problem]:
    """Problems only visible across files: repeated ids and clashing deck names.

    Reads only names, ids and locations, so a build passes its index (anki/build/index.py) instead."""
    problems: list[Problem] = []
    first_id: dict[str, Card] = {}  # the location is only made for a message
    for deck in decks:
        for card in deck.cards:
            if card.id in first_id:
                problems.append(
                    Problem(
                        card.location,
                        f"duplicate id '{card.id}' (first used at {first_id[card.id].location})",
                        card.id,
                        "id",
                    )
                )
            else:
                first_id[card.id] = card
    # Anki compares deck names without regard to case, so these would merge into one deck.
    first_deck: dict[str, DeckFile] = {}
    for deck in decks:
        key = deck.deck.casefold()
        if key in first_deck:
            other = first_deck[key]
            problems.append(
                Problem(
                    deck.location,
                    f"deck '{deck.deck}' is already used by {other.display_path} "
                    f"('{other.deck}'); each file must have its own deck",
                    field="deck",
                )
            )
        else:
            first_deck[key] = deck
    return problems



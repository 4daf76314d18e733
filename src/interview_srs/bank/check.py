"""`srs check`: validate every card file, then warn about content that falls short.

A curator runs it after every edit of a large bank, so it reads of each unchanged file only
what the warnings need: a small entry cached by the file's bytes (quality.FileView), not every
card's text. The checks and messages are load_bank's and content_warnings' own: a file whose
view is not cached is parsed (through the parse cache) and checked as load_bank checks it, the
views are checked across files as decks are, and every card's text is read only when the
repeated-line findings must be worked out again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from interview_srs.bank import parse_cache, quality
from interview_srs.bank.load import listed_card_files, parse_file
from interview_srs.bank.model import DeckFile, display_name
from interview_srs.bank.rules import cross_file_problems, package_name_problems, sorted_problems
from interview_srs.base.problems import CardsError, Location, Problem


@dataclass(frozen=True)
class CheckReport:
    """What `srs check` found in a sound bank: its cards (the retired ones apart), files and warnings."""

    cards: int  # in the bank: reviewed, and built into the decks
    decks: int
    warnings: list[quality.QualityWarning]
    retired: int  # left the bank, still shipped so a re-import marks them in Anki


def check_cards(cards_dir: Path, today: date | None = None, use_cache: bool = True) -> CheckReport:
    """The bank's warnings; CardsError, as load_bank raises it, when any file is invalid."""
    cards_dir = Path(cards_dir)
    folder = parse_cache.cache_dir() if use_cache else None
    views: list[quality.FileView] = []
    problems: list[Problem] = []
    read: dict[Path, bytes] = {}  # the bytes each view was made from, to parse again if needed
    parsed: dict[Path, DeckFile] = {}
    for path in listed_card_files(cards_dir):
        shown = display_name(path)
        try:
            data = read[path] = path.read_bytes()
        except OSError as exc:  # unreadable, or removed since it was listed
            problems.append(Problem(Location(shown, 1, 1), f"cannot read the file: {exc.strerror or exc}"))
            continue
        view = None
        if folder is not None:
            view = quality.stored_file_view(hashlib.sha256(data).hexdigest(), path, shown, folder)
        if view is None:
            deck, file_problems = parse_file(data, path, shown, folder)
            problems.extend(file_problems)
            if deck is None:
                continue
            parsed[path] = deck
            # a file with problems is not cached: its view would be taken for a sound file's
            view = quality.file_view(deck, folder if not file_problems else None)
        views.append(view)
    problems.extend(cross_file_problems(views))
    problems.extend(package_name_problems(views))
    if problems:
        raise CardsError(sorted_problems(problems))

    def decks() -> list[DeckFile]:
        return [parsed.get(view.path) or _parse_again(view, read[view.path], folder) for view in views]

    warnings = quality.view_warnings(views, decks, today, folder)
    retired = sum(view.retired for view in views)
    return CheckReport(cards=sum(len(view.cards) for view in views) - retired, decks=len(views), warnings=warnings,
                       retired=retired)


def _parse_again(view: quality.FileView, data: bytes, folder: Path | None) -> DeckFile:
    """The full file a cached view was made from: the same bytes, so it parses without problems."""
    deck, _problems = parse_file(data, view.path, view.display_path, folder)
    return deck

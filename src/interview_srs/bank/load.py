"""The bank loader: card files → parsed, validated DeckFiles, through the one parse cache.

`load_bank` loads a whole cards folder (srs check, build); `read_card_files` and `parse_changed`
load only the files that changed since the store last read them, checked against the others'
ids and places (the store's sync, store/home.py). Files parsed before with the same bytes come
from the parse cache (parse_cache.py); a file whose earlier version is cached has only its
changed cards composed again (card_pieces.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from interview_srs.bank import card_pieces, parse_cache
from interview_srs.bank.card_paths import card_files
from interview_srs.bank.model import Bank, DeckFile, display_name
from interview_srs.bank.parse import parse_deck_file
from interview_srs.bank.rules import cross_file_problems, package_name_problems, sorted_problems
from interview_srs.bank.sources import no_card_files, unreadable
from interview_srs.base.problems import CardsError, Problem


def load_bank(cards_dir: Path, use_cache: bool = True) -> Bank:
    """Load and validate every card file; raise CardsError listing every problem found.

    Files parsed before with the same bytes come from the parse cache (parse_cache.py).
    """
    cards_dir = Path(cards_dir)
    paths = listed_card_files(cards_dir)
    problems: list[Problem] = []
    decks: list[DeckFile] = []
    folder = parse_cache.cache_dir() if use_cache else None
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:  # unreadable, or removed since it was listed
            problems.append(unreadable(path, exc))
            continue
        deck, file_problems = parse_file(data, path, display_name(path), folder)
        problems.extend(file_problems)
        if deck is not None:
            decks.append(deck)
    problems.extend(cross_file_problems(decks))
    problems.extend(package_name_problems(decks))
    if problems:
        raise CardsError(sorted_problems(problems))
    return Bank(tuple(decks))


def listed_card_files(cards_dir: Path) -> list[Path]:
    """The card files in `cards_dir`; CardsError when it is not a folder or holds none."""
    if not cards_dir.is_dir():
        raise no_card_files(cards_dir)
    paths = card_files(cards_dir)
    if not paths:
        raise no_card_files(cards_dir)
    return paths


@dataclass(frozen=True)
class FileBytes:
    """A card file's bytes as read, with their sha256 (hex): what tells a changed file from one
    that was only touched."""

    path: Path
    data: bytes
    digest: str


def read_card_files(paths: dict[str, Path]) -> dict[str, FileBytes]:
    """The bytes of each file, under the same keys; CardsError at the first that cannot be read."""
    read = {}
    for key, path in paths.items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CardsError([unreadable(path, exc)]) from None
        read[key] = FileBytes(path, data, hashlib.sha256(data).hexdigest())
    return read


def parse_changed(files: dict[str, FileBytes], unchanged: list[DeckFile]) -> dict[str, DeckFile]:
    """Parse the changed card files (through the parse cache) and check them across files against
    the `unchanged` ones (stand-ins holding their deck and their cards' ids and places); the
    parsed files under the same keys. CardsError listing every problem, in file order."""
    folder = parse_cache.cache_dir()
    problems: list[Problem] = []
    parsed: dict[str, DeckFile] = {}
    for key, file in files.items():
        deck, file_problems = parse_file(file.data, file.path, display_name(file.path), folder)
        problems.extend(file_problems)
        if deck is not None:
            parsed[key] = deck
    problems.extend(cross_file_problems(sorted([*parsed.values(), *unchanged], key=lambda deck: deck.path)))
    if problems:
        raise CardsError(sorted_problems(problems))
    return parsed


def parse_file(
    data: bytes, path: Path, shown: str, cache_folder: Path | None
) -> tuple[DeckFile | None, list[Problem]]:
    """`parse_deck_file` through the parse cache in `cache_folder` (None: no cache).

    A file not in the cache whose earlier version is has only its changed cards composed
    (card_pieces.py); the result is the same.
    """
    if cache_folder is None:
        return parse_deck_file(data, path, shown)
    digest = hashlib.sha256(data).hexdigest()  # the cache key, and the DeckFile's digest
    cached = parse_cache.load(digest, path, shown, cache_folder)
    if cached is not None:
        return cached, []
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        text = None
    previous = parse_cache.latest_runs(path, cache_folder) if text else {}
    done = card_pieces.parse(text, path, shown, previous, parse_cache.card_from_json) if previous else None
    if done is not None:
        deck, runs, reused = done
        deck = replace(deck, digest=digest)
        parse_cache.store(deck, cache_folder, path, runs, reused)
        return deck, []
    deck, problems = parse_deck_file(data, path, shown, digest)
    if deck is not None and not problems:
        parse_cache.store(deck, cache_folder, path, card_pieces.runs_of(text, deck))
    return deck, problems



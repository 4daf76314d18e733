"""The bank loader: a cards folder → a parsed, validated Bank, through the one parse cache.

Files parsed before with the same bytes come from the parse cache (parse_cache.py); a file whose
earlier version is cached has only its changed cards composed again (card_pieces.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from interview_srs.bank import card_pieces, parse_cache
from interview_srs.bank.card_paths import card_files
from interview_srs.bank.model import Bank, DeckFile, display_name
from interview_srs.bank.parse import parse_deck_file
from interview_srs.bank.rules import cross_file_problems, package_name_problems, sorted_problems
from interview_srs.base.problems import CardsError, Location, Problem

def load_bank(cards_dir: Path, use_cache: bool = True) -> Bank:
    """Load and validate every card file; raise CardsError listing every problem found.

    Files parsed before with the same bytes come from the parse cache (parse_cache.py).
    """
    return load_folders((cards_dir,), use_cache)


def load_folders(folders: tuple[Path, ...], use_cache: bool = True) -> Bank:
    """The cards of several folders as one bank, read as `srs review` reads them (the bundled
    bank plus your own folders, see sources.py): each must exist, one may be empty while
    another has cards; ids and deck names must differ across them all, package names within
    each folder (each is built on its own)."""
    folders = tuple(Path(folder) for folder in folders)
    listed = [card_files(folder) if folder.is_dir() else listed_card_files(folder) for folder in folders]
    if not any(listed):
        listed_card_files(folders[0])  # raises: no card files
    problems: list[Problem] = []
    decks: list[DeckFile] = []
    clashing_packages: list[Problem] = []
    cache = parse_cache.cache_dir() if use_cache else None
    for paths in listed:
        folder_decks = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:  # unreadable, or removed since it was listed
                problems.append(Problem(Location(display_name(path), 1, 1), f"cannot read the file: {exc.strerror or exc}"))
                continue
            deck, file_problems = parse_file(data, path, display_name(path), cache)
            problems.extend(file_problems)
            if deck is not None:
                folder_decks.append(deck)
        clashing_packages.extend(package_name_problems(folder_decks))
        decks.extend(folder_decks)
    problems.extend(cross_file_problems(decks))
    problems.extend(clashing_packages)
    if problems:
        raise CardsError(sorted_problems(problems))
    return Bank(tuple(decks))


def listed_card_files(cards_dir: Path) -> list[Path]:
    """The card files in `cards_dir`; CardsError when it is not a folder or holds none."""
    if not cards_dir.is_dir():
        message = "cards folder not found"
        if cards_dir.is_symlink():
            message += " (a symbolic link that leads nowhere, or to itself)"
        raise CardsError([Problem(Location(display_name(cards_dir), 1, 1), message)])
    paths = card_files(cards_dir)
    if not paths:
        raise CardsError([Problem(Location(display_name(cards_dir), 1, 1), "no card files (*.yaml) in this folder")])
    return paths


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



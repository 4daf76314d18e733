"""The bank loader: card files → parsed, validated DeckFiles, through the one parse cache.

`load_bank` loads a whole cards folder (srs check, build); `read_card_files` and `parse_changed`
load only the files that changed since the store last read them, checked against the others'
ids and places (the store's sync, store/home.py). Files parsed before with the same bytes come
from the parse cache (parse_cache.py); a file whose earlier version is cached has only its
changed cards composed again (card_pieces.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import Any

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
    cache = parse_cache.cache_dir() if use_cache else None
    problems: list[Problem] = []
    decks: list[DeckFile] = []
    clashing_packages: list[Problem] = []
    for paths in listed:
        parsed = parse_files(paths, cache)
        folder_decks = [deck for deck, _problems in parsed if deck is not None]
        problems.extend(problem for _deck, found in parsed for problem in found)
        clashing_packages.extend(package_name_problems(folder_decks))
        decks.extend(folder_decks)
    problems.extend(cross_file_problems(decks))
    problems.extend(clashing_packages)
    if problems:
        raise CardsError(sorted_problems(problems))
    return Bank(tuple(decks))


def raise_problems(problems: list[Problem], files: Sequence[DeckFile]) -> None:
    """CardsError listing `problems` and those across `files` (the bank's DeckFiles, or what a
    build keeps of them, read alike), in file order; nothing when there are none."""
    problems = [*problems, *cross_file_problems(files), *package_name_problems(files)]
    if problems:
        raise CardsError(sorted_problems(problems))


# Below this many bytes to parse, starting worker processes costs more than it saves.
PARALLEL_BYTES = 2_000_000


def parse_files(
    paths: list[Path], cache_folder: Path | None, derive: Callable[[DeckFile, list[Problem], bool], Any] | None = None
) -> list[tuple[Any, list[Problem]]]:
    """Read and parse each file (`parse_file`), in order: (its DeckFile or None, its problems).

    Composing YAML holds the GIL, so threads would not help: when there is much to parse, the
    files are parsed on every core, in worker processes (where none can be started, here).
    `derive(deck, problems, in_worker)`, a module-level function, replaces each DeckFile by what
    a caller keeps of it, computed where the file was parsed, so that a worker sends back only
    that (a build's index, not 10,000 parsed cards).
    """
    workers = min(len(paths), os.cpu_count() or 1)
    if workers > 1 and sum(map(_size, paths)) > PARALLEL_BYTES:
        # imported here: multiprocessing is slow to import, and a rebuild seldom needs it
        from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor

        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(_parse_path, paths, repeat(cache_folder), repeat(derive), repeat(True)))
        except (OSError, BrokenProcessPool):
            pass
    return [_parse_path(path, cache_folder, derive, False) for path in paths]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _parse_path(
    path: Path, cache_folder: Path | None, derive: Callable | None, in_worker: bool
) -> tuple[Any, list[Problem]]:
    shown = display_name(path)
    try:
        data = path.read_bytes()
    except OSError as exc:  # unreadable, or removed since it was listed
        return None, [unreadable(path, exc)]
    deck, problems = parse_file(data, path, shown, cache_folder)
    if deck is None or derive is None:
        return deck, problems
    return derive(deck, problems, in_worker), problems


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

"""Where the review data lives, and opening it: the store, the config next to it, the cards synced.

Shared by `srs review`, `srs stats` and the commands that look cards up. The store path is
`--store PATH`, else `$SRS_HOME/store.sqlite3`, else the platform's user data folder;
`config.toml` is read from the store's folder, and the card sources follow `sources.resolve`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from interview_srs.schedule.config import CONFIG_NAME, Config, load_config
from interview_srs.schedule.scheduler import StudyDay, local_zone
from interview_srs.bank.sources import CardSources, resolve, stat_card_files
from interview_srs.store import lookups, sync
from interview_srs.store.connection import Store, default_store_path
from interview_srs.store.health import StoreError, reading
from interview_srs.store.rows import CardFilter


@dataclass(frozen=True)
class Home:
    """An opened store with what every command reads beside it: the config, its path, where the
    cards come from and the study day (its rollover and time zone)."""

    store: Store
    config: Config
    config_path: Path
    sources: CardSources
    zone: tzinfo | None = None  # the user's zone (scheduler.local_zone); None: the system's

    @property
    def study_day(self) -> StudyDay:
        return StudyDay(self.config.day_starts_at, self.zone)


def store_path_for(store_path: Path | None, environ: dict | None = None) -> Path:
    return Path(store_path) if store_path is not None else default_store_path(environ)


def open_home(store_path: Path | None, cards_dir: Path | None, at: datetime,
              environ: dict | None = None, cwd: Path | None = None) -> Home:
    """Read the config, open the store (running migrations) and sync it with the card sources
    (`cards_dir` when given, else as `sources.resolve` finds them).

    The store's integrity check runs before its first write: read-only commands only pay for
    it if the sync has to write (a review session starts it early: Store.check_in_background).
    Raises ConfigError, StoreError or cards.CardsError.
    """
    path = store_path_for(store_path, environ)
    config, sources = card_sources(path, cards_dir, environ, cwd)
    store = Store.open(path)
    try:
        with reading(path):
            sync_cards(store, sources, at)
    except BaseException:
        store.close()
        raise
    return Home(store, config, path.parent / CONFIG_NAME, sources, local_zone(config, environ))


def card_sources(store_path: Path | None, cards_dir: Path | None, environ: dict | None = None,
                 cwd: Path | None = None) -> tuple[Config, CardSources]:
    """The config next to the store and the card folders it and `cards_dir` give
    (`sources.resolve`): what every command that reads your cards reads, `srs review` and
    `srs build --answers` alike. Raises ConfigError, and StoreError when there are no cards."""
    path = store_path_for(store_path, environ)
    config = load_config(path.parent / CONFIG_NAME)
    sources = resolve(cards_dir, path.parent, config.card_folders, cwd)
    if not sources.folders:
        raise StoreError("no cards: this installation has no bundled bank; pass --cards DIR")
    return config, sources


def sync_cards(store: Store, sources: CardSources, at: datetime) -> sync.SyncReport:
    """Bring the store's cards in line with the card files of every source folder; raise
    CardsError on bad cards (store/sync.py says what is read and what is hidden).

    An unchanged bank costs a stat of each file: nothing is read or hashed, and the bank loader
    (and YAML with it) is not even imported. Changed files are read, and those whose bytes
    differ from the last reading are parsed by the bank loader, which checks them against the
    other files' ids and places as the store knows them.
    """
    files = stat_card_files(sources.folders)
    plan = sync.plan_sync(files, sync.indexed_files(store), sources.owns)
    if plan.nothing_to_do:
        return sync.SyncReport()
    from interview_srs.bank.load import parse_changed, read_card_files  # start-up time: see above

    read = read_card_files({key: files[key].path for key in plan.stale})
    changed = {key: file for key, file in read.items() if plan.needs_parsing(key, file.digest)}
    unchanged = {key: file.path for key, file in files.items() if key not in changed}
    parsed = parse_changed(changed, sync.unchanged_decks(store, plan, unchanged))
    return sync.apply_sync(store, plan, files, {key: file.digest for key, file in read.items()}, parsed, at)


def plain_word(pattern: str) -> bool:
    """A --deck pattern that is a word (no `::`, no glob characters): it matches companies too."""
    return "::" not in pattern and not any(char in pattern for char in "*?[")


def decks_matching(decks: list[str], pattern: str, companies: dict[str, str] | None = None) -> tuple[str, ...]:
    """The decks `pattern` names, by the one rule every `--deck` follows (case-insensitive):

    * a glob on the deck path, a deck's subdecks included: `面试::快手` selects 面试::快手 and
      面试::快手::运营; `*运营` works too;
    * a plain word (no `::`, no glob characters) contained in the deck path or in the deck's
      company (`companies`: deck → company): `快手` selects 面试::快手::营销服务, as
      `srs interview add 快手` does.
    """
    folded = pattern.casefold()
    word = plain_word(pattern)
    companies = companies or {}
    chosen = []
    for deck in decks:
        parts = deck.split("::")
        prefixes = ["::".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(p.casefold(), folded) for p in prefixes) or (
            word and (folded in deck.casefold() or folded in companies.get(deck, "").casefold())
        ):
            chosen.append(deck)
    return tuple(chosen)


def card_filter(store: Store, deck: str | None, tag: str | None) -> CardFilter:
    """The filter for --deck/--tag; raise StoreError when --deck matches no deck."""
    from interview_srs.store.interviews import deck_companies

    decks = None
    if deck is not None:
        known = lookups.decks(store)
        companies = {name: company for name, company in deck_companies(store) if company}
        decks = decks_matching(known, deck, companies)
        if not decks:
            listed = ", ".join(known) if known else "none"
            raise StoreError(f"no deck matches '{deck}' (decks: {listed})")
    return CardFilter(decks=decks, tag=tag)


__all__ = ["Home", "card_filter", "card_sources", "decks_matching", "open_home", "plain_word", "sync_cards"]

"""Helpers shared by the store's tests: a fixed time, syncing a folder, answering a card."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from interview_srs.bank.sources import CardSources
from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import Schedulers
from interview_srs.store import answers, lookups
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards
from interview_srs.store.queries import plan_cards
from interview_srs.store.rows import CardFilter
from interview_srs.store.sync import SyncReport

T0 = datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc)
NO_FUZZ = Config(fuzz=False)


def sync(store: Store, folders: Path | list[Path], at: datetime = T0) -> SyncReport:
    """Sync the store with one folder or several, as `srs review --cards` would."""
    folders = (folders,) if isinstance(folders, Path) else tuple(folders)
    return sync_cards(store, CardSources(folders, "given"), at)


def answer(store: Store, card_id: str, rating: int, at: datetime, session: str = "s1", config=NO_FUZZ):
    schedulers = Schedulers(config)
    deck = lookups.card(store, card_id).deck
    return answers.record_answer(
        store, card_id, rating, at, 1234, lambda before: schedulers.answer(card_id, deck, before, rating, at),
        session=session,
    )


def new_ids(store: Store, filt: CardFilter, at: datetime, limit: int) -> list[str]:
    """The new cards a session may show at `at`, as the planner reads them (file order)."""
    return [c.id for c in plan_cards(store, filt, at, at, new_limit=limit) if c.state.state == 0]

"""Single cards looked up and managed from the command line (`srs show`, `srs suspend` /
`srs unsuspend`): the facts about a card, and suspending several cards as one change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.config import Config
from interview_srs.schedule.readiness import recall_at
from interview_srs.schedule.scheduler import NEW
from interview_srs.store.answers import Answer
from interview_srs.store.rows import CardFilter, StoredCard
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.store import answers, lookups, queries


@dataclass(frozen=True)
class CardFacts:
    """A card with what is known about its memory at `at`."""

    card: StoredCard
    lapses: int
    recall: float | None  # predicted recall at `at` with the deck's parameters; None: never answered
    desired_retention: float
    leech: bool  # forgotten at least config.leech_threshold times
    history: tuple[Answer, ...]  # every answer it was given, oldest first


def card_facts(store: Store, config: Config, card_id: str, at: datetime) -> CardFacts:
    """Raises StoreError for an unknown id, and ValueError for a card answered before (not new)
    that lacks its due time or memory: FSRS stores all three with every answer, so only damage or
    a hand edit leaves one out (store/health.reading words it as a value it cannot read)."""
    card = lookups.card(store, card_id)
    state = card.schedule
    if state.state != NEW and None in (state.due, state.stability, state.difficulty):
        raise ValueError(f"card {card_id} in state {state.state} lacks its due time, stability or difficulty")
    lapses = lookups.lapses(store, card_id)
    deck = config.for_deck(card.deck)
    recall = None if state.state == NEW else recall_at(state, at, deck.parameters)
    return CardFacts(card, lapses, recall, deck.desired_retention, lapses >= config.leech_threshold,
                     tuple(answers.log(store, card_id)))


def set_suspended(store: Store, card_ids: tuple[str, ...], suspended: bool) -> list[StoredCard]:
    """Suspend or unsuspend every id; an unknown id changes nothing and raises StoreError."""
    cards = []
    for card_id in card_ids:
        try:
            cards.append(lookups.card(store, card_id))
        except StoreError:
            raise StoreError(f"no card with id '{card_id}' (find ids with `srs search TEXT`); nothing was changed") from None
    for card in cards:
        answers.suspend(store, card.id, suspended)
    return cards


def deck_card_ids(store: Store, filt: CardFilter) -> tuple[str, ...]:
    """The present cards of `--deck`'s decks (`store.home.card_filter`): a whole deck set aside
    with `srs suspend --deck` or brought back with `srs unsuspend --deck`."""
    return tuple(row[0] for row in queries.stat_cards(store, filt))


__all__ = ["CardFacts", "card_facts", "deck_card_ids", "set_suspended"]

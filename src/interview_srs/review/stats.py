"""The figures of `srs stats`: cards by state per deck, due forecast, review history,
retention, retrievability, answer times, and predicted recall at a given time.

`collect` turns the store into a `Stats` value (the clock and study day are parameters);
commands/stats.py words it as text or JSON.

* Due today: cards that are not new, suspended or buried, due before the end of the study day.
* Forecast: non-new, unsuspended cards by the study day they fall due (overdue ones count today).
* True retention: over the last 30 study days, the share of answers to cards in the review
  state that were not "Again" (as Anki's "true retention"); compared with desired retention.
* Retrievability: FSRS's predicted recall probability now, averaged over reviewed cards.
* Leeches: cards forgotten (Again on a review card) at least `leech_threshold` times.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from interview_srs.schedule.config import Config
from interview_srs.schedule.readiness import Readiness
from interview_srs.schedule.scheduler import (
    NEW,
    STATE_NAMES,
    StudyDay,
    from_ms,
    to_ms,
)
from interview_srs.store import lookups, queries
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store

DAYS = 30


@dataclass(frozen=True)
class DeckStats:
    deck: str
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    suspended: int = 0
    buried: int = 0
    due_today: int = 0
    desired_retention: float = 0.9
    retention_reviews: int = 0
    retention_passed: int = 0

    @property
    def true_retention(self) -> float | None:
        return self.retention_passed / self.retention_reviews if self.retention_reviews else None


@dataclass(frozen=True)
class Stats:
    at: datetime
    today: date
    rollover: int
    decks: tuple[DeckStats, ...]
    total: DeckStats
    forecast: tuple[tuple[date, int], ...]
    history: tuple[tuple[date, int], ...]
    average_retrievability: float | None
    retrievability_cards: int
    cards: tuple[dict, ...]
    leeches: tuple[tuple[str, str, int], ...] = ()  # (id, question, lapses)
    leech_threshold: int = 8


def collect(
    store: Store, config: Config, filt: CardFilter, at: datetime, study_day: StudyDay,
    with_cards: bool = True,
) -> Stats:
    """The figures at `at`; `with_cards` adds every card's FSRS state (for --json)."""
    from interview_srs.schedule.readiness import recall_ms
    from interview_srs.store.lookups import leeches

    params: dict[str, object] = {}  # per deck: config.toml may give decks their own parameters
    today = study_day.date_of(at)
    starts = [to_ms(study_day.start(today + timedelta(days=i))) for i in range(DAYS + 1)]
    day_end = starts[1]
    at_ms = to_ms(at)
    per_deck: dict[str, dict] = {}
    forecast = [0] * DAYS
    cards = []
    r_sum, r_count = 0.0, 0
    for (card_id, deck, state, step, stability, difficulty, due_ms, last_ms, suspended, buried_ms) in (
        queries.stat_cards(store, filt)
    ):
        counts = per_deck.get(deck)
        if counts is None:
            counts = per_deck[deck] = _empty()
        counts[STATE_NAMES[state]] += 1
        buried = buried_ms is not None and buried_ms > at_ms
        counts["suspended"] += suspended
        counts["buried"] += buried
        r = None
        if state != NEW:
            if deck not in params:
                params[deck] = config.for_deck(deck).parameters
            r = recall_ms(stability, last_ms, at_ms, params[deck])
            r_sum += r
            r_count += 1
            if not suspended:
                if due_ms < day_end and not buried:
                    counts["due_today"] += 1
                index = bisect.bisect_right(starts, due_ms) - 1
                if index < DAYS:
                    forecast[max(index, 0)] += 1
        if with_cards:
            cards.append(
                {
                    "id": card_id,
                    "deck": deck,
                    "state": STATE_NAMES[state],
                    "step": step,
                    "stability": stability,
                    "difficulty": difficulty,
                    "due": from_ms(due_ms).isoformat() if due_ms is not None else None,
                    "last_review": from_ms(last_ms).isoformat() if last_ms is not None else None,
                    "retrievability": r,
                    "suspended": bool(suspended),
                    "buried_until": from_ms(buried_ms).isoformat() if buried else None,
                }
            )
    history_starts = [study_day.start(today - timedelta(days=DAYS - 1 - i)) for i in range(DAYS + 1)]
    history = [0] * DAYS
    for day, deck, answers, on_reviews, passed in queries.review_counts(store, filt, history_starts):
        history[day] += answers
        counts = per_deck.get(deck)
        if counts is None:
            counts = per_deck[deck] = _empty()
        counts["retention_reviews"] += on_reviews
        counts["retention_passed"] += passed
    decks = tuple(
        DeckStats(deck=deck, desired_retention=config.for_deck(deck).desired_retention, **values)
        for deck, values in sorted(per_deck.items())
    )
    total = DeckStats(
        deck="",
        desired_retention=config.defaults.desired_retention,
        **{key: sum(getattr(d, key) for d in decks) for key in _empty()},
    )
    return Stats(
        at=at,
        today=today,
        rollover=study_day.rollover,
        decks=decks,
        total=total,
        forecast=tuple((today + timedelta(days=i), n) for i, n in enumerate(forecast)),
        history=tuple((today - timedelta(days=DAYS - 1 - i), n) for i, n in enumerate(history)),
        average_retrievability=r_sum / r_count if r_count else None,
        retrievability_cards=r_count,
        cards=tuple(cards),
        leeches=tuple(leeches(store, filt, config.leech_threshold)),
        leech_threshold=config.leech_threshold,
    )


def _empty() -> dict:
    return dict.fromkeys(
        ("new", "learning", "review", "relearning", "suspended", "buried", "due_today",
         "retention_reviews", "retention_passed"),
        0,
    )


# -- answer times ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerTimes:
    """How long answers took over the last DAYS days (review_log.duration_ms: question shown →
    rating), per deck, and the cards answered slowest against their card type's target."""

    decks: tuple[tuple[str, float, int], ...]  # (deck, mean seconds, answers)
    slowest: tuple[tuple[str, str, float, int], ...]  # (card id, deck, mean seconds, target)


def answer_times(store: Store, config: Config, filt: CardFilter, since: datetime, count: int = 5) -> AnswerTimes:
    per_card = queries.answer_times(store, filt, since)
    per_deck: dict[str, list[int]] = {}
    for _card, deck, total, answers in per_card:
        sums = per_deck.setdefault(deck, [0, 0])
        sums[0] += total
        sums[1] += answers
    slowest = sorted(per_card, key=lambda row: (-row[2] / row[3], row[0]))[:count]
    return AnswerTimes(
        tuple((deck, total / n / 1000, n) for deck, (total, n) in sorted(per_deck.items())),
        tuple(
            (card_id, deck, total / n / 1000, config.target_seconds(_kind(store, card_id)))
            for card_id, deck, total, n in slowest
        ),
    )


def _kind(store: Store, card_id: str) -> str:
    return "star" if lookups.card(store, card_id).back.get("star") else "outline"


# -- predicted recall at a time (--at) -----------------------------------------------------------


WEAKEST = 10


@dataclass(frozen=True)
class Forecast:
    """Predicted recall at `at`: per deck, and the weakest cards already seen (never-seen ones
    are counted per deck)."""

    at: datetime
    decks: tuple[tuple[str, Readiness], ...]
    weakest: tuple[tuple[str, str, float, str], ...]  # (card id, deck, predicted recall, question)


def forecast_at(store: Store, config: Config, filt: CardFilter, at: datetime) -> Forecast:
    from interview_srs.schedule.readiness import deck_readiness, recall_at
    from interview_srs.store.queries import studied_cards

    cards = studied_cards(store, filt)
    params_of = lambda deck: config.for_deck(deck).parameters  # noqa: E731
    per_deck = deck_readiness(
        ((c.deck, c.state) for c in cards), at, lambda deck: config.for_deck(deck).interview_target, params_of
    )
    weakest = sorted(
        ((c.id, c.deck, recall_at(c.state, at, params_of(c.deck))) for c in cards if c.state.state != NEW),
        key=lambda r: (r[2], r[0]),
    )[:WEAKEST]
    return Forecast(at, tuple(per_deck.items()),
                    tuple((i, deck, recall, _question(store, i)) for i, deck, recall in weakest))


def _question(store: Store, card_id: str) -> str:
    """The card's question as a list shows it: `{公司}` named (bank/placeholders.py)."""
    from interview_srs.bank.placeholders import fill

    card = lookups.card(store, card_id)
    return fill(card.question, card.company)


__all__ = ["DAYS", "AnswerTimes", "DeckStats", "Forecast", "Stats", "answer_times", "collect", "forecast_at"]

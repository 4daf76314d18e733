"""Predicted recall at a given time: per card, and summed up per deck or interview.

FSRS predicts the probability of recalling a card `t` days after its last review as
`(1 + factor · t / S) ** -decay`, with `decay` the last of the scheduler's 21 parameters and
`factor` chosen so that recall is 90 % when `t = S`. This module applies that formula at any
time, not just now, so the planner, `srs interview list`, the review countdown, `srs stats --at`
and mock selection all agree on what "ready" means.

Elapsed time counts in fractional days here, while fsrs (`Scheduler.get_card_retrievability`,
and the intervals it schedules) counts whole days: predicted recall at a moment must not jump
when the calendar passes a 24-hour mark (with whole days, the same study reads 100 % for an
interview 23.5 hours away and 86 % at 24.5 hours). At whole days the two agree exactly;
between them this module's figure is the lower, smoother one. Scheduling is left to fsrs as it is.
Never-answered cards have no memory yet: their predicted recall is 0.

Pure: no clock, no store, no fsrs import (its parameters are passed in).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import NEW, CardState, checked_stability

DAY_MS = 86_400_000
# fsrs.scheduler.DEFAULT_PARAMETERS (fsrs 6.2 on; a test checks they agree), written out so that
# predicted recall, and the planner's "would a Good answer now be enough", do not import fsrs.
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)
DEFAULT_DECAY = DEFAULT_PARAMETERS[20]
STABILITY_MIN = 0.001  # fsrs.scheduler.STABILITY_MIN


def decay_of(params: Sequence[float] | None) -> float:
    """The decay of a set of FSRS-6 parameters (None: the defaults)."""
    return DEFAULT_DECAY if params is None else params[20]


def curve_ms(params: Sequence[float] | None = None) -> tuple[float, float]:
    """The forgetting curve as `(1 + per_ms · elapsed_ms / stability) ** exponent`: (per_ms,
    exponent), for loops over many cards and for SQLite to sum it (store/queries.recall_total)."""
    decay = decay_of(params)
    return (0.9 ** (1 / -decay) - 1) / DAY_MS, -decay


def recall_at(state: CardState, when: datetime, params: Sequence[float] | None = None) -> float:
    """FSRS's predicted probability of recalling a card in `state` at `when` (0 for new cards),
    with the elapsed time in fractional days (see the module's docstring)."""
    if state.state == NEW or state.stability is None or state.last_review is None:
        return 0.0
    per_ms, exponent = curve_ms(params)
    elapsed_ms = max(0.0, (when - state.last_review).total_seconds() * 1000)
    return (1 + per_ms * elapsed_ms / checked_stability(state.stability)) ** exponent


def recall_ms(stability: float, last_review_ms: int, at_ms: int, params: Sequence[float] | None = None) -> float:
    """`recall_at` on the store's raw values (milliseconds)."""
    return recall_on(curve_ms(params), stability, last_review_ms, at_ms)


def recall_on(curve: tuple[float, float], stability: float, last_review_ms: int, at_ms: int) -> float:
    """`recall_ms` on a curve worked out once (`curve_ms`), for loops over many cards."""
    per_ms, exponent = curve
    return (1 + per_ms * max(0, at_ms - last_review_ms) / checked_stability(stability)) ** exponent


def recalls_ms(
    rows: Iterable[tuple[str, float | None, int | None]], at_ms: int, params: Sequence[float] | None = None,
) -> dict[str, float]:
    """`recall_ms` of many cards sharing parameters: (id, stability, last review ms) rows, the
    stability None for a new card (recall 0) → recall per id. The curve is worked out once:
    this runs over every card of an interview when a session starts."""
    curve = curve_ms(params)
    return {
        card_id: 0.0 if stability is None else recall_on(curve, stability, last_ms, at_ms)
        for card_id, stability, last_ms in rows
    }


def below_after(target: float, params: Sequence[float] | None = None) -> float:
    """The elapsed days per day of stability past which predicted recall is below `target`: the
    forgetting curve falls steadily, so `recall_at < target` exactly when the time since the last
    review exceeds this many times the stability. The store can then leave out, by a plain
    comparison, the cards an interview's plan has no use for."""
    per_ms, exponent = curve_ms(params)
    return (target ** (1 / exponent) - 1) / (per_ms * DAY_MS)


def stability_after_good(
    stability: float, difficulty: float, last_review_ms: int, at_ms: int, params: Sequence[float] | None = None,
) -> float:
    """The stability a review card gets from a Good answer at `at_ms`, computed as fsrs's
    Scheduler.review_card computes it (the same operations in the same order: whole days elapsed,
    the short-term formula for an answer within a day of the last), so the result is the same
    float. The planner asks this of hundreds of cards when a session starts; review_card copies
    the card and writes a log each time, and its import alone was a tenth of the start-up. A
    property test compares the two on random cards and parameters."""
    w = DEFAULT_PARAMETERS if params is None else params
    stability = checked_stability(stability)
    days = (at_ms - last_review_ms) // DAY_MS  # timedelta.days: floored, negative before the last review
    if days < 1:
        increase = (math.e ** (w[17] * (3 - 3 + w[18]))) * (stability ** -w[19])
        return max(stability * max(increase, 1.0), STABILITY_MIN)
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    recall = (1 + factor * days / stability) ** decay
    grown = stability * (
        1 + (math.e ** (w[8])) * (11 - difficulty) * (stability ** -w[9]) * ((math.e ** ((1 - recall) * w[10])) - 1)
    )
    return max(grown, STABILITY_MIN)


@dataclass(frozen=True)
class Readiness:
    """Predicted recall of a group of cards at one time."""

    cards: int
    never_seen: int
    mean: float | None  # over every card, never-seen ones counting 0; None without cards
    lowest: float | None
    below_target: int
    target: float | None  # None when the cards have different targets

    def to_dict(self) -> dict:
        return {
            "cards": self.cards,
            "never_seen": self.never_seen,
            "readiness": self.mean,
            "lowest": self.lowest,
            "below_target": self.below_target,
            "target": self.target,
        }


def readiness(recalls: Iterable[tuple[float, bool, float]]) -> Readiness:
    """Sum up (predicted recall, never seen, target) triples of the cards of a deck or interview."""
    values = list(recalls)
    targets = {t for _r, _n, t in values}
    return Readiness(
        cards=len(values),
        never_seen=sum(1 for _r, new, _t in values if new),
        mean=sum(r for r, _n, _t in values) / len(values) if values else None,
        lowest=min((r for r, _n, _t in values), default=None),
        below_target=sum(1 for r, _n, t in values if r < t),
        target=targets.pop() if len(targets) == 1 else None,
    )


def deck_readiness(
    states: Iterable[tuple[str, CardState]],
    when: datetime,
    target_of,
    params_of=lambda deck: None,
) -> dict[str, Readiness]:
    """Per deck: readiness at `when` of `(deck, state)` pairs; `target_of(deck)` is its target,
    `params_of(deck)` its FSRS parameters."""
    grouped: dict[str, list[tuple[float, bool, float]]] = {}
    for deck, state in states:
        grouped.setdefault(deck, []).append(
            (recall_at(state, when, params_of(deck)), state.state == NEW, target_of(deck))
        )
    return {deck: readiness(values) for deck, values in sorted(grouped.items())}


__all__ = [
    "DEFAULT_DECAY", "DEFAULT_PARAMETERS", "STABILITY_MIN", "Readiness", "below_after", "curve_ms", "decay_of", "deck_readiness", "readiness",
    "recall_at", "recall_ms", "recall_on", "recalls_ms", "stability_after_good",
]

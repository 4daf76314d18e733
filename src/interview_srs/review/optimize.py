"""`srs optimize`: FSRS parameters fitted to the user's own review log (terminal, Anki and mock).

The fitting is fsrs-rs (through its Python binding `fsrs-rs-python`), the same Rust code that
Anki's Optimize button runs: a small wheel with no dependencies, where py-fsrs' own Optimizer
needs torch. Its parameters are FSRS-6's 21, which py-fsrs' Scheduler loads as they are.

Only reviews given on a later day (24 hours or more, the elapsed days py-fsrs' Scheduler counts)
than the card's previous review carry information about forgetting; each one becomes a training
item holding the card's history up to it. fsrs-rs trains in mini-batches of 512 such items, so
below that we change nothing and say how many more are needed.

The figures shown are fsrs-rs's own evaluation of the old and the new parameters on those
items (Anki shows the same two):

* log-loss: the mean binary cross-entropy between the predicted recall probability and whether
  the card was recalled (rating above Again);
* RMSE (bins): the root mean squared difference between predicted and actual recall rates,
  reviews grouped into bins as Anki groups them.

The recommended desired retention is fsrs-rs's `optimal_retention`: the retention with the
least simulated review cost per card remembered, for 1,000 new cards over a year with Anki's
default answer times and rating frequencies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

MIN_REVIEWS = 512  # fsrs-rs's mini-batch size
EPOCHS = 5  # fsrs-rs's default number of epochs (tests lower it)
SIMULATED_CARDS = 1_000


@dataclass(frozen=True)
class Review:
    card: str
    rating: int
    at: datetime
    duration_ms: int | None


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Fit:
    reviews: int  # all answers
    cards: int
    counted: int  # answers on a later day than the card's previous one
    old: tuple[float, ...]
    new: tuple[float, ...]
    old_scores: Scores
    new_scores: Scores
    retention: float | None  # recommended desired retention


def load_history(store) -> list[Review]:
    from interview_srs.schedule.scheduler import from_ms
    from interview_srs.store.review_history import answers

    return [Review(card, rating, from_ms(at), duration) for card, rating, at, duration in answers(store.conn)]


def _histories(reviews: list[Review]) -> list[list[tuple[int, int]]]:
    """Each card's answers, oldest first, as (rating, whole days since the card's previous answer)."""
    by_card: dict[str, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: r.at):
        by_card.setdefault(review.card, []).append(review)
    histories = []
    for answers in by_card.values():
        previous = answers[0].at
        history = []
        for review in answers:
            history.append((review.rating, (review.at - previous).days))
            previous = review.at
        histories.append(history)
    return histories


def counted_reviews(reviews: list[Review]) -> int:
    """Reviews on a later day (24 h or more) than the same card's previous review."""
    return sum(1 for history in _histories(reviews) for _, days in history[1:] if days > 0)


def training_items(reviews: list[Review]) -> list:
    """One fsrs-rs item per counted review: the card's answers up to and including it."""
    import fsrs_rs_python as fsrs_rs

    items = []
    for history in _histories(reviews):
        for end, (_, days) in enumerate(history[1:], start=2):
            if days > 0:
                items.append(fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, d) for rating, d in history[:end]]))
    return items


def scores(reviews: list[Review], parameters: tuple[float, ...]) -> Scores:
    """Log-loss and RMSE (bins) of `parameters` on `reviews` (see the module docstring)."""
    import fsrs_rs_python as fsrs_rs

    items = training_items(reviews)
    if not items:
        return Scores(math.nan, math.nan)
    evaluation = fsrs_rs.FSRS(list(parameters)).evaluate(items)
    return Scores(evaluation.log_loss, evaluation.rmse_bins)


def recommended_retention(parameters: tuple[float, ...]) -> float:
    import fsrs_rs_python as fsrs_rs

    simulation = fsrs_rs.default_simulator_config()
    simulation.deck_size = SIMULATED_CARDS
    return fsrs_rs.optimal_retention(simulation, list(parameters))


def fit(
    reviews: list[Review], current: tuple[float, ...] | None, epochs: int | None = None, recommend: bool = True
) -> Fit:
    """Fit FSRS-6 parameters to `reviews`.

    The caller checks `counted_reviews(reviews) >= MIN_REVIEWS` first. `recommend` also
    simulates the best desired retention.
    """
    import fsrs
    import fsrs_rs_python as fsrs_rs

    old = tuple(current) if current is not None else tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    fitted = fsrs_rs.FSRS([]).compute_parameters(
        training_items(reviews), training_config=fsrs_rs.TrainingConfig(num_epochs=epochs or EPOCHS)
    )
    new = tuple(round(p, 4) for p in fsrs_rs.check_and_fill_parameters(fitted))
    return Fit(
        reviews=len(reviews),
        cards=len({r.card for r in reviews}),
        counted=counted_reviews(reviews),
        old=old,
        new=new,
        old_scores=scores(reviews, old),
        new_scores=scores(reviews, new),
        retention=recommended_retention(new) if recommend else None,
    )


__all__ = [
    "EPOCHS",
    "MIN_REVIEWS",
    "Fit",
    "Review",
    "Scores",
    "counted_reviews",
    "fit",
    "load_history",
    "recommended_retention",
    "scores",
    "training_items",
]

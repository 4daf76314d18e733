"""`srs optimize`: FSRS parameters fitted to the user's own review log (terminal, Anki and mock).

The fitting is fsrs's own `Optimizer` (py-fsrs, extra `interview-srs[optimizer]`, which brings
torch). Its rules decide what "enough reviews" means: only reviews given on a later day than
the card's previous review carry information about forgetting, and with fewer than 512 of
those (one mini-batch) the Optimizer returns the default parameters; so below that we change
nothing and say how many more are needed.

The figures shown are computed here on the whole history, for the old and the new parameters,
exactly where the Optimizer computes its loss (each review on a later day than the card's
previous one, predicted by replaying the card's earlier answers):

* log-loss: the mean binary cross-entropy between the predicted recall probability and whether
  the card was recalled (rating above Again);
* RMSE (bins): reviews grouped into 20 bins of equal width by predicted probability; the
  square root of the review-weighted mean squared difference between each bin's mean
  prediction and its actual recall rate (a simpler binning than Anki's).

The recommended desired retention is the Optimizer's `compute_optimal_retention` (the
retention, from 0.70 to 0.95, with the least simulated review time per card remembered); it
needs answer durations, and an unknown duration counts as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

MIN_REVIEWS = 512  # fsrs.optimizer's mini_batch_size
EPOCHS = 5  # fsrs.optimizer's num_epochs (tests lower it)
BINS = 20
INSTALL_HINT = "srs optimize needs the optimizer extra: pip install 'interview-srs[optimizer]'"


class OptimizerMissing(Exception):
    """fsrs's Optimizer (torch) is not installed."""


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


def counted_reviews(reviews: list[Review]) -> int:
    """Reviews on a later day (24 h or more) than the same card's previous review."""
    last: dict[str, datetime] = {}
    count = 0
    for review in sorted(reviews, key=lambda r: r.at):
        previous = last.get(review.card)
        if previous is not None and (review.at - previous).days > 0:
            count += 1
        last[review.card] = review.at
    return count


def scores(reviews: list[Review], parameters: tuple[float, ...]) -> Scores:
    """Log-loss and RMSE (bins) of `parameters` on `reviews` (see the module docstring)."""
    import fsrs

    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    cards: dict[str, fsrs.Card] = {}
    pairs: list[tuple[float, int]] = []
    for review in sorted(reviews, key=lambda r: r.at):
        card = cards.get(review.card) or fsrs.Card(card_id=0, due=review.at)
        if card.last_review is not None and (review.at - card.last_review).days > 0:
            predicted = scheduler.get_card_retrievability(card, review.at)
            pairs.append((min(max(predicted, 1e-6), 1 - 1e-6), int(review.rating > 1)))
        cards[review.card], _ = scheduler.review_card(card, fsrs.Rating(review.rating), review.at)
    if not pairs:
        return Scores(math.nan, math.nan)
    log_loss = -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in pairs) / len(pairs)
    bins: dict[int, list[tuple[float, int]]] = {}
    for p, y in pairs:
        bins.setdefault(min(int(p * BINS), BINS - 1), []).append((p, y))
    squared = sum(
        len(items) * (sum(p for p, _ in items) / len(items) - sum(y for _, y in items) / len(items)) ** 2
        for items in bins.values()
    )
    return Scores(log_loss, math.sqrt(squared / len(pairs)))


def fit(
    reviews: list[Review], current: tuple[float, ...] | None, epochs: int | None = None, recommend: bool = True
) -> Fit:
    """Fit FSRS-6 parameters to `reviews`; raise OptimizerMissing without torch.

    The caller checks `counted_reviews(reviews) >= MIN_REVIEWS` first. `recommend` also
    simulates the best desired retention (about 10 s: 1,000 cards over a year, six times).
    """
    try:
        import fsrs
        from fsrs import optimizer as fsrs_optimizer

        import torch  # noqa: F401  (fsrs hides a missing torch until the Optimizer is built)
    except ImportError:
        raise OptimizerMissing(INSTALL_HINT) from None
    old = tuple(current) if current is not None else tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    ids = {card: index for index, card in enumerate(dict.fromkeys(r.card for r in reviews))}
    logs = [
        fsrs.ReviewLog(
            card_id=ids[r.card], rating=fsrs.Rating(r.rating), review_datetime=r.at,
            review_duration=r.duration_ms or 0,
        )
        for r in reviews
    ]
    optimizer = fsrs.Optimizer(logs)
    saved = fsrs_optimizer.num_epochs
    fsrs_optimizer.num_epochs = epochs or EPOCHS  # the Optimizer reads this module setting
    try:
        new = tuple(round(p, 4) for p in optimizer.compute_optimal_parameters())
    finally:
        fsrs_optimizer.num_epochs = saved
    retention = None
    if recommend:
        try:
            retention = float(optimizer.compute_optimal_retention(list(new)))
        except ValueError:  # fewer than 512 answers in all
            pass
    return Fit(
        reviews=len(reviews),
        cards=len(ids),
        counted=counted_reviews(reviews),
        old=old,
        new=new,
        old_scores=scores(reviews, old),
        new_scores=scores(reviews, new),
        retention=retention,
    )


def too_few_message(counted: int) -> str:
    return (
        f"Only {counted} reviews were given on a later day than the card's previous review; fitting "
        f"FSRS needs {MIN_REVIEWS}. Review {MIN_REVIEWS - counted} more (in the terminal, in Anki or in "
        "mock interviews), then run srs optimize again. Nothing was changed."
    )


def format_fit(result: Fit, desired_retention: float) -> list[str]:
    lines = [
        f"Fitted FSRS-6 to {result.reviews} reviews of {result.cards} cards "
        f"({result.counted} on a later day than the card's previous review).",
        f"{'':5}{'old':>9}{'new':>9}",
    ]
    lines += [f"w{i:<4}{old:>9.4f}{new:>9.4f}" for i, (old, new) in enumerate(zip(result.old, result.new))]
    lines.append(f"log-loss     {result.old_scores.log_loss:.4f} -> {result.new_scores.log_loss:.4f}")
    lines.append(f"RMSE (bins)  {result.old_scores.rmse:.2%} -> {result.new_scores.rmse:.2%}")
    if result.retention is not None:
        lines.append(f"Recommended desired retention: {result.retention:.2f} (now {desired_retention:.2f}).")
    return lines


__all__ = [
    "EPOCHS",
    "INSTALL_HINT",
    "MIN_REVIEWS",
    "Fit",
    "OptimizerMissing",
    "Review",
    "Scores",
    "counted_reviews",
    "fit",
    "format_fit",
    "load_history",
    "scores",
    "too_few_message",
]

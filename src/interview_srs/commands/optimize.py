"""`srs optimize`: fit FSRS parameters to the review log, show them, and store them when asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from interview_srs.commands.output import echo, library_errors, with_home

if TYPE_CHECKING:
    from interview_srs.review.optimize import Fit


def run_optimize(cards_dir: Path | None, store_path: Path | None, yes: bool) -> None:
    from interview_srs.review import optimize as optimizer
    from interview_srs.schedule.config import update_config

    home, history = with_home(cards_dir, store_path, lambda home, _at: (home, optimizer.load_history(home.store)),
                              store_only=True)
    counted = optimizer.counted_reviews(history)
    if counted < optimizer.MIN_REVIEWS:
        click.echo(_too_few(counted))
        return
    result = optimizer.fit(history, home.config.defaults.parameters)
    for line in _fit_lines(result, home.config.defaults.desired_retention):
        echo(line)
    if not yes and not click.confirm("Store the new parameters in config.toml?", default=False):
        click.echo("Nothing was changed.")
        return
    library_errors(lambda: update_config(home.config_path, {"parameters": list(result.new)}))
    echo(f"Stored the new parameters in {home.config_path}.")


def _too_few(counted: int) -> str:
    from interview_srs.review.optimize import MIN_REVIEWS

    return (
        f"Only {counted} reviews were given on a later day than the card's previous review; fitting "
        f"FSRS needs {MIN_REVIEWS}. Review {MIN_REVIEWS - counted} more (in the terminal, in Anki or in "
        "mock interviews), then run srs optimize again. Nothing was changed."
    )


def _fit_lines(result: Fit, desired_retention: float) -> list[str]:
    """The fitted parameters beside the old ones, both sets' scores, and the recommended retention."""
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

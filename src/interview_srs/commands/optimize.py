"""`srs optimize`: fit FSRS parameters to the review log, show them, and store them when asked."""

from __future__ import annotations

from pathlib import Path

import click

from interview_srs.commands.output import echo, library_errors, with_home


def run_optimize(cards_dir: Path | None, store_path: Path | None, yes: bool) -> None:
    from interview_srs.review import optimize as optimizer
    from interview_srs.schedule.config import update_config

    home, history = with_home(cards_dir, store_path, lambda home, _at: (home, optimizer.load_history(home.store)))
    counted = optimizer.counted_reviews(history)
    if counted < optimizer.MIN_REVIEWS:
        click.echo(optimizer.too_few_message(counted))
        return
    result = optimizer.fit(history, home.config.defaults.parameters)
    for line in optimizer.format_fit(result, home.config.defaults.desired_retention):
        echo(line)
    if not yes and not click.confirm("Store the new parameters in config.toml?", default=False):
        click.echo("Nothing was changed.")
        return
    library_errors(lambda: update_config(home.config_path, {"parameters": list(result.new)}))
    echo(f"Stored the new parameters in {home.config_path}.")

"""`srs check`: validate the card files and report the warnings; and the one folder that `check`
and `build` (the curator's commands) work on."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interview_srs.commands.output import UserError, echo, fail_with_problems
from interview_srs.commands.process import holding_the_whole_bank


def curator_cards(cards_dir: Path | None) -> Path:
    """The one folder `check` and `build` work on: --cards, a checkout's cards/, or your own
    cards folder ($SRS_HOME/cards)."""
    if cards_dir is not None:
        return cards_dir
    from interview_srs.bank.sources import is_checkout
    from interview_srs.store.connection import default_store_path

    if is_checkout(Path.cwd()):
        return Path("cards")
    own = default_store_path().parent / "cards"
    if own.is_dir():
        return own
    raise UserError(
        f"no cards folder: run this in a checkout of interview-srs, pass --cards DIR, or put your "
        f"own cards in {own}"
    )


def run_check(cards_dir: Path | None, strict: bool) -> None:
    """The warnings on stderr, the count on stdout; exit 1 on a problem (or, with `strict`, a warning)."""
    holding_the_whole_bank()
    from interview_srs.bank.check import check_cards
    from interview_srs.base.problems import CardsError

    cards_dir = curator_cards(cards_dir)
    try:
        report = check_cards(cards_dir)
    except CardsError as error:
        fail_with_problems(error, wrote_nothing=False)
    for warning in report.warnings:
        echo(str(warning), err=True)
    click.echo(check_line(report))
    if strict and report.warnings:
        sys.exit(1)


def check_line(report) -> str:
    """`167 cards in 8 decks (and 10 retired): ok, 0 warnings.`"""
    retired = f" (and {report.retired} retired)" if report.retired else ""
    return (f"{_count(report.cards, 'card')} in {_count(report.decks, 'deck')}{retired}: "
            f"ok, {_count(len(report.warnings), 'warning')}.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"

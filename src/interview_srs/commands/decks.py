"""`srs decks`: write the Anki decks (the bundled ones, or built from --cards) and say which to import."""

from __future__ import annotations

from pathlib import Path

from interview_srs.commands.output import UserError, echo, fail_with_problems


def run_decks(cards_dir: Path | None, out_dir: Path) -> None:
    from interview_srs.anki.build import BuildError
    from interview_srs.anki.decks import DecksError, get_decks
    from interview_srs.base.problems import CardsError

    try:
        echo(get_decks(out_dir, cards_dir))
    except CardsError as error:
        fail_with_problems(error)
    except (BuildError, DecksError) as error:
        raise UserError(error) from None

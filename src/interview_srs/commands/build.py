"""`srs build`: the shared decks (or, with --verify, whether they are stale), or your personal
package with --answers; and the report of what was written."""

from __future__ import annotations

import sys
from pathlib import Path

from interview_srs.commands.check import curator_cards
from interview_srs.commands.output import UserError, echo, fail_with_problems, library_errors
from interview_srs.commands.process import holding_the_whole_bank


def run_build(cards_dir: Path | None, out_dir: Path, verify: bool, answers_dir: str | None) -> None:
    """Build (or verify) the decks of the curator's folder, or the personal package when
    `answers_dir` is given ("" for the store's folder)."""
    holding_the_whole_bank()
    from interview_srs.anki import build as builder
    from interview_srs.base.problems import CardsError

    if answers_dir is not None:
        _build_personal(cards_dir, answers_dir, out_dir)
        return
    cards_dir = curator_cards(cards_dir)
    try:
        if verify:
            stale = builder.stale_outputs(cards_dir, out_dir)
            if stale:
                echo(f"Stale in {out_dir}: {', '.join(stale)}. Run `srs build` and commit.", err=True)
                sys.exit(1)
            echo(f"{out_dir} is up to date with {cards_dir}.")
            return
        report = builder.build(cards_dir, out_dir)
    except CardsError as error:
        fail_with_problems(error)
    except builder.BuildError as error:
        raise UserError(error) from None
    from interview_srs.commands.decks import import_lines

    echo(format_build_report(report, out_dir))
    known = {name: (deck,) for name, deck in report.packages.items() if deck}
    echo("\n".join(import_lines(out_dir, sorted(report.packages), known)))


def _build_personal(cards_dir: Path | None, answers_dir: str, out_dir: Path) -> None:
    """The personal package of the cards `srs review` reads (store.home.card_sources: the
    bundled bank plus your own cards, or a checkout's, or --cards), with your answers."""
    from interview_srs.anki import build as builder
    from interview_srs.personal.answers import default_root
    from interview_srs.store.home import card_sources

    _config, sources = library_errors(lambda: card_sources(None, cards_dir))
    root = Path(answers_dir) if answers_dir else default_root()
    try:
        report = library_errors(lambda: builder.build_personal(sources.folders, root, out_dir))
    except builder.BuildError as error:
        raise UserError(error) from None
    echo(format_personal_report(report))


def format_personal_report(report) -> str:
    """The personal package's line (its warnings go to stderr first)."""
    for warning in report.warnings:
        echo(warning, err=True)
    status = "written" if report.written else "unchanged"
    lines = [f"{report.output}  {report.cards} cards, {report.answers} with your answer  {status}"]
    if report.changed and report.written:
        shown = ", ".join(report.changed[:10]) + (f" and {len(report.changed) - 10} more" if len(report.changed) > 10 else "")
        lines.append(f"Updated on the next import: {shown}")
    return "\n".join(lines)


def format_build_report(report, out_dir: Path) -> str:
    """One line a package (output, cards, news, status, deck), then what changed since the last build."""
    if report.up_to_date:
        return f"Nothing changed; the decks in {out_dir} are up to date."
    lines = []
    width = max(len(deck.output) for deck in report.decks)
    for deck in report.decks:
        status = "written" if deck.written else "unchanged"
        news = f", {len(deck.new)} new" if deck.new else ""
        news += f", {deck.borrowed} from other decks" if deck.borrowed else ""
        changes = f", {len(deck.changed)} changed" if deck.changed else ""
        lines.append(f"{deck.output:<{width}}  {deck.cards:>5} cards{news}{changes}  {status}  {deck.deck}")
    changed = [card for deck in report.decks[:-1] for card in deck.changed]  # the last is the combined deck
    if changed:
        lines.append("Changed since the last build: " + ", ".join(changed))
    if report.removed:
        lines.append("Removed since the last build: " + ", ".join(report.removed))
    if report.note_type_changed:
        lines.append("Note type (templates/CSS) changed: Anki will update it on import.")
    return "\n".join(lines)

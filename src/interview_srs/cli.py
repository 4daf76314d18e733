"""The `srs` command line: parses options and calls the library; nothing else lives here.

Library modules are imported inside the commands: `srs review` starts faster when it does not
load YAML or genanki it will not use.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interview_srs import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="srs")
def cli() -> None:
    """interview-srs: interview questions as Anki decks and FSRS reviews in the terminal."""


CARDS_OPTION = click.option(
    "--cards",
    "cards_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("cards"),
    show_default=True,
    help="Folder of card YAML files.",
)


def _fail_with_problems(error) -> None:
    """Print every problem of a CardsError and exit 1 (cards.py is imported lazily: see below)."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    sys.exit(1)


@cli.command()
@CARDS_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings too.")
def check(cards_dir: Path, strict: bool) -> None:
    """Validate the card files; warn about near-duplicates and over-long backs."""
    from interview_srs.cards import CardsError, load_bank
    from interview_srs.quality import content_warnings

    try:
        bank = load_bank(cards_dir)
    except CardsError as error:
        _fail_with_problems(error)
    warnings = content_warnings(bank)
    for warning in warnings:
        click.echo(str(warning), err=True)
    cards = sum(len(deck.cards) for deck in bank.decks)
    click.echo(f"{cards} cards in {len(bank.decks)} decks: ok, {len(warnings)} warnings.")
    if strict and warnings:
        sys.exit(1)


@cli.command()
@CARDS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("decks"),
    show_default=True,
    help="Folder for the .apkg files and build-state.json.",
)
@click.option("--verify", is_flag=True, help="Write nothing; exit 1 if the decks in --out are stale.")
@click.option(
    "--answers",
    "answers_dir",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DIR]",
    help="Build your personal package instead: every note with your answer from DIR "
    "[default DIR: the store's folder]. Needs an --out other than the shared decks folder.",
)
def build(cards_dir: Path, out_dir: Path, verify: bool, answers_dir: str | None) -> None:
    """Compile the cards into Anki decks (one per file, plus one with everything)."""
    from interview_srs import build as builder
    from interview_srs.cards import CardsError

    try:
        if answers_dir is not None:
            from interview_srs.personal import default_root

            if verify:
                raise click.UsageError("--verify checks the shared decks; it does not go with --answers")

            root = Path(answers_dir) if answers_dir else default_root()
            click.echo(format_personal_report(builder.build_personal(cards_dir, root, out_dir)))
            return
        if verify:
            stale = builder.stale_outputs(cards_dir, out_dir)
            if stale:
                click.echo(f"Stale in {out_dir}: {', '.join(stale)}. Run `srs build` and commit.", err=True)
                sys.exit(1)
            click.echo(f"{out_dir} is up to date with {cards_dir}.")
            return
        report = builder.build(cards_dir, out_dir)
    except CardsError as error:
        _fail_with_problems(error)
    except builder.BuildError as error:
        raise click.ClickException(str(error)) from None
    click.echo(format_build_report(report, out_dir))


def format_personal_report(report) -> str:
    for warning in report.warnings:
        click.echo(warning, err=True)
    status = "written" if report.written else "unchanged"
    lines = [f"{report.output}  {report.cards} cards, {report.answers} with your answer  {status}"]
    if report.changed and report.written:
        shown = ", ".join(report.changed[:10]) + (f" and {len(report.changed) - 10} more" if len(report.changed) > 10 else "")
        lines.append(f"Updated on the next import: {shown}")
    return "\n".join(lines)


def format_build_report(report, out_dir: Path) -> str:
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


# -- review and stats (the store half) ------------------------------------------------------------

STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Review store file [default: $SRS_HOME/store.sqlite3, else the user data folder].",
)
ANSWERS_OPTION = click.option(
    "--answers",
    "answers_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of your answers/ and stories/ [default: the store's folder].",
)


DECK_OPTION = click.option(
    "--deck", metavar="PATTERN", help="Only decks matching this glob (and their subdecks)."
)


def _review_errors(action):
    """Run `action`, turning the library's errors into a message and exit status 1."""
    from interview_srs.config import ConfigError
    from interview_srs.problems import CardsError
    from interview_srs.scheduler import ClockError
    from interview_srs.store import StoreError

    try:
        return action()
    except CardsError as error:
        _fail_with_problems(error)
    except (ConfigError, StoreError, ClockError) as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--tag", help="Only cards with this tag.")
@click.option(
    "--new",
    type=click.IntRange(min=0),
    metavar="N",
    help="New-card limit for today (overrides new_per_day in config.toml).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="At most N different cards this session."
)
@ANSWERS_OPTION
def review(cards_dir: Path, store_path: Path | None, deck: str | None, tag: str | None,
           new: int | None, limit: int | None, answers_dir: Path | None) -> None:
    """Review due cards in the terminal (FSRS); every answer is saved at once."""
    from interview_srs.session import review as run_review

    _review_errors(
        lambda: run_review(cards_dir, store_path, deck=deck, tag=tag, new=new, limit=limit,
                           answers_dir=answers_dir)
    )


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures (and every card's state) as JSON.")
def stats(cards_dir: Path, store_path: Path | None, deck: str | None, as_json: bool) -> None:
    """Cards by state, due forecast, reviews per day, retention and retrievability."""
    from interview_srs import stats as statistics

    click.echo(_review_errors(lambda: statistics.report(cards_dir, store_path, deck=deck, as_json=as_json)))


# -- your own answers and stories -----------------------------------------------------------------

def _print_output(output) -> None:
    from interview_srs.render import clean  # file names and text come from the user's files

    for line in output.lines:
        click.echo(clean(line))
    for problem in output.problems:
        click.echo(clean(problem), err=True)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--story", metavar="NAME", help="Open the story stories/NAME.md instead of a card's answer.")
@click.argument("card_id", metavar="CARD-ID", required=False)
def answer(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, story: str | None,
           card_id: str | None) -> None:
    """Write your own answer to a card (or a story) in $EDITOR."""
    from interview_srs.personal import PersonalError, answer_command

    if (card_id is None) == (story is None):
        raise click.UsageError("give a CARD-ID or --story NAME (one of them)")
    try:
        output = _review_errors(lambda: answer_command(
            cards_dir, store_path, answers_dir, card_id=card_id, story=story))
    except PersonalError as error:
        raise click.ClickException(str(error)) from None
    _print_output(output)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stories, answers and gaps as JSON.")
def stories(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, as_json: bool) -> None:
    """Your stories, the cards using each, and behavioural cards without your answer."""
    from interview_srs.personal import stories_report

    _print_output(_review_errors(lambda: stories_report(cards_dir, store_path, answers_dir, as_json=as_json)))


# -- mock interviews ------------------------------------------------------------------------------


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--interview", metavar="NAME", help="The cards of a planned interview (instead of --deck).")
@click.option("--questions", type=click.IntRange(min=1), default=6, show_default=True, metavar="N",
              help="How many questions.")
@click.option("--seconds", type=click.IntRange(min=5), metavar="S",
              help="Time per question [default: each card's target time].")
@click.option("--type", "typed", is_flag=True, help="Type your answers; see which points they covered.")
@ANSWERS_OPTION
def mock(cards_dir: Path, store_path: Path | None, deck: str | None, interview: str | None, questions: int,
         seconds: int | None, typed: bool, answers_dir: Path | None) -> None:
    """A timed mock interview: opener, mixed questions, 反问; ratings go into FSRS."""
    from interview_srs.mock import MockError, mock as run_mock

    if deck is not None and interview is not None:
        raise click.UsageError("give --deck or --interview, not both")
    try:
        _review_errors(lambda: run_mock(cards_dir, store_path, deck=deck, interview=interview, questions=questions,
                                        seconds=seconds, typed=typed, answers_dir=answers_dir))
    except MockError as error:
        raise click.ClickException(str(error)) from None


# -- Anki sync, optimisation, export -------------------------------------------------------------


@cli.command("sync-anki")
@click.argument("path", type=click.Path(path_type=Path))
@CARDS_OPTION
@STORE_OPTION
@click.option("--use-anki-params", is_flag=True, help="Store the collection's FSRS parameters and desired retention in config.toml.")
@click.option("--write", is_flag=True, help="Also write the terminal answers Anki lacks into the collection (needs interview-srs[anki]).")
def sync_anki(path: Path, cards_dir: Path, store_path: Path | None, use_anki_params: bool, write: bool) -> None:
    """Bring answers given in Anki into the store (and, with --write, the other way)."""
    from interview_srs import anki_sync
    from interview_srs.home import open_home
    from interview_srs.scheduler import now

    def run() -> list[str]:
        home = open_home(store_path, cards_dir, now())
        try:
            result = anki_sync.sync_from_anki(path, home, use_anki_params=use_anki_params)
            lines = anki_sync.format_sync(result, use_anki_params)
            if write:
                from interview_srs import anki_write

                lines.extend(anki_write.format_write(anki_write.write_to_anki(path, home)))
            return lines
        finally:
            home.store.close()

    try:
        lines = _review_errors(run)
    except anki_sync.AnkiSyncError as error:
        raise click.ClickException(_clean(str(error))) from None
    for line in lines:
        click.echo(_clean(line))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: cards and reviews; csv: one row per answer (FSRS optimizer columns first).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file (atomically) instead of standard output.")
def export(cards_dir: Path, store_path: Path | None, fmt: str, out_file: Path | None) -> None:
    """Export the review log and card states (JSON or CSV)."""
    from interview_srs import export as exporter
    from interview_srs.home import open_home
    from interview_srs.scheduler import now

    def run() -> str:
        at = now()
        home = open_home(store_path, cards_dir, at)
        try:
            return exporter.render(home.store, fmt, at)
        finally:
            home.store.close()

    text = _review_errors(run)
    if out_file is None:
        click.echo(_clean(text) if sys.stdout.isatty() else text, nl=False)
        return
    try:
        exporter.write_atomically(out_file, text)
    except OSError as error:
        raise click.ClickException(f"cannot write {out_file}: {error.strerror or error}") from None
    click.echo(_clean(f"Wrote {out_file}."))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--yes", is_flag=True, help="Store the fitted parameters in config.toml without asking.")
def optimize(cards_dir: Path, store_path: Path | None, yes: bool) -> None:
    """Fit FSRS parameters to your review log (needs interview-srs[optimizer])."""
    from interview_srs import optimize as optimizer
    from interview_srs.config import update_config
    from interview_srs.home import open_home
    from interview_srs.scheduler import now

    def run():
        home = open_home(store_path, cards_dir, now())
        try:
            return home, optimizer.load_history(home.store)
        finally:
            home.store.close()

    home, history = _review_errors(run)
    counted = optimizer.counted_reviews(history)
    if counted < optimizer.MIN_REVIEWS:
        click.echo(optimizer.too_few_message(counted))
        return
    try:
        result = optimizer.fit(history, home.config.defaults.parameters)
    except optimizer.OptimizerMissing as error:
        raise click.ClickException(str(error)) from None
    for line in optimizer.format_fit(result, home.config.defaults.desired_retention):
        click.echo(line)
    if not yes and not click.confirm("Store the new parameters in config.toml?", default=False):
        click.echo("Nothing was changed.")
        return
    _review_errors(lambda: update_config(home.config_path, {"parameters": list(result.new)}))
    click.echo(_clean(f"Stored the new parameters in {home.config_path}."))


def _clean(text: str) -> str:
    """Paths and names from files reach the terminal without control sequences."""
    from interview_srs.render import clean

    return clean(text)


def main() -> None:
    cli(prog_name="srs")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
